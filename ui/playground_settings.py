"""The 2-D playground's settings widgets, read into one PlaygroundSetup; kept in the URL like Train's setup."""
from __future__ import annotations

import streamlit as st

from core.playground.features import FEATURES, WHY_SQUARES
from core.playground.link import from_query, has_setup, to_query
from core.playground.network import ACTIVATIONS, MAX_DROPOUT, MAX_LAYERS, MAX_NEURONS, NetworkSpec
from core.playground.points import DATASETS, MAX_CLASSES
from core.playground.setup import DataSetup, PlaygroundSetup, outputs_for
from core.playground.training import LearningSettings

LEARNING_RATES = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0]
REGULARIZATION_RATES = [0.0, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0, 3.0, 10.0]
REGULARIZATIONS = {"none": "None", "l1": "L1 (pushes weights to exactly zero)", "l2": "L2 (keeps weights small)"}
DROPOUTS = [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, MAX_DROPOUT]
ACTIVATION_HELP = "The bend each neuron applies. 'linear' means none: only straight boundaries."


def setup_to_widgets(setup: PlaygroundSetup, only_missing: bool = False) -> None:
    """Put a setup into the widgets' session keys (before they are drawn: a link or a loaded file)."""
    data, network, learning = setup.data, setup.network, setup.learning
    values = dict(toy_dataset=data.dataset, toy_noise=data.noise, toy_points=data.n_points,
                  toy_test_share=int(round(data.test_share * 100)), toy_seed=data.seed, toy_classes=data.classes,
                 toy_layers=len(network.hidden_layers), toy_dropout=network.dropout,
                 toy_learning_rate=learning.learning_rate, toy_batch_size=learning.batch_size,
                 toy_optimizer=learning.optimizer, toy_regularization=learning.regularization,
                  toy_regularization_rate=learning.regularization_rate)
    values.update({f"toy_feature_{name}": name in network.features for name in FEATURES})
    for index in range(MAX_LAYERS):
        layer = index < len(network.hidden_layers)
        values[f"toy_neurons_{index}"] = network.hidden_layers[index] if layer else 8
        values[f"toy_activation_{index}"] = network.activations[index] if layer else "tanh"
    for key, value in values.items():
        if not only_missing or key not in st.session_state:
            st.session_state[key] = value


def init_defaults() -> None:
    """Every setting's session key, with the default value where it has none (widgets take no value= of their own)."""
    setup_to_widgets(PlaygroundSetup(), only_missing=True)
    st.session_state.setdefault("toy_show_test", True)


def apply_link_setup() -> None:
    """On the session's first visit: fill the settings from the URL's query string (as the Train page does)."""
    if st.session_state.get("toy_link_checked"):
        return
    st.session_state.toy_link_checked = True
    query = st.query_params.to_dict()
    if not has_setup(query):
        return
    try:
        setup_to_widgets(from_query(query))
    except ValueError as error:
        st.warning(f"The link's setup could not be used, so the usual settings are shown. {error}")


def share_setup(setup: PlaygroundSetup, own_points: bool) -> None:
    """Keep the URL's query string equal to the setup (not for the visitor's own points: they cannot travel)."""
    if own_points:
        return
    query = to_query(setup)
    for key in [key for key in st.query_params if key not in query]:
        del st.query_params[key]
    changed = {key: value for key, value in query.items() if st.query_params.get(key) != value}
    if changed:
        st.query_params.update(changed)


def _suggest_for_dataset() -> None:
    """A new dataset starts with its own noise and inputs (two spirals learn well with sin(4x), sin(4y))."""
    choice = DATASETS[st.session_state.toy_dataset]
    st.session_state.toy_noise = choice.noise
    for name in FEATURES:
        st.session_state[f"toy_feature_{name}"] = name in choice.features


def data_settings(own_points: bool) -> DataSetup:
    """Dataset, classes, noise, points, test share and a new-points button."""
    state = st.session_state
    if not own_points:
        st.selectbox("Dataset", list(DATASETS), format_func=lambda name: DATASETS[name].label, key="toy_dataset",
                     on_change=_suggest_for_dataset, help="Picking one also picks the noise and inputs it starts with.")
        if DATASETS[state.toy_dataset].any_classes:
            st.slider("Classes", 2, MAX_CLASSES, key="toy_classes")
        st.slider("Noise", 0.0, 0.5, step=0.05, key="toy_noise", help="How far points stray from the clean shape.")
        st.slider("Points", 50, 1000, step=10, key="toy_points", help="How many points, shared out between the classes.")
        if st.button("New random points", icon=":material/refresh:"):
            state.toy_seed = state.get("toy_seed", 0) + 1
    st.slider("Held back for testing", 0, 90, step=5, format="%d%%", key="toy_test_share",
              help="Points the network never trains on (drawn hollow): they show whether it generalises.")
    st.toggle("Show test points", key="toy_show_test")
    return DataSetup(state.toy_dataset, state.toy_noise, state.toy_points, state.toy_test_share / 100,
                     state.toy_seed, state.toy_classes)


def input_settings() -> tuple[str, ...]:
    """A toggle per derived input."""
    columns = st.columns(2)
    for index, (name, (label, _, _)) in enumerate(FEATURES.items()):
        columns[index % 2].toggle(label, key=f"toy_feature_{name}")
    st.caption(WHY_SQUARES)
    return tuple(name for name in FEATURES if st.session_state[f"toy_feature_{name}"])


def network_settings(features: tuple[str, ...], classes: int) -> NetworkSpec:
    """Hidden layers (neurons and activation each) and dropout."""
    count = st.slider("Hidden layers", 0, MAX_LAYERS, key="toy_layers",
                      help="Layers of neurons between the inputs and the output.")
    sizes, activations = [], []
    for index in range(count):
        left, right = st.columns(2)
        sizes.append(int(left.number_input(f"Layer {index + 1}: neurons", 1, MAX_NEURONS,
                                           key=f"toy_neurons_{index}")))
        activations.append(right.selectbox(f"Layer {index + 1}: activation", list(ACTIVATIONS),
                                           key=f"toy_activation_{index}", help=ACTIVATION_HELP))
    dropout = st.select_slider("Dropout", DROPOUTS, key="toy_dropout",
                               help="While training, switch off this share of each hidden layer's neurons at "
                                    "random, so no neuron can be relied on alone. Off when drawing the maps.")
    return NetworkSpec(features, tuple(sizes), tuple(activations), dropout, outputs_for(classes))


def learning_settings() -> LearningSettings:
    """Learning rate, optimizer, batch size, regularisation."""
    st.select_slider("Learning rate", LEARNING_RATES, key="toy_learning_rate",
                     help="Size of each nudge to the weights. Too large and the loss blows up.")
    st.radio("Optimizer", ["adam", "sgd"], format_func={"adam": "Adam", "sgd": "Plain SGD"}.get, horizontal=True,
             key="toy_optimizer")
    st.slider("Batch size", 1, 100, key="toy_batch_size", help="Points looked at before each nudge.")
    st.selectbox("Regularisation", list(REGULARIZATIONS), format_func=REGULARIZATIONS.get, key="toy_regularization",
                 help="A penalty on large weights, so the boundary stays simple instead of hugging every point.")
    st.select_slider("Regularisation rate", REGULARIZATION_RATES, key="toy_regularization_rate",
                     disabled=st.session_state.toy_regularization == "none")
    state = st.session_state
    return LearningSettings(state.toy_learning_rate, state.toy_batch_size, state.toy_optimizer,
                            state.toy_regularization, state.toy_regularization_rate)
