"""Export: ONNX matches PyTorch (checked with onnxruntime), TorchScript loads, the snippets predict."""
import subprocess
import sys

import numpy as np
import pytest
import torch
from PIL import Image

from core.basics.config import DataConfig, ModelConfig, RunConfig, TrainConfig
from core.data.registry import dataset_info
from core.runners.jobs import JobRunner
from core.store.bundle import LoadedModel
from core.store.export import check_onnx, export_onnx, export_torchscript, python_snippet, write_export


@pytest.fixture(scope="module")
def loaded(mnist):
    config = RunConfig(DataConfig("mnist", train_subset=2000), ModelConfig("fast_cnn"),
                       TrainConfig(epochs=1, batch_size=128))
    job = JobRunner(max_parallel=1).submit(config, mnist)
    assert job.wait(timeout=300) and job.status == "finished", job.error
    return LoadedModel(job.model, config, dataset_info(config.data), "tiny")


def test_onnx_gives_the_same_predictions_as_pytorch_on_test_images(loaded, mnist):
    onnx_file = export_onnx(loaded)
    check = check_onnx(loaded, onnx_file, mnist.test_x[:256])
    assert check.images == 256
    assert check.same_predictions == 256
    assert check.largest_logit_difference < 1e-3
    assert check.passed


def test_onnx_check_notices_a_different_model(loaded, mnist):
    other = LoadedModel(torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(784, 10)), loaded.config,
                        loaded.info, "other")
    check = check_onnx(loaded, export_onnx(other), mnist.test_x[:256])
    assert not check.passed


def test_torchscript_loads_without_project_code_and_agrees(loaded, mnist, tmp_path):
    path = tmp_path / "model.pt"
    path.write_bytes(export_torchscript(loaded))
    scripted = torch.jit.load(str(path)).eval()
    pixels = mnist.test_x[:64].float()
    with torch.no_grad():
        expected = loaded.model(mnist.to_input(mnist.test_x[:64]))
        assert torch.allclose(scripted(pixels), expected, atol=1e-4)


@pytest.mark.parametrize("kind", ["onnx", "torchscript"])
def test_the_snippet_predicts_a_digit_image(loaded, mnist, tmp_path, kind):
    write_export(tmp_path, loaded)
    index = int(np.nonzero(mnist.test_y.numpy() == 7)[0][0])
    Image.fromarray(mnist.test_x[index, 0].numpy()).save(tmp_path / "digit.png")
    with torch.no_grad():
        expected = loaded.info.classes[int(loaded.model(mnist.to_input(mnist.test_x[index:index + 1])).argmax())]
    result = subprocess.run([sys.executable, f"predict_{kind}.py", "digit.png"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[0] == expected
    assert "%" in result.stdout


def test_the_snippet_names_the_classes_and_image_size(loaded):
    snippet = python_snippet(loaded, "onnx")
    assert "resize((28, 28), Image.BILINEAR)" in snippet and "'7'" in snippet and "model.onnx" in snippet
    compile(snippet, "predict.py", "exec")
