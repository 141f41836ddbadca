"""The 2-D playground's live view: train a little, then the numbers, the plane, every neuron, the loss."""
from __future__ import annotations

import streamlit as st

from core.playground.training import PlaneTrainer
from ui.playground_network import network_figure
from ui.playground_plane import loss_figure, plane_figure
from ui.playground_session import add_point

MAX_EPOCHS = 5000
SECONDS_PER_TICK = 0.25  # training time per live update while running
PLAIN = {"displayModeBar": False}


def _add_clicked_point(chart_key: str) -> None:
    """Plane callback: a click selects the nearest invisible target; put a point there."""
    points = st.session_state[chart_key].selection.get("points", [])
    if points:
        add_point(points[0]["x"], points[0]["y"])
        st.session_state.toy_chart_version = st.session_state.get("toy_chart_version", 0) + 1


def _pick_neuron(chart_key: str) -> None:
    points = st.session_state[chart_key].selection.get("points", [])
    st.session_state.toy_neuron = points[0].get("customdata") if points else None


def metrics(trainer: PlaneTrainer) -> None:
    stats = trainer.evaluate()
    columns = st.columns(5)
    columns[0].metric("Epoch", f"{trainer.epoch:,}")
    columns[1].metric("Training loss", f"{stats.train_loss:.3f}")
    columns[2].metric("Training accuracy", "–" if stats.train_accuracy is None else f"{stats.train_accuracy:.0%}")
    columns[3].metric("Test loss", "–" if stats.test_loss is None else f"{stats.test_loss:.3f}")
    columns[4].metric("Test accuracy", "–" if stats.test_accuracy is None else f"{stats.test_accuracy:.0%}")


def neuron_view(trainer: PlaneTrainer, running: bool) -> None:
    """The network drawn neuron by neuron; hover or click a neuron for its plain-words description."""
    figure, words = network_figure(trainer, running)
    if running:
        st.plotly_chart(figure, width="content", config=PLAIN)
    else:
        key = f"toy_network_{st.session_state.get('toy_network_version', 0)}"
        st.plotly_chart(figure, key=key, on_select=lambda: _pick_neuron(key), selection_mode="points",
                        width="content", config=PLAIN)
    chosen = None if running else st.session_state.get("toy_neuron")
    layer, index = (int(part) for part in chosen.split(".")) if chosen else (None, None)
    if layer is not None and layer < len(words) and index < len(words[layer]):
        st.info(words[layer][index], icon=":material/psychology:")
    else:
        st.caption("Each square is a neuron's output over the whole plane (blue high, orange low); lines are "
                   "weights (thicker = larger; blue positive, orange negative). Hover over or click a neuron "
                   "to read what it responds to.")


def live_view() -> None:
    """Train a little (when running), then draw; reruns on a timer while training."""
    state = st.session_state
    trainer: PlaneTrainer = state.toy_trainer
    running = bool(state.get("toy_running"))
    if running:
        trainer.train_for(SECONDS_PER_TICK, max_epochs=MAX_EPOCHS - trainer.epoch)
        if trainer.is_diverged or trainer.epoch >= MAX_EPOCHS:
            state.toy_running = False
            st.rerun()
    metrics(trainer)
    plane_column, network_column = st.columns([1, 1]) if state.get("toy_neuron_view", True) else (st.container(), None)
    with plane_column:
        figure = plane_figure(trainer, state.get("toy_show_test", True))
        if running:  # the picture changes every moment, so a click could not be matched to it
            st.plotly_chart(figure, width="stretch", config=PLAIN)
        else:
            chart_key = f"toy_plane_{state.get('toy_chart_version', 0)}"
            st.plotly_chart(figure, key=chart_key, on_select=lambda: _add_clicked_point(chart_key),
                            selection_mode="points", width="stretch", config=PLAIN)
        added = len(state.get("toy_added", []))
        how = "Pause, then click" if running else "Click"
        st.caption(f"{len(trainer.train)} training points, filled ({added} added by you), and {len(trainer.test)} "
                   f"test points, hollow. {how} anywhere on the plane to add a point.")
    if network_column is not None:
        with network_column:
            neuron_view(trainer, running)
    st.plotly_chart(loss_figure(trainer), width="stretch", config=PLAIN)
