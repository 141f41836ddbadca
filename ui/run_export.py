"""Runs page section: export a saved run for a product (ONNX checked with onnxruntime, TorchScript, snippet)."""
from __future__ import annotations

import streamlit as st
import torch

from core.store.export import check_onnx, export_onnx, export_torchscript, python_snippet
from core.store.runs import RunStore, RunSummary
from ui.state import cached_dataset
from ui.literal import literal

CHECK_IMAGES = 256


def _check_images(run: RunSummary, input_shape: tuple[int, int, int]) -> tuple[torch.Tensor, str]:
    dataset, _ = cached_dataset(run.config.data.dataset) if not run.config.data.dataset.startswith("custom:") \
        else (None, None)
    if dataset is not None:
        return dataset.test_x[:CHECK_IMAGES], "test images"
    generator = torch.Generator().manual_seed(0)
    return torch.randint(0, 256, (CHECK_IMAGES, *input_shape), generator=generator), "random images"


def _prepare(store: RunStore, run: RunSummary) -> dict:
    loaded = store.load_model(run.id)
    images, described = _check_images(run, loaded.info.input_shape)
    onnx_file = export_onnx(loaded)
    return {"run_id": run.id, "onnx": onnx_file, "torchscript": export_torchscript(loaded),
            "check": check_onnx(loaded, onnx_file, images), "images": described,
            "onnx_snippet": python_snippet(loaded, "onnx"),
            "torchscript_snippet": python_snippet(loaded, "torchscript")}


def export_section(store: RunStore, run: RunSummary) -> None:
    """Export button, then the check's verdict, two downloads and the Python snippets."""
    if not run.has_weights:
        return
    st.subheader("Export for a product")
    prepared = st.session_state.get("export")
    if prepared is None or prepared["run_id"] != run.id:
        if st.button("Export to ONNX and TorchScript", key=f"export_{run.id}",
                     help="Files that run without this playground: ONNX (any language, via onnxruntime) "
                          "or TorchScript (PyTorch only). Takes a few seconds."):
            with st.spinner("Exporting and checking…"):
                try:
                    st.session_state.export = _prepare(store, run)
                except (ValueError, RuntimeError) as error:
                    st.error(f"Export failed: {literal(str(error))}")
                    return
            st.rerun()
        return
    check = prepared["check"]
    verdict = (f"onnxruntime and PyTorch give the same answer on {check.same_predictions} of {check.images} "
               f"{prepared['images']} (largest score difference {check.largest_logit_difference:.1e}).")
    (st.success if check.passed else st.warning)(verdict)
    left, right = st.columns(2)
    left.download_button("Download model.onnx", prepared["onnx"], file_name="model.onnx", on_click="ignore",
                         key=f"onnx_{run.id}", help="Keep it next to the snippet below.")
    right.download_button("Download model.pt (TorchScript)", prepared["torchscript"], file_name="model.pt",
                          on_click="ignore", key=f"torchscript_{run.id}")
    st.caption("Both take raw pixels (0-255, shape batch × channels × height × width) and do the normalisation "
               "inside. Predict one image file with `python predict.py image.png`:")
    onnx_tab, torchscript_tab = st.tabs(["ONNX (pip install onnxruntime numpy pillow)",
                                         "TorchScript (pip install torch numpy pillow)"])
    onnx_tab.code(prepared["onnx_snippet"], language="python")
    torchscript_tab.code(prepared["torchscript_snippet"], language="python")
