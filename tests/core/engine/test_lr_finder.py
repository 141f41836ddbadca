"""The learning-rate range test: rising rates, a suggestion below the blow-up, Stop, and the job runner."""
import threading

import pytest

from core.basics.config import DataConfig, RunConfig, TrainConfig
from core.engine.lr_finder import END_RATE, RateFound, RateStep, START_RATE, find_learning_rate, rate_at, summarise
from core.engine.models import build_model

CONFIG = RunConfig(data=DataConfig(train_subset=3000), train=TrainConfig(learning_rate=0.01, batch_size=64))


def test_rates_rise_exponentially_from_start_to_end():
    assert rate_at(0, 100) == pytest.approx(START_RATE) and rate_at(99, 100) == pytest.approx(END_RATE)
    assert rate_at(50, 101) == pytest.approx((START_RATE * END_RATE) ** 0.5)


def test_suggestion_is_a_tenth_of_the_rate_with_the_lowest_loss():
    rates = [rate_at(i, 50) for i in range(50)]
    losses = [2.3 - 0.04 * i if i < 30 else 1.1 + 0.5 * (i - 30) for i in range(50)]  # lowest at step 30
    found = summarise(rates, losses, "finished", 1.0)
    assert found.lowest_loss_rate == rates[30]
    assert found.suggestion == pytest.approx(rates[30] / 10, rel=0.05)
    assert f"{found.suggestion:g}" in found.explanation
    assert summarise(rates[:5], losses[:5], "stopped", 1.0).suggestion is None


def test_range_test_on_mnist_ends_past_the_lowest_loss_with_a_sensible_suggestion(mnist):
    __import__("torch").manual_seed(0)  # the same starting weights whatever ran before (it depended on test order)
    model = build_model(CONFIG.model, mnist.info.input_shape, 10)
    events = list(find_learning_rate(model, mnist, CONFIG, __import__("torch").device("cpu"), steps=60))
    steps, found = [e for e in events if isinstance(e, RateStep)], events[-1]
    assert isinstance(found, RateFound) and found.status == "finished"
    assert all(b.learning_rate > a.learning_rate for a, b in zip(steps, steps[1:]))
    assert min(found.losses) < 0.6 * found.losses[0]  # somewhere in the range it learned
    assert 1e-4 <= found.suggestion <= 0.5


def test_stop_ends_the_test_at_once(mnist):
    stop = threading.Event()
    stop.set()
    model = build_model(CONFIG.model, mnist.info.input_shape, 10)
    events = list(find_learning_rate(model, mnist, CONFIG, __import__("torch").device("cpu"), stop))
    assert [type(e) for e in events] == [RateFound] and events[0].status == "stopped"


def test_runs_through_the_job_runner_without_being_recorded(mnist, tmp_path):
    from core.store.runs import RunStore
    from core.runners.runtime import make_runner

    store = RunStore(tmp_path)
    runner = make_runner(max_parallel=1, store=store)
    job = runner.submit(CONFIG, mnist, trainer=lambda *a: find_learning_rate(*a, steps=40), record=False)
    assert job.wait(timeout=120)
    assert job.status == "finished" and isinstance(job.events()[-1], RateFound)
    assert store.list_runs() == []
