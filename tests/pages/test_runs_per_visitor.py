"""Train page (AppTest): PLAYGROUND_RUNS_PER_VISITOR holds whichever way a visitor's run was started."""
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.pages.train_helpers import long_running_job


APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture
def live_job(mnist):
    """A long run on the app's runner, still training while the page is looked at."""
    with long_running_job(mnist) as job:
        yield job


def press_train(at: AppTest) -> AppTest:
    next(button for button in at.button if "Train" in button.label).click()
    return at.run()


@pytest.mark.parametrize("started_as", ["owned_runs", "lr_job_id"])  # a recipe's run, a learning-rate test
def test_a_visitor_with_a_run_going_elsewhere_cannot_start_another(live_job, started_as, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_HOSTED", "1")
    monkeypatch.setenv("PLAYGROUND_RUNS_PER_VISITOR", "1")
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state[started_as] = [live_job.id] if started_as == "owned_runs" else live_job.id
    press_train(at.run())
    assert not at.exception
    assert any("each visitor may have one run" in e.value for e in at.error)
    assert "run" not in at.query_params  # nothing new was started
