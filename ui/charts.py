"""Plotly figures built from training events (no streamlit here, so they are easy to test)."""
from __future__ import annotations

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from core.train import EpochEnd, Event, Started, StepEnd

TRAIN_COLOUR, VALIDATION_COLOUR = "#4C78A8", "#F58518"


def training_curves(events: list[Event]) -> go.Figure:
    """Loss and accuracy side by side: training every few steps, validation every epoch."""
    started = next((e for e in events if isinstance(e, Started)), None)
    steps_per_epoch = started.steps_per_epoch if started else 1
    steps = [e for e in events if isinstance(e, StepEnd)]
    epochs = [e for e in events if isinstance(e, EpochEnd)]
    step_x = [e.step / steps_per_epoch for e in steps]
    epoch_x = [e.epoch for e in epochs]

    figure = make_subplots(rows=1, cols=2, subplot_titles=("Loss (lower is better)", "Accuracy (higher is better)"))
    for column, train_y, val_y in ((1, [e.loss for e in steps], [e.validation_loss for e in epochs]),
                                   (2, [e.accuracy for e in steps], [e.validation_accuracy for e in epochs])):
        figure.add_trace(go.Scatter(x=step_x, y=train_y, name="training", mode="lines",
                                    line=dict(color=TRAIN_COLOUR), showlegend=column == 1,
                                    legendgroup="train"), row=1, col=column)
        figure.add_trace(go.Scatter(x=epoch_x, y=val_y, name="validation (held-back images)",
                                    mode="lines+markers", line=dict(color=VALIDATION_COLOUR),
                                    showlegend=column == 1, legendgroup="val"), row=1, col=column)
        figure.update_xaxes(title_text="epoch", row=1, col=column)
    figure.update_yaxes(tickformat=".0%", row=1, col=2)
    figure.update_layout(height=340, margin=dict(l=10, r=10, t=40, b=10),
                         legend=dict(orientation="h", y=-0.25), uirevision="keep-zoom")
    return figure
