"""Recipes page (AppTest): five cards with claims, one-click runs, results and missing data explained."""
import json
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.data import registry
from core.recipes import results_path

PAGE = str(Path(__file__).resolve().parents[2] / "pages" / "recipes.py")


@pytest.fixture(autouse=True)
def own_runs_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("PLAYGROUND_RUNS_DIR", str(tmp_path / "runs"))


def open_page() -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def button(at: AppTest, key: str):
    return next(b for b in at.button if b.key == key)


def test_five_cards_show_each_claim():
    at = open_page()
    titles = [header.value for header in at.subheader]
    assert titles == ["MNIST: Simple CNN", "Tiny binary MLP on two points", "CIFAR-10: Tiny CIFAR CNN",
                      "MNIST: MLP 512-512", "MNIST: LeNet-style CNN"]
    claimed = [metric.value for metric in at.metric if metric.label == "Claimed"]
    assert claimed == ["98.00%", "88.45%", "none", "99.40%"]
    assert any("98.4%" in caption.value for caption in at.caption)  # the published MLP figure
    assert sum("not run yet" == metric.value for metric in at.metric) == 8


def test_tiny_mlp_runs_with_one_click_and_explains_the_answer():
    at = open_page()
    button(at, "run_tiny_mlp").click().run()
    assert not at.exception
    metric = next(m for m in at.metric if m.label.startswith("Predicted chance"))
    assert 0.0 <= float(metric.value) <= 1.0
    assert any("Why two points teach little" in info.value for info in at.info)
    assert json.loads(results_path("tiny_mlp").read_text())["full"]["measured"] == pytest.approx(float(metric.value),
                                                                                                  abs=5e-4)


def test_last_result_is_shown_beside_the_claim_with_time_and_device():
    path = results_path("lenet")
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"full": {
        "recipe": "lenet", "version": "full", "measured": 0.9912, "seconds": 151.0, "device": "CPU (2 threads)",
        "date": "2026-11-22T18:50:46+00:00", "measure": "test_accuracy", "status": "finished", "epochs": 10,
        "train_images": 54000, "test_images": 10000, "data_source": "assets/mnist", "job_id": "abc"}}))
    at = open_page()
    full = [m for m in at.metric if m.label == "Last full run here"]
    assert [m.value for m in full] == ["not run yet", "not run yet", "not run yet", "99.12%"]
    assert any("151 s on CPU (2 threads)" in c.value and "22 Nov 2026" in c.value for c in at.caption)


def test_fast_cifar_recipe_runs_from_the_page_and_records_its_result():
    try:
        registry.load_dataset("cifar10", download=False)
    except registry.DatasetUnavailable:
        pytest.skip("No CIFAR-10 copy on this machine (set PLAYGROUND_DATA_DIR, e.g. ../shared/datasets).")
    at = open_page()
    button(at, "fast_tiny_cifar").click().run()
    assert not at.exception
    deadline = time.monotonic() + 120
    while not results_path("tiny_cifar").exists() and time.monotonic() < deadline:
        time.sleep(0.5)
    time.sleep(0.5)
    at.run()
    assert not at.exception
    fast = [m for m in at.metric if m.label == "Last fast run here"][1]
    assert fast.value.endswith("%") and 10 < float(fast.value.rstrip("%")) <= 100  # better than chance
    assert "points vs claim" in fast.delta
    assert any("a sample of the dataset" in c.value for c in at.caption)  # the offline CIFAR copy is a sample
    assert len(at.session_state["job_ids"]) == 1


def test_missing_cifar_is_said_plainly_and_mnist_cards_still_work(monkeypatch, tmp_path):
    from ui.state import cached_dataset

    monkeypatch.setenv("PLAYGROUND_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PLAYGROUND_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(registry, "_download", lambda name, root: (_ for _ in ()).throw(OSError("offline")))
    cached_dataset.clear("cifar10")
    try:
        at = open_page()
        button(at, "fast_tiny_cifar").click().run()
        assert not at.exception
        assert any("CIFAR-10" in error.value and "could not be downloaded" in error.value for error in at.error)
        assert not button(at, "fast_lenet").disabled
    finally:
        cached_dataset.clear("cifar10")
