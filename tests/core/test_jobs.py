import time

import torch

from core.config import DataConfig, ModelConfig, RunConfig, TrainConfig
from core.jobs import JobRunner
from core.train import Done, StepEnd

CPU = torch.device("cpu")


def config(epochs=1, subset=1000) -> RunConfig:
    return RunConfig(DataConfig(train_subset=subset), ModelConfig(), TrainConfig(epochs=epochs, log_every=2))


def test_a_job_trains_in_the_background_and_keeps_its_model(mnist):
    job = JobRunner(max_parallel=1, device=CPU).submit(config(), mnist)
    assert job.wait(timeout=120)
    assert job.status == "finished" and isinstance(job.events()[-1], Done)
    logits = job.model(mnist.to_input(mnist.test_x[:4]))
    assert logits.shape == (4, 10) and not job.model.training


def test_extra_jobs_wait_in_a_queue_and_stop_within_seconds(mnist):
    runner = JobRunner(max_parallel=1, device=CPU)
    first = runner.submit(config(epochs=100, subset=5000), mnist)
    second = runner.submit(config(), mnist)
    deadline = time.monotonic() + 30
    while not any(isinstance(e, StepEnd) for e in first.events()) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert first.status == "running"
    assert second.status == "queued" and runner.queue_position(second) == 1
    asked = time.monotonic()
    first.stop()
    assert first.wait(timeout=10) and first.status == "stopped"
    assert time.monotonic() - asked < 10
    assert second.wait(timeout=120) and second.status == "finished"


def test_a_stopped_queued_job_never_starts(mnist):
    runner = JobRunner(max_parallel=1, device=CPU)
    first = runner.submit(config(epochs=100, subset=5000), mnist)
    second = runner.submit(config(), mnist)
    second.stop()
    first.stop()
    assert second.wait(timeout=30) and second.status == "stopped" and second.events() == []


def test_a_failing_job_reports_its_error(mnist):
    runner = JobRunner(max_parallel=1, device=CPU)
    broken = RunConfig(DataConfig(train_subset=100), ModelConfig(preset="simple_cnn"), TrainConfig())
    small = type(mnist)(mnist.info, mnist.train_x[:200, :, :6, :6], mnist.train_y[:200],
                        mnist.test_x[:10, :, :6, :6], mnist.test_y[:10], "tiny")  # too small for 3 convs
    job = runner.submit(broken, small)
    assert job.wait(timeout=30) and job.status == "failed" and job.error
