"""How many CPU threads a training run should use, given what else is running on the machine.

PyTorch splits each layer's work between its threads and waits for the slowest. When another
process keeps a core busy, one of two threads is often waiting for that core, and every layer
waits with it: measured on 2 cores beside other work, 2 threads trained at 205-277 images/s
where 1 thread trained at 1,117-1,554 (the flaky browser test of issue 17 waited minutes for two
epochs). So a run uses only the cores that other processes leave idle.
"""
from __future__ import annotations

import os
import threading
import time

import psutil

from core import settings

# Short: a run that starts just after a busy moment (a browser drawing the page as Train is pressed) goes back
# to both cores about half a second after that moment ends; with 2 s it trained on one thread for 2-5 s.
MEASURE_EVERY_SECONDS = 0.5


def usable_cores() -> list[int]:
    """The CPUs this process may run on."""
    try:
        return sorted(os.sched_getaffinity(0))
    except AttributeError:  # macOS
        return list(range(os.cpu_count() or 1))


class CpuShare:
    """Tracks how many cores other processes keep busy (sampled every MEASURE_EVERY_SECONDS)."""

    def __init__(self) -> None:
        self._cores = usable_cores()
        self._lock = threading.Lock()
        self._last = self._sample()
        self._others_busy = 0.0

    def _sample(self) -> tuple[float, float, float]:
        """(wall time, busy CPU seconds on our cores, this process's CPU seconds)."""
        per_cpu = psutil.cpu_times(percpu=True)
        busy = sum(sum(per_cpu[i]) - per_cpu[i].idle - getattr(per_cpu[i], "iowait", 0.0)
                   for i in self._cores if i < len(per_cpu))
        own = psutil.Process().cpu_times()
        return time.monotonic(), busy, own.user + own.system

    def others_busy(self) -> float:
        """Cores' worth of CPU time that other processes used lately."""
        with self._lock:
            now = self._sample()
            elapsed = now[0] - self._last[0]
            if elapsed >= MEASURE_EVERY_SECONDS:
                others = ((now[1] - self._last[1]) - (now[2] - self._last[2])) / elapsed
                self._others_busy, self._last = max(0.0, others), now
            return self._others_busy

    def threads_for(self, running_jobs: int) -> int:
        """Threads for one of running_jobs runs: a fair share of the cores others leave idle, at least 1."""
        free = min(settings.cores(), len(self._cores)) - round(self.others_busy())
        return max(1, free // max(1, running_jobs))
