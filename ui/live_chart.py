"""The live chart of a run being trained: loss and accuracy drawn on a canvas by ui/live_chart.js.

A finished run is drawn with Plotly (ui/charts.py), which can hover and zoom. While a run trains on the same
CPU as the browser, Plotly's redraw every 2 s cost the run about 0.14 s of CPU each time; the canvas costs
a few milliseconds.
"""
from __future__ import annotations

import functools
import math
from pathlib import Path

import streamlit as st

from core.engine.history import RunHistory
from ui.charts import CURVES_HEIGHT, PANEL_TITLES, TOOLBAR_ROOM, TRAIN_STYLE, VALIDATION_STYLE

KEY = "live_curves"


def _finite(values) -> list[float | None]:
    """JSON has no NaN or infinity (a diverged run's loss): those points become gaps in the line."""
    return [float(v) if math.isfinite(v) else None for v in values]


def chart_data(history: RunHistory) -> dict:
    """What the canvas draws: training points every few steps and validation points every epoch, on an epoch
    axis shared by the loss panel and the accuracy panel; titles, names and colours as the Plotly chart's."""
    loss_title, accuracy_title = PANEL_TITLES
    panels = [dict(title=loss_title, percent=False,
                   train=_finite(history.step_losses), validation=_finite(history.validation_losses)),
              dict(title=accuracy_title, percent=True,
                   train=_finite(history.step_accuracies), validation=_finite(history.validation_accuracies))]
    legend = [dict(name=style["name"], colour=style["line"]["color"]) for style in (TRAIN_STYLE, VALIDATION_STYLE)]
    return dict(height=CURVES_HEIGHT, top=TOOLBAR_ROOM, train_epochs=list(history.step_epochs),
                validation_epochs=list(history.epoch_numbers), panels=panels, legend=legend)


@functools.cache
def _component():
    script = Path(__file__).with_suffix(".js").read_text(encoding="utf-8")
    # isolate_styles=False: the canvas sits in the page, so it takes the theme's text colour and font.
    return st.components.v2.component("live_chart", html="", js=script, isolate_styles=False)


def live_chart(history: RunHistory) -> None:
    _component()(data=chart_data(history), key=KEY)
