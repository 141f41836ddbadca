"""A run's events summarised once (in the spirit of Keras' History): curves, progress, result.

    history = RunHistory.from_events(job.events())      # or job.history(), store.history(run_id)
    history.validation_accuracies                       # one value per finished epoch
    history.latest_step.seconds_left                    # the newest progress report
    history.done.test_accuracy                          # the final result, once there is one

Charts, the command line, recipes and the model picker read this instead of scanning events.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Iterable

from core.basics.status import RunStatus
from core.engine.curve import BoundedCurve
from core.engine.events import Diverged, Done, EpochEnd, Event, Extracting, Started, StepEnd, Stopped


@dataclass
class RunHistory:
    """Everything a run reported, by kind; add() events in the order the trainer yields them."""

    extracting: Extracting | None = None  # the newest report of a pretrained network reading the pictures
    started: Started | None = None
    steps: list[StepEnd] = field(default_factory=list)  # a report every few steps
    epochs: list[EpochEnd] = field(default_factory=list)  # one per finished epoch
    diverged: Diverged | None = None
    stopped: Stopped | None = None
    done: Done | None = None
    event_count: int = 0
    # The training curve for charts: every report, or their averages once there are more than fit on a chart
    curve: BoundedCurve = field(default_factory=BoundedCurve)

    @classmethod
    def from_events(cls, events: Iterable[Event]) -> "RunHistory":
        """The history of a whole event stream (a job's so far, or a saved run's)."""
        history = cls()
        for event in events:
            history.add(event)
        return history

    def add(self, event: Event) -> None:
        """Take in the next event."""
        self.event_count += 1
        if isinstance(event, StepEnd):
            self.steps.append(event)
            self.curve.add(event.step / (self.started.steps_per_epoch if self.started else 1),
                           event.loss, event.accuracy)
        elif isinstance(event, EpochEnd):
            self.epochs.append(event)
        elif isinstance(event, Started):
            self.started = event
        elif isinstance(event, Diverged):
            self.diverged = event
        elif isinstance(event, Stopped):
            self.stopped = event
        elif isinstance(event, Done):
            self.done = event
        elif isinstance(event, Extracting):
            self.extracting = event
        else:
            raise TypeError(f"Not a training event: {event!r}")

    @property
    def is_empty(self) -> bool:
        return self.event_count == 0

    @property
    def latest_step(self) -> StepEnd | None:
        """The newest progress report (epoch, step, speed, time left), if any."""
        return self.steps[-1] if self.steps else None

    @property
    def status(self) -> RunStatus | None:
        """How training ended (finished, stopped, diverged), or None while it goes on."""
        return self.done.status if self.done else None

    def copy(self) -> "RunHistory":
        """A copy that later add() calls on this one leave alone (the live view reads one while training goes on)."""
        return replace(self, steps=list(self.steps), epochs=list(self.epochs), curve=self.curve.copy())

    # Curves: training loss and accuracy every few steps, placed on an epoch axis (1.5 = mid second epoch),
    # averaged down to at most core.engine.curve.MAX_POINTS points so that a chart costs the same in a long run.
    @property
    def step_epochs(self) -> list[float]:
        return self.curve.x

    @property
    def step_losses(self) -> list[float]:
        return self.curve.losses

    @property
    def step_accuracies(self) -> list[float]:
        return self.curve.accuracies

    # Per-epoch figures, one value per finished epoch.
    @property
    def epoch_numbers(self) -> list[int]:
        return [event.epoch for event in self.epochs]

    @property
    def train_losses(self) -> list[float]:
        return [event.train_loss for event in self.epochs]

    @property
    def train_accuracies(self) -> list[float]:
        return [event.train_accuracy for event in self.epochs]

    @property
    def validation_losses(self) -> list[float]:
        return [event.validation_loss for event in self.epochs]

    @property
    def validation_accuracies(self) -> list[float]:
        return [event.validation_accuracy for event in self.epochs]

    @property
    def best_epoch(self) -> EpochEnd | None:
        """The epoch with the highest validation accuracy (the first of equals)."""
        return max(self.epochs, key=lambda event: event.validation_accuracy, default=None)
