"""Pay PyTorch's one-time costs before a visitor presses Train, not after.

The first optimizer a process creates imports torch._dynamo (torch.optim wraps its constructors with
it): about 2 seconds on 2 CPU cores, which a visitor would otherwise wait for before the first chart
point. A runner starts this import when it is created, in a background thread; a run that starts
sooner simply waits for the same import (Python's import lock), so nothing is paid twice.
"""
from __future__ import annotations

import importlib
import threading

SLOW_FIRST_IMPORTS = ("torch._dynamo",)


def warm_up() -> None:
    """Import the slow modules now (in this thread)."""
    for name in SLOW_FIRST_IMPORTS:
        importlib.import_module(name)


def warm_up_in_background() -> threading.Thread:
    """warm_up() in a daemon thread; returned so a caller can wait for it."""
    thread = threading.Thread(target=warm_up, name="warm-up", daemon=True)
    thread.start()
    return thread
