"""What the network says over the whole plane: the output map and every neuron's own small map."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from core.playground.features import derive
from core.playground.network import PlaneNet, hidden_outputs
from core.playground.points import EXTENT
from core.playground.training import one_thread


def plane_grid(resolution: int) -> tuple[np.ndarray, torch.Tensor]:
    """(coordinates (R,), points (R*R, 2)); point i*R + j is (x = coordinates[j], y = coordinates[i])."""
    if not 2 <= resolution <= 400:
        raise ValueError(f"The map resolution must be between 2 and 400 cells per side, got {resolution}.")
    coordinates = np.linspace(-EXTENT, EXTENT, resolution, dtype=np.float32)
    grid_y, grid_x = np.meshgrid(coordinates, coordinates, indexing="ij")
    return coordinates, torch.from_numpy(np.stack([grid_x.ravel(), grid_y.ravel()], 1))


@torch.no_grad()
def output_map(network: PlaneNet, resolution: int = 60) -> tuple[np.ndarray, np.ndarray]:
    """(coordinates (R,), map): class chances (R, R, classes) with softmax, or values (R, R) for regression."""
    coordinates, plane = plane_grid(resolution)
    was_training = network.training
    with one_thread():  # a busy machine made one torch.sin on 256 numbers take 14 ms with two threads
        outputs = network.eval()(plane)  # (R*R, outputs)
        network.train(was_training)
        if outputs.shape[1] == 1:
            return coordinates, outputs.view(resolution, resolution).numpy()
        return coordinates, torch.softmax(outputs, 1).view(resolution, resolution, -1).numpy()


@dataclass(frozen=True)
class NeuronMaps:
    """Every input's and hidden neuron's output over a small grid, and the weights between layers."""

    coordinates: np.ndarray  # (R,)
    layers: list[np.ndarray]  # inputs first: (neurons, R, R) per layer; then each hidden layer
    weights: list[np.ndarray]  # (to, from) per pair of neighbouring layers, the output layer last


@torch.no_grad()
def neuron_maps(network: PlaneNet, resolution: int = 16) -> NeuronMaps:
    """One pass of a coarse grid through the network (eval mode), keeping every layer's outputs."""
    coordinates, plane = plane_grid(resolution)
    was_training = network.training
    network.eval()
    with one_thread():
        inputs = derive(plane, network.features)
        layers = [inputs, *hidden_outputs(network, inputs)]
    network.train(was_training)
    shaped = [layer.T.reshape(-1, resolution, resolution).numpy() for layer in layers]
    weights = [layer.weight.detach().numpy().copy() for layer in network.linear_layers()]
    return NeuronMaps(coordinates, shaped, weights)
