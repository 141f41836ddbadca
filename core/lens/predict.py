"""Ask a trained model what a prepared picture shows: one probability per class."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from core.basics.choices import DatasetInfo
from core.data.dataset import to_model_input
from core.data.preprocess import canvas_to_digit
from core.lens.inspect import class_probabilities


@dataclass(frozen=True)
class Prediction:
    """The model's answer for one picture."""

    probabilities: np.ndarray  # (classes,), sums to 1
    classes: tuple[str, ...]

    @property
    def best(self) -> int:
        return int(np.argmax(self.probabilities))

    @property
    def answer(self) -> str:
        return self.classes[self.best]

    @property
    def confidence(self) -> float:
        return float(self.probabilities[self.best])


def predict(model: nn.Module, info: DatasetInfo, picture: np.ndarray) -> Prediction:
    """A (C, H, W) 0-255 picture -> the model's probabilities, normalised exactly as in training."""
    picture = np.asarray(picture, dtype=np.float32)
    if tuple(picture.shape) != tuple(info.input_shape):
        raise ValueError(f"This model reads pictures of {' x '.join(map(str, info.input_shape))} "
                         f"(channels x height x width), not {' x '.join(map(str, picture.shape))}.")
    x = to_model_input(torch.from_numpy(picture).unsqueeze(0), info)  # (1, C, H, W)
    return Prediction(class_probabilities(model, x), tuple(info.classes))


def predict_canvas(model: nn.Module, info: DatasetInfo, canvas_pixels: np.ndarray) -> Prediction | None:
    """The drawing canvas's RGBA pixels -> the digit model's answer; None while nothing is drawn."""
    picture = canvas_to_digit(canvas_pixels)
    return None if picture is None else predict(model, info, picture)
