"""Plotly figures for the Inspect page: heat maps, grids of maps, numbers, a confusion matrix (no streamlit)."""
from __future__ import annotations

import numpy as np
# Plotly peeks at sys.modules["pandas"]: while another thread is half-way through importing pandas, building a
# figure fails with "partially initialized module 'pandas'". Importing it fully first closes that window.
import pandas  # noqa: F401
import plotly.graph_objects as go

from core.lens.inspect import tile
from ui.charts import TOOLBAR_ROOM
from ui.literal import chart_texts

DIVERGING = "RdBu_r"  # red positive, blue negative, white zero
ACTIVATION_SCALE = "Viridis"
HIGHLIGHT = "#FF4B4B"


def titled(title: str) -> dict:
    """A chart title just above the plot area, below Plotly's toolbar (see ui.charts.TOOLBAR_ROOM)."""
    return dict(text=title, font=dict(size=14), yref="paper", y=1, yanchor="bottom", pad=dict(b=8))


def _layout(figure: go.Figure, title: str, height: int) -> go.Figure:
    figure.update_layout(title=titled(title), height=height, margin=dict(l=5, r=5, t=TOOLBAR_ROOM if title else 5, b=5))
    figure.update_xaxes(visible=False, constrain="domain")
    figure.update_yaxes(visible=False, autorange="reversed", scaleanchor="x")
    return figure


def _range(values: np.ndarray, symmetric: bool) -> dict:
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return {}
    if symmetric:
        bound = float(np.abs(finite).max()) or 1.0
        return dict(zmin=-bound, zmax=bound)
    low, high = float(finite.min()), float(finite.max())
    return dict(zmin=low, zmax=high if high > low else low + 1.0)


def heat_map(values: np.ndarray, title: str = "", symmetric: bool = False, height: int = 300,
             numbers: bool = False, hover: str = "value %{z:.3f}") -> go.Figure:
    """One (H, W) map (a (C, H, W) one shows its channels' mean); red-blue around zero if symmetric."""
    values = values.mean(axis=0) if values.ndim == 3 else values
    trace = go.Heatmap(z=values, colorscale=DIVERGING if symmetric else ACTIVATION_SCALE,
                       hovertemplate=f"row %{{y}}, column %{{x}}<br>{hover}<extra></extra>",
                       colorbar=dict(thickness=10), **_range(np.asarray(values, dtype=float), symmetric))
    if numbers:
        trace.update(text=np.vectorize(lambda v: f"{v:.2f}")(values), texttemplate="%{text}",
                     textfont=dict(size=12), showscale=False)
    return _layout(go.Figure(trace), title, height)


def picture(image: np.ndarray, title: str = "", height: int = 220) -> go.Figure:
    """A 0-255 image (C, H, W): grey for one channel, colour for three."""
    if image.shape[0] == 3:
        figure = go.Figure(go.Image(z=np.clip(image, 0, 255).transpose(1, 2, 0)))
    else:
        figure = go.Figure(go.Heatmap(z=image[0], colorscale="gray", zmin=0, zmax=255, showscale=False,
                                      hovertemplate="row %{y}, column %{x}<br>pixel %{z:.0f}<extra></extra>"))
    return _layout(figure, title, height)


def map_grid(maps: np.ndarray, title: str = "", symmetric: bool = False, columns: int = 8,
             cell_height: int = 70, label: str = "map") -> go.Figure:
    """Many (H, W) maps in one heat map, on one colour scale so their numbers compare; hover names the map.

    (N, C, H, W) maps show each one's mean over its channels.
    """
    maps = maps.mean(axis=1) if maps.ndim == 4 else maps
    count, height, width = maps.shape
    columns = max(1, min(columns, count))
    grid = tile(maps, columns)
    index = tile(np.broadcast_to(np.arange(count, dtype=float)[:, None, None], (count, height, width)), columns)
    trace = go.Heatmap(z=grid, customdata=index, colorscale=DIVERGING if symmetric else ACTIVATION_SCALE,
                       hovertemplate=f"{label} %{{customdata:.0f}}<br>value %{{z:.3f}}<extra></extra>",
                       hoverongaps=False, colorbar=dict(thickness=10), **_range(grid, symmetric))
    rows = -(-count // columns)
    return _layout(go.Figure(trace), title, min(900, max(160, rows * cell_height + 50)))


def filter_matrix(kernels: np.ndarray) -> go.Figure:
    """Kernels (filters, channels, k, k) as a grid: one row per filter, one column per input channel."""
    count, channels, size = kernels.shape[:3]
    return map_grid(kernels.reshape(count * channels, size, size), symmetric=True, columns=channels,
                    cell_height=22, label="filter×channel")


def neuron_grid(values: np.ndarray, title: str) -> go.Figure:
    """A layer's neurons (N,) as squares of a near-square grid, row by row."""
    side = int(np.ceil(np.sqrt(len(values))))
    padded = np.full(side * side, np.nan)
    padded[:len(values)] = values
    return heat_map(padded.reshape(side, side), title, height=320, hover="activation %{z:.3f}")


def colour_filters(kernels: np.ndarray, columns: int = 8) -> go.Figure:
    """First-layer filters of a colour model (N, 3, k, k) as small RGB pictures, each stretched to 0-255."""
    low = kernels.min(axis=(1, 2, 3), keepdims=True)
    high = kernels.max(axis=(1, 2, 3), keepdims=True)
    scaled = (kernels - low) / np.where(high > low, high - low, 1.0) * 255
    grid = tile(scaled.transpose(0, 2, 3, 1), min(columns, len(kernels)))
    grid = np.where(np.isnan(grid), 255.0, grid)  # white gaps
    rows = -(-len(kernels) // columns)
    return _layout(go.Figure(go.Image(z=grid)), "", max(160, rows * 70 + 20))


def mark_cell(figure: go.Figure, row: int, column: int, size: int = 1, colour: str = HIGHLIGHT) -> go.Figure:
    """Outline a size x size block whose top-left cell is (row, column)."""
    figure.add_shape(type="rect", x0=column - 0.5, x1=column + size - 0.5, y0=row - 0.5, y1=row + size - 0.5,
                     line=dict(color=colour, width=3))
    return figure


def bars(values: np.ndarray, labels: list[str], title: str, height: int = 260, percent: bool = False,
         highlight: int | None = None) -> go.Figure:
    """A simple bar chart, one bar highlighted."""
    colours = [HIGHLIGHT if i == highlight else "#4C78A8" for i in range(len(values))]
    figure = go.Figure(go.Bar(x=chart_texts(labels), y=values, marker_color=colours))
    figure.update_layout(title=titled(title), height=height, margin=dict(l=5, r=5, t=TOOLBAR_ROOM, b=5))
    figure.update_xaxes(type="category")
    if percent:
        figure.update_yaxes(tickformat=".0%", range=[0, 1])
    return figure


CELL_POINTS_TRACE = 2  # the confusion figure's trace a click selects: after the right-answer and mistake heatmaps
RIGHT_COLOURS = [[0, "#eef4fb"], [1, "#1f5fa8"]]  # right answers: pale to deep blue
MISTAKE_COLOURS = [[0, "#ffffff"], [1e-9, "#fde0d2"], [1, "#b2182b"]]  # no mistakes white, one pale, most deep red


def confusion_figure(confusion: np.ndarray, classes: tuple[str, ...], chosen: tuple[int, int] | None) -> go.Figure:
    """Counts of (true, predicted), written in each cell. Right answers (the diagonal) in blues and mistakes in
    reds, each shaded over its own range: one scale for both made 1, 2 and 3 the same dark red whenever the
    mistakes were fewer than the right answers."""
    classes = chart_texts(classes)  # Plotly reads HTML in labels: a visitor's class names are shown as text
    on_diagonal = np.eye(len(classes), dtype=bool)
    right = np.where(on_diagonal, confusion, np.nan)
    wrong = np.where(on_diagonal, np.nan, confusion)
    figure = go.Figure()
    for counts, colours in ((right, RIGHT_COLOURS), (wrong, MISTAKE_COLOURS)):
        shown = np.isfinite(counts)
        figure.add_trace(go.Heatmap(
            z=counts, x=list(classes), y=list(classes), colorscale=colours, zmin=0,
            zmax=max(1, counts[shown].max(initial=0)), text=np.where(shown, confusion, "").astype(str),
            texttemplate="%{text}", showscale=False, hoverinfo="skip", hoverongaps=False))
    true_classes, predicted_classes = np.indices(confusion.shape)
    assert len(figure.data) == CELL_POINTS_TRACE
    figure.add_trace(go.Scatter(  # one invisible point per cell, row by row, so that a click selects the cell
        x=[classes[i] for i in predicted_classes.ravel()], y=[classes[i] for i in true_classes.ravel()],
        customdata=confusion.ravel(), mode="markers", marker=dict(size=28, symbol="square", opacity=0.01, color="#000000"), showlegend=False,
        hovertemplate="true %{y}, predicted %{x}: %{customdata} images<extra></extra>"))
    figure.update_layout(height=460, margin=dict(l=5, r=5, t=5, b=5), clickmode="event+select", dragmode=False)
    figure.update_xaxes(title_text="predicted class", type="category", side="top")
    figure.update_yaxes(title_text="true class", type="category", autorange="reversed")
    if chosen is not None:
        figure.add_shape(type="rect", x0=chosen[1] - 0.5, x1=chosen[1] + 0.5, y0=chosen[0] - 0.5,
                         y1=chosen[0] + 0.5, line=dict(color="#222222", width=3))  # seen on blue and red
    return figure
