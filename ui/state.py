"""Session helpers shared by pages: cached datasets and this visitor's current run."""
from __future__ import annotations

import sys
import uuid

import streamlit as st

from core.basics import settings
from core.basics.config import CUSTOM_PREFIX, RunConfig
from core.data.dataset import Dataset
from core.data.registry import DatasetUnavailable, load_dataset
from core.runners.jobs import Job
from core.runners.runtime import get_runner
from core.store.runs import runs_have_owners
from ui.literal import literal


@st.cache_resource(show_spinner="Loading images into memory…")
def _shared_dataset(name: str) -> tuple[Dataset | None, str | None]:
    try:
        return load_dataset(name), None
    except DatasetUnavailable as error:
        return None, str(error)


def cached_dataset(name: str) -> tuple[Dataset | None, str | None]:
    """(dataset, None) or (None, what is missing). Built-in sets are cached: read-only, shared by all."""
    if name.startswith(CUSTOM_PREFIX):  # the user's own images are already in memory, or kept on disk
        try:
            return load_dataset(name), None
        except DatasetUnavailable as error:
            return None, str(error)
    return _shared_dataset(name)


cached_dataset.clear = _shared_dataset.clear


def preload_datasets() -> None:
    """Load the datasets named in PLAYGROUND_PRELOAD now (once per server), so the first Train is quick."""
    for name in settings.names("PLAYGROUND_PRELOAD"):
        _shared_dataset(name)


def owner_token() -> str:
    """This browser session's identity: what it saves, only it may change or delete."""
    return st.session_state.setdefault("owner_token", uuid.uuid4().hex)


def own_run(run_id: str) -> None:
    """This browser session made run_id (trained, fine-tuned or uploaded it here): it may stop, rename, delete it."""
    st.session_state.setdefault("owned_runs", []).append(run_id)


def owns_run(run_id: str) -> bool:
    """Whether this session may act on run_id: always locally; on a shared deployment only if it made it.

    Knowing a run's id (from a copied ?run= link or the browser's history) lets a visitor watch it, never
    more: see docs/runs.md.
    """
    return not runs_have_owners() or run_id in st.session_state.get("owned_runs", [])


def remember_job(job: Job) -> None:
    """Make job, just submitted by this session, its current run; the URL keeps it across a browser refresh."""
    st.session_state.job_id = job.id
    st.session_state.setdefault("job_ids", []).append(job.id)
    own_run(job.id)
    st.query_params["run"] = job.id


def why_visitor_must_wait() -> str | None:
    """A sentence when this session already has as many runs training or waiting as one visitor may."""
    limit = settings.integer("PLAYGROUND_RUNS_PER_VISITOR")
    owned = set(st.session_state.get("owned_runs", []))  # runs watched through a link do not count
    owned.add(st.session_state.get("lr_job_id", ""))  # a learning-rate test takes a slot like a run
    live = [job for job in map(get_runner().get, owned) if job and not job.is_done]
    if not limit or len(live) < limit:
        return None
    runs = "one run" if limit == 1 else f"{limit} runs"
    return (f"This demo is shared, so each visitor may have {runs} (or learning-rate test) training or waiting "
            "at a time. Wait for yours to finish, or press Stop on it, then start the next.")


def submit_for_visitor(config: RunConfig, **options) -> Job | None:
    """Submit config (options as for the runner's submit) for this session on the app's runner, or say
    on the page why not (its dataset cannot be loaded, the visitor's run limit, a full queue)."""
    dataset, problem = cached_dataset(config.data.dataset)
    problem = problem or why_visitor_must_wait()
    if problem:
        st.error(problem)
        return None
    try:
        return get_runner().submit(config, dataset, **options)
    except ValueError as error:  # the queue is full
        st.error(literal(str(error)))
        return None


def current_job() -> Job | None:
    """This session's current run, found again after a refresh through the URL (watched, not owned)."""
    job_id = st.session_state.get("job_id") or st.query_params.get("run")
    job = get_runner().get(job_id) if job_id else None
    if job is not None and st.session_state.get("job_id") != job.id:
        st.session_state.job_id = job.id
        st.session_state.setdefault("job_ids", []).append(job.id)
    return job


TRAIN_SETTINGS = ("dataset", "preset", "train_subset", "optimizer", "learning_rate", "batch_size", "epochs",
                  "dropout", "weight_decay", "activation", "schedule", "augment", "seed", "validation_split")


def keep_settings(keys: tuple[str, ...] = TRAIN_SETTINGS) -> None:
    """Keep widget values while their page is not shown (Streamlit drops unrendered widgets' state)."""
    for key in keys:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def leave_legacy_page_mode() -> None:
    """Every page calls this first: route this run through app.py's st.navigation if Streamlit skipped it.

    Streamlit still supports its legacy multipage mode, in which each file of a folder named pages/
    beside the main script is a page. Until some session has called st.navigation, the first request
    after a server start that is a deep link (/inspect) runs pages/inspect.py in that mode, without
    app.py (no sidebar, no shared settings). Streamlit has no supported switch for this: its docs
    advise naming the folder otherwise, and we keep pages/. So the page turns Streamlit's
    process-wide flag off (as st.navigation itself does) and reruns, which sends the visitor through
    app.py to the same page. This is the only code that knows about it;
    tests/pages/test_page_mode.py fails when Streamlit changes what it relies on, and
    tests/browser/test_deep_link.py checks the behaviour in a browser.
    """
    from streamlit.runtime.pages_manager import PagesManager

    # AppTest (streamlit.testing) runs pages this old way between its runs too, and a rerun
    # there would drop the click it is testing; its runs reach app.py on their own.
    if PagesManager.uses_pages_directory and "streamlit.testing.v1" not in sys.modules:
        PagesManager.uses_pages_directory = False
        st.rerun()
