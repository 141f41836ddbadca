"""A model as one downloadable file: a zip of model.safetensors + config.json, and its validated upload.

An uploaded file is never unpickled: weights are read only with safetensors (a header of
JSON plus raw numbers), the config is plain JSON, and every shape is checked against the
network the config describes before anything is kept.
"""
from __future__ import annotations

import io
import json
import math
import zipfile
from dataclasses import dataclass
from pathlib import Path

import torch
from safetensors.torch import load as load_safetensors

from core.basics.config import RunConfig
from core.basics.limits import MAX_CONFIG_BYTES, MAX_SAFETENSORS_HEADER_BYTES
from core.data.safe_zip import ZIP_ERRORS, open_zip, read_entry, zip_problem
from core.store.bundle import CONFIG_FILE, WEIGHTS_FILE, expected_tensors, model_from_state
from core.store.safetensors_header import check_header
PICKLE_SUFFIXES = (".pt", ".pth", ".pkl", ".pickle", ".ckpt", ".bin", ".joblib", ".npy")


@dataclass(frozen=True)
class UploadedModel:
    """A checked upload, ready to be stored as a run."""

    config: RunConfig
    state: dict[str, torch.Tensor]
    metrics: dict
    name: str


def pack_bundle(folder: Path) -> bytes:
    """Zip the bundle in folder (model.safetensors + config.json) into one file's bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in (WEIGHTS_FILE, CONFIG_FILE):
            archive.write(Path(folder) / name, arcname=name)
    return buffer.getvalue()


def unpack_bundle(data: bytes, filename: str) -> UploadedModel:
    """Check an uploaded bundle; ValueError saying what is wrong with it."""
    suffix = Path(filename).suffix.lower()
    if suffix in PICKLE_SUFFIXES:
        raise ValueError(f"'{filename}' is a PyTorch/pickle file. Such files can run hidden code when opened, "
                         "so they are refused. Upload a bundle downloaded from the Runs page (a .zip holding "
                         "model.safetensors and config.json).")
    if suffix != ".zip":
        raise ValueError("Upload a model bundle: the .zip (model.safetensors + config.json) that the Runs page's "
                         "Download button gives.")
    with open_zip(data, "The file") as archive:
        entries = _bundle_entries(archive)
        try:
            config, metrics = _read_config(read_entry(archive, entries[CONFIG_FILE], MAX_CONFIG_BYTES))
            expected = expected_tensors(config)  # from the config alone: nothing allocated yet
            largest = 8 + MAX_SAFETENSORS_HEADER_BYTES + sum(math.prod(shape) * 8 for shape, _ in expected.values())
            raw = read_entry(archive, entries[WEIGHTS_FILE], largest)
            check_header(raw, expected)
        except ValueError as error:
            raise ValueError(f"The bundle cannot be used: {str(error).rstrip('.')}.") from error
    try:
        state = load_safetensors(raw)
    except Exception as error:  # safetensors raises several types for bad files
        raise ValueError(f"{WEIGHTS_FILE} in the bundle is not a valid safetensors file ({error}).") from error
    model_from_state(config, state)  # raises ValueError naming the first layer that does not fit
    return UploadedModel(config, state, metrics, Path(filename).stem)


def _bundle_entries(archive: zipfile.ZipFile) -> dict[str, zipfile.ZipInfo]:
    try:
        entries = {Path(info.filename).name: info for info in archive.infolist() if not info.is_dir()}
    except ZIP_ERRORS as error:
        raise ValueError(f"The bundle is not a readable zip archive: {zip_problem(error)}.") from error
    missing = [name for name in (WEIGHTS_FILE, CONFIG_FILE) if name not in entries]
    if missing:
        raise ValueError(f"The bundle must hold {WEIGHTS_FILE} and {CONFIG_FILE}; missing: {', '.join(missing)}.")
    return entries


def _read_config(raw: bytes) -> tuple[RunConfig, dict]:
    try:
        document = json.loads(raw)
        config = RunConfig.from_dict(document["run"])
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError, AttributeError, RecursionError) as error:
        raise ValueError(f"{CONFIG_FILE} is not a playground model description ({str(error)[:100]})") from error
    except ValueError as error:
        raise ValueError(f"{CONFIG_FILE} has a setting this playground refuses: {error}") from error
    metrics = document.get("metrics", {})
    metrics = {key: value for key, value in metrics.items() if isinstance(value, (int, float))} \
        if isinstance(metrics, dict) else {}
    return config, metrics
