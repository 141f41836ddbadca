"""Train page helpers: the setup in the URL (share links) and starting from a saved run (fine-tuning)."""
from __future__ import annotations

import time

import streamlit as st

from core.basics.choices import DATASETS
from core.basics.config import RunConfig
from core.store.finetune import check_fine_tune
from core.basics.run_names import dataset_words, readable_name
from core.store.runs import RunStore
from core.store.share import FIELDS, from_query, has_setup, to_query
from core.basics.status import RunStatus
from ui.literal import literal

WIDGET_KEYS = {  # RunConfig field -> the Train page's widget key
    "dataset": "dataset", "train_subset": "train_subset", "validation_split": "validation_split",
    "augment": "augment", "preset": "preset", "activation": "activation", "dropout": "dropout",
    "optimizer": "optimizer", "learning_rate": "learning_rate", "batch_size": "batch_size", "epochs": "epochs",
    "weight_decay": "weight_decay", "schedule": "schedule", "seed": "seed",
}
FINE_TUNE_KEYS = ("init_from_run", "freeze_convolutions")  # plain session keys: they survive page visits
SCRATCH = ""


def mark_session_start() -> None:
    """Remember when this browser session began: runs it trains later are its own (see docs/runs.md)."""
    st.session_state.setdefault("session_started", time.time())


def apply_link_setup(subset_choices) -> None:
    """On the session's first visit to the Train page: fill its settings from the URL's query string.

    Only then: a shared link is opened at the start of a session, and later query strings are the
    page's own (share_setup), which the browser may send back a run late, undoing a newer change.
    """
    mark_session_start()
    if st.session_state.get("link_checked"):
        return
    st.session_state.link_checked = True
    query = st.query_params.to_dict()
    if not has_setup(query):
        return
    try:
        config = from_query(query)
    except ValueError as error:
        st.warning(f"The link's setup could not be used, so the usual settings are shown. {literal(str(error))}")
        return
    load_setup(config, subset_choices)


def load_setup(config: RunConfig, subset_choices=None) -> None:
    """Put config's settings into the Train page's widgets (the user's own images stay as they are)."""
    for part in ("data", "model", "train"):
        for name, value in vars(getattr(config, part)).items():
            if name == "dataset" and value not in DATASETS:
                continue
            if name == "train_subset" and subset_choices is not None and value not in subset_choices:
                continue
            if name in WIDGET_KEYS:
                st.session_state[WIDGET_KEYS[name]] = value
    # Only the plain keys: fine_tune_widgets copies them into its widgets. Removing a widget's key while
    # the widget is on the page made the browser's next message fire its on_change with the key gone.
    st.session_state.update(init_from_run=config.model.init_from_run or SCRATCH,
                            freeze_convolutions=config.model.freeze_convolutions)


def fine_tune_settings() -> tuple[str, bool]:
    """(saved run id or "", freeze convolutions) chosen on the Train page."""
    return st.session_state.get("init_from_run", SCRATCH), bool(st.session_state.get("freeze_convolutions", False))


def _saved_runs() -> dict[str, str]:
    runs = [run for run in RunStore().list_runs() if run.has_weights and run.status != RunStatus.RUNNING]
    return {run.id: f"{readable_name(run.name, run.config.data)} ({run.config.model.preset} on "
                    f"{dataset_words(run.config.data)}"
                    + (f", {run.test_accuracy:.1%})" if run.test_accuracy is not None else ")") for run in runs}


def _chose_run() -> None:
    run_id = st.session_state.get("fine_tune_choice", SCRATCH)
    st.session_state.init_from_run = run_id
    if run_id:  # fine-tuning keeps the saved network, so show it
        source = RunStore().get(run_id).config.model
        st.session_state.update(preset=source.preset, activation=source.activation)


def fine_tune_widgets() -> None:
    """'Start from a saved run' and 'freeze the convolution layers'."""
    runs = _saved_runs()
    chosen, freeze = fine_tune_settings()
    if chosen and chosen not in runs:
        chosen = st.session_state.init_from_run = SCRATCH
    labels = {SCRATCH: "Random weights (learn from scratch)", **runs}
    # The widgets show the plain keys, set before the widgets are drawn (a link, a fix or the Runs page may
    # have changed them), so the widgets take no index=/value= of their own.
    st.session_state.update(fine_tune_choice=chosen, fine_tune_freeze=freeze)
    with st.expander("Fine-tune: start from a saved run", expanded=bool(chosen)):
        st.selectbox("Start from", list(labels), format_func=labels.get,
                     key="fine_tune_choice", on_change=_chose_run,
                     help="Transfer learning: begin with what a saved run has learned, e.g. an MNIST network "
                          "fine-tuned on Fashion-MNIST. If the classes differ, a new output layer is made.")
        if chosen:
            st.caption("Starts from that run's weights. If the dataset you pick has other classes, a new output "
                       "layer is made for them and learned from scratch.")
        st.toggle("Freeze the convolution layers", key="fine_tune_freeze", disabled=not chosen,
                  on_change=lambda: st.session_state.update(freeze_convolutions=st.session_state.fine_tune_freeze),
                  help="Keep the learned filters fixed and train only the layers after them: faster, "
                       "and works with few images.")


def share_setup(config: RunConfig | None, slot) -> RunConfig | None:
    """Check a fine-tune setup (errors shown in slot) and keep the URL's query string equal to the setup."""
    if config is not None and config.model.init_from_run:
        try:
            check_fine_tune(config)
        except ValueError as error:
            slot.error(str(error))
            config = None
    if config is None or config.data.dataset not in DATASETS:
        return config  # the user's own images cannot travel in a link
    query = to_query(config)
    for key in [key for key in st.query_params if key in FIELDS and key not in query]:
        del st.query_params[key]
    changed = {key: value for key, value in query.items() if st.query_params.get(key) != value}
    if changed:
        st.query_params.update(changed)
    return config
