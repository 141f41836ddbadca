"""Train page (AppTest): after a restart, a link to a run that was cut off says so, how far it got, and offers it again."""
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.basics.atomic import write_json
from core.basics.config import DataConfig, ModelConfig, RunConfig, TrainConfig
from core.engine.models import build_model
from core.store.runs import LAST, RunStore, STATUS_FILE

APP = str(Path(__file__).resolve().parents[2] / "app.py")
CONFIG = RunConfig(DataConfig("mnist", train_subset=5000), ModelConfig("fast_cnn"), TrainConfig("sgd", 0.02, 64, 3))


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_RUNS_DIR", str(tmp_path / "runs"))
    return RunStore()


def cut_off_run(store: RunStore) -> str:
    """A run that saved one epoch, then its process died (as after a restart of the app)."""
    run_id = store.create(CONFIG, name="my digits run")
    store.save_weights(run_id, build_model(CONFIG.model, (1, 28, 28), 10), CONFIG, LAST, {})
    path = store.folder(run_id) / STATUS_FILE
    document = json.loads(path.read_text())
    document.update(status="running", epochs_done=1, best_validation_accuracy=0.912, process="999999:1.0")
    write_json(path, document)
    return run_id


def open_train_page_at(run_id: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["run"] = run_id  # the URL the visitor's browser kept from before the restart
    return at.run()


def test_a_link_to_a_run_cut_off_by_a_restart_says_so_and_offers_it_again(store):
    run_id = cut_off_run(store)
    at = open_train_page_at(run_id)
    assert not at.exception
    notice = next(w.value for w in at.warning if "cut off when the app restarted" in w.value)
    assert "my digits run" in notice and "after 1 of 3 epochs" in notice and "91.2%" in notice
    assert "last saved weights are kept" in notice
    assert any("Runs page" in link.label for link in at.get("page_link"))
    at.button(key="train_again").click().run()
    assert not at.exception
    assert at.session_state["optimizer"] == "sgd" and at.session_state["learning_rate"] == 0.02
    assert "run" not in at.query_params
    assert not any("cut off" in w.value for w in at.warning)


def test_a_link_to_a_finished_run_points_to_the_runs_page(store):
    run_id = store.create(CONFIG, name="finished one")
    store.update_status(run_id, status="finished", epochs_done=3)
    at = open_train_page_at(run_id)
    assert any("has ended (finished)" in i.value for i in at.info)


def test_a_link_to_an_unknown_run_shows_the_usual_invitation(store):
    at = open_train_page_at("nosuchrun")
    assert not at.exception
    assert any("press **Train**" in i.value for i in at.info)
