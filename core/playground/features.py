"""Derived inputs: what the network is fed instead of (or besides) the raw x and y."""
from __future__ import annotations

import torch

# key -> (label, formula, the same formula as PyTorch code). The plane is 4 times smaller than TensorFlow Playground's (-1.5..1.5 rather
# than -6..6), so the sines use 4x: about two waves across the plane, as there.
FEATURES = {
    "x": ("x", lambda x, y: x, "x"),
    "y": ("y", lambda x, y: y, "y"),
    "x2": ("x²", lambda x, y: x * x, "x * x"),
    "y2": ("y²", lambda x, y: y * y, "y * y"),
    "xy": ("x·y", lambda x, y: x * y, "x * y"),
    "sinx": ("sin(4x)", lambda x, y: torch.sin(4 * x), "torch.sin(4 * x)"),
    "siny": ("sin(4y)", lambda x, y: torch.sin(4 * y), "torch.sin(4 * y)"),
}
DEFAULT_FEATURES = ("x", "y")
WHY_SQUARES = ("A circle is the set of points where x² + y² is below some radius². With the inputs x² and y², "
               "one neuron adding them up draws that circle at once: in those inputs the two classes are split "
               "by a straight line. With only x and y, the network has to build the round edge out of several "
               "straight ones, which takes more neurons and more epochs.")


def check_features(names: tuple[str, ...]) -> tuple[str, ...]:
    """The chosen inputs in the standard order; ValueError for none or unknown ones."""
    unknown = [name for name in names if name not in FEATURES]
    if unknown:
        raise ValueError(f"Unknown input '{unknown[0]}'. Choose from: {', '.join(FEATURES)}.")
    if not names:
        raise ValueError("Switch on at least one input: the network needs something to look at.")
    return tuple(name for name in FEATURES if name in names)


def derive(xy: torch.Tensor, names: tuple[str, ...]) -> torch.Tensor:
    """(N, 2) points -> (N, len(names)) inputs, one column per derived input in the order given."""
    x, y = xy[:, 0], xy[:, 1]
    return torch.stack([FEATURES[name][1](x, y) for name in names], 1)
