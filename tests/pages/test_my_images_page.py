import json
from pathlib import Path

import numpy as np

from streamlit.testing.v1 import AppTest

from tests.pages.train_helpers import press_train_and_wait
from tests.shapes import shape_image, shapes_zip

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def test_upload_a_zip_train_a_short_run_then_inspect_and_predict_with_it(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_RUNS_DIR", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.selectbox(key="dataset").set_value("my_images").run()
    assert any("Upload a zip" in i.value for i in at.info)
    assert next(b for b in at.button if "Train" in b.label).disabled
    at.file_uploader(key="my_images_zip").set_value(("shapes.zip", shapes_zip(per_class=30), "application/zip"))
    at.run()
    assert not at.exception and not at.error
    assert any("3 classes" in s.value and "circles" in s.value for s in at.success)
    assert at.toggle(key="augment").value  # on by default for a small set
    at.number_input(key="epochs").set_value(2)
    press_train_and_wait(at, 120)
    assert any(m.label == "Test accuracy" for m in at.metric)

    # The model of the user's images works like any other: Inspect names its classes...
    at.session_state["inspect_view"] = "Errors"
    at.switch_page("pages/inspect.py").run()
    assert not at.exception and not at.error
    axes = [json.loads(c.proto.spec)["data"][0].get("x") for c in at.get("plotly_chart")]
    assert ["circles", "squares", "triangles"] in axes  # the confusion matrix's columns
    # ...and the Draw page reads an uploaded picture with it.
    at.switch_page("pages/draw.py").run()
    picture = shape_image("circles", np.random.default_rng(7))
    at.file_uploader(key="draw_upload").upload("circle.png", picture).run()
    assert not at.exception and not at.error
    answers = [h.proto.body for h in at.get("html") if "draw-answer" in h.proto.body]
    assert answers and any(name in answers[0] for name in ("circles", "squares", "triangles"))


def test_a_single_class_zip_is_refused_with_a_message():
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.selectbox(key="dataset").set_value("my_images").run()
    at.file_uploader(key="my_images_zip").set_value(("one.zip", shapes_zip(per_class=6, kinds=("circles",)),
                                                     "application/zip"))
    at.run()
    assert any("at least two classes" in e.value for e in at.error)
    assert next(b for b in at.button if "Train" in b.label).disabled
