"""Points on the plane: the datasets the playground generates, as TensorFlow Playground has them.

Classification: a label 0..classes-1 per point (up to MAX_CLASSES). Regression: a value in [-1, 1].
"""
from __future__ import annotations

import enum
from dataclasses import dataclass

import numpy as np

from core.playground.shapes import EXTENT, MANY_CLASS_SHAPES, TWO_CLASS_SHAPES, VALUE_FUNCTIONS

MAX_CLASSES = 6
MAX_POINTS = 5000  # generated, uploaded and painted points together
MAX_GENERATED_POINTS = 2000


class Task(str, enum.Enum):
    CLASSIFICATION = "classification"
    REGRESSION = "regression"


@dataclass(frozen=True)
class Points:
    """Points on the plane with a class label (int64) or a value (float32) each."""

    xy: np.ndarray  # (N, 2) float32
    target: np.ndarray  # (N,)
    task: Task
    classes: int  # 0 for regression

    def __len__(self) -> int:
        return len(self.target)

    def subset(self, index: np.ndarray) -> Points:
        """The points at index (same task and number of classes)."""
        return Points(self.xy[index], self.target[index], self.task, self.classes)

    def plus(self, other: Points) -> Points:
        """These points followed by other's."""
        if other.task != self.task:
            raise ValueError("Points for a class and points with a value cannot be mixed.")
        return Points(np.concatenate([self.xy, other.xy]).astype(np.float32),
                      np.concatenate([self.target, other.target]).astype(self.target.dtype),
                      self.task, max(self.classes, other.classes))


@dataclass(frozen=True)
class DatasetChoice:
    """One generated dataset: its label, its task, whether the number of classes can be chosen, and the
    noise and inputs it starts with (picked so that the default network learns it well)."""

    label: str
    task: Task
    any_classes: bool = False
    noise: float = 0.1
    features: tuple[str, ...] = ("x", "y")


DATASETS = {
    "moons": DatasetChoice("Two moons", Task.CLASSIFICATION),
    "circles": DatasetChoice("Circle inside a ring", Task.CLASSIFICATION),
    "xor": DatasetChoice("XOR (four corners)", Task.CLASSIFICATION),
    "spirals": DatasetChoice("Two spirals", Task.CLASSIFICATION, noise=0.05, features=("x", "y", "sinx", "siny")),
    "blobs": DatasetChoice("Blobs (2 to 6 classes)", Task.CLASSIFICATION, any_classes=True),
    "arms": DatasetChoice("Pinwheel arms (2 to 6 classes)", Task.CLASSIFICATION, any_classes=True, noise=0.05),
    "plane": DatasetChoice("Regression: a tilted plane", Task.REGRESSION, noise=0.0),
    "bumps": DatasetChoice("Regression: hills and valleys", Task.REGRESSION, noise=0.0),
}


def make_points(dataset: str, n_points: int = 200, noise: float = 0.1, seed: int = 0, classes: int = 2) -> Points:
    """A generated dataset, shuffled, on the plane; classes only matters where the dataset allows a choice."""
    if dataset not in DATASETS:
        raise ValueError(f"Unknown dataset '{dataset}'. Choose one of: {', '.join(DATASETS)}.")
    if not 10 <= n_points <= MAX_GENERATED_POINTS:
        raise ValueError(f"The number of points must be between 10 and {MAX_GENERATED_POINTS}, got {n_points}.")
    if not 0.0 <= noise <= 1.0:
        raise ValueError(f"Noise must be between 0 and 1, got {noise:g}.")
    if not 2 <= classes <= MAX_CLASSES:
        raise ValueError(f"The number of classes must be between 2 and {MAX_CLASSES}, got {classes}.")
    rng = np.random.default_rng(seed)
    if DATASETS[dataset].task == Task.REGRESSION:
        xy = rng.uniform(-EXTENT * 0.95, EXTENT * 0.95, (n_points, 2))
        values = VALUE_FUNCTIONS[dataset](xy)  # the clean value; the noise moves the points, as in TF Playground
        xy = np.clip(xy + rng.normal(0, noise, xy.shape), -EXTENT, EXTENT)
        return Points(xy.astype(np.float32), values.astype(np.float32), Task.REGRESSION, 0)
    classes = classes if DATASETS[dataset].any_classes else 2
    per_class = n_points // classes
    groups = (MANY_CLASS_SHAPES[dataset](rng, per_class, classes) if dataset in MANY_CLASS_SHAPES
              else TWO_CLASS_SHAPES[dataset](rng, per_class))
    xy = np.concatenate(groups) + rng.normal(0, noise, (classes * per_class, 2))
    labels = np.repeat(np.arange(classes), per_class)
    order = rng.permutation(len(labels))
    return Points(np.clip(xy[order], -EXTENT, EXTENT).astype(np.float32), labels[order].astype(np.int64),
                  Task.CLASSIFICATION, classes)


def split_points(points: Points, test_share: float, seed: int = 0) -> tuple[Points, Points]:
    """Hold back test_share of the points (0 to 0.9): (training points, test points)."""
    if not 0.0 <= test_share <= 0.9:
        raise ValueError(f"The share of test points must be between 0 and 90%, got {test_share:.0%}.")
    order = np.random.default_rng(seed + 1).permutation(len(points))
    n_test = int(round(len(points) * test_share))
    return points.subset(order[n_test:]), points.subset(order[:n_test])
