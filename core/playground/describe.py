"""A hidden neuron in plain words: where on the plane it is active, and what it passes on."""
from __future__ import annotations

import numpy as np

from core.playground.features import FEATURES

# pattern name -> (formula over the grid, words for "high where it is large", "... where it is small")
PATTERNS = {
    "x": (lambda x, y: x, "on the right of the plane", "on the left"),
    "y": (lambda x, y: y, "at the top of the plane", "at the bottom"),
    "x+y": (lambda x, y: x + y, "towards the top right", "towards the bottom left"),
    "x-y": (lambda x, y: x - y, "towards the bottom right", "towards the top left"),
    "r2": (lambda x, y: x * x + y * y, "far from the centre (a ring)", "near the centre (a round patch)"),
    "xy": (lambda x, y: x * y, "in the top-right and bottom-left corners", "in the top-left and bottom-right corners"),
}


def describe_neuron(activity: np.ndarray, coordinates: np.ndarray, incoming: np.ndarray, sources: list[str],
                    outgoing: np.ndarray | None = None, targets: list[str] | None = None) -> str:
    """Plain words for one neuron's map (R, R), its incoming weights (from sources) and outgoing ones."""
    grid_y, grid_x = np.meshgrid(coordinates, coordinates, indexing="ij")
    spread = float(activity.max() - activity.min())
    if spread < 1e-3:
        words = ("It gives almost the same output everywhere on the plane, so it tells the next layer nothing "
                 "(a 'dead' neuron: try Reset, a smaller learning rate or another activation).")
    else:
        scores = {name: _correlation(activity, formula(grid_x, grid_y)) for name, (formula, _, _) in PATTERNS.items()}
        best = max(scores, key=lambda name: abs(scores[name]))
        _, when_large, when_small = PATTERNS[best]
        where = when_large if scores[best] > 0 else when_small
        if abs(scores[best]) >= 0.8:
            words = f"It responds to points {where}: its output is highest there."
        elif abs(scores[best]) >= 0.5:
            words = f"It responds mostly to points {where}, with some bends of its own."
        else:
            words = ("It responds to a curved shape that no single straight line or circle describes: it combines "
                     "what the neurons before it found.")
    order = np.argsort(-np.abs(incoming))[:2]
    strongest = " and ".join(f"{sources[i]} ({incoming[i]:+.2f})" for i in order)
    words += f" It listens most to {strongest}."
    if outgoing is not None and targets:
        target = int(np.argmax(np.abs(outgoing)))
        direction = "towards" if outgoing[target] > 0 else "away from"
        words += f" Its strongest push is {direction} {targets[target]} (weight {outgoing[target]:+.2f})."
    return words


def _correlation(a: np.ndarray, b: np.ndarray) -> float:
    a, b = a.ravel() - a.mean(), b.ravel() - b.mean()
    scale = float(np.sqrt((a * a).sum() * (b * b).sum()))
    return float((a * b).sum() / scale) if scale > 0 else 0.0


def input_names(features: tuple[str, ...]) -> list[str]:
    """The labels of the network's inputs, in order."""
    return [FEATURES[name][0] for name in features]
