"""Every user choice defined once: datasets, network presets, optimizers, schedules, activations.

Each entry has a key (what configs, links and the command line store), a plain-language label and
help text (what the widgets show), and how to build it or its defaults. Config checks, the
trainer, the model builder, the Train page, share links, run comparison, recipes and the CLI all
read from here, so adding an optimizer touches this file (and its test) only.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Generic, Iterable, Iterator, TypeVar

import torch
from torch import nn

T = TypeVar("T")


class Registry(Generic[T]):
    """The entries of one kind of choice, in display order, by key; an unknown key is a ValueError."""

    def __init__(self, kind: str, label: str, help: str, entries: Iterable[T]):
        self.kind, self.label, self.help = kind, label, help  # e.g. "optimizer", "Optimizer", widget help
        self._entries = {entry.key: entry for entry in entries}

    def __getitem__(self, key: str) -> T:
        if key not in self._entries:
            raise ValueError(f"Unknown {self.kind} '{key}'. Choose one of: {', '.join(self._entries)}.")
        return self._entries[key]

    def check(self, key: str) -> str:
        """key itself when it names an entry; ValueError with the valid keys otherwise."""
        return self[key].key

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def keys(self) -> list[str]:
        return list(self._entries)

    def values(self) -> list[T]:
        return list(self._entries.values())

    def label_of(self, key: str) -> str:
        """The entry's plain-language label (the key itself for a key this version does not know)."""
        return self._entries[key].label if key in self._entries else key


# --- datasets ---------------------------------------------------------------------------------

DIGITS = tuple(str(digit) for digit in range(10))
FASHION_CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                   "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot")
CIFAR10_CLASSES = ("airplane", "automobile", "bird", "cat", "deer",
                   "dog", "frog", "horse", "ship", "truck")


@dataclass(frozen=True)
class DatasetInfo:
    """What a dataset's images are and what a model of it answers (core.data.registry loads the images)."""

    name: str
    title: str
    classes: tuple[str, ...]
    input_shape: tuple[int, int, int]  # (channels, height, width)
    mean: tuple[float, ...]
    std: tuple[float, ...]
    is_digits: bool  # drawn digits can be fed to models of this dataset
    help: str = ""
    short_title: str = ""  # e.g. "CIFAR-10", for running text

    @property
    def key(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        return self.title


DATASETS: Registry[DatasetInfo] = Registry("dataset", "Dataset", "The pictures the network learns from. "
                                           "MNIST is always available offline.", [
    DatasetInfo("mnist", "MNIST handwritten digits", DIGITS, (1, 28, 28), (0.1307,), (0.3081,), True,
                "70,000 handwritten digits, 28x28 grey.", "MNIST"),
    DatasetInfo("fashion_mnist", "Fashion-MNIST clothing", FASHION_CLASSES, (1, 28, 28), (0.2860,), (0.3530,),
                False, "70,000 pictures of clothes in 10 kinds, 28x28 grey.", "Fashion-MNIST"),
    DatasetInfo("cifar10", "CIFAR-10 colour photos", CIFAR10_CLASSES, (3, 32, 32),
                (0.4914, 0.4822, 0.4465), (0.2470, 0.2435, 0.2616), False,
                "60,000 small colour photos of 10 kinds of things, 32x32.", "CIFAR-10"),
])


# --- network presets --------------------------------------------------------------------------

@dataclass(frozen=True)
class PresetInfo:
    """A network: its layers (built by core.engine.models) and the settings its source article used."""

    key: str
    label: str
    help: str
    optimizer: str
    learning_rate: float
    batch_size: int
    epochs: int
    dropout: float
    schedule: str
    # ("conv", out_channels, kernel, padding, batch_norm[, stride[, pooled]]) or ("pool",) items (see
    # _conv), then the hidden dense sizes
    conv_layers: tuple[tuple, ...]
    dense_sizes: tuple[int, ...]
    # A network pretrained on ImageNet (core.pretrained.network), offered for the user's own colour pictures only:
    # "head" trains a dense layer on its features, "last_blocks" also fine-tunes its last blocks.
    pretrained: str = ""

    @property
    def has_convolutions(self) -> bool:
        return bool(self.conv_layers) or bool(self.pretrained)


def _conv(out_channels: int, kernel: int, padding: int = 0, batch_norm: bool = False, stride: int = 1,
          pooled: bool = False) -> tuple:
    """A convolution block: convolution, then batch norm (optional), then the activation.

    pooled: a 2x2 max pooling straight after the convolution, so batch norm and the activation work on a
    quarter of the pixels (the order of the speedrun networks; a run of Swift CNN is about a fifth faster
    for it on a 2-core CPU).
    """
    options = (stride, pooled) if pooled else (stride,) if stride != 1 else ()
    return ("conv", out_channels, kernel, padding, batch_norm) + options


POOL = ("pool",)
DEFAULT_PRESET = "swift_cnn"  # what a user trains by pressing Train without changing anything

PRESETS: Registry[PresetInfo] = Registry("model", "Network", "The architecture: which layers, in what order. "
                                         "Picking one loads its usual settings.", [
    # The default. Its first convolution steps 2 pixels at a time, so every later layer works on 14x14 maps
    # or smaller: a quarter of the work per image of a 28x28 first block; the later blocks pool before batch
    # norm, and batches of 256 cost less per image than 128 (issue 15).
    PresetInfo(DEFAULT_PRESET, "Swift CNN (default)",
               "Three small convolution blocks (16, 24, 64 filters) with batch normalisation, the first one "
               "stepping 2 pixels at a time, the others pooling straight away: 99% on MNIST in 2 epochs, "
               "about 10 seconds on a quiet 2-core CPU (longer on a busy or slower machine: the progress bar shows "
               "this run's own estimate).",
               "adam", 0.01, 256, 2, 0.0, "one_cycle",
               (_conv(16, 3, 1, True, stride=2), _conv(24, 3, 1, True, pooled=True),
                _conv(64, 3, 1, True, pooled=True)), ()),
    PresetInfo("quick_cnn", "Quick CNN",
               "Swift CNN's layers with batch normalisation before each pooling instead of after, at batches "
               "of 128: 99% on MNIST in 2 epochs (the default before Swift CNN).",
               "adam", 0.01, 128, 2, 0.0, "one_cycle",
               (_conv(16, 3, 1, True, stride=2), _conv(24, 3, 1, True), POOL, _conv(64, 3, 1, True), POOL), ()),
    PresetInfo("fast_cnn", "Fast CNN",
               "Two small convolution blocks (16, 32 filters) with batch normalisation: about 99% on MNIST "
               "in 3 epochs (the default before Quick CNN).",
               "adam", 0.01, 128, 4, 0.0, "one_cycle",
               (_conv(16, 3, 1, True), POOL, _conv(32, 3, 1, True), POOL), ()),
    PresetInfo("mlp_512", "MLP 512-512",
               "Two fully connected layers of 512 neurons with dropout: no convolutions, sees pixels as a flat list.",
               "rmsprop", 0.001, 64, 20, 0.2, "constant", (), (512, 512)),
    PresetInfo("simple_cnn", "Simple CNN",
               "Three 3x3 convolutions (32, 64, 64 filters) with max pooling, then a dense layer of 64.",
               "adam", 0.001, 64, 5, 0.0, "constant", (_conv(32, 3), POOL, _conv(64, 3), POOL, _conv(64, 3)), (64,)),
    PresetInfo("lenet", "LeNet-style",
               "Two 5x5 convolutions (32, 64 filters) with max pooling, then a dense layer of 128.",
               "adam", 0.001, 32, 10, 0.0, "constant", (_conv(32, 5), POOL, _conv(64, 5), POOL), (128,)),
    PresetInfo("tiny_cifar", "Tiny CIFAR CNN",
               "One 3x3 convolution of 32 filters, max pooling, then a dense layer of 64.",
               "adam", 0.001, 64, 10, 0.0, "constant", (_conv(32, 3), POOL), (64,)),
    PresetInfo("efficientnet_lite0", "Pretrained EfficientNet-Lite0 + small head (your pictures)",
               "A network that learned from 1.3 million ImageNet photos reads each of your pictures once; only a "
               "small layer on top learns your classes. Good results from 20 pictures a class, in seconds.",
               "adam", 0.001, 16, 30, 0.2, "constant", (), (), "head"),
    PresetInfo("efficientnet_lite0_finetune", "Pretrained EfficientNet-Lite0, also fine-tune its last blocks",
               "As above, but its last four blocks (2.4 million numbers) adapt to your pictures too: can help when "
               "they look unlike everyday photos. Slower, and overfits more easily with few pictures.",
               "adam", 0.0003, 16, 15, 0.2, "constant", (), (), "last_blocks"),
])


def scratch_presets() -> list[str]:
    """The networks that start from random weights and fit any dataset."""
    return [key for key in PRESETS if not PRESETS[key].pretrained]


# --- optimizers -------------------------------------------------------------------------------

@dataclass(frozen=True)
class OptimizerInfo:
    key: str
    label: str
    help: str
    # make(parameters, learning_rate, weight_decay, fused): fused is True where one fused kernel per step works
    make: Callable[..., torch.optim.Optimizer]


OPTIMIZERS: Registry[OptimizerInfo] = Registry("optimizer", "Optimizer", "The rule that nudges the weights after "
                                               "each batch. Adam is a safe first choice.", [
    OptimizerInfo("sgd", "SGD", "Plain stochastic gradient descent: each step moves against the gradient.",
                  lambda params, lr, wd, fused: torch.optim.SGD(params, lr=lr, weight_decay=wd, fused=fused)),
    OptimizerInfo("sgd_momentum", "SGD with momentum", "SGD that keeps 90% of its last step, so it rolls through "
                  "small bumps.", lambda params, lr, wd, fused: torch.optim.SGD(
                      params, lr=lr, momentum=0.9, weight_decay=wd, fused=fused)),
    OptimizerInfo("adam", "Adam", "Adapts the step of every weight to its recent gradients; a safe first choice.",
                  lambda params, lr, wd, fused: torch.optim.Adam(params, lr=lr, weight_decay=wd, fused=fused)),
    # With Keras' defaults, as in the source articles (RMSprop has no fused kernel).
    OptimizerInfo("rmsprop", "RMSprop", "Divides each step by a running average of recent gradient sizes.",
                  lambda params, lr, wd, fused: torch.optim.RMSprop(params, lr=lr, alpha=0.9, eps=1e-7,
                                                                    weight_decay=wd)),
])


# --- learning-rate schedules ------------------------------------------------------------------

@dataclass(frozen=True)
class ScheduleInfo:
    key: str
    label: str
    help: str
    # make(optimizer, learning_rate, total_steps) -> a scheduler stepped once per batch, or None
    make: Callable[..., torch.optim.lr_scheduler.LRScheduler | None]


SCHEDULES: Registry[ScheduleInfo] = Registry("learning-rate schedule", "Learning-rate schedule",
                                             "Keep the rate fixed, or warm up then lower it: one-cycle often "
                                             "learns faster.", [
    ScheduleInfo("constant", "Constant", "The same learning rate from the first step to the last.",
                 lambda optimizer, lr, total_steps: None),
    ScheduleInfo("one_cycle", "One-cycle (warm up, then cool down)",
                 "Rises to the learning rate, then falls far below it by the end.",
                 lambda optimizer, lr, total_steps: torch.optim.lr_scheduler.OneCycleLR(
                     optimizer, max_lr=lr, total_steps=total_steps)),
])


# --- activations ------------------------------------------------------------------------------

@dataclass(frozen=True)
class ActivationInfo:
    key: str
    label: str
    help: str
    make: Callable[[], nn.Module]


ACTIVATIONS: Registry[ActivationInfo] = Registry("activation", "Activation", "The bend each neuron applies to its "
                                                 "sum. ReLU trains fastest in most cases.", [
    ActivationInfo("relu", "ReLU", "Keeps positive sums, turns negative ones into 0.", nn.ReLU),
    ActivationInfo("tanh", "tanh", "Squashes every sum into -1..1.", nn.Tanh),
    ActivationInfo("sigmoid", "sigmoid", "Squashes every sum into 0..1.", nn.Sigmoid),
])
