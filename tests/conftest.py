"""Shared test setup: real offline data from ../shared/datasets when it is there."""
import os
import tempfile
from pathlib import Path

import pytest

SHARED_DATASETS = Path(__file__).resolve().parents[2] / "shared" / "datasets"
if SHARED_DATASETS.is_dir():
    os.environ.setdefault("PLAYGROUND_DATA_DIR", str(SHARED_DATASETS))
os.environ.setdefault("PLAYGROUND_DEVICE", "cpu")  # tests are CPU only
# Runs recorded during the tests go to a throw-away folder, never the user's runs/.
os.environ["PLAYGROUND_RUNS_DIR"] = tempfile.mkdtemp(prefix="playground-test-runs-")


@pytest.fixture(scope="session")
def mnist():
    from core.data.registry import load_dataset

    return load_dataset("mnist")


@pytest.fixture(scope="session")
def ray_cluster():
    """A local Ray (2 CPUs, token auth, no dashboard), started once for the whole test session."""
    from core.runners.ray_cluster import connect

    import ray

    connect("local", num_cpus=2)
    yield ray
    ray.shutdown()


@pytest.fixture(scope="session")
def ray_runner(ray_cluster, tmp_path_factory):
    """A Ray runner on that local Ray, recording into a throw-away run store (runner.store)."""
    from core.runners.ray_runner import RayRunner
    from core.runners.run_recorder import RunRecorder
    from core.store.runs import RunStore

    store = RunStore(tmp_path_factory.mktemp("ray-runs"))
    runner = RayRunner("local", listeners=[RunRecorder(store)], store=store)
    yield runner
    runner.shutdown()
