"""The Inspect page renders every view for a trained CNN and an MLP, and explains what to do without a model."""
import json
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from core.basics.config import DataConfig, ModelConfig, RunConfig, TrainConfig
from core.data.registry import DatasetUnavailable, load_dataset
from core.runners.runtime import get_runner

ROOT = Path(__file__).resolve().parents[2]
PAGE, APP = str(ROOT / "pages" / "inspect.py"), str(ROOT / "app.py")
VIEWS = ["Architecture", "Filters", "Feature maps", "Pooling", "Convolution", "Saliency", "Errors"]


def train_quickly(preset: str, learning_rate: float, dataset: str = "mnist") -> str:
    config = RunConfig(DataConfig(dataset, train_subset=2000), ModelConfig(preset=preset),
                       TrainConfig(optimizer="adam", learning_rate=learning_rate, batch_size=128, epochs=1))
    job = get_runner().submit(config, load_dataset(dataset, download=False))
    assert job.wait(timeout=300) and job.status == "finished", job.error
    return job.id


@pytest.fixture(scope="module")
def cnn_job() -> str:
    return train_quickly("fast_cnn", 0.005)


@pytest.fixture(scope="module")
def mlp_job() -> str:
    return train_quickly("mlp_512", 0.001)


def open_view(job_id: str, view: str, **state) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.session_state["job_ids"] = [job_id]
    at.session_state["inspect_view"] = view
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception, at.exception[0].value if at.exception else ""
    assert not at.error, at.error[0].value
    return at


def charts(at: AppTest) -> list:
    return list(at.get("plotly_chart"))


def chart_titles(at: AppTest) -> str:
    specs = [json.loads(chart.proto.spec) for chart in charts(at)]
    return " ".join(spec["layout"].get("title", {}).get("text", "") for spec in specs)


def text_of(at: AppTest) -> str:
    return " ".join(str(e.value) for kind in ("markdown", "caption", "info", "success", "latex", "warning")
                    for e in at.get(kind))


def test_every_view_of_a_trained_cnn(cnn_job):
    at = open_view(cnn_job, "Architecture")
    table = at.dataframe[0].value
    assert list(table["Layer"])[:4] == ["conv1", "bn1", "act1", "pool1"]
    assert list(table["Output shape"])[:4] == ["16 × 28 × 28"] * 3 + ["16 × 14 × 14"]
    assert at.metric[0].value == f"{int(table['Parameters'].sum()):,}"

    at = open_view(cnn_job, "Filters")
    assert "16 filters of 3×3" in text_of(at)
    at = open_view(cnn_job, "Filters", inspect_filter_layer="conv2")
    assert "32 filters of 3×3, each looking at 16 channel(s)" in text_of(at)
    at = open_view(cnn_job, "Feature maps")
    titles = chart_titles(at)
    for expected in ("conv1 (after ReLU): 16 maps of 28×28", "pool1: 16 maps of 14×14", "pool2: 32 maps of 7×7"):
        assert expected in titles

    at = open_view(cnn_job, "Pooling")
    assert "exactly the model's own output" in text_of(at)
    assert any("p_{\\max}" in latex.value for latex in at.latex)

    at = open_view(cnn_job, "Convolution", inspect_conv_layer="conv2", inspect_conv_row=0, inspect_conv_col=0)
    assert "the same number" in text_of(at)
    assert "Batch normalisation" in text_of(at) and "hangs over the edge" in text_of(at)

    at = open_view(cnn_job, "Saliency")
    assert len(charts(at)) == 4  # thumbnail, image, saliency map, probabilities


def test_errors_view_counts_the_whole_test_set_and_opens_a_mistake(cnn_job):
    at = open_view(cnn_job, "Errors")
    wrong = next(m for m in at.metric if m.label == "Wrong answers")
    assert wrong.value.endswith("of 10,000")
    accuracy = float(next(m for m in at.metric if m.label == "Test accuracy").value.rstrip("%")) / 100
    assert int(wrong.value.split(" of ")[0].replace(",", "")) == round((1 - accuracy) * 10_000)
    scores = at.dataframe[0].value
    assert scores["Test images"].sum() == 10_000 and np.all((scores["Recall"] >= 0) & (scores["Recall"] <= 1))
    look = [b for b in at.button if b.label == "Look inside"]
    assert look, "the most common mistake has example images"
    index = int(look[0].key.rsplit("_", 1)[1])
    look[0].click().run()
    assert at.session_state["inspect_image_index"] == index
    assert at.session_state["inspect_view"] == "Feature maps"
    assert ":material/cancel:" in text_of(at)  # the chosen image is one the model gets wrong
    assert not at.warning and not at.exception


def test_a_drawn_digit_can_be_inspected(cnn_job):
    drawing = np.zeros((1, 28, 28), dtype=np.float32)
    drawing[0, 4:24, 13:16] = 255  # a "1"
    at = open_view(cnn_job, "Saliency", drawn_image=drawing)
    assert at.radio(key="inspect_source").value == "Your drawing"  # a new drawing is shown first
    assert "The model says" in text_of(at) and "It is a" not in text_of(at)
    at.radio(key="inspect_source").set_value("Test image").run()
    assert "It is a **7**" in at.markdown[0].value  # test image 0, the same drawing stays unshown
    at.run()
    assert at.radio(key="inspect_source").value == "Test image"


def test_an_mlp_gets_plain_words_and_the_views_that_apply(mlp_job):
    at = open_view(mlp_job, "Filters")
    assert "no convolution layers" in text_of(at) and charts(at)
    at = open_view(mlp_job, "Feature maps")
    assert "fc1 (after ReLU): 512 neurons" in chart_titles(at)
    at = open_view(mlp_job, "Pooling")
    assert "no pooling layers" in text_of(at) and any("p_{\\max}" in latex.value for latex in at.latex)
    at = open_view(mlp_job, "Convolution")
    assert "no convolution layers" in text_of(at) and "the same number" in text_of(at)
    at = open_view(mlp_job, "Architecture")
    assert at.metric[0].value == "669,706"


def test_every_view_of_a_colour_model():
    try:
        job_id = train_quickly("tiny_cifar", 0.001, "cifar10")
    except DatasetUnavailable:
        pytest.skip("No CIFAR-10 copy on this machine (set PLAYGROUND_DATA_DIR).")
    test_images = len(load_dataset("cifar10", download=False).test_y)
    for view in VIEWS:
        at = open_view(job_id, view)
        assert charts(at) or at.dataframe
    assert "red, green and blue" in text_of(open_view(job_id, "Filters"))
    at = open_view(job_id, "Errors")
    assert next(m for m in at.metric if m.label == "Wrong answers").value.endswith(f"of {test_images:,}")
    assert at.image, "the mistakes are shown as pictures"


def test_without_a_model_the_page_says_how_to_get_one(monkeypatch, tmp_path):
    import ui.model_picker

    monkeypatch.setenv("PLAYGROUND_RUNS_DIR", str(tmp_path))
    monkeypatch.setattr(ui.model_picker, "DEMO_MODEL", tmp_path / "no_demo_model")
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("pages/inspect.py").run()
    assert not at.exception
    assert at.title[0].value == "Look inside a model"
    assert "No trained model yet" in at.info[0].value
    assert any("Train a model" in link.proto.label for link in at.get("page_link"))
    assert not at.get("tab")
