"""The app's job runner: made on first use by the app, never as a side effect of an import.

The Streamlit app (app.py, pages, ui/) calls get_runner(); tests, scripts, the CLI and recipes
make their own runner with make_runner() or core.runners.jobs.JobRunner.
"""
from __future__ import annotations

import threading

import torch

from core.basics import settings
from core.runners.jobs import JobRunner, Runner
from core.runners.run_recorder import RunRecorder
from core.store.runs import RunStore

_shared: Runner | None = None
_warning: str | None = None  # why the app trains here although PLAYGROUND_RAY_ADDRESS names a cluster
_shared_lock = threading.Lock()


def make_runner(record: bool = True, max_parallel: int | None = None, device: torch.device | None = None,
                store: RunStore | None = None) -> Runner:
    """A runner that trains in threads and (when record) saves every job in the run store as it trains."""
    store = store or RunStore()
    listeners = [RunRecorder(store)] if record else []
    return JobRunner(max_parallel, device, listeners=listeners, store=store)


def make_app_runner(store: RunStore | None = None) -> tuple[Runner, str | None]:
    """(runner, warning): on the Ray cluster PLAYGROUND_RAY_ADDRESS names, else in threads here.

    A cluster that cannot be reached does not stop the app: it trains here and the warning says why.
    """
    address = settings.text("PLAYGROUND_RAY_ADDRESS")
    if not address:
        return make_runner(store=store), None
    store = store or RunStore()
    try:
        from core.runners.ray_runner import RayRunner  # imports ray: only when asked for

        return RayRunner(address, listeners=[RunRecorder(store)], store=store), None
    except Exception as error:
        return make_runner(store=store), (f"Could not reach the Ray cluster at {address}, so runs train on this "
                                          f"machine instead ({error}).")


def get_runner() -> Runner:
    """The one runner of this process: every visitor's runs share the machine, so they share its queue."""
    global _shared, _warning
    with _shared_lock:
        if _shared is None:
            _shared, _warning = make_app_runner()
        return _shared


def runner_warning() -> str | None:
    """Why runs train here although a Ray cluster was asked for (None when all is as asked)."""
    return _warning
