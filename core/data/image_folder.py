"""The user's own images: a zip with one folder per class, read safely into memory.

Nothing is extracted to disk, so no archive path can escape a folder (zip-slip). Each entry
is checked before it is read: symlinks, nested archives, non-images and corrupt images are
skipped and listed; decompression bombs, too many files and oversized archives are refused.
"""
from __future__ import annotations

import hashlib
import stat
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Callable

import numpy as np
import torch
from PIL import Image

from core.basics.choices import DatasetInfo
from core.basics.config import CUSTOM_PREFIX
from core.basics.limits import MAX_ARCHIVE_FILES, MIN_IMAGES_PER_CLASS
from core.data.dataset import Dataset
from core.data.picture import open_picture
from core.data.safe_zip import ZIP_ERRORS, open_zip, read_entry, zip_problem
from core.data.upload_budget import UploadBudget

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp"}
ARCHIVE_SUFFIXES = {".zip", ".tar", ".gz", ".tgz", ".bz2", ".xz", ".7z", ".rar"}
MAX_ARCHIVE_BYTES = 50 * 2**20  # the app's upload limit
MAX_FILES = MAX_ARCHIVE_FILES
MAX_TOTAL_UNPACKED = 500 * 2**20


Progress = Callable[[float, str], None]


@dataclass
class ImageFolderReport:
    """What was read and what was skipped, for the user to see."""

    counts: dict[str, int] = field(default_factory=dict)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)


def decode_image(data: bytes, size: int, colour: bool) -> np.ndarray:
    """Image bytes -> (C, size, size) uint8; ValueError for damaged, bomb-sized or strip-shaped images."""
    image = open_picture(data, 4 * size)  # shrunk in place first: no full-size copy beyond the decode
    image = image.convert("RGB" if colour else "L").resize((size, size), Image.BILINEAR)
    pixels = np.asarray(image, dtype=np.uint8)
    return pixels.transpose(2, 0, 1) if colour else pixels[None]


def _class_and_name(path: str) -> tuple[str, str] | None:
    parts = PurePosixPath(path).parts
    return (parts[-2], parts[-1]) if len(parts) >= 2 else None


def _check_archive(archive: zipfile.ZipFile, size_in_bytes: int) -> list[zipfile.ZipInfo]:
    if size_in_bytes > MAX_ARCHIVE_BYTES:
        raise ValueError(f"The archive is {size_in_bytes / 2**20:.0f} MB; the limit is {MAX_ARCHIVE_BYTES // 2**20} MB.")
    try:
        entries = [info for info in archive.infolist() if not info.is_dir()]
    except ZIP_ERRORS as error:
        raise ValueError(f"This file is not a readable zip archive: {zip_problem(error)}.") from error
    if len(entries) > MAX_FILES:
        raise ValueError(f"The archive holds {len(entries):,} files; the limit is {MAX_FILES:,}.")
    if sum(info.file_size for info in entries) > MAX_TOTAL_UNPACKED:
        raise ValueError("The archive unpacks to more than 500 MB (a zip bomb?), so it was refused.")
    return entries


def _skip_reason(info: zipfile.ZipInfo) -> str | None:
    path = PurePosixPath(info.filename)
    if stat.S_ISLNK(info.external_attr >> 16):
        return "a symbolic link"
    if path.is_absolute() or ".." in path.parts or "\\" in info.filename:
        return "a path that points outside the archive"
    if path.name.startswith(".") or "__MACOSX" in path.parts:
        return "a hidden system file"
    if path.suffix.lower() in ARCHIVE_SUFFIXES:
        return "an archive inside the archive"
    if path.suffix.lower() not in IMAGE_SUFFIXES:
        return "not an image"
    if _class_and_name(info.filename) is None:
        return "not inside a class folder"
    return None


def read_zip(data: bytes, size: int = 32, colour: bool = True, progress: Progress | None = None,
             ) -> tuple[dict[str, list[np.ndarray]], ImageFolderReport]:
    """Images per class folder from zip bytes, plus the report of what was skipped.

    progress(share done, what is being read) is called as the pictures are decoded.
    """
    report, images, budget = ImageFolderReport(), {}, UploadBudget(size * size * (3 if colour else 1))
    with open_zip(data, "This file") as archive:
        entries = _check_archive(archive, len(data))
        for number, info in enumerate(entries):
            if progress is not None and number % 10 == 0:
                progress(number / len(entries), f"Reading picture {number + 1:,} of {len(entries):,}…")
            reason = _skip_reason(info)
            if reason is None:
                try:
                    raw = read_entry(archive, info, MAX_TOTAL_UNPACKED)
                    budget.charge(raw)  # from the header, before decoding: time and memory are bounded
                    pixels = decode_image(raw, size, colour)
                except ValueError as error:
                    reason = str(error).removeprefix(f"{info.filename}: ")
            if reason:
                report.skipped.append((info.filename, reason))
                continue
            images.setdefault(_class_and_name(info.filename)[0], []).append(pixels)
    report.counts = {name: len(items) for name, items in sorted(images.items())}
    return images, report


def check_classes(counts: dict[str, int]) -> None:
    """Refuse a single class or classes with too few images, in plain words."""
    if len(counts) < 2:
        raise ValueError("A classifier needs at least two classes: put each class's images in its own folder "
                         f"(found {len(counts)} class{'es' if len(counts) != 1 else ''}).")
    small = [name for name, count in counts.items() if count < MIN_IMAGES_PER_CLASS]
    if small:
        raise ValueError(f"Each class needs at least {MIN_IMAGES_PER_CLASS} images; too few in: {', '.join(small)}.")


def build_dataset(images: dict[str, list[np.ndarray]], test_share: float = 0.15, seed: int = 0) -> Dataset:
    """Stack the images into a Dataset; a seeded share of every class is kept aside for testing."""
    check_classes({name: len(items) for name, items in images.items()})
    classes = tuple(sorted(images))
    x = np.stack([pixels for name in classes for pixels in images[name]])
    y = np.array([index for index, name in enumerate(classes) for _ in images[name]], dtype=np.int64)
    rng = np.random.default_rng(seed)
    test_mask = np.zeros(len(y), dtype=bool)
    for index in range(len(classes)):
        members = rng.permutation(np.flatnonzero(y == index))
        test_mask[members[:max(1, round(len(members) * test_share))]] = True
    dataset_id = hashlib.sha256(x.tobytes() + "|".join(classes).encode()).hexdigest()[:12]
    channels = x.shape[1]
    info = DatasetInfo(f"{CUSTOM_PREFIX}{dataset_id}", "My images", classes, tuple(x.shape[1:]),
                       (0.5,) * channels, (0.25,) * channels, False)
    as_tensor = lambda a: torch.from_numpy(np.ascontiguousarray(a))  # noqa: E731
    return Dataset(info, as_tensor(x[~test_mask]), as_tensor(y[~test_mask]), as_tensor(x[test_mask]),
                   as_tensor(y[test_mask]), source="your upload")
