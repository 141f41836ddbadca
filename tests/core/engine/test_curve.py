"""The live chart's training curve stays the same size however long a run is."""
import pytest

from core.engine.curve import BoundedCurve, MAX_POINTS
from core.engine.events import Started, StepEnd
from core.engine.history import RunHistory


def test_short_curve_keeps_every_report():
    curve = BoundedCurve()
    for step in range(1, 51):
        curve.add(step / 10, 1 / step, step / 100)
    assert curve.x == [step / 10 for step in range(1, 51)]
    assert curve.losses == pytest.approx([1 / step for step in range(1, 51)])


def test_long_curve_is_bounded_and_ends_at_the_latest_report():
    curve = BoundedCurve()
    for step in range(1, 10_001):
        curve.add(float(step), 2.0, step / 10_000)
        assert len(curve.x) <= MAX_POINTS
    assert len(curve.x) >= MAX_POINTS // 2  # still a detailed curve
    assert curve.x[-1] == 10_000.0 and curve.x == sorted(curve.x)
    assert curve.losses == pytest.approx([2.0] * len(curve.x))  # averages of equal values
    assert 0.0 < curve.accuracies[0] < curve.accuracies[-1] <= 1.0


def test_history_chart_points_are_bounded_in_a_long_run():
    history = RunHistory()
    history.add(Started("cpu", 10, 100, 10, 10, steps_per_epoch=10))
    for step in range(1, 20_001):
        history.add(StepEnd(1, step, 20_000, 0.5, 0.9, 100.0, 1.0, 1.0))
    assert len(history.steps) == 20_000  # the full record stays for saved runs
    assert len(history.step_epochs) <= MAX_POINTS and history.step_epochs[-1] == 2_000.0
    snapshot = history.copy()
    history.add(StepEnd(1, 20_001, 20_001, 0.5, 0.9, 100.0, 1.0, 1.0))
    assert len(snapshot.steps) == 20_000 and snapshot.step_epochs[-1] == 2_000.0
