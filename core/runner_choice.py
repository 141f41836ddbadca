"""Which job runner the app uses: worker threads here (the default) or a Ray cluster."""
from __future__ import annotations

from core import settings
from core.jobs import JobRunner
from core.run_recorder import RunRecorder

RAY_ADDRESS_VARIABLE = "PLAYGROUND_RAY_ADDRESS"


def make_runner(recorder: RunRecorder | None = None) -> tuple[object, str | None]:
    """(runner, warning): Ray when PLAYGROUND_RAY_ADDRESS is set and reachable, else worker threads.

    An unreachable cluster is not fatal: the app trains on this machine and the warning says why.
    """
    address = settings.text(RAY_ADDRESS_VARIABLE)
    if not address:
        return JobRunner(recorder=recorder), None
    try:
        from core.ray_runner import RayRunner  # imports ray: only when asked for

        return RayRunner(address, recorder=recorder), None
    except Exception as error:  # a cluster that cannot be reached must not stop the app
        warning = (f"Could not reach the Ray cluster at {address}, so runs train on this machine instead "
                   f"({type(error).__name__}: {error}).")
        return JobRunner(recorder=recorder), warning
