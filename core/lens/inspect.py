"""Look inside a trained network: its layers, filters, feature maps, saliency and (for MLPs) weights.

Everything returns plain numpy arrays or dataclasses; pages only draw them. Activations are read
with forward hooks that are removed again in every case (try/finally), and that only record the
forward pass of the thread that registered them, so a model shared by several visitors is safe.
"""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

ACTIVATION_TYPES = (nn.ReLU, nn.Tanh, nn.Sigmoid)
POOL_TYPES = (nn.MaxPool2d, nn.AvgPool2d)
KIND_WORDS = {
    nn.Conv2d: "Convolution: slides small filters over the image",
    nn.BatchNorm2d: "Batch normalisation: rescales each channel",
    nn.ReLU: "ReLU: keeps positives, sets negatives to 0",
    nn.Tanh: "tanh: squashes into -1..1",
    nn.Sigmoid: "sigmoid: squashes into 0..1",
    nn.MaxPool2d: "Max pooling: keeps the largest of each 2x2 block",
    nn.AvgPool2d: "Average pooling: averages each 2x2 block",
    nn.Flatten: "Flatten: lines all numbers up in one row",
    nn.Linear: "Dense (fully connected): every input to every neuron",
    nn.Dropout: "Dropout: switches neurons off at random, only while training",
}


@dataclass(frozen=True)
class LayerRow:
    name: str
    kind: str  # the class name, e.g. Conv2d
    description: str  # what the layer does, in plain words
    output_shape: tuple[int, ...]  # for one image, without the batch dimension
    parameters: int


@dataclass(frozen=True)
class FeatureStage:
    name: str  # the hooked layer, e.g. act1 or pool1
    title: str  # what a user reads, e.g. "conv1 (after ReLU)"
    maps: np.ndarray  # (channels, height, width); (neurons,) for a dense layer


@dataclass(frozen=True)
class Saliency:
    heat: np.ndarray  # (height, width): how much each pixel moves the target class's score
    target: int  # the class explained
    probabilities: np.ndarray  # (classes,) the model's answer for the image


def named_layers(model: nn.Module) -> list[tuple[str, nn.Module]]:
    """The model's top-level layers in order (every preset is an nn.Sequential of named layers)."""
    return list(model.named_children())


def conv_layer_names(model: nn.Module) -> list[str]:
    """Names of the convolution layers, first to last."""
    return [name for name, layer in named_layers(model) if isinstance(layer, nn.Conv2d)]


def pool_layer_names(model: nn.Module) -> list[str]:
    """Names of the pooling layers, first to last."""
    return [name for name, layer in named_layers(model) if isinstance(layer, POOL_TYPES)]


def dense_layer_names(model: nn.Module) -> list[str]:
    """Names of the fully connected layers, first to last."""
    return [name for name, layer in named_layers(model) if isinstance(layer, nn.Linear)]


def layer_after(model: nn.Module, name: str, kinds: tuple[type, ...]) -> str | None:
    """The first layer after `name` of one of `kinds`, before the next conv, pool or dense layer."""
    layers = named_layers(model)
    index = [n for n, _ in layers].index(name)
    for later_name, layer in layers[index + 1:]:
        if isinstance(layer, kinds):
            return later_name
        if isinstance(layer, (nn.Conv2d, nn.Linear, *POOL_TYPES)):
            return None
    return None


def layer(model: nn.Module, name: str) -> nn.Module:
    """The top-level layer called name; ValueError if there is none."""
    found = dict(named_layers(model)).get(name)
    if found is None:
        raise ValueError(f"This model has no layer called '{name}'.")
    return found


def model_device(model: nn.Module) -> torch.device:
    """Where the model's weights live (inputs must go there too)."""
    return next(model.parameters()).device


@contextmanager
def evaluating(model: nn.Module) -> Iterator[nn.Module]:
    """Eval mode inside the block (batch norm uses its learned statistics), previous mode after."""
    was_training = model.training
    model.eval()
    try:
        yield model
    finally:
        model.train(was_training)


@contextmanager
def recording(model: nn.Module, names: list[str]) -> Iterator[dict[str, tuple[torch.Tensor, torch.Tensor]]]:
    """Forward hooks on the named layers; yields {name: (layer input, layer output)}; hooks always removed."""
    owner, records, handles = threading.get_ident(), {}, []

    def hook_for(name: str):
        def hook(module, inputs, output):
            if threading.get_ident() == owner:  # another visitor's forward pass on a shared model
                records[name] = (inputs[0].detach(), output.detach())
        return hook

    try:
        for name in names:
            handles.append(layer(model, name).register_forward_hook(hook_for(name)))
        yield records
    finally:
        for handle in handles:
            handle.remove()


def layer_table(model: nn.Module, input_shape: tuple[int, int, int]) -> list[LayerRow]:
    """One row per layer: what it does, its output shape for one image and its parameter count."""
    names = [name for name, _ in named_layers(model)]
    with evaluating(model), recording(model, names) as records, torch.no_grad():
        model(torch.zeros(1, *input_shape, device=model_device(model)))
    rows = []
    for name, module in named_layers(model):
        description = next((words for kind, words in KIND_WORDS.items() if isinstance(module, kind)), "")
        rows.append(LayerRow(name, type(module).__name__, description, tuple(records[name][1].shape[1:]),
                             sum(p.numel() for p in module.parameters())))
    return rows


def filters(model: nn.Module, layer_name: str) -> np.ndarray:
    """The kernels of a convolution layer: (filters, input channels, height, width)."""
    conv = layer(model, layer_name)
    if not isinstance(conv, nn.Conv2d):
        raise ValueError(f"'{layer_name}' is not a convolution layer, so it has no filters.")
    return conv.weight.detach().cpu().float().numpy().copy()


def feature_stage_names(model: nn.Module) -> list[tuple[str, str]]:
    """(layer to record, title) for every convolution and pooling layer, after the activation that follows
    it before the next layer of either kind."""
    stages = []
    for name, module in named_layers(model):
        if not isinstance(module, (nn.Conv2d, *POOL_TYPES)):
            continue
        # A block that pools straight after its convolution (Swift CNN) normalises and activates the pooled maps.
        after = layer_after(model, name, ACTIVATION_TYPES)
        if after:
            stages.append((after, f"{name} (after {type(layer(model, after)).__name__})"))
        elif isinstance(module, nn.Conv2d) and layer_after(model, name, POOL_TYPES):
            stages.append((name, f"{name} (before pooling)"))  # raw sums: negative too
        else:
            stages.append((name, name))
    return stages


def run_recorded(model: nn.Module, x: torch.Tensor, names: list[str]) -> tuple[torch.Tensor, dict]:
    """Logits of one input batch x and the recorded (input, output) of the named layers."""
    with evaluating(model), recording(model, names) as records, torch.no_grad():
        logits = model(x.to(model_device(model)))
    return logits, dict(records)


def feature_maps(model: nn.Module, x: torch.Tensor) -> list[FeatureStage]:
    """Activations of every convolution and pooling layer for one image x of shape (1, C, H, W)."""
    stages = feature_stage_names(model)
    _, records = run_recorded(model, x, [name for name, _ in stages])
    return [FeatureStage(name, title, records[name][1][0].cpu().float().numpy()) for name, title in stages]


def class_probabilities(model: nn.Module, x: torch.Tensor) -> np.ndarray:
    """The model's probability for every class, for one image x of shape (1, C, H, W)."""
    logits, _ = run_recorded(model, x, [])
    return torch.softmax(logits.float(), dim=1)[0].cpu().numpy()


def saliency(model: nn.Module, x: torch.Tensor, target: int | None = None, samples: int = 1,
             noise: float = 0.15) -> Saliency:
    """Input gradient of one class's score (the predicted one by default): which pixels matter most.

    With samples > 1 the gradient is averaged over noisy copies of the image (SmoothGrad), which
    keeps the pixels that matter and washes out the speckle; noise is a share of the pixel range.
    """
    image = x.detach().to(model_device(model))
    probabilities = torch.from_numpy(class_probabilities(model, image))
    target = int(probabilities.argmax()) if target is None else target
    if not 0 <= target < len(probabilities):
        raise ValueError(f"Class {target} does not exist: this model knows {len(probabilities)} classes.")
    copies = image.repeat(samples, 1, 1, 1)
    if samples > 1:
        spread = float(image.max() - image.min()) * noise
        copies = copies + torch.randn(copies.shape, generator=torch.Generator().manual_seed(0)).to(copies) * spread
    copies.requires_grad_(True)
    with evaluating(model):
        scores = model(copies).float()[:, target]
    (gradient,) = torch.autograd.grad(scores.sum(), copies)
    heat = gradient.mean(dim=0).abs().amax(dim=0)  # strongest channel per pixel, (H, W)
    return Saliency(heat.cpu().numpy(), target, probabilities.numpy())


def first_layer_weights(model: nn.Module, input_shape: tuple[int, int, int]) -> np.ndarray:
    """For a model starting with flatten + dense: each neuron's weights as an image, (neurons, C, H, W)."""
    dense = dense_layer_names(model)
    if not dense or conv_layer_names(model):
        raise ValueError("Only a network of dense layers reads raw pixels in its first layer.")
    weights = layer(model, dense[0]).weight.detach().cpu().float().numpy()
    return weights.reshape(weights.shape[0], *input_shape).copy()


def hidden_activations(model: nn.Module, x: torch.Tensor) -> list[FeatureStage]:
    """Output of every hidden dense layer after its activation, for one image: maps of shape (neurons,)."""
    stages = []
    for name in dense_layer_names(model)[:-1]:  # the last dense layer gives the class scores
        after = layer_after(model, name, ACTIVATION_TYPES)
        title = f"{name} (after {type(layer(model, after)).__name__})" if after else name
        stages.append((after or name, title))
    _, records = run_recorded(model, x, [name for name, _ in stages])
    return [FeatureStage(name, title, records[name][1][0].cpu().float().numpy())
            for name, title in stages]


def strongest_channels(maps: np.ndarray, count: int) -> list[int]:
    """Indices of the channels with the largest total activation, strongest first."""
    totals = maps.reshape(maps.shape[0], -1).sum(axis=1)
    return [int(i) for i in np.argsort(-totals, kind="stable")[:count]]


def tile(maps: np.ndarray, columns: int, gap: int = 1) -> np.ndarray:
    """Lay maps (N, H, W) or (N, H, W, 3) out in a grid with NaN gaps, for a single fast heat map."""
    count, height, width = maps.shape[:3]
    columns = max(1, min(columns, count))
    rows = -(-count // columns)
    grid = np.full((rows * (height + gap) - gap, columns * (width + gap) - gap, *maps.shape[3:]), np.nan)
    for index in range(count):
        top, left = (index // columns) * (height + gap), (index % columns) * (width + gap)
        grid[top:top + height, left:left + width] = maps[index]
    return grid
