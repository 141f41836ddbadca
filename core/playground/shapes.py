"""The shapes the playground's points are drawn from: two-class shapes (as TensorFlow Playground has them),
shapes with any number of classes, and the values of the regression sets.

Points live on the square [-EXTENT, EXTENT]^2. A two-class shape gives (class 0, class 1) point
arrays; a many-class shape gives one array per class; a value function maps (N, 2) points to values.
"""
from __future__ import annotations

import math

import numpy as np

EXTENT = 1.5  # the plane shown runs from -EXTENT to EXTENT on both axes


def _moons(rng: np.random.Generator, per_class: int) -> tuple[np.ndarray, np.ndarray]:
    angles = rng.uniform(0, math.pi, (2, per_class))
    upper = np.stack([np.cos(angles[0]), np.sin(angles[0])], 1)
    lower = np.stack([1 - np.cos(angles[1]), 0.5 - np.sin(angles[1])], 1)
    return (upper - (0.5, 0.25)) * 0.8, (lower - (0.5, 0.25)) * 0.8


def _circles(rng: np.random.Generator, per_class: int) -> tuple[np.ndarray, np.ndarray]:
    def ring(low: float, high: float) -> np.ndarray:
        radius, angle = rng.uniform(low, high, per_class), rng.uniform(0, 2 * math.pi, per_class)
        return np.stack([radius * np.cos(angle), radius * np.sin(angle)], 1)
    return ring(0.75, 1.1), ring(0.0, 0.45)


def _xor(rng: np.random.Generator, per_class: int) -> tuple[np.ndarray, np.ndarray]:
    def corners(same_sign: bool) -> np.ndarray:
        x = rng.uniform(0.08, 1.1, per_class) * rng.choice((-1, 1), per_class)
        y = rng.uniform(0.08, 1.1, per_class) * np.sign(x) * (1 if same_sign else -1)
        return np.stack([x, y], 1)
    return corners(False), corners(True)


def _spirals(rng: np.random.Generator, per_class: int) -> tuple[np.ndarray, np.ndarray]:
    share = np.arange(per_class) / per_class
    radius, angle = 0.1 + share * 1.05, share * 1.75 * 2 * math.pi
    arms = [np.stack([radius * np.sin(angle + turn), radius * np.cos(angle + turn)], 1) for turn in (0, math.pi)]
    return arms[0], arms[1]


def _blobs(rng: np.random.Generator, per_class: int) -> tuple[np.ndarray, np.ndarray]:
    spread = 0.25
    return (rng.normal((-0.55, -0.55), spread, (per_class, 2)), rng.normal((0.55, 0.55), spread, (per_class, 2)))


TWO_CLASS_SHAPES = {"moons": _moons, "circles": _circles, "xor": _xor, "spirals": _spirals, "blobs": _blobs}


def _clusters(rng: np.random.Generator, per_class: int, classes: int) -> list[np.ndarray]:
    angles = 2 * math.pi * np.arange(classes) / classes + math.pi / 4
    return [rng.normal((0.8 * math.cos(a), 0.8 * math.sin(a)), 0.22, (per_class, 2)) for a in angles]


def _arms(rng: np.random.Generator, per_class: int, classes: int) -> list[np.ndarray]:
    share = np.arange(per_class) / per_class
    radius, angle = 0.1 + share * 1.05, share * 1.25 * math.pi
    return [np.stack([radius * np.sin(angle + turn), radius * np.cos(angle + turn)], 1)
            for turn in 2 * math.pi * np.arange(classes) / classes]


def _plane_values(xy: np.ndarray) -> np.ndarray:
    return np.clip((xy[:, 0] + xy[:, 1]) / (2 * EXTENT) * 1.4, -1, 1)


BUMPS = ((-0.8, 0.8, 1), (0.8, -0.8, 1), (-0.8, -0.8, -1), (0.8, 0.8, -1), (0.0, 0.0, 1))


def _bump_values(xy: np.ndarray) -> np.ndarray:
    values = sum(sign * np.exp(-((xy[:, 0] - cx) ** 2 + (xy[:, 1] - cy) ** 2) / 0.18) for cx, cy, sign in BUMPS)
    return np.clip(values, -1, 1)


MANY_CLASS_SHAPES = {"blobs": _clusters, "arms": _arms}
VALUE_FUNCTIONS = {"plane": _plane_values, "bumps": _bump_values}
