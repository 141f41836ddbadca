"""The visitor's 2-D playground in session state: the trainer, the points they brought or painted, running."""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import streamlit as st

from core.playground.points import Points, Task, make_points, split_points
from core.playground.setup import PlaygroundSetup, outputs_for
from core.playground.training import PlaneTrainer


@dataclass(frozen=True)
class OwnPoints:
    """Points the visitor brought: an uploaded CSV (split by the test share) or a loaded playground."""

    name: str
    points: Points | None = None  # a CSV's points, split like generated ones
    train: Points | None = None  # a loaded playground's exact split
    test: Points | None = None


def own_points() -> OwnPoints | None:
    return st.session_state.get("toy_own")


def base_points(setup: PlaygroundSetup) -> tuple[Points, Points]:
    """(training, test) points before any painted ones: generated, uploaded or loaded."""
    own = own_points()
    if own is not None and own.train is not None:
        return own.train, own.test
    points = own.points if own is not None else make_points(setup.data.dataset, setup.data.n_points,
                                                             setup.data.noise, setup.data.seed,
                                                             setup.data.classes)
    return split_points(points, setup.data.test_share, setup.data.seed)


def _with_painted(train: Points) -> Points:
    painted = [point for point in st.session_state.setdefault("toy_added", []) if point[3] == train.task]
    if not painted:
        return train
    xy = np.array([[x, y] for x, y, _, _ in painted], dtype=np.float32)
    if train.task == Task.REGRESSION:
        return train.plus(Points(xy, np.array([t for _, _, t, _ in painted], dtype=np.float32), train.task, 0))
    labels = np.array([int(t) for _, _, t, _ in painted], dtype=np.int64)
    return train.plus(Points(xy, labels, train.task, int(labels.max()) + 1))


def current_trainer(setup: PlaygroundSetup) -> tuple[PlaneTrainer, PlaygroundSetup]:
    """The session's trainer, rebuilt (fresh weights, paused) when the points or the network change;
    and the setup with the network's outputs fitted to the points' classes."""
    state = st.session_state
    own = own_points()
    signature = (setup.data, id(own), setup.network.features, setup.network.hidden_layers, setup.network.activations,
                 setup.network.dropout)
    if state.get("toy_signature") != signature or "toy_trainer" not in state:
        train, test = base_points(setup)
        train = _with_painted(train)
        spec = replace(setup.network, outputs=outputs_for(train.classes))
        state.toy_trainer = PlaneTrainer(train, test, spec, setup.learning, seed=setup.data.seed)
        state.toy_signature, state.toy_running = signature, False
    trainer: PlaneTrainer = state.toy_trainer
    trainer.update_settings(setup.learning)
    return trainer, replace(setup, network=trainer.spec)


def set_running(running: bool) -> None:
    st.session_state.toy_running = running


def step_one_epoch() -> None:
    st.session_state.toy_running = False
    st.session_state.toy_trainer.step_epoch()


def reset() -> None:
    st.session_state.toy_running = False
    st.session_state.toy_trainer.reset()


def add_point(x: float, y: float) -> None:
    """Paint a point of the chosen class (or value) where asked; a new class makes a new network."""
    trainer: PlaneTrainer = st.session_state.toy_trainer
    x, y = round(float(x), 2), round(float(y), 2)
    if trainer.task == Task.REGRESSION:
        target = float(st.session_state.get("toy_click_value", 1.0))
    else:
        target = int(st.session_state.get("toy_click_class", 1))
    st.session_state.setdefault("toy_added", []).append((x, y, target, trainer.task))
    if trainer.task == Task.CLASSIFICATION and target >= trainer.train.classes:
        st.session_state.toy_signature = None  # one more class: the network needs one more output
    else:
        trainer.add_point(x, y, target)


def forget_painted_points() -> None:
    st.session_state.toy_added, st.session_state.toy_signature = [], None


def use_own_points(own: OwnPoints | None) -> None:
    """Train on the visitor's own points (None: back to generated ones); painted points are kept."""
    st.session_state.toy_own, st.session_state.toy_signature = own, None
