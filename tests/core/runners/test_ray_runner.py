"""The Ray runner: same events, accuracy and saved run as the thread runner; remote stop; faults."""
import time

import pytest

from core.basics.config import DataConfig, ModelConfig, RunConfig, TrainConfig
from core.engine.events import Done, StepEnd, Stopped
from core.runners.jobs import JobRunner


def config(epochs=1, subset=2000) -> RunConfig:
    return RunConfig(DataConfig(train_subset=subset), ModelConfig(), TrainConfig(epochs=epochs, log_every=4))


def wait_for(condition, timeout=120.0):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


@pytest.fixture
def runner(ray_runner):
    return ray_runner


def test_a_run_on_ray_matches_the_thread_runner(runner, mnist):
    local = JobRunner(max_parallel=1).submit(config(), mnist)  # the same as the app's thread runner
    remote = runner.submit(config(), mnist)
    assert local.wait(timeout=300) and remote.wait(timeout=300)
    assert remote.status == local.status == "finished", remote.error
    assert [type(e) for e in remote.events()] == [type(e) for e in local.events()]
    local_done, remote_done = local.events()[-1], remote.events()[-1]
    # Same seed and data; only the CPU thread counts differ, which moves a short run by a point or two.
    assert abs(remote_done.test_accuracy - local_done.test_accuracy) < 0.05
    assert remote_done.test_accuracy > 0.8
    # The app wrote the run: Runs, Inspect and Draw find it as they find a local one.
    store = runner.store
    wait_for(lambda: store.get(remote.id).status == "finished", timeout=30)
    assert abs(store.get(remote.id).test_accuracy - remote_done.test_accuracy) < 1e-9
    saved = store.load_model(remote.id)
    logits = saved.model(mnist.to_input(mnist.test_x[:500]))
    assert (logits.argmax(1) == mnist.test_y[:500]).float().mean() > 0.8
    assert len(store.events(remote.id)) == len(remote.events())


def test_stop_reaches_the_remote_run_and_keeps_its_model(runner, mnist):
    job = runner.submit(config(epochs=50, subset=5000), mnist)
    wait_for(lambda: any(isinstance(e, StepEnd) for e in job.events()))
    job.stop()
    assert job.wait(timeout=60)
    assert job.status == "stopped" and any(isinstance(e, Stopped) for e in job.events())
    assert isinstance(job.events()[-1], Done) and job.model is not None
    wait_for(lambda: runner.store.get(job.id).status == "stopped", timeout=30)


def test_a_lost_actor_fails_its_run_and_the_app_goes_on(runner, ray_cluster, mnist):
    job = runner.submit(config(epochs=50, subset=5000), mnist)
    wait_for(lambda: any(isinstance(e, StepEnd) for e in job.events()))
    ray_cluster.kill(job.actor)
    assert job.wait(timeout=60)
    assert job.status == "failed" and "went away" in job.error and "last saved weights are kept" in job.error, \
        (job.status, job.error)
    wait_for(lambda: runner.store.get(job.id).status == "failed", timeout=30)
    after = runner.submit(config(subset=500), mnist)
    assert after.wait(timeout=300) and after.status == "finished", (after.status, after.error)


def test_a_run_asking_for_a_missing_gpu_says_so(ray_cluster, mnist, monkeypatch):
    from core.runners import ray_runner

    monkeypatch.setattr(ray_runner, "GPU_WAIT_SECONDS", 0.5)
    gpu_runner = ray_runner.RayRunner("local", gpus_per_job=1)
    job = gpu_runner.submit(config(), mnist)
    assert job.wait(timeout=60)
    assert job.status == "failed" and "no machine in the Ray cluster has one" in job.error


def test_an_unreachable_cluster_falls_back_to_threads(monkeypatch):
    import socket

    from core.runners.runtime import make_app_runner

    with socket.socket() as free:  # a port nothing listens on
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    monkeypatch.setenv("PLAYGROUND_RAY_ADDRESS", f"ray://127.0.0.1:{port}")
    runner, warning = make_app_runner()
    assert isinstance(runner, JobRunner)
    assert "Could not reach the Ray cluster" in warning and "train on this machine" in warning


def test_a_dataset_goes_into_the_object_store_once(runner, mnist):
    first = runner.datasets.reference(mnist)
    assert runner.datasets.reference(mnist) == first  # every run on MNIST shares this one copy
