"""Demo page: one trained model, for someone who has never trained anything (?model=<run id>).

Nothing here changes the run: no knobs, no Stop, Rename or Delete. A viewer tries the model on a picture.
"""
import streamlit as st

from core.store.runs import RunStore
from ui.demo import DEMO_QUERY, header, lifetime_sentence, missing
from ui.model_picker import saved_run_model
from ui.state import leave_legacy_page_mode
from ui.try_it import try_it

leave_legacy_page_mode()


def demo_run(run_id: str):
    """The run named by the link and its model, or (None, None) when either is gone."""
    try:
        run = RunStore().get(run_id) if run_id else None
    except ValueError:  # not a run id, or a run deleted since
        return None, None
    loaded = saved_run_model(run) if run is not None and run.has_weights else None
    return (run, loaded) if loaded is not None else (None, None)


run_id = st.query_params.get(DEMO_QUERY, "")
run, loaded = demo_run(run_id)
if run is None:
    missing(run_id)
else:
    header(run, loaded.info.classes)
    st.subheader("Try it on a picture")
    try_it(loaded.model, loaded.info, key="demo")
    st.caption(lifetime_sentence())
