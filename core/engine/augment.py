"""Data augmentation applied to a whole batch at once on tensors (no per-image Python work).

One random affine warp per image: digits get small rotations, shifts and zoom;
colour photos get horizontal flips and shifts of up to 4 pixels (a padded random crop).
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F


def random_affine(x: torch.Tensor, generator: torch.Generator, max_degrees: float, max_shift: float,
                  zoom: float, flip: bool) -> torch.Tensor:
    """Warp each image of a float batch (N, C, H, W); shift is a fraction of the image size."""
    n = x.shape[0]

    def uniform(low: float, high: float) -> torch.Tensor:
        return torch.rand(n, generator=generator) * (high - low) + low

    angle = uniform(-max_degrees, max_degrees) * math.pi / 180
    scale = 1.0 / uniform(1 - zoom, 1 + zoom)  # sampling grid scale is the inverse of zoom
    mirror = torch.where(torch.rand(n, generator=generator) < 0.5, -1.0, 1.0) if flip else torch.ones(n)
    shift_x, shift_y = uniform(-2 * max_shift, 2 * max_shift), uniform(-2 * max_shift, 2 * max_shift)
    cos, sin = torch.cos(angle) * scale, torch.sin(angle) * scale
    theta = torch.stack([torch.stack([cos * mirror, -sin, shift_x], 1),
                         torch.stack([sin * mirror, cos, shift_y], 1)], 1)  # (N, 2, 3)
    grid = F.affine_grid(theta.to(x.device, x.dtype), list(x.shape), align_corners=False)
    return F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=False)


def augment_batch(x: torch.Tensor, is_digits: bool, generator: torch.Generator) -> torch.Tensor:
    """Augment a batch of 0-255 images (N, C, H, W); returns float pixels on the same 0-255 scale."""
    if is_digits:
        return random_affine(x.float(), generator, max_degrees=10, max_shift=0.08, zoom=0.1, flip=False)
    return random_affine(x.float(), generator, max_degrees=0, max_shift=4 / 32, zoom=0.0, flip=True)
