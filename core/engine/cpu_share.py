"""How many CPU threads a training run should use, given what else is running on the machine.

PyTorch splits each layer's work between its threads and waits for the slowest. When another
process keeps a core busy, one of two threads is often waiting for that core, and every layer
waits with it: measured on 2 cores beside other work, 2 threads trained at 205-277 images/s
where 1 thread trained at 1,117-1,554 (the flaky browser test of issue 17 waited minutes for two
epochs). So a run uses only the cores that other processes leave idle.
"""
from __future__ import annotations

import math
import os
import threading
import time
from collections import deque

import psutil

from core.basics import settings

MEASURE_EVERY_SECONDS = 0.5
# A core counts as taken only when others kept at least TAKEN_SHARE of it busy throughout LASTING_SECONDS.
# A browser on the same 2 cores draws the page in bursts (as Train is pressed, at each 2-s refresh) that are
# over before a smaller share could help; a run that then trained on one thread while the core sat idle lagged
# the same run unwatched by 0.66-0.71 s 40 steps in, against 0.18-0.42 s on two threads.
LASTING_SECONDS = 1.0
TAKEN_SHARE = 0.75
# A measurement spanning longer than this (no run asked in between) says little about now: it is dropped.
STALE_SECONDS = 2.0


def usable_cores() -> list[int]:
    """The CPUs this process may run on."""
    try:
        return sorted(os.sched_getaffinity(0))
    except AttributeError:  # macOS
        return list(range(os.cpu_count() or 1))


def lasting_load(measured: deque[tuple[float, float]], now: float) -> float:
    """The least load of the spans (start time, load; each ends where the next starts) that cover the last
    LASTING_SECONDS; 0 while they cover less. Spans that ended before then are dropped."""
    while len(measured) > 1 and measured[1][0] <= now - LASTING_SECONDS:
        measured.popleft()
    if not measured or measured[0][0] > now - LASTING_SECONDS:
        return 0.0
    return min(load for _, load in measured)


class CpuShare:
    """Tracks how many cores other processes keep busy (sampled every MEASURE_EVERY_SECONDS)."""

    def __init__(self) -> None:
        self._cores = usable_cores()
        self._lock = threading.Lock()
        self._last = self._sample()
        self._measured: deque[tuple[float, float]] = deque()  # (start time, cores others kept busy) of each span

    def _sample(self) -> tuple[float, float, float]:
        """(wall time, busy CPU seconds on our cores, this process's CPU seconds)."""
        per_cpu = psutil.cpu_times(percpu=True)
        busy = sum(sum(per_cpu[i]) - per_cpu[i].idle - getattr(per_cpu[i], "iowait", 0.0)
                   for i in self._cores if i < len(per_cpu))
        own = psutil.Process().cpu_times()
        return time.monotonic(), busy, own.user + own.system

    def others_busy(self) -> float:
        """Cores' worth of CPU time that other processes kept busy throughout the last LASTING_SECONDS."""
        with self._lock:
            now = self._sample()
            elapsed = now[0] - self._last[0]
            if elapsed >= MEASURE_EVERY_SECONDS:
                if elapsed > STALE_SECONDS:
                    self._measured.clear()
                else:
                    others = ((now[1] - self._last[1]) - (now[2] - self._last[2])) / elapsed
                    self._measured.append((self._last[0], max(0.0, others)))
                self._last = now
            return lasting_load(self._measured, now[0])

    def threads_for(self, running_jobs: int) -> int:
        """Threads for one of running_jobs runs: a fair share of the cores others leave idle, at least 1."""
        taken = math.floor(self.others_busy() + 1 - TAKEN_SHARE)  # whole cores others keep busy
        free = min(settings.cores(), len(self._cores)) - taken
        return max(1, free // max(1, running_jobs))
