"""bench/memory_limit.py: the cgroup that bench/hosted_memory.py runs the server in really limits memory."""
import pytest

from bench.memory_limit import MemoryLimit


def test_a_process_going_over_the_limit_is_killed_and_one_under_it_lives():
    limit = MemoryLimit.create(200_000_000)
    if limit is None:
        pytest.skip("No writable memory cgroup on this machine: the benchmark measures resident memory only")
    try:
        assert limit.bites()  # 500 MB inside it is killed, 100 MB is not
        assert limit.oom_kills() >= 1
    finally:
        limit.remove()
    assert not limit.folder.exists()
