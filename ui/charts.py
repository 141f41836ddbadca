"""Plotly figures built from a run's history (no streamlit here, so they are easy to test)."""
from __future__ import annotations

import copy
import functools

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.engine.history import RunHistory

TRAIN_COLOUR, VALIDATION_COLOUR = "#4C78A8", "#F58518"
PANEL_TITLES = ("Loss (lower is better)", "Accuracy (higher is better)")
CURVES_HEIGHT = 340  # pixels: the Train page's chart, and its canvas while a run trains (ui/live_chart.py)
# Pixels above a titled chart's plot area. Plotly's toolbar (shown while the pointer is on a chart) takes the
# top 30 or so: with 40, it covered the accuracy panel's title. The titles sit just above the plot area.
TOOLBAR_ROOM = 62


def loss_accuracy_figure() -> go.Figure:
    """Two empty panels side by side: loss, and accuracy as a percentage, over epochs."""
    figure = make_subplots(rows=1, cols=2, subplot_titles=PANEL_TITLES)
    for column in (1, 2):
        figure.update_xaxes(title_text="epoch", row=1, col=column)
    figure.update_yaxes(tickformat=".0%", row=1, col=2)
    return figure


def _curve_traces(history: RunHistory, train_style: dict, validation_style: dict) -> list[tuple[int, dict]]:
    """(panel column, go.Scatter settings) of one run's four curves: training every few steps, validation
    every epoch, loss on panel 1 and accuracy on panel 2; the legend entry once, on the loss panel."""
    traces = []
    for column, train_y, validation_y in ((1, history.step_losses, history.validation_losses),
                                          (2, history.step_accuracies, history.validation_accuracies)):
        traces.append((column, dict(x=history.step_epochs, y=train_y, showlegend=column == 1,
                                    mode="lines" if len(train_y) > 1 else "markers",  # a lone point shows too
                                    **train_style)))
        traces.append((column, dict(x=history.epoch_numbers, y=validation_y, mode="lines+markers",
                                    showlegend=column == 1, **validation_style)))
    return traces


def add_curves(figure: go.Figure, history: RunHistory, train_style: dict, validation_style: dict) -> None:
    """One run's curves on a loss_accuracy_figure. Each style holds the go.Scatter settings of its line
    (name, line, legendgroup...)."""
    for column, trace in _curve_traces(history, train_style, validation_style):
        figure.add_trace(go.Scatter(**trace), row=1, col=column)


TRAIN_STYLE = dict(name="training", line=dict(color=TRAIN_COLOUR), legendgroup="train")
VALIDATION_STYLE = dict(name="validation (held-back images)", line=dict(color=VALIDATION_COLOUR), legendgroup="val")


@functools.cache
def _curves_layout() -> dict:
    """The Train page chart's layout, checked by plotly once per process."""
    figure = loss_accuracy_figure()
    figure.update_layout(height=CURVES_HEIGHT, margin=dict(l=10, r=10, t=TOOLBAR_ROOM, b=10),
                         legend=dict(orientation="h", y=-0.25), uirevision="keep-zoom")
    figure.update_xaxes(rangemode="tozero")  # a lone first point showed epochs from -0.5 and accuracy from -50%
    figure.update_yaxes(rangemode="nonnegative")
    return figure.to_dict()["layout"]


def training_curves(history: RunHistory) -> go.Figure:
    """Loss and accuracy side by side: training every few steps, validation every epoch.

    The Train page's chart before a run and once it has ended (while it trains, ui/live_chart.py draws the same
    curves on a canvas). Built from plain settings on a layout checked once, without plotly's check of every
    property (26 ms a figure with it, 3 ms without; a test keeps it equal to the checked figure).
    """
    layout = copy.deepcopy(_curves_layout())
    if history.is_empty:  # before the first point: plain empty axes, not Plotly's -1 to 6 guess
        for axis, top in (("xaxis", 1), ("xaxis2", 1), ("yaxis", 2.5), ("yaxis2", 1)):
            layout[axis]["range"] = [0, top]
    data = [dict(type="scatter", xaxis="x" if column == 1 else "x2", yaxis="y" if column == 1 else "y2", **trace)
            for column, trace in _curve_traces(history, TRAIN_STYLE, VALIDATION_STYLE)]
    return go.Figure(dict(data=data, layout=layout), _validate=False)  # plotly's own per-figure switch
