"""The 2-D playground's colours: one per class, and the shading of chances and values as pictures."""
from __future__ import annotations

import base64
import io

import numpy as np
from PIL import Image

CLASS_COLOURS = ("#F58518", "#4C78A8", "#54A24B", "#E45756", "#B279A2", "#72B7B2")  # orange, blue, green...
CLASS_WORDS = ("orange", "blue", "green", "red", "purple", "teal")
NEGATIVE, POSITIVE = "#F58518", "#4C78A8"  # values and weights: orange below zero, blue above (as TF Playground)
VALUE_SCALE = [[0.0, "#F58518"], [0.5, "#FFFFFF"], [1.0, "#4C78A8"]]


def class_name(label: int) -> str:
    """'blue (class 1)'."""
    return f"{CLASS_WORDS[label]} (class {label})"


def rgb(colour: str) -> np.ndarray:
    """'#RRGGBB' -> (3,) floats 0-255."""
    return np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)], dtype=np.float32)


def chances_picture(chances: np.ndarray, strength: float = 0.6) -> np.ndarray:
    """Class chances (R, R, K) -> (R, R, 3) uint8: each spot the colour of its likely class, paler when unsure."""
    classes = chances.shape[2]
    colours = np.stack([rgb(colour) for colour in CLASS_COLOURS[:classes]])  # (K, 3)
    mixed = chances @ colours  # (R, R, 3)
    sureness = (chances.max(2, keepdims=True) - 1 / classes) / (1 - 1 / classes)
    weight = strength * np.clip(sureness, 0, 1)
    return (255 * (1 - weight) + mixed * weight).astype(np.uint8)


def values_picture(values: np.ndarray, scale: float) -> np.ndarray:
    """Values (R, R) -> (R, R, 3) uint8: orange below zero, white at zero, blue above, full at +-scale."""
    share = np.clip(values / max(scale, 1e-6), -1, 1)[..., None]
    colour = np.where(share > 0, rgb(POSITIVE), rgb(NEGATIVE))
    weight = 0.75 * np.abs(share)
    return (255 * (1 - weight) + colour * weight).astype(np.uint8)


def picture_data_url(picture: Image.Image) -> str:
    """A PIL picture as a data: URL for a Plotly layout image (JPEG: ten times quicker to make than PNG)."""
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=90)
    return "data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode()
