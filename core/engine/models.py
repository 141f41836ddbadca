"""Network presets, built from a ModelConfig for any (C, H, W) input.

Every preset is an nn.Sequential with named layers (conv1, pool1, fc1, ...), so the
Inspect page can list them and hook them by name.
"""
from __future__ import annotations

import threading
from collections import OrderedDict

import torch
from torch import nn

from core.basics.choices import ACTIVATIONS, PRESETS, PresetInfo
from core.basics.config import ModelConfig


def _activation(name: str) -> nn.Module:
    return ACTIVATIONS[name].make()


def _conv_stack(spec: tuple, in_channels: int, activation: str) -> list[tuple[str, nn.Module]]:
    """spec items: ("conv", out_channels, kernel, padding, batch_norm[, stride[, pooled]]) or ("pool",)."""
    layers, conv_index, pool_index = [], 0, 0
    for item in spec:
        if item[0] == "pool":
            pool_index += 1
            layers.append((f"pool{pool_index}", nn.MaxPool2d(2)))
            continue
        _, out_channels, kernel, padding, batch_norm, *options = item
        stride = options[0] if options else 1
        pooled = len(options) > 1 and options[1]
        conv_index += 1
        layers.append((f"conv{conv_index}", nn.Conv2d(in_channels, out_channels, kernel, padding=padding,
                                                      stride=stride, bias=not batch_norm)))
        if pooled:
            pool_index += 1
            layers.append((f"pool{pool_index}", nn.MaxPool2d(2)))
        if batch_norm:
            layers.append((f"bn{conv_index}", nn.BatchNorm2d(out_channels)))
        layers.append((f"act{conv_index}", _activation(activation)))
        in_channels = out_channels
    return layers


def _flat_size(layers: list[tuple[str, nn.Module]], input_shape: tuple[int, int, int]) -> int:
    with torch.no_grad():
        x = nn.Sequential(OrderedDict(layers)).eval()(torch.zeros(1, *input_shape))
    return x.numel()


def _dense_head(sizes: tuple[int, ...], in_features: int, num_classes: int, activation: str,
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


# Runs in threads share PyTorch's global random generator; one seeded build at a time.
_SEEDED_BUILD = threading.Lock()


def build_model(config: ModelConfig, input_shape: tuple[int, int, int], num_classes: int,
                seed: int | None = None) -> nn.Sequential:
    """Build the preset named in config for images of input_shape (C, H, W).

    With a seed, the starting weights come from it (same seed, same settings: same result), and the
    global random generator is left as it was for whatever else runs meanwhile.
    """
    if seed is None:
        return _build(config, input_shape, num_classes)
    with _SEEDED_BUILD, torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return _build(config, input_shape, num_classes)


def _build(config: ModelConfig, input_shape: tuple[int, int, int], num_classes: int) -> nn.Sequential:
    preset = PRESETS[config.preset]
    if preset.pretrained:
        # late import: the weights load on first use only
        from core.pretrained.network import build_pretrained

        return build_pretrained(num_classes, input_shape, preset.pretrained == "last_blocks", config.dropout)
    return build_preset(preset, input_shape, num_classes, config.activation, config.dropout)


def build_preset(preset: PresetInfo, input_shape: tuple[int, int, int], num_classes: int,
                 activation: str = "relu", dropout: float = 0.0) -> nn.Sequential:
    """The layers of a from-scratch PresetInfo, registered or not (the benchmark builds a former default)."""
    layers = _conv_stack(preset.conv_layers, input_shape[0], activation)
    flat = _flat_size(layers, input_shape)  # C*H*W for a network without convolutions
    layers.append(("flatten", nn.Flatten()))
    if dropout > 0 and not preset.dense_sizes:
        layers.append(("dropout", nn.Dropout(dropout)))
    layers += _dense_head(preset.dense_sizes, flat, num_classes, activation, dropout)
    return nn.Sequential(OrderedDict(layers))


def count_parameters(model: nn.Module) -> int:
    """How many numbers (weights and biases) the model has, frozen ones included: the same figure
    for a fine-tuned model in memory (some layers frozen) as for its copy loaded from disk."""
    return sum(p.numel() for p in model.parameters())
