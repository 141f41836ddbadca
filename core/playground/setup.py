"""Everything a visitor chooses in the 2-D playground, as one value a link or a state file can hold."""
from __future__ import annotations

from dataclasses import dataclass, field

from core.playground.network import NetworkSpec
from core.playground.points import DATASETS, MAX_CLASSES, MAX_GENERATED_POINTS, Task
from core.playground.training import LearningSettings


@dataclass(frozen=True)
class DataSetup:
    """Which points are generated, and how many of them are held back for testing."""

    dataset: str = "moons"
    noise: float = 0.1
    n_points: int = 200
    test_share: float = 0.2
    seed: int = 0
    classes: int = 3  # used by the datasets that allow a choice

    def __post_init__(self) -> None:
        if self.dataset not in DATASETS:
            raise ValueError(f"Unknown dataset '{self.dataset}'. Choose one of: {', '.join(DATASETS)}.")
        if not 0.0 <= self.noise <= 0.5:
            raise ValueError(f"Noise must be between 0 and 0.5, got {self.noise:g}.")
        if not 10 <= self.n_points <= MAX_GENERATED_POINTS:
            raise ValueError(f"The number of points must be between 10 and {MAX_GENERATED_POINTS}.")
        if not 0.0 <= self.test_share <= 0.9:
            raise ValueError(f"The share of test points must be between 0 and 90%, got {self.test_share:.0%}.")
        if not 0 <= self.seed <= 1_000_000:
            raise ValueError("The points' seed must be a whole number between 0 and 1,000,000.")
        if not 2 <= self.classes <= MAX_CLASSES:
            raise ValueError(f"The number of classes must be between 2 and {MAX_CLASSES}, got {self.classes}.")

    def class_count(self) -> int:
        """The number of classes these points have (0 for a regression dataset)."""
        choice = DATASETS[self.dataset]
        if choice.task == Task.REGRESSION:
            return 0
        return self.classes if choice.any_classes else 2


@dataclass(frozen=True)
class PlaygroundSetup:
    """The data, the network and how it learns."""

    data: DataSetup = field(default_factory=DataSetup)
    network: NetworkSpec = field(default_factory=NetworkSpec)
    learning: LearningSettings = field(default_factory=LearningSettings)


def outputs_for(classes: int) -> int:
    """The network's outputs for points with this many classes (0: a value, one output)."""
    return classes if classes else 1
