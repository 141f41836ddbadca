"""One place where pages get the model to look at: this session's runs or the shipped demo."""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from core.bundle import LoadedModel, load_bundle
from core.data import PROJECT_ROOT
from core.jobs import RUNNER
from core.train import Done

DEMO_MODEL = PROJECT_ROOT / "assets" / "demo_model"


@st.cache_resource
def _demo_model(path: str) -> LoadedModel:
    # Read-only after loading (pages only run it in eval mode), so it can be shared.
    return load_bundle(Path(path), label="Demo model (shipped, MNIST)")


def session_models() -> list[LoadedModel]:
    """Models trained in this browser session, newest first (finished, stopped or diverged)."""
    models = []
    for job_id in reversed(st.session_state.get("job_ids", [])):
        job = RUNNER.get(job_id)
        if job is None or job.model is None or job.status not in ("finished", "stopped", "diverged"):
            continue
        done = next((e for e in job.events() if isinstance(e, Done)), None)
        metrics = {"test_accuracy": done.test_accuracy} if done else {}
        label = f"{job.config.model.preset} on {job.dataset.info.name}, {job.status}"
        if done:
            label += f", {done.test_accuracy:.1%} test accuracy"
        models.append(LoadedModel(job.model, job.config, job.dataset.info, label, metrics))
    return models


def available_models() -> list[LoadedModel]:
    """Every model this visitor can use right now."""
    models = session_models()
    if (DEMO_MODEL / "model.safetensors").is_file():
        models.append(_demo_model(str(DEMO_MODEL)))
    return models


def choose_model(key: str) -> LoadedModel | None:
    """A select box of available models; None (with a hint on how to get one) if there are none."""
    models = available_models()
    if not models:
        st.info("No trained model yet. Train one on the **Train** page (the Fast CNN takes under a minute).")
        return None
    labels = [m.label for m in models]
    chosen = st.selectbox("Model", range(len(models)), format_func=labels.__getitem__, key=key,
                          help="A model you trained in this session, or the demo model that ships with the app.")
    return models[chosen]
