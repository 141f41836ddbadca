"""The coach's fixes: one concrete change of settings per finding, applied to a run's config."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.basics.choices import PRESETS
from core.basics.config import RunConfig

if TYPE_CHECKING:
    from core.coach.reading import Reading
    from core.coach.curves import Curves

BIGGER_NETWORK = {"mlp_512": "simple_cnn", "tiny_cifar": "simple_cnn", "fast_cnn": "simple_cnn", "lenet": "simple_cnn"}
HELPED_POINTS = 0.2  # a change of test accuracy smaller than this (in points) is within chance


@dataclass(frozen=True)
class Fix:
    """A change of settings: label says it in words; changes are ("part.field", new value) pairs."""

    label: str
    changes: tuple[tuple[str, object], ...]

    def to_dict(self) -> dict:
        return {"label": self.label, "changes": [list(change) for change in self.changes]}

    @classmethod
    def from_dict(cls, values: dict) -> "Fix":
        return cls(str(values["label"]), tuple((str(key), value) for key, value in values["changes"]))


RELU = Fix("the ReLU activation, which learns faster than tanh or sigmoid", (("model.activation", "relu"),))


def apply_fix(config: RunConfig, fix: Fix) -> RunConfig:
    """config with the fix's changes made (checked like any setting: ValueError if out of range)."""
    parts = {"data": config.data, "model": config.model, "train": config.train}
    for key, value in fix.changes:
        part, name = key.split(".")
        if part not in parts or name not in {f.name for f in dataclasses.fields(parts[part])}:
            raise ValueError(f"The suggested change '{key}' is not a setting this app knows.")
        parts[part] = dataclasses.replace(parts[part], **{name: value})
    return RunConfig(**parts)


def _rate(value: float) -> float:
    """A learning rate rounded to two significant figures, as a person would type it."""
    return float(f"{value:.2g}")


def _scale_learning_rate(config: RunConfig, factor: float) -> Fix:
    new = _rate(config.train.learning_rate * factor)
    times = f"{factor:g} times bigger" if factor > 1 else f"{1 / factor:g} times smaller"
    return Fix(f"a learning rate {times} ({new:g})", (("train.learning_rate", new),))


def _too_high(config: RunConfig, curves: "Curves") -> Fix:
    return _scale_learning_rate(config, 0.1)


def _too_low(config: RunConfig, curves: "Curves") -> Fix:
    first = curves.head_loss()
    barely = first > 0 and (first - curves.tail_loss()) / first < 0.15
    return _scale_learning_rate(config, 100 if barely else 10)


def ignored_settings(config: RunConfig) -> set[str]:
    """Settings this run's network does not use: a fix that changes one of them cannot help.

    A pretrained network reads cached features (no augmentation) and keeps its own activation.
    """
    return {"data.augment", "model.activation"} if PRESETS[config.model.preset].pretrained else set()


def _overfitting(config: RunConfig, curves: "Curves") -> Fix:
    if not config.data.augment and "data.augment" not in ignored_settings(config):
        return Fix("turn on data augmentation (slightly shifted, turned and resized copies of each image)",
                   (("data.augment", True),))
    if config.model.dropout < 0.3:
        return Fix("dropout 0.3 (switch off 30% of neurons at random while training)", (("model.dropout", 0.3),))
    if config.train.weight_decay < 5e-4:
        return Fix("weight decay 0.0005 (keep the weights small)", (("train.weight_decay", 5e-4),))
    best = min(curves.epochs, key=lambda e: e.validation_loss).epoch
    return Fix(f"stop at epoch {best}, where it was best on held-back images", (("train.epochs", best),))


def _underfitting(config: RunConfig, curves: "Curves") -> Fix:
    if config.model.activation != "relu" and "model.activation" not in ignored_settings(config):
        return RELU
    if config.model.dropout > 0:
        return Fix("no dropout: let every neuron work", (("model.dropout", 0.0),))
    if config.train.weight_decay > 0:
        return Fix("no weight decay: let the weights grow as needed", (("train.weight_decay", 0.0),))
    bigger = BIGGER_NETWORK.get(config.model.preset)
    if bigger:
        return Fix(f"a bigger network: {PRESETS[bigger].label}", (("model.preset", bigger),))
    return _more_epochs(config, curves)


def _plateau(config: RunConfig, curves: "Curves") -> Fix:
    if config.train.schedule == "constant":
        return Fix("the one-cycle schedule (warm up, then lower the learning rate to settle in)",
                   (("train.schedule", "one_cycle"),))
    return _scale_learning_rate(config, 1 / 3)


def _not_learning(config: RunConfig, curves: "Curves") -> Fix:
    published = PRESETS[config.model.preset]
    if config.train.learning_rate > 1.5 * published.learning_rate:
        return _scale_learning_rate(config, 0.1)
    if config.model.activation != "relu" and "model.activation" not in ignored_settings(config):
        return RELU
    return Fix(f"the settings {published.label} was published with ({published.optimizer}, learning rate "
               f"{published.learning_rate:g})", (("train.optimizer", published.optimizer),
                                                 ("train.learning_rate", published.learning_rate),
                                                 ("train.schedule", published.schedule)))


def _more_epochs(config: RunConfig, curves: "Curves") -> Fix:
    extra = max(2, config.train.epochs // 2)
    total = min(500, config.train.epochs + extra)
    return Fix(f"{total - config.train.epochs} more epochs ({total} in all)", (("train.epochs", total),))


FIXES = {"lr_too_high": _too_high, "lr_too_low": _too_low, "not_learning": _not_learning, "overfitting": _overfitting,
         "underfitting": _underfitting, "plateau": _plateau, "still_improving": _more_epochs}


def fix_for(reading: "Reading", config: RunConfig, curves: "Curves") -> Fix | None:
    """The one change the coach suggests for this finding (None for 'learning well')."""
    make = FIXES.get(getattr(reading, "value", reading))
    if make is None:
        return None
    fix = make(config, curves)
    try:
        changed = apply_fix(config, fix)
    except ValueError:
        return None  # e.g. a learning rate outside what the app accepts: say nothing rather than break
    if changed == config or any(key in ignored_settings(config) for key, _ in fix.changes):
        return None  # a fix that changes nothing this network uses cannot help: offer none
    return fix


def fix_verdict(before: float | None, after: float | None) -> str:
    """Whether a fix helped, in words, from test accuracy before and after (fractions)."""
    if before is None or after is None:
        return "not known yet: the new run has no test accuracy"
    change = (after - before) * 100
    figures = f"test accuracy {before:.1%} → {after:.1%}"
    if change >= HELPED_POINTS:
        return f"it helped: {figures} (+{change:.1f} points)"
    if change <= -HELPED_POINTS:
        return f"it did not help: {figures} ({change:.1f} points)"
    return f"it made little difference: {figures} (within {HELPED_POINTS} points, what chance alone can move)"
