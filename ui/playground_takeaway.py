"""Take the 2-D playground away: the network as ONNX, its weights with the PyTorch that rebuilds it,
and the whole playground saved to a file and loaded again."""
from __future__ import annotations

import numpy as np
import streamlit as st

from core.playground.export import export_onnx, onnx_difference, pytorch_code, weights_file
from core.playground.points import EXTENT
from core.playground.setup import PlaygroundSetup
from core.playground.state_file import MAX_STATE_BYTES, load_state, save_state
from core.playground.training import PlaneTrainer
from ui.playground_session import OwnPoints, use_own_points
from ui.playground_settings import setup_to_widgets

WEIGHTS_NAME = "playground_weights.safetensors"


def _prepare_onnx() -> None:
    trainer: PlaneTrainer = st.session_state.toy_trainer
    onnx_bytes = export_onnx(trainer.network)
    probe = np.random.default_rng(0).uniform(-EXTENT, EXTENT, (500, 2)).astype(np.float32)
    st.session_state.toy_onnx = (trainer.epoch, id(trainer.network), onnx_bytes,
                                 onnx_difference(onnx_bytes, trainer.network, probe))


def export_widgets(trainer: PlaneTrainer) -> None:
    """ONNX (made on request: it takes a few seconds), weights and PyTorch code."""
    ready = st.session_state.get("toy_onnx")
    if ready and ready[:2] == (trainer.epoch, id(trainer.network)):
        st.download_button("Download ONNX", ready[2], "playground.onnx", "application/octet-stream",
                           icon=":material/download:", on_click="ignore")
        st.caption(f"Checked with onnxruntime on 500 points across the plane: the largest difference from "
                   f"PyTorch is {ready[3]:.1e}. Input 'points' (N, 2): x, y; output 'outputs' (N, "
                   f"{trainer.spec.outputs}): {'logits (softmax gives the chances)' if trainer.spec.outputs > 1 else 'the value'}.")
    else:
        st.button("Make an ONNX file", icon=":material/deployed_code:", on_click=_prepare_onnx,
                  help="For any ONNX runtime (web, phone, C++). Takes a few seconds.")
    st.download_button("Download the weights (safetensors)", weights_file(trainer.network), WEIGHTS_NAME,
                       "application/octet-stream", icon=":material/download:", on_click="ignore")
    st.caption("These lines of PyTorch rebuild the network and load the weights file:")
    st.code(pytorch_code(trainer.spec, WEIGHTS_NAME), language="python")


def _load_playground() -> None:
    upload = st.session_state.get("toy_state_file")
    st.session_state.toy_state_error = None
    if upload is None:
        return
    if upload.size > MAX_STATE_BYTES:
        st.session_state.toy_state_error = f"The file is {upload.size / 1e6:.1f} MB; a saved playground is smaller."
        return
    try:
        setup, trainer = load_state(upload.getvalue())
    except ValueError as error:
        st.session_state.toy_state_error = str(error)
        return
    setup_to_widgets(setup)
    use_own_points(OwnPoints(upload.name, train=trainer.train, test=trainer.test))
    st.session_state.toy_added = []
    st.session_state.toy_loaded = trainer  # installed by install_loaded once the widgets give the same setup


def install_loaded(current_setup: PlaygroundSetup) -> None:
    """Put a just-loaded trainer in place of the one current_trainer built (same points and network)."""
    loaded: PlaneTrainer | None = st.session_state.pop("toy_loaded", None)
    if loaded is not None and loaded.spec == current_setup.network:
        st.session_state.toy_trainer = loaded


def save_widgets(trainer: PlaneTrainer, setup: PlaygroundSetup) -> None:
    """Save the playground (setup, points, weights) as one file; load one."""
    st.download_button("Save this playground", save_state(trainer, setup), "playground.safetensors",
                       "application/octet-stream", icon=":material/save:", on_click="ignore",
                       help="One safetensors file: the settings, your points and the trained weights.")
    st.file_uploader("Load a saved playground", type=["safetensors"], key="toy_state_file",
                     on_change=_load_playground)
    if st.session_state.get("toy_state_error"):
        st.error(st.session_state.toy_state_error)
