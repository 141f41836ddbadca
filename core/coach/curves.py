"""What the coach reads: a run's training loss every few steps and its figures after each epoch."""
from __future__ import annotations

import math
from dataclasses import dataclass

from core.engine.events import Event
from core.engine.history import RunHistory


@dataclass(frozen=True)
class EpochFigures:
    """Loss and accuracy on the training images and on the held-back validation images after one epoch."""

    epoch: int
    train_loss: float
    train_accuracy: float
    validation_loss: float
    validation_accuracy: float


@dataclass(frozen=True)
class Curves:
    """A run's history as plain numbers (each step list in step order, one EpochFigures per epoch)."""

    steps: tuple[int, ...] = ()
    step_losses: tuple[float, ...] = ()
    step_accuracies: tuple[float, ...] = ()
    epochs: tuple[EpochFigures, ...] = ()
    planned_epochs: int = 1
    status: str = "finished"  # running, finished, stopped or diverged
    diverged_at_step: int = 0
    num_classes: int = 10
    # The run's learning rate over the one its network was published with: a flat loss at a rate far above
    # that is not "learning rate too low" (whose fix would raise it further), it is a run not learning.
    rate_vs_published: float = 1.0

    @property
    def chance_loss(self) -> float:
        """The loss of a network that guesses every class equally: ln(number of classes)."""
        return math.log(max(2, self.num_classes))

    @property
    def chance_accuracy(self) -> float:
        """The accuracy of blind guessing: one class in num_classes."""
        return 1 / max(2, self.num_classes)

    @property
    def near_chance_accuracy(self) -> float:
        """Accuracy at or below this is 'no better than guessing': a tenth of the way from chance to perfect."""
        return self.chance_accuracy + 0.1 * (1 - self.chance_accuracy)

    def _edge(self, values: tuple[float, ...], last: bool) -> float:
        count = max(1, len(values) // 10)
        part = values[-count:] if last else values[:count]
        return sum(part) / len(part) if part else math.nan

    def head_loss(self) -> float:
        """Mean training loss over the first tenth of the logged steps."""
        return self._edge(self.step_losses, last=False) if self.step_losses else self.epochs[0].train_loss

    def tail_loss(self) -> float:
        """Mean training loss over the last tenth of the logged steps."""
        return self._edge(self.step_losses, last=True) if self.step_losses else self.epochs[-1].train_loss

    def tail_accuracy(self) -> float:
        """Mean training accuracy over the last tenth of the logged steps."""
        return self._edge(self.step_accuracies, last=True) if self.step_accuracies else \
            (self.epochs[-1].train_accuracy if self.epochs else math.nan)

    def smoothed_losses(self) -> list[float]:
        """Training loss averaged over a short trailing window (a twentieth of the points)."""
        width = max(1, len(self.step_losses) // 20)
        losses = self.step_losses
        return [sum(losses[max(0, i - width + 1):i + 1]) / (i + 1 - max(0, i - width + 1)) for i in range(len(losses))]

    def validation_accuracy_gain(self, epochs_back: int) -> float:
        """Validation accuracy now minus epochs_back epochs ago (1.0, i.e. 'not flat', if too few epochs)."""
        if len(self.epochs) <= epochs_back:
            return 1.0
        return self.epochs[-1].validation_accuracy - self.epochs[-1 - epochs_back].validation_accuracy

    def train_accuracy_gain(self, epochs_back: int) -> float:
        """Training accuracy now minus epochs_back epochs ago (1.0 if too few epochs)."""
        if len(self.epochs) <= epochs_back:
            return 1.0
        return self.epochs[-1].train_accuracy - self.epochs[-1 - epochs_back].train_accuracy


def curves_from_history(history: RunHistory, planned_epochs: int, num_classes: int = 10) -> Curves:
    """The coach's view of a run from its history (live or recorded)."""
    epochs = tuple(EpochFigures(e.epoch, e.train_loss, e.train_accuracy, e.validation_loss, e.validation_accuracy)
                   for e in history.epochs)
    if history.status is not None:
        status = str(history.status)
    else:
        status = "diverged" if history.diverged else "running"
    return Curves(tuple(e.step for e in history.steps), tuple(history.step_losses), tuple(history.step_accuracies),
                  epochs, planned_epochs, status, history.diverged.step if history.diverged else 0, num_classes)


def curves_from_events(events: list[Event], planned_epochs: int, num_classes: int = 10) -> Curves:
    """The coach's view of a run from its training events."""
    return curves_from_history(RunHistory.from_events(events), planned_epochs, num_classes)
