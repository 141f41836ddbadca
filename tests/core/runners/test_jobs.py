import subprocess
import sys
import threading
import time
from pathlib import Path

import torch

from core.basics.config import DataConfig, ModelConfig, RunConfig, TrainConfig
from core.basics.status import RunStatus
from core.engine.events import Done, StepEnd
from core.engine.feature_training import training_events
from core.runners.jobs import JobListener, JobRunner

CPU = torch.device("cpu")


def config(epochs=1, subset=1000) -> RunConfig:
    return RunConfig(DataConfig(train_subset=subset), ModelConfig(), TrainConfig(epochs=epochs, log_every=2))


def test_a_job_trains_in_the_background_and_keeps_its_model(mnist):
    job = JobRunner(max_parallel=1, device=CPU).submit(config(), mnist)
    assert job.wait(timeout=120)
    assert job.status == "finished" and isinstance(job.events()[-1], Done)
    logits = job.model(mnist.to_input(mnist.test_x[:4]))
    assert logits.shape == (4, 10) and not job.model.training


def test_same_seed_same_settings_give_the_same_run_and_another_seed_another(mnist):
    # What the Train page promises next to its seed box; the starting weights used to come from
    # whatever state PyTorch's shared random generator was in.
    runner = JobRunner(max_parallel=1, device=CPU)
    torch.rand(7)  # the shared generator moves on between runs, as other work in the app would move it
    first = runner.submit(config(), mnist)
    assert first.wait(timeout=120)
    torch.rand(3)
    again = runner.submit(config(), mnist)
    other_seed = config()
    other = runner.submit(RunConfig(other_seed.data, other_seed.model, TrainConfig(epochs=1, log_every=2, seed=1)), mnist)
    assert again.wait(timeout=120) and other.wait(timeout=120)
    losses = [next(e for e in job.events() if isinstance(e, StepEnd)).loss for job in (first, again, other)]
    assert abs(losses[0] - losses[1]) < 1e-4 and abs(losses[0] - losses[2]) > 1e-3, losses


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


def test_waiting_for_a_runs_first_point_ends_with_it_or_gives_up_at_the_timeout(mnist):
    # The Train page draws a starting run once, with its first point, instead of polling for it (issue 15).
    runner = JobRunner(max_parallel=1, device=CPU)
    release = threading.Event()

    def slow_to_start(*args):
        release.wait(120)  # a run still reading its pictures, say
        yield from training_events(*args)

    job = runner.submit(config(), mnist, trainer=slow_to_start)
    job.wait_for_first_point(timeout=0.2)
    assert job.history().latest_step is None and not job.is_done  # nothing to show yet: gave up, run goes on
    release.set()
    job.wait_for_first_point(timeout=120)
    assert job.history().latest_step is not None
    job.stop()
    assert job.wait(timeout=60)


class Log(JobListener):
    def __init__(self):
        self.calls = []

    def job_submitted(self, job):
        self.calls.append(("submitted", job.id, job.status))

    def job_event(self, job, event):
        self.calls.append(("event", job.id, type(event).__name__))

    def job_ended(self, job):
        self.calls.append(("ended", job.id, job.status))


def test_listeners_hear_every_job_in_order_and_a_jobs_own_listener_only_its_job(mnist):
    everyone, mine = Log(), Log()
    runner = JobRunner(max_parallel=1, device=CPU, listeners=[everyone])
    first = runner.submit(config(subset=500), mnist, listener=mine)
    second = runner.submit(config(subset=500), mnist)
    assert first.wait(timeout=120) and second.wait(timeout=120)
    assert {call[1] for call in mine.calls} == {first.id}
    for job in (first, second):
        calls = [call for call in everyone.calls if call[1] == job.id]
        assert calls[0] == ("submitted", job.id, RunStatus.QUEUED)
        assert [call[2] for call in calls[1:-1]] == [type(event).__name__ for event in job.events()]
        assert calls[-1] == ("ended", job.id, RunStatus.FINISHED)
    assert [call for call in everyone.calls if call[1] == first.id] == mine.calls


def test_a_bug_in_a_listener_fails_the_run_with_its_message(mnist):
    class Broken(JobListener):
        def job_event(self, job, event):
            raise KeyError("listener bug")

    job = JobRunner(max_parallel=1, device=CPU).submit(config(subset=500), mnist, listener=Broken())
    assert job.wait(timeout=60) and job.status == RunStatus.FAILED and "listener bug" in job.error


def test_importing_core_makes_no_runner():
    code = ("import core.runners.jobs, core.recipes, core.cli, core.runners.runtime, threading; "
            "assert core.runners.runtime._shared is None and threading.active_count() == 1; "
            "assert core.runners.runtime.get_runner() is core.runners.runtime.get_runner()")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[3])
