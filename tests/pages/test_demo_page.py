"""Demo page (AppTest): one saved model for a viewer: its name, classes, accuracy, a picture to try, no controls."""
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.store.runs import RunStore

APP = str(Path(__file__).resolve().parents[2] / "app.py")
FIXTURE_RUNS = Path(__file__).resolve().parents[1] / "fixtures" / "runs"  # one MNIST run written by older code


@pytest.fixture
def run_id(tmp_path, monkeypatch):
    shutil.copytree(FIXTURE_RUNS, tmp_path / "runs")
    monkeypatch.setenv("PLAYGROUND_RUNS_DIR", str(tmp_path / "runs"))
    (run,) = RunStore().list_runs()
    RunStore().rename(run.id, "Digits by Ada")
    return run.id


def open_demo(run_id: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("pages/demo.py")
    at.query_params["model"] = run_id
    return at.run()


def test_the_demo_shows_the_model_its_classes_and_accuracy_in_plain_words(run_id):
    at = open_demo(run_id)
    assert not at.exception
    assert at.title[0].value == "Digits by Ada"
    text = " ".join(m.value for m in at.markdown)
    assert "It tells these apart: **0**, **1**" in text
    assert "On 10,000 test pictures it had never seen, it was right 32% of the time" in text
    assert any("runs folder" in c.value or "restarts" in c.value for c in at.caption)


def test_the_demo_offers_no_control_that_changes_the_run(run_id):
    at = open_demo(run_id)
    labels = [button.label for button in at.button]
    assert not [label for label in labels if any(word in label for word in ("Delete", "Rename", "Stop", "Train"))]
    assert not at.text_input and not at.number_input and not at.selectbox


@pytest.mark.parametrize("link", ["", "no-such-run", "../../etc"])
def test_a_link_to_a_missing_model_says_so_in_plain_words(link, tmp_path, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_RUNS_DIR", str(tmp_path))
    at = open_demo(link)
    assert not at.exception
    said = " ".join(element.value for element in [*at.warning, *at.info])
    assert ("not on this app any more" in said) if link else ("A demo shows one trained model" in said)
