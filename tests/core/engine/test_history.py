"""RunHistory: a run's events summarised once, for charts, the CLI, recipes and the model picker."""
import pytest

from core.basics.status import RunStatus
from core.engine.events import Done, EpochEnd, Started, StepEnd, Stopped
from core.engine.history import RunHistory

STARTED = Started("CPU (2 threads)", 1000, 900, 100, 200, steps_per_epoch=4)


def step(number: int, loss: float) -> StepEnd:
    return StepEnd(epoch=(number - 1) // 4 + 1, step=number, total_steps=8, loss=loss, accuracy=1 - loss,
                   samples_per_second=100.0, elapsed=number, seconds_left=8 - number)


def epoch(number: int, validation_accuracy: float) -> EpochEnd:
    return EpochEnd(number, 2, 0.5 / number, 0.8, 0.4 / number, validation_accuracy, 4.0 * number)


EVENTS = [STARTED, step(2, 0.9), step(4, 0.6), epoch(1, 0.91), step(6, 0.4), step(8, 0.3), epoch(2, 0.95),
          Done(RunStatus.FINISHED, 0.2, 0.96, 8.5)]


def test_curves_progress_and_result_of_a_finished_run():
    history = RunHistory.from_events(EVENTS)
    assert history.started == STARTED and history.status == RunStatus.FINISHED
    assert history.step_epochs == [0.5, 1.0, 1.5, 2.0] and history.step_losses == [0.9, 0.6, 0.4, 0.3]
    assert history.step_accuracies == pytest.approx([0.1, 0.4, 0.6, 0.7])
    assert history.epoch_numbers == [1, 2] and history.validation_accuracies == [0.91, 0.95]
    assert history.train_losses == [0.5, 0.25] and history.validation_losses == [0.4, 0.2]
    assert history.train_accuracies == [0.8, 0.8]
    assert history.latest_step.step == 8 and history.best_epoch.epoch == 2
    assert history.done.test_accuracy == 0.96 and history.diverged is None and history.stopped is None


def test_events_added_one_by_one_give_the_same_history_as_a_whole_stream():
    live = RunHistory()
    assert live.is_empty and live.latest_step is None and live.done is None and live.status is None
    assert live.step_epochs == [] and live.best_epoch is None
    for event in EVENTS[:3]:
        live.add(event)
    assert live.latest_step.step == 4 and live.epochs == [] and live.status is None
    for event in EVENTS[3:]:
        live.add(event)
    assert live == RunHistory.from_events(EVENTS)


def test_a_stopped_run_keeps_where_it_stopped_and_curves_need_no_started_event():
    history = RunHistory.from_events([step(2, 0.9), Stopped(1, 2), Done(RunStatus.STOPPED, 0.5, 0.8, 1.0)])
    assert history.stopped.step == 2 and history.status == RunStatus.STOPPED
    assert history.step_epochs == [2.0]  # without Started, steps count as epochs


def test_something_that_is_not_an_event_is_refused():
    with pytest.raises(TypeError):
        RunHistory().add("finished")
