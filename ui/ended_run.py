"""Train page: what to say when the URL's ?run= names a run this app no longer trains (after a restart).

The URL keeps a run's id so that a refresh finds it again; after the app restarted, the runner
has forgotten it, but the run store still knows how far it got.
"""
from __future__ import annotations

from dataclasses import replace

import streamlit as st

from core.basics.run_names import readable_name
from core.store.runs import RunStore, RunSummary
from core.basics.status import RunStatus
from ui.literal import literal
from ui.page_files import page_file
from ui.run_sharing import load_setup


def _how_far(run: RunSummary) -> str:
    epochs = f"after {run.epochs_done} of {run.config.train.epochs} epochs" if run.epochs_done else \
        "before its first epoch ended"
    accuracy = run.best_validation_accuracy
    return epochs + (f" (best validation accuracy {accuracy:.1%})" if accuracy is not None else "")


def _train_again(run: RunSummary) -> None:
    """Button callback: the run's settings in the knobs, and the URL no longer pointing at the old run."""
    load_setup(run.config)
    st.query_params.pop("run", None)
    st.session_state.pop("job_id", None)


def ended_run_notice(run_id: str) -> bool:
    """Say what became of the run the URL names when it is saved but not in memory; False if nothing to say."""
    try:
        run = RunStore().get(run_id)
        run = replace(run, name=readable_name(run.name, run.config.data))
    except ValueError:  # not a run id, or no such run here: the usual invitation is shown
        return False
    if run.status == RunStatus.INTERRUPTED:
        weights = ("Its last saved weights are kept: look at it on Inspect or Draw, download it, or fine-tune "
                   "from it." if run.has_weights else "It had not saved any weights yet (a run saves them after "
                   "each epoch).")
        st.warning(f"The run **{literal(run.name)}** this link points to was cut off when the app restarted, "
                   f"{_how_far(run)}. {weights}")
    elif run.status.is_live:
        return False  # still starting in this process: the live view finds it on the next rerun
    else:
        st.info(f"The run **{literal(run.name)}** this link points to has ended ({run.status}); its results are "
                "on the Runs page.")
    left, right = st.columns(2)
    left.page_link(page_file("runs"), label="See it on the Runs page", icon=":material/history:")
    if right.button("Train it again", key="train_again", icon=":material/replay:", on_click=_train_again,
                    args=(run,), help="Puts this run's settings in the knobs (beside these charts, or above them "
                                      "on a phone); then press Train."):
        st.rerun()  # the whole page: the knobs show the run's settings
    return True
