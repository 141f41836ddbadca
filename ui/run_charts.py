"""Overlaid training curves of several saved runs (plotly only, no streamlit)."""
from __future__ import annotations

import plotly.graph_objects as go
from plotly.colors import qualitative
from plotly.subplots import make_subplots

from core.train import EpochEnd, Event, Started, StepEnd


def overlay_curves(runs: dict[str, list[Event]]) -> go.Figure:
    """Loss and accuracy of each run on shared axes: solid = training, dotted markers = validation."""
    figure = make_subplots(rows=1, cols=2, subplot_titles=("Loss (lower is better)", "Accuracy (higher is better)"))
    for index, (name, events) in enumerate(runs.items()):
        colour = qualitative.Plotly[index % len(qualitative.Plotly)]
        started = next((e for e in events if isinstance(e, Started)), None)
        steps_per_epoch = started.steps_per_epoch if started else 1
        steps = [e for e in events if isinstance(e, StepEnd)]
        epochs = [e for e in events if isinstance(e, EpochEnd)]
        step_x = [e.step / steps_per_epoch for e in steps]
        for column, train_y, val_y in ((1, [e.loss for e in steps], [e.validation_loss for e in epochs]),
                                       (2, [e.accuracy for e in steps], [e.validation_accuracy for e in epochs])):
            figure.add_trace(go.Scatter(x=step_x, y=train_y, name=f"{name}: training", mode="lines",
                                        line=dict(color=colour, width=1.5), opacity=0.6, legendgroup=name,
                                        showlegend=column == 1), row=1, col=column)
            figure.add_trace(go.Scatter(x=[e.epoch for e in epochs], y=val_y, name=f"{name}: validation",
                                        mode="lines+markers", line=dict(color=colour, dash="dot", width=2.5),
                                        legendgroup=name, showlegend=column == 1), row=1, col=column)
            figure.update_xaxes(title_text="epoch", row=1, col=column)
    figure.update_yaxes(tickformat=".0%", row=1, col=2)
    figure.update_layout(height=380, margin=dict(l=10, r=10, t=40, b=10), legend=dict(orientation="h", y=-0.25))
    return figure
