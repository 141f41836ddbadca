"""A dataset in memory: uint8 image tensors and labels, and how a batch becomes model input."""
from __future__ import annotations

from dataclasses import dataclass

import torch

from core.basics.choices import DatasetInfo


@dataclass
class Dataset:
    info: DatasetInfo
    train_x: torch.Tensor  # (N, C, H, W) uint8
    train_y: torch.Tensor  # (N,) int64
    test_x: torch.Tensor
    test_y: torch.Tensor
    source: str  # where the images came from, shown to the user

    @property
    def size_in_bytes(self) -> int:
        """Memory its images and labels take (and disk, once kept)."""
        return sum(t.numel() * t.element_size() for t in (self.train_x, self.train_y, self.test_x, self.test_y))

    def to_input(self, images: torch.Tensor) -> torch.Tensor:
        """0-255 images (uint8 or float) -> normalised float model input, on the images' device."""
        return to_model_input(images, self.info)


def to_model_input(images: torch.Tensor, info: DatasetInfo) -> torch.Tensor:
    """0-255 images (N, C, H, W) -> the normalised floats a model of this dataset was trained on."""
    mean = torch.tensor(info.mean, device=images.device).view(1, -1, 1, 1)
    std = torch.tensor(info.std, device=images.device).view(1, -1, 1, 1)
    return (images.float() / 255.0 - mean) / std
