"""2-D playground: a small network learns to split two classes of points on a plane, live."""
import numpy as np
import plotly.graph_objects as go
import streamlit as st

from core.engine.toy2d import (
    ACTIVATIONS,
    DATASETS,
    EXTENT,
    MAX_LAYERS,
    MAX_NEURONS,
    ToySettings,
    ToyTrainer,
    make_points,
    split_points,
)
from ui.state import leave_legacy_page_mode
from ui.literal import literal

leave_legacy_page_mode()

CLASS_COLOURS = {0: "#F58518", 1: "#4C78A8"}  # orange, blue
CLASS_NAMES = {0: "orange (class 0)", 1: "blue (class 1)"}
MAP_COLOURS = [[0.0, "#F8B878"], [0.5, "#FFFFFF"], [1.0, "#8FB3DA"]]
LEARNING_RATES = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0]
REGULARIZATION_RATES = [0.0, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0]
REGULARIZATIONS = {"none": "None", "l1": "L1 (pushes weights to exactly zero)", "l2": "L2 (keeps weights small)"}
MAP_RESOLUTION = 60
CLICK_GRID = np.linspace(-EXTENT, EXTENT, 31)  # invisible targets: a click picks the nearest one
MAX_EPOCHS = 5000
SECONDS_PER_TICK = 0.25  # training time per live update while running


def data_settings() -> tuple:
    st.selectbox("Dataset", list(DATASETS), format_func=DATASETS.get, key="toy_dataset")
    st.slider("Noise", 0.0, 0.5, 0.1, 0.05, key="toy_noise", help="How far points stray from the clean shape.")
    st.slider("Points", 50, 600, 200, 10, key="toy_points", help="How many points, half of each colour.")
    st.slider("Held back for testing", 0, 50, 20, 5, format="%d%%", key="toy_test_share",
              help="Points the network never trains on (drawn hollow): they show whether it generalises.")
    if st.button("New random points", icon=":material/refresh:"):
        st.session_state.toy_seed = st.session_state.get("toy_seed", 0) + 1
    state = st.session_state
    return state.toy_dataset, state.toy_noise, state.toy_points, state.toy_test_share, state.get("toy_seed", 0)


def network_settings() -> tuple[list[int], str]:
    count = st.slider("Hidden layers", 0, MAX_LAYERS, 2, key="toy_layers",
                      help="Layers of neurons between the two inputs (x, y) and the output.")
    columns = st.columns(3)
    layers = [columns[index % 3].number_input(f"Layer {index + 1}", 1, MAX_NEURONS, 8, key=f"toy_neurons_{index}",
                                              help="Neurons in this layer.") for index in range(count)]
    activation = st.selectbox("Activation", list(ACTIVATIONS), index=1, key="toy_activation",
                              help="The bend each neuron applies. 'linear' means none: only straight boundaries.")
    return [int(size) for size in layers], activation


def learning_settings() -> ToySettings:
    st.select_slider("Learning rate", LEARNING_RATES, 0.03, key="toy_learning_rate",
                     help="Size of each nudge to the weights. Too large and the loss blows up.")
    st.radio("Optimizer", ["adam", "sgd"], format_func={"adam": "Adam", "sgd": "Plain SGD"}.get, horizontal=True,
             key="toy_optimizer")
    st.slider("Batch size", 1, 64, 10, key="toy_batch_size", help="Points looked at before each nudge.")
    st.selectbox("Regularisation", list(REGULARIZATIONS), format_func=REGULARIZATIONS.get, key="toy_regularization",
                 help="A penalty on large weights, so the boundary stays simple instead of hugging every point.")
    st.select_slider("Regularisation rate", REGULARIZATION_RATES, 0.0, key="toy_regularization_rate",
                     disabled=st.session_state.toy_regularization == "none")
    state = st.session_state
    return ToySettings(state.toy_learning_rate, state.toy_batch_size, state.toy_optimizer,
                       state.toy_regularization, state.toy_regularization_rate)


def current_trainer(data: tuple, layers: list[int], activation: str, settings: ToySettings) -> ToyTrainer:
    """The session's trainer; rebuilt (fresh weights, paused) when the data or the network changes."""
    signature = (data, tuple(layers), activation)
    state = st.session_state
    if state.get("toy_signature") != signature:
        dataset, noise, n_points, test_share, seed = data
        points = split_points(*make_points(dataset, n_points, noise, seed), test_share / 100, seed)
        state.toy_trainer = ToyTrainer(points, layers, activation, settings)
        for x, y, label in state.setdefault("toy_added", []):
            state.toy_trainer.add_point(x, y, label)
        state.toy_signature, state.toy_running = signature, False
    state.toy_trainer.update_settings(settings)
    return state.toy_trainer


def set_running(running: bool) -> None:
    st.session_state.toy_running = running


def step_one_epoch() -> None:
    st.session_state.toy_running = False
    st.session_state.toy_trainer.step_epoch()


def reset() -> None:
    st.session_state.toy_running = False
    st.session_state.toy_trainer.reset()


def add_point(x: float, y: float) -> None:
    label = st.session_state.get("toy_click_class", 1)
    st.session_state.toy_trainer.add_point(round(x, 2), round(y, 2), label)
    st.session_state.setdefault("toy_added", []).append((round(x, 2), round(y, 2), label))


def add_clicked_point(chart_key: str) -> None:
    """Chart callback: a click selects the nearest invisible target; put a point there."""
    points = st.session_state[chart_key].selection.get("points", [])
    if points:
        add_point(points[0]["x"], points[0]["y"])
        st.session_state.toy_chart_version = st.session_state.get("toy_chart_version", 0) + 1


def plane_figure(trainer: ToyTrainer) -> go.Figure:
    """The shaded probability map, the training points (filled) and the test points (hollow)."""
    coordinates, probabilities = trainer.probability_grid(MAP_RESOLUTION)
    figure = go.Figure(go.Heatmap(x=coordinates, y=coordinates, z=probabilities, zmin=0, zmax=1,
                                  colorscale=MAP_COLOURS, showscale=False, hoverinfo="skip"))
    grid_x, grid_y = np.meshgrid(CLICK_GRID, CLICK_GRID)
    figure.add_trace(go.Scatter(x=grid_x.ravel(), y=grid_y.ravel(), mode="markers", showlegend=False,
                                marker=dict(size=12, opacity=0), name="click",
                                hovertemplate="click to add a point at (%{x:.1f}, %{y:.1f})<extra></extra>"))
    for label in (0, 1):
        for x, y, hollow in ((trainer.train_x, trainer.train_y, False), (trainer.test_x, trainer.test_y, True)):
            chosen = (y == label).numpy()
            figure.add_trace(go.Scatter(
                x=x[chosen, 0].numpy(), y=x[chosen, 1].numpy(), mode="markers", hoverinfo="skip",
                name=f"{CLASS_NAMES[label]}{', test' if hollow else ''}",
                marker=dict(color="white" if hollow else CLASS_COLOURS[label], size=7,
                            line=dict(color=CLASS_COLOURS[label] if hollow else "white", width=1.5))))
    figure.update_xaxes(range=[-EXTENT, EXTENT], constrain="domain", title_text="x")
    figure.update_yaxes(range=[-EXTENT, EXTENT], scaleanchor="x", constrain="domain", title_text="y")
    figure.update_layout(height=480, margin=dict(l=10, r=10, t=10, b=10), dragmode=False, uirevision="plane",
                         legend=dict(orientation="h", y=-0.12), clickmode="event+select")
    return figure


def loss_figure(trainer: ToyTrainer) -> go.Figure:
    history = trainer.history
    figure = go.Figure()
    figure.add_trace(go.Scatter(x=[s.epoch for s in history], y=[s.train_loss for s in history], name="training"))
    if history and history[0].test_loss is not None:
        figure.add_trace(go.Scatter(x=[s.epoch for s in history], y=[s.test_loss for s in history], name="test"))
    figure.update_layout(height=220, margin=dict(l=10, r=10, t=30, b=10), title="Loss (lower is better)",
                         xaxis_title="epoch", legend=dict(orientation="h", y=-0.35), uirevision="loss")
    return figure


def live_view() -> None:
    """Train a little (when running), then draw; reruns on a timer while training."""
    state = st.session_state
    trainer: ToyTrainer = state.toy_trainer
    if state.get("toy_running"):
        trainer.train_for(SECONDS_PER_TICK, max_epochs=MAX_EPOCHS - trainer.epoch)
        if trainer.is_diverged or trainer.epoch >= MAX_EPOCHS:
            state.toy_running = False
            st.rerun()
    stats = trainer.evaluate()
    columns = st.columns(5)
    columns[0].metric("Epoch", f"{trainer.epoch:,}")
    columns[1].metric("Training loss", f"{stats.train_loss:.3f}")
    columns[2].metric("Training accuracy", f"{stats.train_accuracy:.0%}")
    columns[3].metric("Test loss", "–" if stats.test_loss is None else f"{stats.test_loss:.3f}")
    columns[4].metric("Test accuracy", "–" if stats.test_accuracy is None else f"{stats.test_accuracy:.0%}")
    figure, config = plane_figure(trainer), {"displayModeBar": False}
    if state.get("toy_running"):  # the picture changes every moment, so a click could not be matched to it
        st.plotly_chart(figure, width="stretch", config=config)
    else:
        chart_key = f"toy_plane_{state.get('toy_chart_version', 0)}"
        st.plotly_chart(figure, key=chart_key, on_select=lambda: add_clicked_point(chart_key),
                        selection_mode="points", width="stretch", config=config)
    added = len(state.get("toy_added", []))
    how = "Pause, then click" if state.get("toy_running") else "Click"
    st.caption(f"{len(trainer.train_y)} training points, filled ({added} added by you), and {len(trainer.test_y)} "
               f"test points, hollow. {how} anywhere on the plane to add a point.")
    st.plotly_chart(loss_figure(trainer), width="stretch", config={"displayModeBar": False})


def controls(trainer: ToyTrainer) -> None:
    play, step, restart = st.columns(3)
    if st.session_state.get("toy_running"):
        play.button("Pause", icon=":material/pause:", on_click=set_running, args=(False,), width="stretch")
    else:
        play.button("Train", icon=":material/play_arrow:", on_click=set_running, args=(True,), width="stretch",
                    disabled=trainer.is_diverged, type="primary")
    step.button("Step one epoch", icon=":material/skip_next:", on_click=step_one_epoch, width="stretch",
                disabled=trainer.is_diverged)
    restart.button("Reset", icon=":material/restart_alt:", on_click=reset, width="stretch",
                   help="Start again from fresh random weights (your points stay).")
    if trainer.is_diverged:
        st.error(trainer.diverged_message, icon=":material/warning:")
    elif trainer.epoch >= MAX_EPOCHS:
        st.info(f"Paused after {MAX_EPOCHS:,} epochs. Press Reset to start over.")


def add_point_widgets(trainer: ToyTrainer) -> None:
    st.radio("Clicking on the plane adds a point that is", [0, 1], format_func=CLASS_NAMES.get, index=1,
             horizontal=True, key="toy_click_class")
    with st.expander("Add a point by its coordinates"):
        left, right = st.columns(2)
        x = left.number_input("x", -EXTENT, EXTENT, 0.0, 0.1, key="toy_new_x")
        y = right.number_input("y", -EXTENT, EXTENT, 0.0, 0.1, key="toy_new_y")
        st.button("Add point", on_click=add_point, args=(x, y), icon=":material/add:")
    if st.session_state.get("toy_added") and st.button("Remove the points I added"):
        st.session_state.toy_added, st.session_state.toy_signature = [], None
        st.rerun()


st.title("2-D playground")
st.caption("Two kinds of points on a plane and a small network that learns to tell them apart. The shading is "
           "the network's guess for every spot: blue means 'class 1', orange 'class 0', white 'not sure'.")
settings_column, view_column = st.columns([1, 2], gap="large")
with settings_column:
    with st.expander("Data", expanded=True):
        data = data_settings()
    with st.expander("Network", expanded=True):
        layers, activation = network_settings()
    with st.expander("Learning", expanded=True):
        try:
            settings = learning_settings()
        except ValueError as error:
            st.error(literal(str(error)))
            st.stop()
with view_column:
    trainer = current_trainer(data, layers, activation, settings)
    st.caption("Network: " + " → ".join(["2 inputs", *[str(size) for size in layers], "1 output"]) +
               f" ({trainer.parameter_count():,} weights and biases)")
    controls(trainer)
    st.fragment(run_every=0.4 if st.session_state.get("toy_running") else None)(live_view)()
    add_point_widgets(trainer)
