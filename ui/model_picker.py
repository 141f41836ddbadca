"""One place where pages get the model to look at: this session's runs, saved runs or the shipped demo."""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Callable

import streamlit as st

from core.basics import settings
from core.store.bundle import LoadedModel, has_bundle, load_bundle
from core.store.model_cache import ModelCache
from core.basics.paths import DEMO_MODEL
from core.basics.run_names import readable_name
from core.store.runs import RunStore, RunSummary, default_name
from core.runners.runtime import get_runner
from core.basics.status import RunStatus

SAVED_RUNS_LISTED = settings.integer("PLAYGROUND_SAVED_MODELS")  # the newest saved runs offered in the select box
DEMO_LABEL = "Demo model (shipped, MNIST)"
DEMO_KEY = "demo"  # the demo model's key in the Model box


@st.cache_resource
def _demo_model(path: str) -> LoadedModel:
    # Read-only after loading (pages only run it in eval mode), so it can be shared.
    return load_bundle(Path(path), label=DEMO_LABEL)


def session_models() -> dict[str, LoadedModel]:
    """Models trained in this browser session by job id, newest first (finished, stopped or diverged)."""
    models = {}
    for job_id in reversed(st.session_state.get("job_ids", [])):
        job = get_runner().get(job_id)
        if job is None or job.model is None or not job.status.trained_a_model:
            continue
        done = job.history().done
        metrics = {"test_accuracy": done.test_accuracy} if done else {}
        label = f"{_run_name(job)} ({job.status}" + (f", {done.test_accuracy:.1%} test accuracy)" if done else ")")
        models.setdefault(job_id, LoadedModel(job.model, job.config, job.dataset.info, label, metrics))
    return models


def _run_name(job) -> str:
    """The run's name as the Runs page shows it (renamed there, or its name from the start)."""
    try:
        name = RunStore().get(job.id).name
    except ValueError:  # not saved (a full disk)
        name = default_name(job.config, job.created, job.id)
    return readable_name(name, job.config.data)


@st.cache_resource
def _saved_model_cache() -> ModelCache:
    # One for every visitor: saved models are only ever run in eval mode, so sharing them is safe.
    return ModelCache(settings.integer("PLAYGROUND_MODEL_CACHE_MB") * 2**20, max_models=2 * SAVED_RUNS_LISTED)


def _saved_run_model(run: RunSummary) -> LoadedModel:
    """The saved run's model, from the shared cache; keyed on the weights' time, so newer weights are read again."""
    store = RunStore()
    key = (str(store.root), run.id, run.weights_saved_at())
    loaded = _saved_model_cache().get(key, lambda: store.load_model(run.id))
    loaded.label = _saved_label(run)
    return loaded


def saved_run_model(run: RunSummary) -> LoadedModel | None:
    """A saved run's model (shared, eval only), or None when its weights cannot be read any more."""
    try:
        return _saved_run_model(run)
    except (ValueError, OSError):
        return None


def _saved_label(run: RunSummary) -> str:
    label = f"Saved run: {readable_name(run.name, run.config.data)} ({run.status}"
    return label + (f", {run.test_accuracy:.1%} test accuracy)" if run.test_accuracy is not None else ")")


@dataclass(frozen=True)
class ModelChoice:
    """One entry of the Model box: its label, and how to get the model once it is picked."""

    label: str
    load: Callable[[], LoadedModel]


def saved_models(skip_ids: set[str]) -> dict[str, ModelChoice]:
    """The newest saved runs with weights (from the Runs page) by id, skipping runs already listed."""
    runs = [run for run in RunStore().list_runs()
            if run.has_weights and run.status != RunStatus.RUNNING and run.id not in skip_ids]
    return {run.id: ModelChoice(_saved_label(run), partial(_saved_run_model, run)) for run in runs[:SAVED_RUNS_LISTED]}


def available_models() -> dict[str, ModelChoice]:
    """Every model this visitor can use right now, by a key that stays the same when runs come and go.

    Order: this session's runs, then the demo model (what a first visitor gets, rather than
    whatever someone else saved last), then saved runs. Only the model picked is loaded.
    """
    models = {f"job:{job_id}": ModelChoice(model.label, lambda model=model: model)
              for job_id, model in session_models().items()}
    if has_bundle(DEMO_MODEL):
        models[DEMO_KEY] = ModelChoice(DEMO_LABEL, partial(_demo_model, str(DEMO_MODEL)))
    in_memory = {job_id for job_id in st.session_state.get("job_ids", []) if get_runner().get(job_id) is not None}
    models.update({f"run:{run_id}": choice for run_id, choice in saved_models(in_memory).items()})
    return _labels_told_apart(models)


def _labels_told_apart(models: dict[str, ModelChoice]) -> dict[str, ModelChoice]:
    """Number entries whose labels are the same (two runs renamed alike), so the box tells them apart."""
    seen: dict[str, int] = {}
    distinct = {}
    for key, choice in models.items():
        seen[choice.label] = seen.get(choice.label, 0) + 1
        label = choice.label if seen[choice.label] == 1 else f"{choice.label} #{seen[choice.label]}"
        distinct[key] = ModelChoice(label, choice.load)
    return distinct


def choose_model(key: str) -> LoadedModel | None:
    """A select box of available models; None (with a hint or a warning) if there are none or it is unreadable."""
    models = available_models()
    if not models:
        st.info("No trained model yet. Train one on the **Train** page (the Fast CNN takes under a minute).")
        return None
    if st.session_state.get(key) not in models:
        st.session_state.pop(key, None)  # its model is gone (deleted elsewhere): start from the first again
    chosen = st.selectbox("Model", list(models), format_func=lambda choice: models[choice].label, key=key,
                          help="A model you trained in this session, a saved run (see the Runs page), or the demo model "
                               "that ships with the app.")
    try:
        return models[chosen].load()
    except (ValueError, OSError):
        st.warning("That saved run can no longer be read (it was deleted or damaged since the list was made). "
                   "Pick another model.")
        return None
