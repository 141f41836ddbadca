"""Take a model out of the playground: ONNX (checked with onnxruntime), TorchScript, a Python snippet.

Both exports take raw pixels (floats 0-255, shape (N, C, H, W)) and do the dataset's
normalisation inside, so a product only has to load, resize and feed an image.
"""
from __future__ import annotations

import contextlib
import copy
import io
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn

from core.store.bundle import LoadedModel

INPUT_NAME, OUTPUT_NAME = "pixels", "logits"


class WithPreprocessing(nn.Module):
    """model(normalise(pixels)): the exported graph takes 0-255 pixels directly."""

    def __init__(self, model: nn.Module, mean: tuple[float, ...], std: tuple[float, ...]):
        super().__init__()
        self.model = model
        self.register_buffer("mean", torch.tensor(mean, dtype=torch.float32).view(1, -1, 1, 1))
        self.register_buffer("std", torch.tensor(std, dtype=torch.float32).view(1, -1, 1, 1))

    def forward(self, pixels: torch.Tensor) -> torch.Tensor:
        return self.model((pixels / 255.0 - self.mean) / self.std)  # (N, classes)


def exportable(loaded: LoadedModel) -> WithPreprocessing:
    """A CPU, eval-mode copy of the model with normalisation built in."""
    model = WithPreprocessing(copy.deepcopy(loaded.model), loaded.info.mean, loaded.info.std)
    return model.cpu().to(memory_format=torch.contiguous_format).eval()


def _example(loaded: LoadedModel, batch: int = 2) -> torch.Tensor:
    return torch.zeros(batch, *loaded.info.input_shape)


def export_onnx(loaded: LoadedModel) -> bytes:
    """The model as one ONNX file (any batch size) with normalisation inside."""
    model = exportable(loaded)
    batch = torch.export.Dim("batch", min=1, max=4096)
    with tempfile.TemporaryDirectory() as folder, contextlib.redirect_stdout(io.StringIO()), \
            warnings.catch_warnings():
        warnings.simplefilter("ignore")
        path = Path(folder) / "model.onnx"
        torch.onnx.export(model, (_example(loaded),), path, dynamo=True, external_data=False, verbose=False,
                          input_names=[INPUT_NAME], output_names=[OUTPUT_NAME],
                          dynamic_shapes=({0: batch},))
        return path.read_bytes()


def export_torchscript(loaded: LoadedModel) -> bytes:
    """The model as a TorchScript file (torch.jit.load in any PyTorch program, no project code needed)."""
    model = exportable(loaded)
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.jit is deprecated in favour of torch.export, but still loads
        traced = torch.jit.trace(model, _example(loaded))
        torch.jit.save(traced, buffer)
    return buffer.getvalue()


@dataclass(frozen=True)
class OnnxCheck:
    """How closely onnxruntime reproduces PyTorch on a batch of images."""

    images: int
    same_predictions: int
    largest_logit_difference: float

    @property
    def passed(self) -> bool:
        return self.same_predictions == self.images and self.largest_logit_difference < 1e-3


def check_onnx(loaded: LoadedModel, onnx_bytes: bytes, pixels: torch.Tensor) -> OnnxCheck:
    """Run the ONNX file with onnxruntime and PyTorch on the same 0-255 images and compare."""
    import onnxruntime

    session = onnxruntime.InferenceSession(onnx_bytes, providers=["CPUExecutionProvider"])
    x = pixels.float()
    onnx_logits = session.run([OUTPUT_NAME], {INPUT_NAME: x.numpy()})[0]
    with torch.inference_mode():
        torch_logits = exportable(loaded)(x).numpy()
    same = int((onnx_logits.argmax(1) == torch_logits.argmax(1)).sum())
    return OnnxCheck(len(x), same, float(np.abs(onnx_logits - torch_logits).max()))


def python_snippet(loaded: LoadedModel, kind: str = "onnx") -> str:
    """A short script that loads the exported file and predicts one image file."""
    channels, height, width = loaded.info.input_shape
    mode = "L" if channels == 1 else "RGB"
    invert = ("\n# The model saw light digits on a dark background: invert dark-on-light scans.\n"
              "# pixels = 255 - pixels\n") if loaded.info.is_digits else "\n"
    load = ("import onnxruntime\n" if kind == "onnx" else "import torch\n")
    run = ("session = onnxruntime.InferenceSession(\"model.onnx\")\n"
           "logits = session.run([\"logits\"], {\"pixels\": pixels})[0][0]\n" if kind == "onnx" else
           "model = torch.jit.load(\"model.pt\").eval()\n"
           "logits = model(torch.from_numpy(pixels))[0].detach().numpy()\n")
    return (f"import sys\n\nimport numpy as np\n{load}from PIL import Image\n\n"
            f"CLASSES = {list(loaded.info.classes)!r}\n\n"
            f"# Stretched to the model's size with the filter the app uses (bilinear)\n"
            f"image = Image.open(sys.argv[1]).convert(\"{mode}\").resize(({width}, {height}), Image.BILINEAR)\n"
            f"pixels = np.asarray(image, dtype=np.float32).reshape(1, {height}, {width}, {channels})"
            ".transpose(0, 3, 1, 2)  # (1, C, H, W), values 0-255\n"
            f"{invert}{run}"
            "probabilities = np.exp(logits - logits.max())\n"
            "probabilities /= probabilities.sum()\n"
            "best = int(probabilities.argmax())\n"
            "print(f\"{CLASSES[best]} ({probabilities[best]:.1%})\")\n")


def write_export(folder: Path, loaded: LoadedModel) -> list[Path]:
    """model.onnx, model.pt and the two snippets into folder (used by tests and scripts)."""
    folder.mkdir(parents=True, exist_ok=True)
    files = {"model.onnx": export_onnx(loaded), "model.pt": export_torchscript(loaded),
             "predict_onnx.py": python_snippet(loaded, "onnx").encode(),
             "predict_torchscript.py": python_snippet(loaded, "torchscript").encode()}
    for name, content in files.items():
        (folder / name).write_bytes(content)
    return [folder / name for name in files]

