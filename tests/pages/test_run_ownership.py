"""A stranger who knows a run's id (a copied Train-page link, the browser's history) may watch it, never stop it."""
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.pages.train_helpers import long_running_job


APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture
def someones_running_job(mnist):
    """A run another visitor started: long enough to still be training while the page is looked at."""
    with long_running_job(mnist) as job:
        yield job


def open_train_page_at(run_id: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=120)
    at.query_params["run"] = run_id  # what a copied link or the browser's history brings
    return at.run()


def stop_buttons(at: AppTest) -> list:
    return [button for button in at.button if button.label == "Stop"]


def test_on_a_shared_deployment_a_strangers_link_shows_the_run_but_not_stop(someones_running_job, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_HOSTED", "1")
    at = open_train_page_at(someones_running_job.id)
    assert not at.exception
    assert not stop_buttons(at)
    assert any("only that session can stop it" in caption.value for caption in at.caption)
    train = next(button for button in at.button if "Train" in button.label)
    assert not train.disabled  # watching someone's run does not keep you from training your own
    assert not someones_running_job.is_done


def test_locally_the_same_link_can_stop_the_run(someones_running_job, monkeypatch):
    monkeypatch.delenv("PLAYGROUND_HOSTED", raising=False)
    at = open_train_page_at(someones_running_job.id)
    assert stop_buttons(at)
