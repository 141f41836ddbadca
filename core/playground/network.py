"""The playground's network: derived inputs -> hidden layers (each its own activation) -> outputs."""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from core.playground.features import check_features, derive

ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid, "linear": nn.Identity}
MAX_LAYERS, MAX_NEURONS = 6, 16
MAX_DROPOUT = 0.8


@dataclass(frozen=True)
class NetworkSpec:
    """What the network looks like: inputs, hidden layer sizes and activations, dropout, outputs."""

    features: tuple[str, ...] = ("x", "y")
    hidden_layers: tuple[int, ...] = (8, 8)
    activations: tuple[str, ...] = ("tanh", "tanh")  # one per hidden layer
    dropout: float = 0.0  # after every hidden layer, while training only
    outputs: int = 2  # classes (softmax), or 1 for a value (regression)

    def __post_init__(self) -> None:
        object.__setattr__(self, "features", check_features(tuple(self.features)))
        if len(self.hidden_layers) > MAX_LAYERS:
            raise ValueError(f"At most {MAX_LAYERS} hidden layers, got {len(self.hidden_layers)}.")
        if any(not 1 <= size <= MAX_NEURONS for size in self.hidden_layers):
            raise ValueError(f"Each hidden layer needs between 1 and {MAX_NEURONS} neurons.")
        if len(self.activations) != len(self.hidden_layers):
            raise ValueError("Each hidden layer needs exactly one activation.")
        for name in self.activations:
            if name not in ACTIVATIONS:
                raise ValueError(f"Unknown activation '{name}'. Choose one of: {', '.join(ACTIVATIONS)}.")
        if not 0.0 <= self.dropout <= MAX_DROPOUT:
            raise ValueError(f"Dropout must be between 0 and {MAX_DROPOUT:g}, got {self.dropout:g}.")
        if not 1 <= self.outputs <= 6:
            raise ValueError(f"The network has 1 to 6 outputs, got {self.outputs}.")

    def sizes(self) -> list[int]:
        """Neurons per layer, inputs to outputs."""
        return [len(self.features), *self.hidden_layers, self.outputs]


class PlaneNet(nn.Module):
    """(N, 2) points -> derived inputs -> MLP -> (N, outputs) logits or values."""

    def __init__(self, spec: NetworkSpec):
        super().__init__()
        self.features = spec.features
        layers: list[nn.Module] = []
        sizes = spec.sizes()
        for index, activation in enumerate(spec.activations):
            layers += [nn.Linear(sizes[index], sizes[index + 1]), ACTIVATIONS[activation]()]
            if spec.dropout > 0:
                layers.append(nn.Dropout(spec.dropout))
        layers.append(nn.Linear(sizes[-2], sizes[-1]))
        self.mlp = nn.Sequential(*layers)

    def forward(self, xy: torch.Tensor) -> torch.Tensor:
        return self.mlp(derive(xy, self.features))

    def linear_layers(self) -> list[nn.Linear]:
        """The weight layers, inputs to outputs."""
        return [layer for layer in self.mlp if isinstance(layer, nn.Linear)]


def build_network(spec: NetworkSpec, seed: int = 0) -> PlaneNet:
    """A fresh network with the seed's random weights."""
    torch.manual_seed(seed)
    return PlaneNet(spec)


@torch.no_grad()
def hidden_outputs(network: PlaneNet, inputs: torch.Tensor) -> list[torch.Tensor]:
    """Each hidden layer's neuron outputs (after the activation) for derived inputs (N, F): [(N, size), ...]."""
    outputs, x = [], inputs
    for module in list(network.mlp)[:-1]:
        x = module(x)
        if not isinstance(module, (nn.Linear, nn.Dropout)):
            outputs.append(x)
    return outputs
