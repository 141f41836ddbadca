"""Uploaded datasets the user chose to keep: one safetensors file each, beside the runs."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from safetensors import SafetensorError, safe_open
from safetensors.torch import load_file, save_file

from core.basics.atomic import write_atomically
from core.basics.choices import DatasetInfo
from core.basics.config import CUSTOM_PREFIX
from core.basics.paths import runs_dir
from core.data.dataset import Dataset


@dataclass(frozen=True)
class KeptEntry:
    """One kept dataset on disk, as the upload quotas (core.store.quotas) count it."""

    name: str  # the dataset's name, custom:<id>
    owner: str
    classes: tuple[str, ...]
    size: int  # bytes on disk
    created: float


def kept_folder() -> Path:
    """Where kept datasets live (the run store ignores names starting with '_')."""
    return runs_dir() / "_datasets"


def _path(name: str) -> Path:
    dataset_id = name.removeprefix(CUSTOM_PREFIX)
    if not dataset_id.isalnum():
        raise ValueError("Not a dataset name.")
    return kept_folder() / f"{dataset_id}.safetensors"


def keep(dataset: Dataset, owner: str = "") -> Path:
    """Store the images and class names so later sessions can train and inspect with them."""
    tensors = {"train_x": dataset.train_x, "train_y": dataset.train_y,
               "test_x": dataset.test_x, "test_y": dataset.test_y}
    metadata = {"classes": json.dumps(list(dataset.info.classes)), "owner": owner}
    path = _path(dataset.info.name)
    write_atomically(path, lambda tmp: save_file({k: v.contiguous() for k, v in tensors.items()}, tmp, metadata))
    return path


def load_kept(name: str) -> Dataset | None:
    """A kept dataset by name, or None when there is none."""
    path = _path(name)
    if not path.is_file():
        return None
    with safe_open(str(path), "pt") as handle:
        metadata = handle.metadata()
    tensors = load_file(path)
    classes = tuple(json.loads(metadata["classes"]))
    shape = tuple(tensors["train_x"].shape[1:])
    info = DatasetInfo(name, "My images", classes, shape, (0.5,) * shape[0], (0.25,) * shape[0], False)
    return Dataset(info, tensors["train_x"], tensors["train_y"], tensors["test_x"], tensors["test_y"],
                   source=str(path))


def owner_of(name: str) -> str | None:
    """Who kept this dataset (the browser session's owner token), or None if it is not kept."""
    path = _path(name)
    if not path.is_file():
        return None
    with safe_open(str(path), "pt") as handle:
        return handle.metadata().get("owner", "")


def discard(name: str, owner: str) -> bool:
    """Delete a kept dataset if owner kept it; False when it belongs to someone else."""
    if owner_of(name) != owner:
        return False
    _path(name).unlink(missing_ok=True)
    return True


def kept_entries() -> list[KeptEntry]:
    """Every kept dataset with its owner, classes, size on disk and time kept; unreadable files are skipped."""
    entries = []
    for path in sorted(kept_folder().glob("*.safetensors")) if kept_folder().is_dir() else []:
        try:
            with safe_open(str(path), "pt") as handle:
                metadata = handle.metadata() or {}
            stat = path.stat()
            entries.append(KeptEntry(f"{CUSTOM_PREFIX}{path.stem}", metadata.get("owner", ""),
                                     tuple(json.loads(metadata.get("classes", "[]"))), stat.st_size, stat.st_mtime))
        except (OSError, ValueError, TypeError, SafetensorError):  # half-written by another session, or damaged: not counted
            continue
    return entries

