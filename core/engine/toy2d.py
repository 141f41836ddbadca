"""Tiny 2-D classification problems, in the spirit of TensorFlow Playground.

Points live on the square [-EXTENT, EXTENT]^2; label 0 or 1. A small MLP outputs one
logit (the chance of class 1), trained one epoch at a time so a page can pause, step
and reset it, and draw its probability over the whole plane.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

EXTENT = 1.5  # the plane shown runs from -EXTENT to EXTENT on both axes
DATASETS = {"moons": "Two moons", "circles": "Circle inside a ring", "xor": "XOR (four corners)",
            "spirals": "Two spirals", "blobs": "Two blobs"}
ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "linear": nn.Identity}
OPTIMIZERS = ("adam", "sgd")
REGULARIZATIONS = ("none", "l1", "l2")
MAX_LAYERS, MAX_NEURONS = 6, 64


def _moons(rng: np.random.Generator, per_class: int) -> tuple[np.ndarray, np.ndarray]:
    angles = rng.uniform(0, math.pi, (2, per_class))
    upper = np.stack([np.cos(angles[0]), np.sin(angles[0])], 1)
    lower = np.stack([1 - np.cos(angles[1]), 0.5 - np.sin(angles[1])], 1)
    return (upper - (0.5, 0.25)) * 0.8, (lower - (0.5, 0.25)) * 0.8


def _circles(rng: np.random.Generator, per_class: int) -> tuple[np.ndarray, np.ndarray]:
    def ring(low: float, high: float) -> np.ndarray:
        radius, angle = rng.uniform(low, high, per_class), rng.uniform(0, 2 * math.pi, per_class)
        return np.stack([radius * np.cos(angle), radius * np.sin(angle)], 1)
    return ring(0.75, 1.1), ring(0.0, 0.45)


def _xor(rng: np.random.Generator, per_class: int) -> tuple[np.ndarray, np.ndarray]:
    def corners(same_sign: bool) -> np.ndarray:
        x = rng.uniform(0.08, 1.1, per_class) * rng.choice((-1, 1), per_class)
        y = rng.uniform(0.08, 1.1, per_class) * np.sign(x) * (1 if same_sign else -1)
        return np.stack([x, y], 1)
    return corners(False), corners(True)


def _spirals(rng: np.random.Generator, per_class: int) -> tuple[np.ndarray, np.ndarray]:
    share = np.arange(per_class) / per_class
    radius, angle = 0.1 + share * 1.05, share * 1.75 * 2 * math.pi
    arms = [np.stack([radius * np.sin(angle + turn), radius * np.cos(angle + turn)], 1) for turn in (0, math.pi)]
    return arms[0], arms[1]


def _blobs(rng: np.random.Generator, per_class: int) -> tuple[np.ndarray, np.ndarray]:
    spread = 0.25
    return (rng.normal((-0.55, -0.55), spread, (per_class, 2)), rng.normal((0.55, 0.55), spread, (per_class, 2)))


GENERATORS = {"moons": _moons, "circles": _circles, "xor": _xor, "spirals": _spirals, "blobs": _blobs}


def make_points(dataset: str, n_points: int = 200, noise: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(x (N, 2) float32, y (N,) int64) with half of the points in each class, shuffled."""
    if dataset not in GENERATORS:
        raise ValueError(f"Unknown dataset '{dataset}'. Choose one of: {', '.join(GENERATORS)}.")
    if not 10 <= n_points <= 2000:
        raise ValueError(f"The number of points must be between 10 and 2000, got {n_points}.")
    if not 0.0 <= noise <= 1.0:
        raise ValueError(f"Noise must be between 0 and 1, got {noise:g}.")
    rng = np.random.default_rng(seed)
    per_class = n_points // 2
    class0, class1 = GENERATORS[dataset](rng, per_class)
    x = np.concatenate([class0, class1]) + rng.normal(0, noise, (2 * per_class, 2))
    y = np.repeat([0, 1], per_class)
    order = rng.permutation(len(y))
    return np.clip(x[order], -EXTENT, EXTENT).astype(np.float32), y[order].astype(np.int64)


def split_points(x: np.ndarray, y: np.ndarray, test_share: float, seed: int = 0) -> tuple[np.ndarray, ...]:
    """Hold back test_share of the points (0 to 0.5): (train_x, train_y, test_x, test_y)."""
    if not 0.0 <= test_share <= 0.5:
        raise ValueError(f"The share of test points must be between 0 and 50%, got {test_share:.0%}.")
    order = np.random.default_rng(seed + 1).permutation(len(y))
    n_test = int(round(len(y) * test_share))
    test, train = order[:n_test], order[n_test:]
    return x[train], y[train], x[test], y[test]


def build_mlp(hidden_layers: list[int], activation: str = "tanh", seed: int = 0) -> nn.Sequential:
    """2 inputs -> hidden layers -> 1 logit; up to MAX_LAYERS layers of up to MAX_NEURONS neurons."""
    if activation not in ACTIVATIONS:
        raise ValueError(f"Unknown activation '{activation}'. Choose one of: {', '.join(ACTIVATIONS)}.")
    if len(hidden_layers) > MAX_LAYERS:
        raise ValueError(f"At most {MAX_LAYERS} hidden layers, got {len(hidden_layers)}.")
    if any(not 1 <= size <= MAX_NEURONS for size in hidden_layers):
        raise ValueError(f"Each hidden layer needs between 1 and {MAX_NEURONS} neurons.")
    torch.manual_seed(seed)
    layers, in_features = [], 2
    for size in hidden_layers:
        layers += [nn.Linear(in_features, size), ACTIVATIONS[activation]()]
        in_features = size
    layers.append(nn.Linear(in_features, 1))
    return nn.Sequential(*layers)


@dataclass(frozen=True)
class ToySettings:
    """How the 2-D network learns; these can change while it trains."""

    learning_rate: float = 0.03
    batch_size: int = 10
    optimizer: str = "adam"
    regularization: str = "none"  # none, l1 (sum of |w|) or l2 (sum of w^2), weights only
    regularization_rate: float = 0.0

    def __post_init__(self) -> None:
        if not 1e-6 <= self.learning_rate <= 100:
            raise ValueError(f"Learning rate must be between 0.000001 and 100, got {self.learning_rate:g}.")
        if not 1 <= self.batch_size <= 2000:
            raise ValueError(f"Batch size must be between 1 and 2000 points, got {self.batch_size}.")
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(f"Unknown optimizer '{self.optimizer}'. Choose one of: {', '.join(OPTIMIZERS)}.")
        if self.regularization not in REGULARIZATIONS:
            raise ValueError(f"Unknown regularisation '{self.regularization}'. Choose none, l1 or l2.")
        if not 0.0 <= self.regularization_rate <= 10:
            raise ValueError(f"Regularisation rate must be between 0 and 10, got {self.regularization_rate:g}.")


@dataclass(frozen=True)
class EpochStats:
    epoch: int
    train_loss: float  # binary cross-entropy, without the regularisation penalty
    train_accuracy: float
    test_loss: float | None
    test_accuracy: float | None


DIVERGED_MESSAGE = ("At epoch {epoch} the loss became {what}: the weights grew so large that the numbers "
                    "overflowed. The learning rate ({rate:g}) is too big for these settings, so every step "
                    "overshot further. Press Reset and try a learning rate about 10 times smaller.")


class ToyTrainer:
    """An MLP on a set of 2-D points, trained one epoch at a time; pause by simply not calling it."""

    def __init__(self, points: tuple[np.ndarray, ...], hidden_layers: list[int], activation: str = "tanh",
                 settings: ToySettings = ToySettings(), seed: int = 0):
        self.hidden_layers, self.activation, self.seed = list(hidden_layers), activation, seed
        self.settings = settings
        self.train_x, self.train_y, self.test_x, self.test_y = (torch.as_tensor(part) for part in points)
        self.reset()

    def reset(self) -> None:
        """Fresh random weights (same seed each time), epoch 0, empty history."""
        self.model = build_mlp(self.hidden_layers, self.activation, self.seed)
        self.generator = torch.Generator().manual_seed(self.seed)
        self.epoch = 0
        self.history: list[EpochStats] = []
        self.diverged_message: str | None = None
        self._make_optimizer()

    def _make_optimizer(self) -> None:
        make = torch.optim.Adam if self.settings.optimizer == "adam" else torch.optim.SGD
        self.optimizer = make(self.model.parameters(), lr=self.settings.learning_rate)

    def update_settings(self, settings: ToySettings) -> None:
        """Apply new learning settings to the network as it is (the weights are kept)."""
        if settings.optimizer != self.settings.optimizer:
            self.settings = settings
            self._make_optimizer()
        self.settings = settings
        for group in self.optimizer.param_groups:
            group["lr"] = settings.learning_rate

    def add_point(self, x: float, y: float, label: int) -> None:
        """A new training point (for example where the user clicked)."""
        if label not in (0, 1):
            raise ValueError("A point belongs to class 0 or class 1.")
        if not (-EXTENT <= x <= EXTENT and -EXTENT <= y <= EXTENT):
            raise ValueError(f"Points must lie on the plane, between {-EXTENT:g} and {EXTENT:g} on both axes.")
        self.train_x = torch.cat([self.train_x, torch.tensor([[x, y]], dtype=torch.float32)])
        self.train_y = torch.cat([self.train_y, torch.tensor([label])])

    def parameter_count(self) -> int:
        """How many weights and biases the network has."""
        return sum(p.numel() for p in self.model.parameters())

    @property
    def is_diverged(self) -> bool:
        return self.diverged_message is not None

    def penalty(self) -> torch.Tensor:
        """The regularisation term added to the loss: rate * sum|w| (L1) or rate * sum w^2 (L2)."""
        weights = [layer.weight for layer in self.model if isinstance(layer, nn.Linear)]
        if self.settings.regularization == "l1":
            return self.settings.regularization_rate * sum(w.abs().sum() for w in weights)
        if self.settings.regularization == "l2":
            return self.settings.regularization_rate * sum(w.pow(2).sum() for w in weights)
        return torch.zeros(())

    def step_epoch(self) -> EpochStats | None:
        """One pass over the training points in shuffled batches; None once diverged."""
        if self.is_diverged:
            return None
        self.model.train()
        order = torch.randperm(len(self.train_y), generator=self.generator)
        for start in range(0, len(order), self.settings.batch_size):
            batch = order[start:start + self.settings.batch_size]
            logits = self.model(self.train_x[batch]).squeeze(1)
            loss = F.binary_cross_entropy_with_logits(logits, self.train_y[batch].float()) + self.penalty()
            if not torch.isfinite(loss):
                return self._diverge("not a number (NaN)" if torch.isnan(loss) else "infinite")
            self.optimizer.zero_grad()
            loss.backward()
            self.optimizer.step()
        self.epoch += 1
        stats = self.evaluate()
        if not math.isfinite(stats.train_loss):
            return self._diverge("not a number (NaN)" if math.isnan(stats.train_loss) else "infinite")
        self.history.append(stats)
        return stats

    def _diverge(self, what: str) -> None:
        """Remember a plain explanation; training refuses to go on until reset."""
        self.diverged_message = DIVERGED_MESSAGE.format(epoch=self.epoch + 1, what=what,
                                                        rate=self.settings.learning_rate)
        if self.settings.regularization != "none" and self.settings.regularization_rate > 0:
            self.diverged_message += (" A large regularisation rate makes this worse: the penalty "
                                      "itself pushes the weights past zero and back, further each time.")
        return None

    def train_for(self, seconds: float, max_epochs: int = 1000) -> int:
        """Train whole epochs until about `seconds` have passed; returns how many ran."""
        deadline, done = time.perf_counter() + seconds, 0
        while done < max_epochs and time.perf_counter() < deadline and self.step_epoch() is not None:
            done += 1
        return done

    @torch.no_grad()
    def evaluate(self) -> EpochStats:
        """Loss and accuracy on the training points and the held-back test points."""
        self.model.eval()
        train_loss, train_accuracy = _loss_and_accuracy(self.model, self.train_x, self.train_y)
        test_loss, test_accuracy = (_loss_and_accuracy(self.model, self.test_x, self.test_y)
                                    if len(self.test_y) else (None, None))
        return EpochStats(self.epoch, train_loss, train_accuracy, test_loss, test_accuracy)

    def probability_grid(self, resolution: int = 60) -> tuple[np.ndarray, np.ndarray]:
        """See probability_grid(); for this trainer's network."""
        return probability_grid(self.model, resolution)


def _loss_and_accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> tuple[float, float]:
    logits = model(x).squeeze(1)
    loss = F.binary_cross_entropy_with_logits(logits, y.float()).item()
    return loss, ((logits > 0).long() == y).float().mean().item()


@torch.no_grad()
def probability_grid(model: nn.Module, resolution: int = 60) -> tuple[np.ndarray, np.ndarray]:
    """(coordinates (R,), chance of class 1 (R, R)); row i is y = coordinates[i], column j is x."""
    if not 2 <= resolution <= 400:
        raise ValueError(f"The map resolution must be between 2 and 400 cells per side, got {resolution}.")
    coordinates = np.linspace(-EXTENT, EXTENT, resolution, dtype=np.float32)
    grid_y, grid_x = np.meshgrid(coordinates, coordinates, indexing="ij")
    plane = torch.from_numpy(np.stack([grid_x.ravel(), grid_y.ravel()], 1))  # (R*R, 2)
    was_training = model.training
    model.eval()
    probabilities = torch.sigmoid(model(plane)).view(resolution, resolution).numpy()
    model.train(was_training)
    return coordinates, probabilities
