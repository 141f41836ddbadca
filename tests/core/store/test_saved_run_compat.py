"""A run folder written before core/ moved into wings still lists, reads and predicts the same."""
import json
import shutil
from pathlib import Path

import pytest

from core.basics.status import RunStatus
from core.lens.predict import predict
from core.store.runs import RunStore

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
EXPECTED = json.loads((FIXTURES / "pre_wings_run.json").read_text())


@pytest.fixture
def store(tmp_path):
    shutil.copytree(FIXTURES / "runs", tmp_path / "runs")
    return RunStore(tmp_path / "runs")


def test_old_run_lists_with_its_status_and_history(store):
    (summary,) = store.list_runs()
    assert summary.id == EXPECTED["run_id"]
    assert summary.status is RunStatus.FINISHED
    assert summary.test_accuracy == pytest.approx(0.3207)
    assert summary.reading[0]["reading"] == "learning_well"
    history = store.history(summary.id)
    assert len(history.epochs) == 1 and history.validation_accuracies == [0.3]
    assert history.done is not None and history.done.test_accuracy == pytest.approx(0.3207)


def test_old_run_predicts_as_it_did(store, mnist):
    loaded = store.load_model(EXPECTED["run_id"])
    predictions = [predict(loaded.model, loaded.info, picture.numpy()) for picture in mnist.test_x[:10]]
    assert [p.best for p in predictions] == EXPECTED["first_ten_test_predictions"]
    assert [p.confidence for p in predictions] == pytest.approx(EXPECTED["first_ten_test_confidences"], abs=1e-3)
