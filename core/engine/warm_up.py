"""Pay PyTorch's one-time costs before a visitor presses Train, not after.

The first optimizer a process creates imports torch._dynamo (torch.optim wraps its constructors with
it): about 2 seconds on 2 CPU cores, which a visitor would otherwise wait for before the first chart
point. A runner starts this import when it is created, in a background thread; a run that starts
sooner simply waits for the same import (Python's import lock), so nothing is paid twice.

Then the objects start-up made (modules, classes, functions: they live as long as the process) are set
aside from Python's full garbage collections, which otherwise walk every one of them each time while
holding the lock every Python thread needs, training's included (see set_aside_startup_objects).
"""
from __future__ import annotations

import gc
import importlib
import threading

SLOW_FIRST_IMPORTS = ("torch._dynamo",)


_set_aside = threading.Lock()
_done = False


def warm_up() -> None:
    """Import the slow modules now (in this thread), then set aside what start-up made."""
    for name in SLOW_FIRST_IMPORTS:
        importlib.import_module(name)
    set_aside_startup_objects()


def set_aside_startup_objects() -> None:
    """gc.freeze() once a process, after a full collection (so no garbage is kept for good).

    Measured on 2 cores: the app's process holds about 230,000 objects after start-up and a full collection
    took 85 ms; a benchmark process holding 440,000 (it had imported Keras) ran 15 full collections in 20 s
    while the page reran during a run, 2.5 s in all (0.3 s once frozen), and training waited for each.
    """
    global _done
    with _set_aside:
        if not _done:
            gc.collect()
            gc.freeze()
            _done = True


def warm_up_in_background() -> threading.Thread:
    """warm_up() in a daemon thread; returned so a caller can wait for it."""
    thread = threading.Thread(target=warm_up, name="warm-up", daemon=True)
    thread.start()
    return thread
