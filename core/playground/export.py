"""Take the playground's network away: ONNX (checked with onnxruntime), its weights and the PyTorch to rebuild it.

The exported graph takes raw points (N, 2) and computes the derived inputs itself.
"""
from __future__ import annotations

import contextlib
import copy
import io
import tempfile
import warnings
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import save as save_safetensors

from core.playground.features import FEATURES
from core.playground.network import ACTIVATIONS, NetworkSpec, PlaneNet

INPUT_NAME, OUTPUT_NAME = "points", "outputs"
TORCH_NAMES = {"relu": "nn.ReLU()", "tanh": "nn.Tanh()", "sigmoid": "nn.Sigmoid()", "linear": "nn.Identity()"}
assert set(TORCH_NAMES) == set(ACTIVATIONS)


def export_onnx(network: PlaneNet) -> bytes:
    """The network as one ONNX file: (N, 2) points in, (N, outputs) logits or values out."""
    model = copy.deepcopy(network).eval()
    batch = torch.export.Dim("batch", min=1, max=100_000)
    with tempfile.TemporaryDirectory() as folder, contextlib.redirect_stdout(io.StringIO()), \
            warnings.catch_warnings():
        warnings.simplefilter("ignore")
        path = Path(folder) / "playground.onnx"
        torch.onnx.export(model, (torch.zeros(4, 2),), path, dynamo=True, external_data=False, verbose=False,
                          input_names=[INPUT_NAME], output_names=[OUTPUT_NAME], dynamic_shapes=({0: batch},))
        return path.read_bytes()


def onnx_difference(onnx_bytes: bytes, network: PlaneNet, points: np.ndarray) -> float:
    """The largest difference between onnxruntime's and PyTorch's outputs for these points (N, 2)."""
    import onnxruntime

    session = onnxruntime.InferenceSession(onnx_bytes, providers=["CPUExecutionProvider"])
    (from_onnx,) = session.run([OUTPUT_NAME], {INPUT_NAME: points.astype(np.float32)})
    with torch.no_grad():
        from_torch = copy.deepcopy(network).eval()(torch.from_numpy(points.astype(np.float32))).numpy()
    return float(np.abs(from_onnx - from_torch).max())


def weights_file(network: PlaneNet) -> bytes:
    """The MLP's weights as safetensors (the names PyTorch's nn.Sequential gives them)."""
    return save_safetensors({name: tensor.detach().contiguous() for name, tensor in network.mlp.state_dict().items()})


def pytorch_code(spec: NetworkSpec, weights_name: str = "playground_weights.safetensors") -> str:
    """A short, self-contained PyTorch program that rebuilds the network and loads its weights."""
    sizes = spec.sizes()
    layers = []
    for index, activation in enumerate(spec.activations):
        layers += [f"nn.Linear({sizes[index]}, {sizes[index + 1]})", TORCH_NAMES[activation]]
        if spec.dropout > 0:
            layers.append(f"nn.Dropout({spec.dropout:g})")
    layers.append(f"nn.Linear({sizes[-2]}, {sizes[-1]})")
    columns = ", ".join(FEATURES[name][2] for name in spec.features)
    labels = ", ".join(FEATURES[name][0] for name in spec.features)
    output = ("chances = torch.softmax(mlp(inputs(points)), dim=1)  # one column per class"
              if spec.outputs > 1 else "values = mlp(inputs(points))[:, 0]  # the predicted value")
    return "\n".join([
        "import torch",
        "from safetensors.torch import load_file",
        "from torch import nn",
        "",
        "",
        "def inputs(points):  # (N, 2) points x, y -> the network's inputs: " + labels,
        "    x, y = points[:, 0], points[:, 1]",
        f"    return torch.stack([{columns}], dim=1)",
        "",
        "",
        "mlp = nn.Sequential(",
        *[f"    {layer}," for layer in layers],
        ")",
        f'mlp.load_state_dict(load_file("{weights_name}"))',
        "mlp.eval()",
        "points = torch.tensor([[0.5, -0.25], [-1.0, 1.0]])  # x and y between -1.5 and 1.5",
        output,
        "",
    ])
