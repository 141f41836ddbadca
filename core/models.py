"""Network presets, built from a ModelConfig for any (C, H, W) input.

Every preset is an nn.Sequential with named layers (conv1, pool1, fc1, ...), so the
Inspect page can list them and hook them by name.
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

import torch
from torch import nn

from core.config import ModelConfig


@dataclass(frozen=True)
class PresetInfo:
    title: str
    description: str
    optimizer: str  # the defaults the source article used
    learning_rate: float
    batch_size: int
    epochs: int
    dropout: float
    schedule: str = "constant"


PRESETS = {
    "fast_cnn": PresetInfo(
        "Fast CNN (default)",
        "Two small convolution blocks (16, 32 filters) with batch normalisation: about 99% on MNIST "
        "in under a minute on a laptop CPU.",
        "adam", 0.01, 128, 4, 0.0, "one_cycle"),
    "mlp_512": PresetInfo(
        "MLP 512-512",
        "Two fully connected layers of 512 neurons with dropout: no convolutions, sees pixels as a flat list.",
        "rmsprop", 0.001, 64, 20, 0.2),
    "simple_cnn": PresetInfo(
        "Simple CNN",
        "Three 3x3 convolutions (32, 64, 64 filters) with max pooling, then a dense layer of 64.",
        "adam", 0.001, 64, 5, 0.0),
    "lenet": PresetInfo(
        "LeNet-style",
        "Two 5x5 convolutions (32, 64 filters) with max pooling, then a dense layer of 128.",
        "adam", 0.001, 32, 10, 0.0),
    "tiny_cifar": PresetInfo(
        "Tiny CIFAR CNN",
        "One 3x3 convolution of 32 filters, max pooling, then a dense layer of 64.",
        "adam", 0.001, 64, 10, 0.0),
}


def _activation(name: str) -> nn.Module:
    return {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}[name]()


def _conv_stack(spec: list, in_channels: int, activation: str) -> list[tuple[str, nn.Module]]:
    """spec items: ("conv", out_channels, kernel, padding, batch_norm) or ("pool",)."""
    layers, conv_index, pool_index = [], 0, 0
    for item in spec:
        if item[0] == "pool":
            pool_index += 1
            layers.append((f"pool{pool_index}", nn.MaxPool2d(2)))
            continue
        _, out_channels, kernel, padding, batch_norm = item
        conv_index += 1
        layers.append((f"conv{conv_index}", nn.Conv2d(in_channels, out_channels, kernel, padding=padding,
                                                      bias=not batch_norm)))
        if batch_norm:
            layers.append((f"bn{conv_index}", nn.BatchNorm2d(out_channels)))
        layers.append((f"act{conv_index}", _activation(activation)))
        in_channels = out_channels
    return layers


def _flat_size(layers: list[tuple[str, nn.Module]], input_shape: tuple[int, int, int]) -> int:
    with torch.no_grad():
        x = nn.Sequential(OrderedDict(layers)).eval()(torch.zeros(1, *input_shape))
    return x.numel()


def _dense_head(sizes: list[int], in_features: int, num_classes: int, activation: str,
                dropout: float, start: int = 1) -> list[tuple[str, nn.Module]]:
    layers = []
    for index, size in enumerate(sizes, start=start):
        layers.append((f"fc{index}", nn.Linear(in_features, size)))
        layers.append((f"fc_act{index}", _activation(activation)))
        if dropout > 0:
            layers.append((f"dropout{index}", nn.Dropout(dropout)))
        in_features = size
    layers.append((f"fc{start + len(sizes)}", nn.Linear(in_features, num_classes)))
    return layers


CONV_SPECS = {
    "fast_cnn": ([("conv", 16, 3, 1, True), ("pool",), ("conv", 32, 3, 1, True), ("pool",)], []),
    "simple_cnn": ([("conv", 32, 3, 0, False), ("pool",), ("conv", 64, 3, 0, False), ("pool",),
                    ("conv", 64, 3, 0, False)], [64]),
    "lenet": ([("conv", 32, 5, 0, False), ("pool",), ("conv", 64, 5, 0, False), ("pool",)], [128]),
    "tiny_cifar": ([("conv", 32, 3, 0, False), ("pool",)], [64]),
}


def build_model(config: ModelConfig, input_shape: tuple[int, int, int], num_classes: int) -> nn.Sequential:
    """Build the preset named in config for images of input_shape (C, H, W)."""
    if config.preset == "mlp_512":
        in_features = input_shape[0] * input_shape[1] * input_shape[2]
        layers = [("flatten", nn.Flatten())]
        layers += _dense_head([512, 512], in_features, num_classes, config.activation, config.dropout)
        return nn.Sequential(OrderedDict(layers))
    conv_spec, dense_sizes = CONV_SPECS[config.preset]
    layers = _conv_stack(conv_spec, input_shape[0], config.activation)
    flat = _flat_size(layers, input_shape)
    layers.append(("flatten", nn.Flatten()))
    if config.dropout > 0 and not dense_sizes:
        layers.append(("dropout", nn.Dropout(config.dropout)))
    layers += _dense_head(dense_sizes, flat, num_classes, config.activation, config.dropout)
    return nn.Sequential(OrderedDict(layers))


def count_parameters(model: nn.Module) -> int:
    """Number of trainable numbers in the model."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
