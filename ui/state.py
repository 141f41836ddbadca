"""Session helpers shared by pages: cached datasets and this visitor's current run."""
from __future__ import annotations

import streamlit as st

from core.data import Dataset, DatasetUnavailable, load_dataset
from core.jobs import RUNNER, Job


@st.cache_resource(show_spinner="Loading images into memory…")
def cached_dataset(name: str) -> tuple[Dataset | None, str | None]:
    """(dataset, None) or (None, what is missing). Read-only, so shared by every visitor."""
    try:
        return load_dataset(name), None
    except DatasetUnavailable as error:
        return None, str(error)


def remember_job(job: Job) -> None:
    """Make job this session's current run; the URL keeps it across a browser refresh."""
    st.session_state.job_id = job.id
    st.session_state.setdefault("job_ids", []).append(job.id)
    st.query_params["run"] = job.id


def current_job() -> Job | None:
    """This session's current run, found again after a refresh through the URL."""
    job_id = st.session_state.get("job_id") or st.query_params.get("run")
    job = RUNNER.get(job_id) if job_id else None
    if job is not None and st.session_state.get("job_id") != job.id:
        st.session_state.job_id = job.id
        st.session_state.setdefault("job_ids", []).append(job.id)
    return job
