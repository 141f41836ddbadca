"""Training the playground's network one epoch at a time, so a page can pause, step and reset it."""
from __future__ import annotations

import contextlib
import math
import threading
import time
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from core.playground.features import derive
from core.playground.network import NetworkSpec, PlaneNet, build_network
from core.playground.points import EXTENT, Points, Task

OPTIMIZERS = ("adam", "sgd")
REGULARIZATIONS = ("none", "l1", "l2")
MAX_BATCH = 500


@dataclass(frozen=True)
class LearningSettings:
    """How the network learns; these can change while it trains."""

    learning_rate: float = 0.03
    batch_size: int = 10
    optimizer: str = "adam"
    regularization: str = "none"  # none, l1 (sum of |w|) or l2 (sum of w^2), weights only
    regularization_rate: float = 0.0

    def __post_init__(self) -> None:
        if not 1e-6 <= self.learning_rate <= 100:
            raise ValueError(f"Learning rate must be between 0.000001 and 100, got {self.learning_rate:g}.")
        if not 1 <= self.batch_size <= MAX_BATCH:
            raise ValueError(f"Batch size must be between 1 and {MAX_BATCH} points, got {self.batch_size}.")
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(f"Unknown optimizer '{self.optimizer}'. Choose one of: {', '.join(OPTIMIZERS)}.")
        if self.regularization not in REGULARIZATIONS:
            raise ValueError(f"Unknown regularisation '{self.regularization}'. Choose none, l1 or l2.")
        if not 0.0 <= self.regularization_rate <= 10:
            raise ValueError(f"Regularisation rate must be between 0 and 10, got {self.regularization_rate:g}.")


@dataclass(frozen=True)
class EpochStats:
    epoch: int
    train_loss: float  # cross-entropy (classes) or mean squared error (values), without the penalty
    train_accuracy: float | None  # None for regression
    test_loss: float | None
    test_accuracy: float | None


DIVERGED_MESSAGE = ("At epoch {epoch} the loss became {what}: the weights grew so large that the numbers "
                    "overflowed. The learning rate ({rate:g}) is too big for these settings, so every step "
                    "overshot further. Press Reset and try a learning rate about 10 times smaller.")


_threads_lock = threading.Lock()
_threads_users = 0
_threads_before = 1


@contextlib.contextmanager
def one_thread():
    """Run torch on one thread inside the block: for networks this small, two threads' hand-offs cost more than
    the work (an epoch took 400 ms instead of 14 ms on a busy 2-core machine). Counted, so two visitors'
    blocks that overlap give back the thread count from before the first of them."""
    global _threads_users, _threads_before
    with _threads_lock:
        if _threads_users == 0:
            _threads_before = torch.get_num_threads()
            torch.set_num_threads(1)
        _threads_users += 1
    try:
        yield
    finally:
        with _threads_lock:
            _threads_users -= 1
            if _threads_users == 0:
                torch.set_num_threads(_threads_before)


def loss_and_accuracy(outputs: torch.Tensor, target: torch.Tensor, task: Task) -> tuple[torch.Tensor, float | None]:
    """(loss, share right or None): cross-entropy and accuracy for classes, mean squared error for values."""
    if task == Task.REGRESSION:
        return F.mse_loss(outputs.squeeze(1), target), None
    return F.cross_entropy(outputs, target), (outputs.argmax(1) == target).float().mean().item()


class PlaneTrainer:
    """A network on training and test points, trained one epoch at a time; pause by not calling it."""

    def __init__(self, train: Points, test: Points, spec: NetworkSpec,
                 settings: LearningSettings = LearningSettings(), seed: int = 0):
        expected = 1 if train.task == Task.REGRESSION else train.classes
        if spec.outputs != expected:
            raise ValueError(f"These points need a network with {expected} outputs, not {spec.outputs}.")
        self.spec, self.settings, self.seed, self.task = spec, settings, seed, train.task
        self.train, self.test = train, test
        self._prepare_points()
        self.reset()

    def _prepare_points(self) -> None:
        kind = torch.float32 if self.task == Task.REGRESSION else torch.int64
        self.train_inputs = derive(torch.as_tensor(self.train.xy), self.spec.features)
        self.train_target = torch.as_tensor(self.train.target, dtype=kind)
        self.test_inputs = derive(torch.as_tensor(self.test.xy).reshape(-1, 2), self.spec.features)
        self.test_target = torch.as_tensor(self.test.target, dtype=kind)

    def reset(self) -> None:
        """Fresh random weights (same seed each time), epoch 0, empty history."""
        self.network: PlaneNet = build_network(self.spec, self.seed)
        self.generator = torch.Generator().manual_seed(self.seed)
        self.epoch = 0
        self.history: list[EpochStats] = []
        self.diverged_message: str | None = None
        self._make_optimizer()

    def _make_optimizer(self) -> None:
        make = torch.optim.Adam if self.settings.optimizer == "adam" else torch.optim.SGD
        self.optimizer = make(self.network.parameters(), lr=self.settings.learning_rate)

    def update_settings(self, settings: LearningSettings) -> None:
        """Apply new learning settings to the network as it is (the weights are kept)."""
        changed_optimizer = settings.optimizer != self.settings.optimizer
        self.settings = settings
        if changed_optimizer:
            self._make_optimizer()
        for group in self.optimizer.param_groups:
            group["lr"] = settings.learning_rate

    def add_point(self, x: float, y: float, target: float) -> None:
        """A new training point (for example where the user clicked): a class label or a value."""
        if not (-EXTENT <= x <= EXTENT and -EXTENT <= y <= EXTENT):
            raise ValueError(f"Points must lie on the plane, between {-EXTENT:g} and {EXTENT:g} on both axes.")
        if self.task == Task.CLASSIFICATION and target not in range(self.train.classes):
            raise ValueError(f"A point belongs to one of the classes 0 to {self.train.classes - 1}.")
        if self.task == Task.REGRESSION and not -1 <= target <= 1:
            raise ValueError("A point's value must be between -1 and 1.")
        point = Points(np.array([[x, y]], dtype=np.float32), np.array([target], dtype=self.train.target.dtype),
                       self.task, self.train.classes)
        self.train = self.train.plus(point)
        self._prepare_points()

    def restore(self, weights: dict[str, torch.Tensor], epoch: int) -> None:
        """Continue from saved weights of the MLP at a saved epoch (a fresh optimizer, an empty history)."""
        self.network.mlp.load_state_dict(weights)
        self._make_optimizer()
        self.epoch = epoch

    def parameter_count(self) -> int:
        """How many weights and biases the network has."""
        return sum(p.numel() for p in self.network.parameters())

    @property
    def is_diverged(self) -> bool:
        return self.diverged_message is not None

    def penalty(self) -> torch.Tensor:
        """The regularisation term added to the loss: rate * sum|w| (L1) or rate * sum w^2 (L2)."""
        weights = [layer.weight for layer in self.network.linear_layers()]
        if self.settings.regularization == "l1":
            return self.settings.regularization_rate * sum(w.abs().sum() for w in weights)
        if self.settings.regularization == "l2":
            return self.settings.regularization_rate * sum(w.pow(2).sum() for w in weights)
        return torch.zeros(())

    def step_epoch(self) -> EpochStats | None:
        """One pass over the training points in shuffled batches; None once diverged."""
        if self.is_diverged:
            return None
        with one_thread():
            return self._epoch()

    def _epoch(self) -> EpochStats | None:
        mlp = self.network.mlp.train()
        order = torch.randperm(len(self.train_target), generator=self.generator)
        for start in range(0, len(order), self.settings.batch_size):
            batch = order[start:start + self.settings.batch_size]
            loss = loss_and_accuracy(mlp(self.train_inputs[batch]), self.train_target[batch], self.task)[0]
            loss = loss + self.penalty()
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
        self.diverged_message = DIVERGED_MESSAGE.format(epoch=self.epoch + 1, what=what,
                                                        rate=self.settings.learning_rate)
        if self.settings.regularization != "none" and self.settings.regularization_rate > 0:
            self.diverged_message += (" A large regularisation rate makes this worse: the penalty "
                                      "itself pushes the weights past zero and back, further each time.")
        return None

    def train_for(self, seconds: float, max_epochs: int = 1000) -> int:
        """Train whole epochs until about `seconds` have passed; returns how many ran."""
        deadline, done = time.perf_counter() + seconds, 0
        with one_thread():
            while done < max_epochs and time.perf_counter() < deadline and self.step_epoch() is not None:
                done += 1
        return done

    @torch.no_grad()
    def evaluate(self) -> EpochStats:
        """Loss and accuracy on the training points and the held-back test points."""
        mlp = self.network.mlp.eval()
        train_loss, train_accuracy = loss_and_accuracy(mlp(self.train_inputs), self.train_target, self.task)
        test_loss, test_accuracy = None, None
        if len(self.test_target):
            loss, test_accuracy = loss_and_accuracy(mlp(self.test_inputs), self.test_target, self.task)
            test_loss = loss.item()
        return EpochStats(self.epoch, train_loss.item(), train_accuracy, test_loss, test_accuracy)
