"""Training threads leave the cores that other processes keep busy to them (the cause of issue 17's flaky test)."""
from collections import deque

import pytest

from core.engine.cpu_share import CpuShare, lasting_load


@pytest.fixture(autouse=True)
def many_cores_allowed(monkeypatch):
    monkeypatch.setenv("PLAYGROUND_CORES", "64")


def share_of(cores: int, others_busy: float) -> CpuShare:
    share = CpuShare()
    share._cores = list(range(cores))
    share.others_busy = lambda: others_busy
    return share


def test_a_quiet_machine_gives_its_cores_to_the_runs():
    assert share_of(2, 0.1).threads_for(1) == 2
    assert share_of(8, 0.0).threads_for(2) == 4


def test_a_core_kept_busy_by_another_process_is_left_to_it():
    # measured beside other work on 2 cores: 2 threads trained 4-7x slower than 1
    assert share_of(2, 1.0).threads_for(1) == 1
    assert share_of(8, 3.2).threads_for(1) == 5


def test_a_core_half_used_by_a_browser_drawing_the_page_is_not_taken_from_the_run():
    assert share_of(2, 0.6).threads_for(1) == 2
    assert share_of(2, 0.8).threads_for(1) == 1


def test_only_load_that_lasted_the_last_second_counts():
    # (start time, cores busy) of half-second spans; now is 1.0 s after the first began
    assert lasting_load(deque([(0.0, 0.0), (0.5, 0.9)]), now=1.0) == 0.0  # a burst, over before it would help
    assert lasting_load(deque([(0.0, 1.0), (0.5, 0.9)]), now=1.0) == 0.9
    assert lasting_load(deque([(0.5, 1.0)]), now=1.0) == 0.0  # not a second measured yet: the run takes all
    spans = deque([(0.0, 1.0), (0.5, 0.0), (1.0, 1.0), (1.5, 1.0)])
    assert lasting_load(spans, now=2.2) == 1.0 and len(spans) == 2  # spans that ended before are dropped


def test_the_cores_setting_caps_the_threads(monkeypatch):
    monkeypatch.setenv("PLAYGROUND_CORES", "2")
    assert share_of(8, 0.0).threads_for(1) == 2


def test_there_is_always_one_thread():
    assert share_of(2, 5.0).threads_for(3) == 1


def test_the_measure_reads_the_machine():
    share = CpuShare()
    assert share.others_busy() >= 0 and share.threads_for(1) >= 1
