"""Frozen settings for one training run; each rejects bad values with a plain message."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from core.basics.choices import ACTIVATIONS, DATASETS, DEFAULT_PRESET, OPTIMIZERS, PRESETS, SCHEDULES
from core.basics.limits import IMAGE_CHANNELS, IMAGE_SIZES, MAX_CLASSES, MAX_CLASS_NAME_CHARS


def _check_range(name: str, value: float, low: float, high: float, hint: str = "") -> None:
    if not (low <= value <= high):
        raise ValueError(f"{name} must be between {low:g} and {high:g}, got {value:g}. {hint}".strip())


CUSTOM_PREFIX = "custom:"  # the user's own images: "custom:<id>"


def _check_custom(classes: tuple, shape: tuple) -> None:
    """Own images: only class lists and picture sizes that the My images upload itself produces."""
    if not 2 <= len(classes) <= MAX_CLASSES:
        raise ValueError(f"Your own images need between 2 and {MAX_CLASSES:,} classes, got {len(classes):,}.")
    if not all(isinstance(name, str) and 0 < len(name) <= MAX_CLASS_NAME_CHARS for name in classes) \
            or len(set(classes)) != len(classes):
        raise ValueError("Class names must be different, non-empty pieces of text (a folder name each).")
    sizes = ", ".join(f"{size}x{size}" for size in IMAGE_SIZES)
    if len(shape) != 3 or any(type(value) is not int for value in shape) or shape[0] not in IMAGE_CHANNELS \
            or shape[1] not in IMAGE_SIZES or shape[2] != shape[1]:
        raise ValueError(f"Your own images are square, {sizes} pixels, in colour (3 channels) or grey (1); "
                         f"got the shape {shape!r:.60}.")


@dataclass(frozen=True)
class DataConfig:
    """Which images to learn from and how to split and vary them."""

    dataset: str = "mnist"
    validation_split: float = 0.1  # share of the training images held back to check progress
    train_subset: int = 0  # 0 = all training images; otherwise the first N (a quick look)
    augment: bool = False  # small random shifts/rotations (digits) or flips/crops (colour)
    # Only for the user's own images, so a saved model says what it reads and answers:
    custom_classes: tuple[str, ...] = ()
    custom_shape: tuple[int, ...] = ()  # (channels, height, width)

    def __post_init__(self) -> None:
        object.__setattr__(self, "custom_classes", tuple(self.custom_classes))  # JSON gives lists
        object.__setattr__(self, "custom_shape", tuple(self.custom_shape))
        if self.dataset.startswith(CUSTOM_PREFIX):
            _check_custom(self.custom_classes, self.custom_shape)
        else:
            DATASETS.check(self.dataset)
        _check_range("Validation split", self.validation_split, 0.01, 0.5,
                     "Keep between 1% and 50% of the training images aside.")
        if self.train_subset < 0:
            raise ValueError("The training subset size cannot be negative (0 means all images).")


@dataclass(frozen=True)
class ModelConfig:
    """Which network to build."""

    preset: str = DEFAULT_PRESET
    activation: str = "relu"
    dropout: float = 0.0  # chance of switching off a neuron during training
    init_from_run: str = ""  # fine-tuning: start from this saved run's weights ("" = random start)
    freeze_convolutions: bool = False  # fine-tuning: keep the convolution layers as they are

    def __post_init__(self) -> None:
        PRESETS.check(self.preset)
        ACTIVATIONS.check(self.activation)
        _check_range("Dropout", self.dropout, 0.0, 0.9,
                     "Dropout is the share of neurons switched off, so it must be below 1.")


@dataclass(frozen=True)
class TrainConfig:
    """How to train: optimizer, step size, batches, epochs."""

    optimizer: str = "adam"
    learning_rate: float = 0.001
    batch_size: int = 64
    epochs: int = 2
    weight_decay: float = 0.0
    schedule: str = "constant"
    seed: int = 0
    log_every: int = 20  # report training loss every this many steps

    def __post_init__(self) -> None:
        OPTIMIZERS.check(self.optimizer)
        SCHEDULES.check(self.schedule)
        _check_range("Learning rate", self.learning_rate, 1e-7, 100.0)
        _check_range("Batch size", self.batch_size, 1, 8192, "It is how many images are seen per step.")
        _check_range("Epochs", self.epochs, 1, 500, "An epoch is one pass over all training images.")
        _check_range("Weight decay", self.weight_decay, 0.0, 1.0)
        _check_range("Random seed", self.seed, 0, 2**31 - 1)
        _check_range("Logging interval", self.log_every, 1, 100_000)
        for name in ("batch_size", "epochs", "seed", "log_every"):
            if int(getattr(self, name)) != getattr(self, name):
                raise ValueError(f"{name.replace('_', ' ').capitalize()} must be a whole number.")


@dataclass(frozen=True)
class RunConfig:
    """Everything that defines a run: data, model and training settings."""

    data: DataConfig = field(default_factory=DataConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    train: TrainConfig = field(default_factory=TrainConfig)

    def __post_init__(self) -> None:
        if PRESETS[self.model.preset].pretrained and not self.data.dataset.startswith(CUSTOM_PREFIX):
            raise ValueError("The pretrained network is offered for your own pictures: pick My images as the dataset.")

    def to_dict(self) -> dict:
        """Plain nested dict, ready for JSON."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, values: dict) -> "RunConfig":
        """Rebuild from to_dict() output; unknown keys are refused with a message."""
        if not isinstance(values, dict):
            raise ValueError("The run settings are not a set of named values.")
        parts = {}
        for name, part_class in (("data", DataConfig), ("model", ModelConfig), ("train", TrainConfig)):
            part = values.get(name, {})
            if not isinstance(part, dict):
                raise ValueError(f"The {name} settings are not a set of named values.")
            known = {f.name for f in dataclasses.fields(part_class)}
            unknown = set(part) - known
            if unknown:
                raise ValueError(f"Unknown {name} setting(s): {', '.join(sorted(unknown))}.")
            for field_ in dataclasses.fields(part_class):
                if field_.name in part:
                    _check_type(f"{name}.{field_.name}", part[field_.name], field_.default)
            parts[name] = part_class(**part)
        return cls(**parts)


def _check_type(name: str, value, default) -> None:
    """A value read from a file has the kind of its default: text, whole number, number, yes/no or list."""
    if isinstance(default, bool):
        ok = isinstance(value, bool)
    elif isinstance(default, int):
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif isinstance(default, float):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    elif isinstance(default, str):
        ok = isinstance(value, str)
    else:  # tuples, stored as JSON lists
        ok = isinstance(value, (list, tuple))
    if not ok:
        raise ValueError(f"The setting {name} has a value of the wrong kind: {value!r:.60}.")
