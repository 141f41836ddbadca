"""The events a training run yields (Keras' callbacks, as values), and their plain-dict form:
one line of a run's metrics.jsonl, one message from a Ray worker."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Union

from core.basics.status import RunStatus


@dataclass(frozen=True)
class Started:
    device: str
    parameters: int
    train_size: int
    validation_size: int
    test_size: int
    steps_per_epoch: int


@dataclass(frozen=True)
class StepEnd:
    epoch: int  # 1-based
    step: int  # global step, 1-based
    total_steps: int
    loss: float  # mean over the steps since the last StepEnd
    accuracy: float
    samples_per_second: float
    elapsed: float
    seconds_left: float


@dataclass(frozen=True)
class EpochEnd:
    epoch: int
    epochs: int
    train_loss: float
    train_accuracy: float
    validation_loss: float
    validation_accuracy: float
    elapsed: float


@dataclass(frozen=True)
class Diverged:
    epoch: int
    step: int
    message: str


@dataclass(frozen=True)
class Stopped:
    epoch: int
    step: int


@dataclass(frozen=True)
class Done:
    status: RunStatus  # finished, stopped or diverged
    test_loss: float
    test_accuracy: float
    elapsed: float


@dataclass(frozen=True)
class Extracting:
    """A pretrained network reading the pictures once, before training (core.engine.feature_training)."""

    done: int  # pictures ready, those from the cache included
    total: int
    from_cache: int
    elapsed: float


Event = Union[Extracting, Started, StepEnd, EpochEnd, Diverged, Stopped, Done]

EVENT_TYPES = {cls.__name__: cls for cls in (Extracting, Started, StepEnd, EpochEnd, Diverged, Stopped, Done)}


def event_to_dict(event: Event) -> dict:
    """One metrics line: the event's fields plus its type name."""
    return {"event": type(event).__name__, **dataclasses.asdict(event)}


def event_from_dict(values: dict) -> Event | None:
    """The event a metrics line describes, or None for a line this version does not know."""
    event_class = EVENT_TYPES.get(values.get("event", ""))
    if event_class is None:
        return None
    names = {f.name for f in dataclasses.fields(event_class)}
    try:
        return event_class(**{key: value for key, value in values.items() if key in names})
    except TypeError:
        return None
