"""Classes of pictures built one by one in the browser (files or camera), no zip needed.

Each picture is decoded once with core.data.image_folder's safety checks and kept as a 224 x 224 colour
copy (150 KB), so changing the training size never needs the original file again. Plain data:
the page keeps one PictureSet per browser session.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import numpy as np
from PIL import Image

from core.basics.limits import MIN_IMAGES_PER_CLASS
from core.data.dataset import Dataset
from core.data.image_folder import Progress, build_dataset, decode_image
from core.data.upload_budget import UploadBudget

KEPT_SIZE = 224  # the largest size a model here reads
MAX_FILE_BYTES = 20 * 2**20  # a phone photo is a few MB
MAX_PICTURES = 600  # 90 MB of kept copies per visitor at most
MAX_CLASSES = 20
MAX_NAME_LENGTH = 40
FEW_PICTURES = 20  # below this per class, results swing a lot: the page warns


@dataclass(frozen=True)
class Picture:
    key: str  # hash of the file's content: the same file twice is kept once
    pixels: np.ndarray  # (3, 224, 224) uint8


@dataclass
class PictureSet:
    """Class name -> its pictures, in the order they were added."""

    classes: dict[str, list[Picture]] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        return {name: len(pictures) for name, pictures in self.classes.items()}

    @property
    def total(self) -> int:
        return sum(self.counts().values())

    def add_class(self, name: str) -> str:
        """A new empty class; ValueError for an empty, too long or duplicate name."""
        name = self._checked_name(name)
        if len(self.classes) >= MAX_CLASSES:
            raise ValueError(f"Up to {MAX_CLASSES} classes can be built here.")
        self.classes[name] = []
        return name

    def rename_class(self, old: str, new: str) -> str:
        """Rename keeping the order of classes; ValueError as for add_class."""
        if new.strip() == old:
            return old
        new = self._checked_name(new)
        self.classes = {(new if name == old else name): pictures for name, pictures in self.classes.items()}
        return new

    def remove_class(self, name: str) -> None:
        self.classes.pop(name, None)

    def remove_picture(self, name: str, key: str) -> None:
        self.classes[name] = [picture for picture in self.classes.get(name, []) if picture.key != key]

    def add_files(self, name: str, files: list[tuple[str, bytes]], progress: Progress | None = None,
                  ) -> list[tuple[str, str]]:
        """Decode and add (file name, bytes) pairs to a class; returns (file name, why) for those skipped.

        One call is one upload: its pictures decode within one UploadBudget (pixels and memory), and
        progress(share done, what is being read) is called before each picture.
        """
        skipped, known = [], {picture.key for picture in self.classes[name]}
        budget = UploadBudget(KEPT_SIZE * KEPT_SIZE * 3)
        for number, (file_name, data) in enumerate(files):
            if progress is not None:
                progress(number / len(files), f"Reading picture {number + 1:,} of {len(files):,}…")
            key = hashlib.sha256(data).hexdigest()[:16]
            reason = self._refusal(data, key, known)
            if reason is None:
                try:
                    budget.charge(data)
                    self.classes[name].append(Picture(key, decode_image(data, KEPT_SIZE, colour=True)))
                    known.add(key)
                except ValueError as error:
                    reason = str(error)
            if reason:
                skipped.append((file_name, reason))
        return skipped

    def problems(self) -> list[str]:
        """What stops training, in plain words (empty when it can start)."""
        counts = self.counts()
        if len(counts) < 2:
            return ["Add at least two classes (for example 'good' and 'defective')."]
        small = [name for name, count in counts.items() if count < MIN_IMAGES_PER_CLASS]
        if small:
            return [f"Each class needs at least {MIN_IMAGES_PER_CLASS} pictures; add more to: {', '.join(small)}."]
        return []

    def warnings(self) -> list[str]:
        """What makes the result less trustworthy, in plain words."""
        few = [name for name, count in self.counts().items() if MIN_IMAGES_PER_CLASS <= count < FEW_PICTURES]
        if not few:
            return []
        return [f"Few pictures in {', '.join(few)}: about 15% of each class is kept aside to test the model, so with "
                f"under {FEW_PICTURES} pictures a class is tested on 1-3 pictures and the accuracy can swing a lot. "
                "Aim for 20-30 a class, taken in different light and from different angles."]

    def to_dataset(self, size: int, colour: bool = True) -> Dataset:
        """The pictures at size x size, a seeded 15% of each class kept aside for the test."""
        if self.problems():
            raise ValueError(self.problems()[0])
        return build_dataset({name: [resized(picture.pixels, size, colour) for picture in pictures]
                              for name, pictures in self.classes.items()})

    def _checked_name(self, name: str) -> str:
        name = " ".join(name.split())
        if not name:
            raise ValueError("Give the class a name, for example 'ripe'.")
        if len(name) > MAX_NAME_LENGTH:
            raise ValueError(f"Class names can be up to {MAX_NAME_LENGTH} characters long.")
        if name.casefold() in {existing.casefold() for existing in self.classes}:
            raise ValueError(f"There is already a class called '{name}'; pick another name.")
        return name

    def _refusal(self, data: bytes, key: str, known: set[str]) -> str | None:
        if len(data) > MAX_FILE_BYTES:
            return f"larger than {MAX_FILE_BYTES // 2**20} MB"
        if key in known:
            return "already in this class"
        if self.total >= MAX_PICTURES:
            return f"the limit of {MAX_PICTURES} pictures is reached"
        return None


def resized(pixels: np.ndarray, size: int, colour: bool) -> np.ndarray:
    """A kept (3, 224, 224) picture at (C, size, size), resized like core.data.image_folder does."""
    image = Image.fromarray(pixels.transpose(1, 2, 0))
    if size != image.width:
        image = image.resize((size, size), Image.BILINEAR)
    if not colour:
        return np.asarray(image.convert("L"), dtype=np.uint8)[None]
    return np.asarray(image, dtype=np.uint8).transpose(2, 0, 1)
