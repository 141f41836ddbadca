"""Save and load a playground: setup, points and weights in one safetensors file (JSON metadata, no pickle).

A file is bounded before it is parsed (size, header), and everything in it is checked on load: the
setup as a link would be, the weights' shapes against the network the setup describes, the points
against the plane and the classes.
"""
from __future__ import annotations

import json
import struct
from dataclasses import replace

import numpy as np
import torch
from safetensors.torch import load as load_safetensors, save as save_safetensors

from core.playground.link import from_query, to_query
from core.playground.network import build_network
from core.playground.points import EXTENT, MAX_CLASSES, MAX_POINTS, Points, Task
from core.playground.setup import PlaygroundSetup, outputs_for
from core.playground.training import PlaneTrainer
from core.store.safetensors_header import check_header

FORMAT = "neural-playground-2d/1"
MAX_STATE_BYTES = 1_000_000  # 5,000 points and the largest network take about 200 KB
POINT_PARTS = ("train_xy", "train_target", "test_xy", "test_target")


def save_state(trainer: PlaneTrainer, setup: PlaygroundSetup) -> bytes:
    """The trainer's weights and points and the setup, as safetensors bytes."""
    tensors = {f"weights.{name}": tensor.detach().contiguous() for name, tensor in trainer.network.mlp.state_dict().items()}
    for name, points in (("train", trainer.train), ("test", trainer.test)):
        tensors[f"{name}_xy"] = torch.from_numpy(np.ascontiguousarray(points.xy.reshape(-1, 2)))
        tensors[f"{name}_target"] = torch.from_numpy(np.ascontiguousarray(points.target))
    metadata = {"format": FORMAT, "setup": json.dumps(to_query(setup)), "epoch": str(trainer.epoch),
                "classes": str(trainer.train.classes)}
    return save_safetensors(tensors, metadata=metadata)


def load_state(raw: bytes) -> tuple[PlaygroundSetup, PlaneTrainer]:
    """(setup, a trainer with the saved weights and points, paused at the saved epoch); ValueError if bad."""
    if len(raw) > MAX_STATE_BYTES:
        raise ValueError(f"The file is {len(raw) / 1e6:.1f} MB; a saved playground is at most "
                         f"{MAX_STATE_BYTES / 1e6:.0f} MB. Is it the right file?")
    metadata = _metadata(raw)
    try:
        setup = from_query(json.loads(metadata.get("setup", "")))
        epoch, classes = int(metadata.get("epoch", "")), int(metadata.get("classes", ""))
    except (json.JSONDecodeError, TypeError, AttributeError) as error:
        raise ValueError("This saved playground's settings are damaged.") from error
    if classes == 1 or not 0 <= classes <= MAX_CLASSES:
        raise ValueError("This saved playground's number of classes is damaged.")
    setup = replace(setup, network=replace(setup.network, outputs=outputs_for(classes)))
    network = build_network(setup.network)
    expected = {f"weights.{name}": (tuple(t.shape), t.dtype) for name, t in network.mlp.state_dict().items()}
    header = json.loads(raw[8:8 + struct.unpack("<Q", raw[:8])[0]])
    for part in POINT_PARTS:
        shape = header.get(part, {}).get("shape") if isinstance(header.get(part), dict) else None
        if not isinstance(shape, list) or not all(type(n) is int for n in shape) or not shape or shape[0] > MAX_POINTS:
            raise ValueError(f"This saved playground's points are damaged or too many (at most {MAX_POINTS:,}).")
        kind = torch.float32 if part.endswith("xy") or classes == 0 else torch.int64
        expected[part] = (tuple(shape), kind)
    try:
        check_header(raw, expected)
    except ValueError as error:
        raise ValueError(f"This saved playground does not fit its own settings: {error}.") from error
    tensors = load_safetensors(raw)
    train, test = (_points(tensors[f"{name}_xy"], tensors[f"{name}_target"], classes) for name in ("train", "test"))
    if len(train) < 2:
        raise ValueError("This saved playground has fewer than 2 training points.")
    trainer = PlaneTrainer(train, test, setup.network, setup.learning, seed=setup.data.seed)
    weights = {name.removeprefix("weights."): tensors[name] for name in expected if name.startswith("weights.")}
    trainer.restore(weights, max(0, epoch))
    return setup, trainer


def _metadata(raw: bytes) -> dict:
    if len(raw) < 8:
        raise ValueError("This is not a saved playground (the file is too short).")
    (length,) = struct.unpack("<Q", raw[:8])
    try:
        header = json.loads(raw[8:8 + length]) if 8 + length <= len(raw) and length < 100_000 else None
    except (UnicodeDecodeError, json.JSONDecodeError):
        header = None
    metadata = header.get("__metadata__") if isinstance(header, dict) else None
    if not isinstance(metadata, dict) or metadata.get("format") != FORMAT:
        raise ValueError("This is not a saved 2-D playground (save one with 'Save this playground').")
    return metadata


def _points(xy: torch.Tensor, target: torch.Tensor, classes: int) -> Points:
    xy_array, target_array = xy.numpy(), target.numpy()
    if xy_array.ndim != 2 or xy_array.shape[1] != 2 or len(target_array) != len(xy_array):
        raise ValueError("This saved playground's points are damaged (x, y and the labels do not line up).")
    if not np.isfinite(xy_array).all() or np.abs(xy_array).max(initial=0) > EXTENT:
        raise ValueError("This saved playground has points off the plane.")
    if classes == 0:
        if not np.isfinite(target_array).all() or np.abs(target_array).max(initial=0) > 1:
            raise ValueError("This saved playground has values outside -1 to 1.")
        return Points(xy_array, target_array, Task.REGRESSION, 0)
    if len(target_array) and (target_array.min() < 0 or target_array.max() >= classes):
        raise ValueError("This saved playground has labels outside its classes.")
    return Points(xy_array, target_array, Task.CLASSIFICATION, classes)
