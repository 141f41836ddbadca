"""A trained model on disk: weights as safetensors plus a JSON config. Never pickle."""
from __future__ import annotations

import json
import math
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file
from torch import nn

from core.basics.atomic import write_atomically, write_json
from core.basics.choices import DatasetInfo
from core.basics.config import RunConfig
from core.basics.limits import MAX_MODEL_PARAMETERS
from core.data.registry import dataset_info
from core.engine.models import build_model

WEIGHTS_FILE, CONFIG_FILE = "model.safetensors", "config.json"


@dataclass
class LoadedModel:
    """A ready-to-use model (eval mode, CPU) with what it was trained on."""

    model: nn.Module
    config: RunConfig
    info: DatasetInfo
    label: str
    metrics: dict = field(default_factory=dict)  # e.g. {"test_accuracy": 0.99}


def has_bundle(folder: Path) -> bool:
    """True when folder holds a bundle's weights."""
    return (Path(folder) / WEIGHTS_FILE).is_file()


def saved_at(folder: Path) -> float:
    """When the bundle's weights were written (seconds since the epoch); OSError if they are gone."""
    return (Path(folder) / WEIGHTS_FILE).stat().st_mtime


def save_bundle(folder: Path, model: nn.Module, config: RunConfig, metrics: dict | None = None) -> None:
    """Write model.safetensors and config.json into folder."""
    folder = Path(folder)
    state = {name: tensor.detach().cpu().contiguous() for name, tensor in model.state_dict().items()}
    write_atomically(folder / WEIGHTS_FILE, lambda tmp: save_file(state, tmp))
    document = {"run": config.to_dict(), "metrics": metrics or {}}
    write_json(folder / CONFIG_FILE, document)


def expected_tensors(config: RunConfig) -> dict[str, tuple[tuple[int, ...], torch.dtype]]:
    """Name -> (shape, dtype) of every tensor of config's network, worked out without allocating it.

    ValueError when the network would be larger than any this playground builds.
    """
    info = dataset_info(config.data)
    with torch.device("meta"), warnings.catch_warnings():  # shapes only: no memory for the numbers
        warnings.simplefilter("ignore", UserWarning)  # pretrained weights copied onto meta tensors: a no-op
        model = build_model(config.model, info.input_shape, len(info.classes))
    tensors = {name: (tuple(tensor.shape), tensor.dtype) for name, tensor in model.state_dict().items()}
    parameters = sum(math.prod(shape) for shape, _ in tensors.values())
    if parameters > MAX_MODEL_PARAMETERS:
        raise ValueError(f"This network would have {parameters:,} weights; the playground builds at most "
                         f"{MAX_MODEL_PARAMETERS:,}, so it is refused.")
    return tensors


def model_from_state(config: RunConfig, state: dict[str, torch.Tensor]) -> nn.Module:
    """Build the architecture of config and load state, checking every name and shape."""
    expected_tensors(config)  # refuses an oversized network before building it
    info = dataset_info(config.data)
    model = build_model(config.model, info.input_shape, len(info.classes))
    expected = model.state_dict()
    missing, unexpected = set(expected) - set(state), set(state) - set(expected)
    if missing or unexpected:
        raise ValueError("These weights do not fit the described network "
                         f"(missing: {sorted(missing)[:3]}, unexpected: {sorted(unexpected)[:3]}).")
    for name, tensor in expected.items():
        if tuple(state[name].shape) != tuple(tensor.shape):
            raise ValueError(f"Layer {name} has shape {tuple(state[name].shape)} in the file "
                             f"but the network needs {tuple(tensor.shape)}.")
    model.load_state_dict(state)
    return model.eval()


def load_bundle(folder: Path, label: str | None = None) -> LoadedModel:
    """Read a bundle written by save_bundle; ValueError with a plain message if it is broken."""
    folder = Path(folder)
    try:
        document = json.loads((folder / CONFIG_FILE).read_text())
        config = RunConfig.from_dict(document["run"])
    except (OSError, KeyError, TypeError, AttributeError, json.JSONDecodeError) as error:
        raise ValueError(f"The model's config.json is missing or unreadable ({error}).") from error
    try:
        state = load_file(folder / WEIGHTS_FILE)
    except Exception as error:  # safetensors raises several types for bad files
        raise ValueError(f"The weights file is missing or not a valid safetensors file ({error}).") from error
    model = model_from_state(config, state)
    return LoadedModel(model, config, dataset_info(config.data), label or folder.name,
                       document.get("metrics", {}))
