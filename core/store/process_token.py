"""Which process is training a run: a live run whose process has gone was interrupted."""
from __future__ import annotations

import os

import psutil


def process_token() -> str:
    """This process's pid and start time: a run marked running by a dead process is interrupted."""
    return f"{os.getpid()}:{psutil.Process().create_time():.3f}"


def process_alive(token: str) -> bool:
    """True while the process a token names (see process_token) still runs."""
    try:
        pid, started = token.split(":")
        return abs(psutil.Process(int(pid)).create_time() - float(started)) < 0.01
    except (ValueError, psutil.Error):
        return False
