"""Pooling, convolution and a dense neuron worked out step by step, with a trained model's real numbers.

Pure functions (pool_2x2, pooling_example, convolve_at) do the arithmetic on arrays and are checked
against torch.nn.functional; the *_in_model functions feed them the numbers a model really saw.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from core.lens.inspect import ACTIVATION_TYPES, dense_layer_names, layer, layer_after, run_recorded

ACTIVATIONS = {
    "ReLU": lambda z: max(0.0, z),
    "Tanh": lambda z: float(np.tanh(z)),
    "Sigmoid": lambda z: float(1.0 / (1.0 + np.exp(-z))),
}


@dataclass(frozen=True)
class PoolingExample:
    feature_map: np.ndarray  # (H, W) the map being pooled
    max_pooled: np.ndarray  # (H // 2, W // 2)
    average_pooled: np.ndarray  # (H // 2, W // 2)
    row: int  # the highlighted window, in pooled coordinates
    column: int
    window: np.ndarray  # (2, 2) the four numbers under it
    window_max: float
    window_mean: float
    model_pooled: np.ndarray | None = None  # the model's own pooling output for this map, if it has one
    model_mode: str = ""  # "max" or "average": the pooling the model itself uses
    channel: int = 0  # which channel of the layer's input the map is
    channels: int = 1

    @property
    def matches_model(self) -> bool | None:
        """Whether our arithmetic gives exactly the model's own pooling output (None: no model output)."""
        if self.model_pooled is None:
            return None
        ours = self.max_pooled if self.model_mode == "max" else self.average_pooled
        return bool(np.allclose(ours, self.model_pooled, atol=1e-5))


@dataclass(frozen=True)
class BatchNormStep:
    mean: float  # learned running mean of this channel
    std: float  # sqrt(running variance + epsilon)
    scale: float  # learned weight (gamma)
    shift: float  # learned bias (beta)

    def apply(self, value: float) -> float:
        """(value - mean) / std * scale + shift."""
        return (value - self.mean) / self.std * self.scale + self.shift


@dataclass(frozen=True)
class ConvolutionExample:
    layer: str
    filter_index: int
    row: int  # output position
    column: int
    output_size: tuple[int, int]  # (height, width) of this layer's output
    filters: int  # how many filters the layer has
    stride: tuple[int, int]
    padding: tuple[int, int]
    layer_input: np.ndarray  # (in channels, H, W) what the layer received
    output_map: np.ndarray  # (H_out, W_out) this filter's map after batch norm and activation
    patch: np.ndarray  # (in channels, k, k) the input under the window; zeros where it hangs over the edge
    kernel: np.ndarray  # (in channels, k, k)
    products: np.ndarray  # patch * kernel
    total: float  # sum of all products
    bias: float  # 0 when the layer has no bias
    batch_norm: BatchNormStep | None
    before_activation: float
    activation: str  # "ReLU", "Tanh", "Sigmoid" or "" for none
    result: float  # what this arithmetic gives
    model_value: float  # what the model itself computed at this position


@dataclass(frozen=True)
class NeuronExample:
    layer: str
    neuron: int
    neurons: int  # how many neurons the layer has
    inputs: np.ndarray  # (C, H, W) the normalised image the neuron reads
    weights: np.ndarray  # (C, H, W) its weights, one per pixel
    products: np.ndarray  # inputs * weights
    total: float
    bias: float
    activation: str
    result: float
    model_value: float


def pool_2x2(feature_map: np.ndarray, mode: str) -> np.ndarray:
    """2x2 pooling with stride 2 ("max" or "average"); an odd last row or column is dropped, as in PyTorch."""
    if mode not in ("max", "average"):
        raise ValueError(f"Pooling is 'max' or 'average', not '{mode}'.")
    height, width = (size // 2 * 2 for size in feature_map.shape)
    if height == 0 or width == 0:
        raise ValueError("A map needs at least 2x2 numbers to be pooled.")
    blocks = feature_map[:height, :width].reshape(height // 2, 2, width // 2, 2)
    return blocks.max(axis=(1, 3)) if mode == "max" else blocks.mean(axis=(1, 3))


def pooling_example(feature_map: np.ndarray, row: int | None = None, column: int | None = None) -> PoolingExample:
    """Max and average pooling of one (H, W) map, with the numbers of one window (the strongest by default)."""
    feature_map = np.asarray(feature_map, dtype=np.float64)
    max_pooled, average_pooled = pool_2x2(feature_map, "max"), pool_2x2(feature_map, "average")
    if row is None or column is None:
        row, column = (int(i) for i in np.unravel_index(np.argmax(max_pooled), max_pooled.shape))
    if not (0 <= row < max_pooled.shape[0] and 0 <= column < max_pooled.shape[1]):
        raise ValueError(f"The window must be inside the {max_pooled.shape[0]}x{max_pooled.shape[1]} grid of windows.")
    window = feature_map[2 * row:2 * row + 2, 2 * column:2 * column + 2]
    return PoolingExample(feature_map, max_pooled, average_pooled, row, column, window,
                          float(window.max()), float(window.mean()))


def pooling_in_model(model: nn.Module, x: torch.Tensor, pool_name: str, channel: int | None = None,
                     row: int | None = None, column: int | None = None) -> PoolingExample:
    """pooling_example on the map the model's pooling layer received for image x (strongest channel by default)."""
    _, records = run_recorded(model, x, [pool_name])
    pool_input, pool_output = (t[0].cpu().double().numpy() for t in records[pool_name])
    if channel is None:
        channel = int(np.argmax(pool_input.reshape(len(pool_input), -1).max(axis=1)))
    if not 0 <= channel < len(pool_input):
        raise ValueError(f"This layer has channels 0 to {len(pool_input) - 1}.")
    example = pooling_example(pool_input[channel], row, column)
    mode = "max" if isinstance(layer(model, pool_name), nn.MaxPool2d) else "average"
    return dataclasses.replace(example, model_pooled=pool_output[channel], model_mode=mode, channel=channel,
                               channels=len(pool_input))


def convolve_at(layer_input: np.ndarray, kernel: np.ndarray, stride: tuple[int, int], padding: tuple[int, int],
                row: int, column: int) -> tuple[np.ndarray, np.ndarray]:
    """The (C, k, k) input patch under one output position and its products with kernel (C, k, k)."""
    padded = np.pad(layer_input, ((0, 0), (padding[0], padding[0]), (padding[1], padding[1])))
    top, left = row * stride[0], column * stride[1]
    patch = padded[:, top:top + kernel.shape[1], left:left + kernel.shape[2]]
    if patch.shape != kernel.shape:
        raise ValueError("The window hangs outside the image: pick a position inside the output map.")
    return patch, patch * kernel


def _batch_norm_step(norm: nn.BatchNorm2d, channel: int) -> BatchNormStep:
    variance = float(norm.running_var[channel]) + norm.eps
    return BatchNormStep(float(norm.running_mean[channel]), variance ** 0.5,
                         norm.weight[channel].item(), norm.bias[channel].item())


def convolution_in_model(model: nn.Module, x: torch.Tensor, layer_name: str, filter_index: int,
                         row: int | None = None, column: int | None = None) -> ConvolutionExample:
    """One output number of a convolution layer for image x, step by step (strongest position by default)."""
    conv = layer(model, layer_name)
    if not isinstance(conv, nn.Conv2d):
        raise ValueError(f"'{layer_name}' is not a convolution layer.")
    assert conv.groups == 1 and conv.dilation == (1, 1) and isinstance(conv.padding, tuple)
    if not 0 <= filter_index < conv.out_channels:
        raise ValueError(f"{layer_name} has filters 0 to {conv.out_channels - 1}.")
    norm_name = layer_after(model, layer_name, (nn.BatchNorm2d,))
    activation_name = layer_after(model, layer_name, ACTIVATION_TYPES)
    last_name = activation_name or norm_name or layer_name
    _, records = run_recorded(model, x, sorted({layer_name, last_name}))
    layer_input = records[layer_name][0][0].cpu().double().numpy()
    output = records[last_name][1][0, filter_index].cpu().double().numpy()  # (H_out, W_out)
    if row is None or column is None:
        row, column = (int(i) for i in np.unravel_index(np.argmax(output), output.shape))
    if not (0 <= row < output.shape[0] and 0 <= column < output.shape[1]):
        raise ValueError(f"The output of {layer_name} is {output.shape[0]}x{output.shape[1]}: pick a position inside it.")
    kernel = conv.weight[filter_index].detach().cpu().double().numpy()
    patch, products = convolve_at(layer_input, kernel, conv.stride, conv.padding, row, column)
    total = float(products.sum())
    bias = conv.bias[filter_index].item() if conv.bias is not None else 0.0
    norm = _batch_norm_step(layer(model, norm_name), filter_index) if norm_name else None
    before_activation = norm.apply(total + bias) if norm else total + bias
    activation = type(layer(model, activation_name)).__name__ if activation_name else ""
    result = ACTIVATIONS[activation](before_activation) if activation else before_activation
    return ConvolutionExample(layer_name, filter_index, row, column, tuple(output.shape), conv.out_channels,
                              conv.stride, conv.padding, layer_input, output, patch, kernel, products, total, bias,
                              norm, before_activation, activation, result, float(output[row, column]))


def neuron_in_model(model: nn.Module, x: torch.Tensor, neuron: int | None = None) -> NeuronExample:
    """One neuron of the first dense layer for image x: weight times pixel, summed, plus bias, activated."""
    dense = dense_layer_names(model)
    if not dense:
        raise ValueError("This model has no dense layer.")
    name = dense[0]
    linear = layer(model, name)
    activation_name = layer_after(model, name, ACTIVATION_TYPES)
    _, records = run_recorded(model, x, sorted({name, activation_name or name}))
    inputs = records[name][0][0].cpu().double().numpy()  # (in_features,)
    outputs = records[activation_name or name][1][0].cpu().double().numpy()
    neuron = int(np.argmax(outputs)) if neuron is None else neuron
    if not 0 <= neuron < linear.out_features:
        raise ValueError(f"{name} has neurons 0 to {linear.out_features - 1}.")
    weights = linear.weight[neuron].detach().cpu().double().numpy()
    products = inputs * weights
    total, bias = float(products.sum()), linear.bias[neuron].item() if linear.bias is not None else 0.0
    activation = type(layer(model, activation_name)).__name__ if activation_name else ""
    result = ACTIVATIONS[activation](total + bias) if activation else total + bias
    shape = tuple(x.shape[1:]) if inputs.size == x[0].numel() else (1, 1, inputs.size)
    return NeuronExample(name, neuron, linear.out_features, inputs.reshape(shape), weights.reshape(shape), products.reshape(shape),
                         total, bias, activation, result, float(outputs[neuron]))
