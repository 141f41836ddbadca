"""The 2-D playground's plane: the network's answer shaded over it, the points on top, click targets."""
from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
from PIL import Image

from core.playground.maps import output_map
from core.playground.points import EXTENT, Points, Task
from core.playground.training import PlaneTrainer
from ui.playground_colours import (CLASS_COLOURS, VALUE_SCALE, chances_picture, class_name, picture_data_url,
                                   values_picture)

MAP_RESOLUTION = 60
CLICK_GRID = np.linspace(-EXTENT, EXTENT, 31)  # invisible targets: a click picks the nearest one


def shading(trainer: PlaneTrainer, resolution: int = MAP_RESOLUTION) -> Image.Image:
    """The network's answer over the plane as a picture, top row = top of the plane."""
    _, answer = output_map(trainer.network, resolution)
    picture = values_picture(answer, 1.0) if trainer.task == Task.REGRESSION else chances_picture(answer)
    return Image.fromarray(np.flipud(picture)).resize((240, 240), Image.Resampling.BILINEAR)


def _point_traces(figure: go.Figure, points: Points, test: bool) -> None:
    ring = dict(width=1.5)
    if points.task == Task.REGRESSION:
        figure.add_trace(go.Scatter(
            x=points.xy[:, 0], y=points.xy[:, 1], mode="markers", hoverinfo="skip",
            name="test points (value)" if test else "training points (value)",
            marker=dict(color=points.target, cmin=-1, cmax=1, colorscale=VALUE_SCALE, size=7,
                        symbol="circle-open" if test else "circle", line=dict(color="#333", **ring))))
        return
    for label in range(points.classes):
        chosen = points.target == label
        colour = CLASS_COLOURS[label]
        figure.add_trace(go.Scatter(
            x=points.xy[chosen, 0], y=points.xy[chosen, 1], mode="markers", hoverinfo="skip",
            name=f"{class_name(label)}{', test' if test else ''}",
            marker=dict(color="white" if test else colour, size=7, line=dict(color=colour if test else "white",
                                                                                 **ring))))


def plane_figure(trainer: PlaneTrainer, show_test: bool = True) -> go.Figure:
    """The shaded map, the training points (filled) and, if asked, the test points (hollow)."""
    figure = go.Figure()
    figure.add_layout_image(source=picture_data_url(shading(trainer)), xref="x", yref="y", x=-EXTENT, y=EXTENT,
                            sizex=2 * EXTENT, sizey=2 * EXTENT, sizing="stretch", layer="below")
    grid_x, grid_y = np.meshgrid(CLICK_GRID, CLICK_GRID)
    figure.add_trace(go.Scatter(x=grid_x.ravel(), y=grid_y.ravel(), mode="markers", showlegend=False,
                                marker=dict(size=12, opacity=0), name="click",
                                hovertemplate="click to add a point at (%{x:.1f}, %{y:.1f})<extra></extra>"))
    _point_traces(figure, trainer.train, test=False)
    if show_test and len(trainer.test):
        _point_traces(figure, trainer.test, test=True)
    figure.update_xaxes(range=[-EXTENT, EXTENT], constrain="domain", title_text="x", showgrid=False,
                         zeroline=False)
    figure.update_yaxes(range=[-EXTENT, EXTENT], scaleanchor="x", constrain="domain", title_text="y",
                        showgrid=False, zeroline=False)
    figure.update_layout(height=480, margin=dict(l=10, r=10, t=10, b=10), dragmode=False, uirevision="plane",
                         legend=dict(orientation="h", y=-0.12), clickmode="event+select",
                         plot_bgcolor="white")
    return figure


def loss_figure(trainer: PlaneTrainer) -> go.Figure:
    """Training and test loss per epoch."""
    history = trainer.history
    what = "mean squared error" if trainer.task == Task.REGRESSION else "cross-entropy"
    figure = go.Figure()
    figure.add_trace(go.Scatter(x=[s.epoch for s in history], y=[s.train_loss for s in history], name="training"))
    if history and history[0].test_loss is not None:
        figure.add_trace(go.Scatter(x=[s.epoch for s in history], y=[s.test_loss for s in history], name="test"))
    figure.update_layout(height=220, margin=dict(l=10, r=10, t=30, b=10), title=f"Loss ({what}, lower is better)",
                         xaxis_title="epoch", legend=dict(orientation="h", y=-0.35), uirevision="loss")
    return figure
