"""Overlaid training curves of several saved runs (plotly only, no streamlit)."""
from __future__ import annotations

import plotly.graph_objects as go
from plotly.colors import qualitative

from core.engine.history import RunHistory
from ui.charts import TOOLBAR_ROOM, add_curves, loss_accuracy_figure


def overlay_curves(runs: dict[str, RunHistory]) -> go.Figure:
    """Loss and accuracy of each run on shared axes: solid = training, dotted markers = validation."""
    figure = loss_accuracy_figure()
    for index, (name, history) in enumerate(runs.items()):
        colour = qualitative.Plotly[index % len(qualitative.Plotly)]
        add_curves(figure, history,
                   dict(name=f"{name}: training", line=dict(color=colour, width=1.5), opacity=0.6, legendgroup=name),
                   dict(name=f"{name}: validation", line=dict(color=colour, dash="dot", width=2.5), legendgroup=name))
    figure.update_layout(height=380, margin=dict(l=10, r=10, t=TOOLBAR_ROOM, b=10), legend=dict(orientation="h", y=-0.25))
    return figure
