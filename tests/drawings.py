"""Digits drawn the way a person draws them on the Draw page's canvas: thick white strokes on black, RGBA."""
from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageDraw

CANVAS = 280  # the Draw page's canvas, in pixels
STROKE = 20  # its brush width


def canvas(*strokes: list[tuple[float, float]], size: int = CANVAS, width: int = STROKE,
           ink: int = 255, paper: int = 0) -> np.ndarray:
    """(size, size, 4) uint8 RGBA with each stroke (a list of (x, y) points) drawn with a round brush."""
    image = Image.new("RGBA", (size, size), (paper, paper, paper, 255))
    draw = ImageDraw.Draw(image)
    colour = (ink, ink, ink, 255)
    for points in strokes:
        draw.line(points, fill=colour, width=width, joint="curve")
        for x, y in (points[0], points[-1]):  # a round brush leaves round ends
            draw.ellipse((x - width / 2, y - width / 2, x + width / 2, y + width / 2), fill=colour)
    return np.asarray(image)


def one(**style) -> np.ndarray:
    """A small '1', off in the top-right corner, leaning slightly."""
    return canvas([(205, 30), (198, 130)], **style)


def zero(**style) -> np.ndarray:
    """A '0': one closed oval loop, drawn as 40 short segments."""
    loop = [(140 + 65 * math.sin(2 * math.pi * t / 40), 140 - 100 * math.cos(2 * math.pi * t / 40))
            for t in range(41)]
    return canvas(loop, **style)


def seven(**style) -> np.ndarray:
    """A '7': a bar across the top, then a long stroke down to the lower left."""
    return canvas([(70, 50), (210, 50), (120, 250)], **style)


def blank() -> np.ndarray:
    """The canvas before anything is drawn."""
    return canvas()
