"""Frozen settings for one training run; each rejects bad values with a plain message."""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from core.choices import ACTIVATIONS, DATASETS, DEFAULT_PRESET, OPTIMIZERS, PRESETS, SCHEDULES


def _check_range(name: str, value: float, low: float, high: float, hint: str = "") -> None:
    if not (low <= value <= high):
        raise ValueError(f"{name} must be between {low:g} and {high:g}, got {value:g}. {hint}".strip())


CUSTOM_PREFIX = "custom:"  # the user's own images: "custom:<id>"


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
            if len(self.custom_classes) < 2 or len(self.custom_shape) != 3:
                raise ValueError("Your own images need at least two classes and an image size.")
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
        parts = {}
        for name, part_class in (("data", DataConfig), ("model", ModelConfig), ("train", TrainConfig)):
            part = dict(values.get(name, {}))
            known = {f.name for f in dataclasses.fields(part_class)}
            unknown = set(part) - known
            if unknown:
                raise ValueError(f"Unknown {name} setting(s): {', '.join(sorted(unknown))}.")
            parts[name] = part_class(**part)
        return cls(**parts)
