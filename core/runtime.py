"""The app's job runner: made on first use by the app, never as a side effect of an import.

The Streamlit app (app.py, pages, ui/) calls get_runner(); tests, scripts, the CLI and recipes
make their own runner with make_runner() or core.jobs.JobRunner.
"""
from __future__ import annotations

import threading

import torch

from core.jobs import JobRunner, Runner
from core.run_recorder import RunRecorder
from core.runs import RunStore

_shared: Runner | None = None
_shared_lock = threading.Lock()


def make_runner(record: bool = True, max_parallel: int | None = None, device: torch.device | None = None,
                store: RunStore | None = None) -> Runner:
    """A runner that trains in threads and (when record) saves every job in the run store as it trains."""
    store = store or RunStore()
    listeners = [RunRecorder(store)] if record else []
    return JobRunner(max_parallel, device, listeners=listeners, store=store)


def get_runner() -> Runner:
    """The one runner of this process: every visitor's runs share the machine, so they share its queue."""
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = make_runner()
        return _shared
