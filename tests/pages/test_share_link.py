"""Share links and fine-tuning on the Train page (AppTest): the URL holds the setup and restores it."""
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.basics.choices import DEFAULT_PRESET
from core.basics.config import DataConfig, ModelConfig, RunConfig, TrainConfig
from core.store.runs import RunStore
from core.store.share import from_query, to_query

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def open_train_page(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def test_the_url_follows_the_setup(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_RUNS_DIR", str(tmp_path))
    at = open_train_page()
    assert at.query_params["dataset"] == "mnist" and at.query_params["model"] == DEFAULT_PRESET
    at.selectbox(key="optimizer").set_value("sgd_momentum").run()
    at.number_input(key="epochs").set_value(7).run()
    link = dict(at.query_params)
    config = from_query(link)
    assert config.train.optimizer == "sgd_momentum" and config.train.epochs == 7
    assert config.model.preset == DEFAULT_PRESET
    assert config.train.learning_rate == at.number_input(key="learning_rate").value


def test_a_copied_link_opens_the_same_setup(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_RUNS_DIR", str(tmp_path))
    shared = RunConfig(DataConfig("mnist", validation_split=0.2, train_subset=5000, augment=True),
                       ModelConfig("lenet", activation="tanh", dropout=0.25),
                       TrainConfig("rmsprop", 0.0005, 32, 4, 0.0001, "one_cycle", 42))
    at = open_train_page(to_query(shared))
    assert not at.exception
    assert at.selectbox(key="preset").value == "lenet"
    assert at.selectbox(key="activation").value == "tanh"
    assert at.selectbox(key="optimizer").value == "rmsprop"
    assert at.number_input(key="learning_rate").value == pytest.approx(0.0005)
    assert at.number_input(key="batch_size").value == 32 and at.number_input(key="epochs").value == 4
    assert at.number_input(key="seed").value == 42
    assert at.slider(key="dropout").value == pytest.approx(0.25)
    assert at.slider(key="validation_split").value == pytest.approx(0.2)
    assert at.toggle(key="augment").value is True
    assert at.radio(key="train_subset").value == 5000
    assert at.selectbox(key="schedule").value == "one_cycle"


def test_a_broken_link_is_explained_and_the_usual_setup_shown(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_RUNS_DIR", str(tmp_path))
    at = open_train_page({"dataset": "mnist", "lr": "very fast"})
    assert not at.exception
    assert any("could not be used" in w.value for w in at.warning)
    assert at.selectbox(key="preset").value == DEFAULT_PRESET


def test_fine_tuning_needs_the_same_network_and_image_size(tmp_path, monkeypatch):
    from core.data.registry import DatasetUnavailable, load_dataset

    try:
        load_dataset("cifar10", download=False)
    except DatasetUnavailable:
        pytest.skip("No CIFAR-10 copy on this machine (set PLAYGROUND_DATA_DIR, e.g. ../shared/datasets).")
    monkeypatch.setenv("PLAYGROUND_RUNS_DIR", str(tmp_path))
    store = RunStore(tmp_path)
    from core.engine.models import build_model

    source = RunConfig(DataConfig("mnist"), ModelConfig("lenet"))
    run_id = store.create(source, name="My LeNet", status="finished")
    store.save_weights(run_id, build_model(source.model, (1, 28, 28), 10), source, "best", {})
    at = open_train_page()
    at.selectbox(key="fine_tune_choice").set_value(run_id).run()
    assert at.selectbox(key="preset").value == "lenet"  # the saved network is kept
    assert not at.error
    assert at.query_params["from_run"] == run_id
    at.selectbox(key="dataset").set_value("cifar10").run()
    assert any("28x28 greyscale" in e.value and "32x32 colour" in e.value for e in at.error)
    assert next(b for b in at.button if "Train" in b.label).disabled


@pytest.mark.parametrize("split", ["0.01", "0.03", "0.049"])
def test_a_link_with_a_small_validation_split_opens_the_page(split):
    at = open_train_page({"dataset": "mnist", "model": "fast_cnn", "val": split})
    assert not at.exception
    assert at.slider(key="validation_split").value == pytest.approx(float(split))
