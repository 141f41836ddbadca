"""The Train page trains through the Ray runner exactly as through the thread runner (AppTest)."""
import time
from pathlib import Path

from streamlit.testing.v1 import AppTest

from core.runners import runtime
from tests.pages.train_helpers import press_train_and_wait

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def test_the_train_page_trains_on_ray_and_the_run_is_recorded(ray_runner, monkeypatch):
    monkeypatch.setattr(runtime, "_shared", ray_runner)  # the app's runner, as PLAYGROUND_RAY_ADDRESS makes it
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert any("Ray cluster" in caption.value for caption in at.sidebar.caption)
    at.radio(key="train_subset").set_value(5000)
    at.number_input(key="epochs").set_value(1)
    press_train_and_wait(at, 240)
    accuracy = next(m for m in at.metric if m.label == "Test accuracy")
    assert float(accuracy.value.rstrip("%")) > 90
    assert any(chart for chart in at.get("plotly_chart"))
    job_id = at.session_state["job_id"]
    deadline = time.monotonic() + 30
    while ray_runner.store.get(job_id).status != "finished":
        assert time.monotonic() < deadline
        time.sleep(0.05)
