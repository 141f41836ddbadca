"""The network drawn as TensorFlow Playground draws it: every input and hidden neuron as a small map of its
output over the plane, weights as lines (width = size, blue = positive, orange = negative).

The picture is drawn with PIL (one PNG) under an invisible Plotly trace whose points carry each neuron's
plain-words description, so hovering or clicking a neuron explains it.
"""
from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

from core.playground.describe import describe_neuron, input_names
from core.playground.maps import NeuronMaps, neuron_maps, output_map
from core.playground.points import Task
from core.playground.training import PlaneTrainer
from ui.playground_colours import (NEGATIVE, POSITIVE, chances_picture, class_name, picture_data_url, rgb,
                                   values_picture)

BOX, ROW, COLUMN, MARGIN = 32, 38, 88, 36  # pixels: a neuron's map, its row, a layer's column, the edges
LABELS = 48  # pixels left of the inputs for their names
NEURON_RESOLUTION = 16  # BOX is a whole multiple of it
SMALLEST_LINE = 0.03  # weights under 3% of the largest are not drawn
RUNNING_WORDS = "Pause to read what this neuron responds to."


def _centres(sizes: list[int]) -> tuple[list[list[tuple[int, int]]], int, int]:
    """Each neuron's centre in pixels, and the picture's width and height."""
    height = max(sizes) * ROW + 2 * 12
    centres = [[(LABELS + MARGIN + column * COLUMN, height // 2 + int((row - (size - 1) / 2) * ROW)) for row in range(size)]
               for column, size in enumerate(sizes)]
    return centres, LABELS + MARGIN * 2 + (len(sizes) - 1) * COLUMN, height


def _line_styles(weights: np.ndarray, largest: float) -> tuple[np.ndarray, np.ndarray]:
    """Colours (to, from, 3) and widths (to, from) of the lines for a layer's weights (to, from)."""
    share = np.minimum(np.abs(weights) / largest, 1.0)[..., None]
    colour = np.where(weights[..., None] > 0, rgb(POSITIVE), rgb(NEGATIVE))
    strength = 0.25 + 0.75 * share
    return (255 * (1 - strength) + colour * strength).astype(int), np.maximum(1, np.round(1 + 4 * share[..., 0]))


def _layer_pictures(activities: np.ndarray) -> np.ndarray:
    """A layer's maps (neurons, R, R) -> (neurons, BOX, BOX, 3) uint8, each scaled to its own largest value,
    top row = top of the plane; all at once (one picture per neuron cost more than the lines)."""
    largest = np.abs(activities).max(axis=(1, 2), keepdims=True)
    pictures = values_picture(activities / np.maximum(largest, 1e-6), 1.0)[:, ::-1]
    return pictures.repeat(BOX // activities.shape[1], axis=1).repeat(BOX // activities.shape[2], axis=2)


def network_picture(trainer: PlaneTrainer, maps: NeuronMaps) -> tuple[Image.Image, list[list[tuple[int, int]]]]:
    """The drawing, and every neuron's centre (inputs, hidden layers, the output)."""
    sizes = [len(layer) for layer in maps.layers] + [1]
    centres, width, height = _centres(sizes)
    picture = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(picture)
    largest = max([float(np.abs(w).max()) for w in maps.weights] + [1e-6])
    for layer, weights in enumerate(maps.weights):
        targets = centres[layer + 1] if layer + 1 < len(maps.layers) else centres[-1] * weights.shape[0]
        colours, widths = _line_styles(weights, largest)
        for to, source in zip(*np.nonzero(np.abs(weights) >= SMALLEST_LINE * largest)):  # smaller: white on white
            draw.line([centres[layer][source], targets[to]], fill=tuple(colours[to, source].tolist()),
                      width=int(widths[to, source]))
    for column in centres[:-1]:
        for x, y in column:
            draw.rectangle([x - BOX // 2 - 1, y - BOX // 2 - 1, x + BOX // 2, y + BOX // 2], outline="#999")
    canvas = np.asarray(picture).copy()
    for layer, activities in enumerate(maps.layers):
        for (x, y), box in zip(centres[layer], _layer_pictures(activities)):
            canvas[y - BOX // 2:y + BOX // 2, x - BOX // 2:x + BOX // 2] = box
    picture = Image.fromarray(canvas)
    _, answer = output_map(trainer.network, NEURON_RESOLUTION)
    shaded = values_picture(answer, 1.0) if trainer.task == Task.REGRESSION else chances_picture(answer, 0.8)
    x, y = centres[-1][0]
    picture.paste(Image.fromarray(np.flipud(shaded)).resize((BOX + 10, BOX + 10)), (x - BOX // 2 - 5, y - BOX // 2 - 5))
    return picture, centres


def neuron_words(trainer: PlaneTrainer, maps: NeuronMaps) -> list[list[str]]:
    """Plain words for every neuron of the drawing (inputs, hidden layers, the output), as hover text."""
    names = input_names(trainer.spec.features)
    words = [[f"Input {name}: its map is the value of {name} at each spot of the plane." for name in names]]
    labels = [names] + [[f"neuron {layer + 1}.{index + 1}" for index in range(len(maps.layers[layer + 1]))]
                        for layer in range(len(maps.layers) - 1)]
    outputs = ([class_name(k) for k in range(trainer.spec.outputs)] if trainer.task == Task.CLASSIFICATION
               else ["a higher value"])
    for layer in range(1, len(maps.layers)):
        targets = labels[layer + 1] if layer + 1 < len(labels) else outputs
        words.append([f"Layer {layer}, neuron {index + 1}. " + describe_neuron(
            maps.layers[layer][index], maps.coordinates, maps.weights[layer - 1][index], labels[layer - 1],
            maps.weights[layer][:, index], targets) for index in range(len(maps.layers[layer]))])
    answer = "each class's chance" if trainer.task == Task.CLASSIFICATION else "the predicted value"
    words.append([f"The output: {answer} over the plane, the same map as the big picture."])
    return words


def network_figure(trainer: PlaneTrainer, running: bool = False) -> tuple[dict, list[list[str]]]:
    """The drawing as a Plotly figure with one hoverable, clickable point per neuron; and the words
    (only when paused: while it trains, the picture changes faster than anyone reads)."""
    maps = neuron_maps(trainer.network, NEURON_RESOLUTION)
    picture, centres = network_picture(trainer, maps)
    words = ([[RUNNING_WORDS] * len(column) for column in centres] if running else neuron_words(trainer, maps))
    width, height = picture.size
    points = [(x, height - y, f"{layer}.{index}", _wrap(words[layer][index]))
              for layer, column in enumerate(centres) for index, (x, y) in enumerate(column)]
    xs, ys, ids, texts = (list(values) for values in zip(*points))
    labels = [dict(x=x - BOX // 2 - 4, y=height - y, text=label, showarrow=False, xanchor="right")
              for label, (x, y) in zip(input_names(trainer.spec.features), centres[0])]
    figure = {  # a plain dict: Plotly checks it once, where go.Figure's updates cost more than the drawing
        "data": [dict(type="scatter", x=xs, y=ys, customdata=ids, hovertext=texts, hoverinfo="text",
                      mode="markers", marker=dict(size=BOX, symbol="square", opacity=0), showlegend=False)],
        "layout": dict(
            images=[dict(source=picture_data_url(picture), xref="x", yref="y", x=0, y=height, sizex=width,
                         sizey=height, sizing="stretch", layer="below")],
            annotations=labels, width=width, height=height, margin=dict(l=0, r=0, t=0, b=0), dragmode=False,
            plot_bgcolor="white", clickmode="event+select", hovermode="closest",
            xaxis=dict(range=[0, width], visible=False, fixedrange=True),
            yaxis=dict(range=[0, height], visible=False, fixedrange=True, scaleanchor="x")),
    }
    return figure, words


def _wrap(text: str, width: int = 60) -> str:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + len(word) > width:
            lines.append(line)
            line = ""
        line = f"{line} {word}".strip()
    return "<br>".join([*lines, line])
