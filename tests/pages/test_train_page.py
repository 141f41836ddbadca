import json
from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.pages.train_helpers import press_train_and_wait

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def open_app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    return at.run()


def test_train_page_trains_a_quick_model_to_a_test_accuracy():
    at = open_app()
    assert not at.exception
    assert at.title[0].value == "Train a network"
    at.radio(key="train_subset").set_value(5000)
    at.number_input(key="epochs").set_value(1)
    press_train_and_wait(at, 180)
    accuracy = next(m for m in at.metric if m.label == "Test accuracy")
    assert float(accuracy.value.rstrip("%")) > 90  # 5,000 images, one epoch of the Fast CNN
    assert any(chart for chart in at.get("plotly_chart"))  # a finished run: the chart that hovers and zooms
    assert not at.get("bidi_component")


def test_one_press_of_train_starts_one_run_and_draws_train_disabled_at_once():
    from core.runners.runtime import get_runner

    at = open_app()
    at.radio(key="train_subset").set_value(5000)
    at.number_input(key="epochs").set_value(50)  # still training while the page is looked at
    next(b for b in at.button if "Train" in b.label).click()
    at.run()
    job = get_runner().get(at.session_state["job_id"])
    try:
        assert next(b for b in at.button if "Train" in b.label).disabled
        # While it trains, the curves are on the light canvas chart (Plotly's redraws cost the run CPU time).
        assert not at.get("plotly_chart") and [c.proto.component_name for c in at.get("bidi_component")] == ["live_chart"]
        at.run()  # the page's next run (its polling, a changed knob) is not another press
        assert len(at.session_state["job_ids"]) == 1 and not at.exception
    finally:
        job.stop()
        job.wait(timeout=60)


def test_impossible_values_get_a_message_and_train_is_disabled():
    at = open_app()
    at.number_input(key="batch_size").set_value(0).run()
    assert any("Batch size" in e.value for e in at.error)
    assert next(b for b in at.button if "Train" in b.label).disabled


def test_picking_a_network_loads_its_published_settings():
    at = open_app()
    at.selectbox(key="preset").set_value("lenet").run()
    assert at.number_input(key="batch_size").value == 32
    assert at.selectbox(key="optimizer").value == "adam"
    at.selectbox(key="preset").set_value("mlp_512").run()
    assert at.selectbox(key="optimizer").value == "rmsprop" and at.slider(key="dropout").value == 0.2


def test_an_unavailable_dataset_is_explained_and_mnist_still_works(monkeypatch, tmp_path):
    from core.data import registry

    monkeypatch.setenv("PLAYGROUND_DATA_DIR", str(tmp_path))
    monkeypatch.setattr(registry, "_download", lambda name, root: (_ for _ in ()).throw(OSError("offline")))
    at = open_app()
    at.selectbox(key="dataset").set_value("fashion_mnist").run()
    assert not at.exception
    assert any("Fashion-MNIST" in e.value and "MNIST always works offline" in e.value for e in at.error)
    assert next(b for b in at.button if "Train" in b.label).disabled
    at.selectbox(key="dataset").set_value("mnist").run()
    assert not at.error, at.error[0].value
    assert not next(b for b in at.button if "Train" in b.label).disabled


def test_before_any_run_the_charts_are_there_empty_with_plain_axes():
    # Shown before Train so the browser has the chart library when the first point comes (issue 15).
    at = open_app()
    chart = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert all(not trace.get("x") for trace in chart["data"])
    assert chart["layout"]["yaxis2"]["range"] == [0, 1] and chart["layout"]["xaxis"]["range"] == [0, 1]
