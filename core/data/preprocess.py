"""A drawing or an uploaded picture -> what a model reads, prepared the way its training images were.

MNIST's digits were made like this (LeCun, Cortes, Burges): the ink's bounding box scaled so its
longer side is 20 pixels, keeping the aspect ratio, then placed in a 28x28 field so that the centre
of mass of the ink sits at the centre. A drawing prepared the same way looks to the model like the
digits it learned from; one fed in raw (small, off-centre, thin) is often misread.
All pixels here are float 0-255 with bright ink on black, like the training images.
"""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from core.basics.choices import DatasetInfo
from core.data.picture import PictureRefused, open_picture

DIGIT_FIELD = 28  # MNIST images are 28x28
DIGIT_BOX = 20  # the longer side of the digit inside it
INK_LEVEL = 0.2 * 255  # brighter than this counts as ink when finding the digit's box
PAPER_NOISE = 0.1 * 255  # after the background is removed, dimmer than this is paper grain, not ink
MIN_INK_SHARE = 0.002  # less ink than 0.2% of the picture: a speck, not a digit
MIN_BOX_SHARE = 0.08  # a digit smaller than 8% of the picture's side: a dot, not a digit
MAX_UPLOAD_BYTES = 10 * 2**20  # a photo of a digit needs far less; refuse bigger files before decoding
MAX_SIDE = 512  # an upload is shrunk to this before any float copy: plenty for a 28x28 or 64x64 model


def ink_from_pixels(pixels: np.ndarray) -> np.ndarray:
    """An (H, W), (H, W, 3) or (H, W, 4) 0-255 image -> (H, W) float ink, bright on black, background 0."""
    pixels = np.asarray(pixels, dtype=np.float32)
    if pixels.ndim == 3 and pixels.shape[2] == 4 and pixels[..., 3].min() < 255:
        return _stretch(pixels[..., 3])  # transparent background: the opaque strokes are the ink
    grey = pixels[..., :3].mean(axis=2) if pixels.ndim == 3 else pixels
    if is_dark_on_light(grey):
        grey = 255.0 - grey  # ink on paper: MNIST is the other way round
    return _stretch(grey - np.median(_border(grey)))  # whatever the background was, it becomes 0


def _border(grey: np.ndarray) -> np.ndarray:
    return np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]])


def is_dark_on_light(grey: np.ndarray) -> bool:
    """True for dark ink on a light background (judged by the picture's edge, which is mostly background)."""
    return float(np.median(_border(grey))) > 127


def _stretch(ink: np.ndarray) -> np.ndarray:
    """The brightest ink becomes 255 (a faint pencil photo counts like a white stroke); grain becomes 0."""
    ink = np.clip(ink, 0, None)
    if ink.max() > 0:
        ink = ink * (255.0 / ink.max())
    return np.where(ink < PAPER_NOISE, 0.0, ink).astype(np.float32)


def is_empty(ink: np.ndarray) -> bool:
    """True when there is no digit to read: no ink, a speck, or a dot."""
    box = ink_box(ink)
    if box is None or (ink > INK_LEVEL).mean() < MIN_INK_SHARE:
        return True
    top, bottom, left, right = box
    return max(bottom - top, right - left) < MIN_BOX_SHARE * max(ink.shape)


def ink_box(ink: np.ndarray) -> tuple[int, int, int, int] | None:
    """(top, bottom, left, right) of the ink, bottom and right exclusive; None without ink."""
    rows, columns = np.nonzero(ink > INK_LEVEL)
    if rows.size == 0:
        return None
    return int(rows.min()), int(rows.max()) + 1, int(columns.min()), int(columns.max()) + 1


def scale_to_box(crop: np.ndarray, box: int = DIGIT_BOX) -> np.ndarray:
    """Resize so the longer side is `box` pixels, keeping the aspect ratio (antialiased, like MNIST)."""
    height, width = crop.shape
    scale = box / max(height, width)
    size = (max(1, round(height * scale)), max(1, round(width * scale)))
    x = torch.from_numpy(np.ascontiguousarray(crop, dtype=np.float32))[None, None]  # (1, 1, H, W)
    resized = F.interpolate(x, size=size, mode="bilinear", antialias=True, align_corners=False)
    return resized[0, 0].clamp(0, 255).numpy()


def centre_by_mass(digit: np.ndarray, field: int = DIGIT_FIELD) -> np.ndarray:
    """Place digit in a field x field image so its centre of mass lands on the middle pixel (14, 14)."""
    height, width = digit.shape
    rows, columns = np.indices(digit.shape)
    mass = digit.sum()
    centre_row, centre_column = (rows * digit).sum() / mass, (columns * digit).sum() / mass
    middle = field // 2  # MNIST's centres of mass average (14.0, 14.0) in pixel indices
    top = int(np.clip(round(middle - centre_row), 0, field - height))  # clipped: never cut the digit off
    left = int(np.clip(round(middle - centre_column), 0, field - width))
    placed = np.zeros((field, field), dtype=np.float32)
    placed[top:top + height, left:left + width] = digit
    return placed


def prepare_digit(ink: np.ndarray) -> np.ndarray:
    """Bright-on-black ink (H, W) -> (1, 28, 28) float32 0-255, MNIST-style; ValueError if there is no digit."""
    if is_empty(ink):
        raise ValueError("There is no digit to read: draw (or upload) one that fills a good part of the picture.")
    top, bottom, left, right = ink_box(ink)
    digit = scale_to_box(ink[top:bottom, left:right])
    return centre_by_mass(digit)[None]


def canvas_to_digit(canvas_pixels: np.ndarray | None) -> np.ndarray | None:
    """The drawing canvas's RGBA pixels -> (1, 28, 28) model picture; None while it is (nearly) empty."""
    if canvas_pixels is None:
        return None
    ink = ink_from_pixels(canvas_pixels)
    return None if is_empty(ink) else prepare_digit(ink)


def open_upload(data: bytes) -> Image.Image:
    """Uploaded bytes -> a decoded PIL image, shrunk to at most MAX_SIDE; ValueError if unusable."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValueError(f"The file is {len(data) / 2**20:.1f} MB; pictures up to "
                         f"{MAX_UPLOAD_BYTES // 2**20} MB are accepted. A photo of one digit needs far less.")
    try:
        return open_picture(data, MAX_SIDE)
    except PictureRefused as error:
        raise ValueError(f"The picture cannot be used: {error}. Make it smaller.") from error
    except ValueError as error:
        raise ValueError("This file is not a picture that can be read (PNG or JPEG), or it is damaged.") from error


def _pixels_of(image: Image.Image) -> np.ndarray:
    """A decoded image -> (H, W, 4) uint8 RGBA, whatever its mode (palette, grey, CMYK...)."""
    return np.asarray(image.convert("RGBA"), dtype=np.uint8)


def upload_to_picture(data: bytes, info: DatasetInfo) -> np.ndarray:
    """Uploaded image bytes -> (C, H, W) float32 0-255 the model of `info` reads; ValueError if unusable."""
    image = open_upload(data)
    if info.is_digits:
        return prepare_digit(ink_from_pixels(_pixels_of(image)))
    channels, height, width = info.input_shape
    # Stretched to the model's size with the same filter as the user's own training images (core.data.image_folder).
    image = image.convert("RGB" if channels == 3 else "L").resize((width, height), Image.BILINEAR)
    pixels = np.asarray(image, dtype=np.float32)
    if channels == 3:
        return pixels.transpose(2, 0, 1).copy()
    if is_dark_on_light(pixels):
        pixels = 255.0 - pixels  # grey datasets here (Fashion-MNIST) show bright things on black
    return pixels[None]
