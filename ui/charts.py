"""Plotly figures built from a run's history (no streamlit here, so they are easy to test)."""
from __future__ import annotations

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.history import RunHistory

TRAIN_COLOUR, VALIDATION_COLOUR = "#4C78A8", "#F58518"


def loss_accuracy_figure() -> go.Figure:
    """Two empty panels side by side: loss, and accuracy as a percentage, over epochs."""
    figure = make_subplots(rows=1, cols=2, subplot_titles=("Loss (lower is better)", "Accuracy (higher is better)"))
    for column in (1, 2):
        figure.update_xaxes(title_text="epoch", row=1, col=column)
    figure.update_yaxes(tickformat=".0%", row=1, col=2)
    return figure


def add_curves(figure: go.Figure, history: RunHistory, train_style: dict, validation_style: dict) -> None:
    """One run's curves on a loss_accuracy_figure: training every few steps, validation every epoch.

    Each style holds the go.Scatter settings of its line (name, line, legendgroup...); the legend
    entry is shown once, on the loss panel.
    """
    for column, train_y, validation_y in ((1, history.step_losses, history.validation_losses),
                                          (2, history.step_accuracies, history.validation_accuracies)):
        figure.add_trace(go.Scatter(x=history.step_epochs, y=train_y, showlegend=column == 1,
                                    mode="lines" if len(train_y) > 1 else "markers",  # a lone point shows too
                                    **train_style), row=1, col=column)
        figure.add_trace(go.Scatter(x=history.epoch_numbers, y=validation_y, mode="lines+markers",
                                    showlegend=column == 1, **validation_style), row=1, col=column)


def training_curves(history: RunHistory) -> go.Figure:
    """Loss and accuracy side by side: training every few steps, validation every epoch."""
    figure = loss_accuracy_figure()
    add_curves(figure, history,
               dict(name="training", line=dict(color=TRAIN_COLOUR), legendgroup="train"),
               dict(name="validation (held-back images)", line=dict(color=VALIDATION_COLOUR), legendgroup="val"))
    figure.update_layout(height=340, margin=dict(l=10, r=10, t=40, b=10),
                         legend=dict(orientation="h", y=-0.25), uirevision="keep-zoom")
    if history.is_empty:  # before the first point: plain empty axes, not Plotly's -1 to 6 guess
        figure.update_xaxes(range=[0, 1])
        figure.update_yaxes(range=[0, 2.5], row=1, col=1)
        figure.update_yaxes(range=[0, 1], row=1, col=2)
    return figure
