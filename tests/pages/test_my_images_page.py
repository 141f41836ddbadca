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
    at.radio(key="my_images_how").set_value("Upload a zip of class folders").run()
    at.selectbox(key="preset").set_value("fast_cnn").run()
    assert any("upload a zip" in i.value for i in at.info)
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
    at.radio(key="my_images_how").set_value("Upload a zip of class folders").run()
    at.file_uploader(key="my_images_zip").set_value(("one.zip", shapes_zip(per_class=6, kinds=("circles",)),
                                                     "application/zip"))
    at.run()
    assert any("at least two classes" in e.value for e in at.error)
    assert next(b for b in at.button if "Train" in b.label).disabled


def shape_files(kind: str, count: int, seed: int) -> list[tuple[str, bytes, str]]:
    rng = np.random.default_rng(seed)
    return [(f"{kind}-{index}.png", shape_image(kind, rng), "image/png") for index in range(count)]


def class_uploader(at: AppTest, name: str):
    return next(u for u in at.file_uploader if u.label == f"Pictures of {name}")


def test_build_two_classes_from_files_train_the_pretrained_network_and_try_a_picture(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_RUNS_DIR", str(tmp_path))
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.selectbox(key="dataset").set_value("my_images").run()
    assert at.selectbox(key="preset").value == "efficientnet_lite0"  # own pictures start pretrained
    names = [t for t in at.text_input if t.label == "Class name"]
    names[0].set_value("circles").run()
    next(t for t in at.text_input if t.label == "Class name" and t.value == "Class 2").set_value("squares").run()
    class_uploader(at, "circles").set_value(shape_files("circles", 6, 1)).run()
    assert any("Each class needs at least 5" in i.value and "squares" in i.value for i in at.info)
    class_uploader(at, "squares").set_value(shape_files("squares", 6, 2)).run()
    assert not at.exception and not at.error
    assert any("kept aside" in s.value for s in at.success)
    assert any("Few pictures" in w.value for w in at.warning)  # 6 a class: the page says the test is thin
    press_train_and_wait(at, 180)
    assert not at.error, [e.value for e in at.error]
    axes = [json.loads(c.proto.spec)["data"][0].get("x") for c in at.get("plotly_chart")]
    assert ["circles", "squares"] in axes  # the confusion matrix speaks the user's class names
    at.file_uploader(key="train_try_upload").upload("new.png", shape_image("circles", np.random.default_rng(9))).run()
    assert not at.exception and not at.error
    answers = [h.proto.body for h in at.get("html") if "draw-answer" in h.proto.body]
    assert answers and any(name in answers[0] for name in ("circles", "squares"))
    # Inspect: saliency works on the pretrained network; the layer-by-layer views say why they do not apply.
    for view in ("Saliency", "Architecture"):
        at.session_state["inspect_view"] = view
        at.switch_page("pages/inspect.py").run()
        assert not at.exception and not at.error
    assert any("EfficientNet-Lite0" in i.value for i in at.info)


def test_class_names_must_differ_and_a_damaged_file_is_skipped_with_a_reason():
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.selectbox(key="dataset").set_value("my_images").run()
    next(t for t in at.text_input if t.label == "Class name" and t.value == "Class 2").set_value("class 1").run()
    assert any("already a class called" in e.value for e in at.error)
    class_uploader(at, "Class 1").set_value([("broken.png", b"not a picture", "image/png")]).run()
    assert any(r"broken\.png (not a readable image)" in w.value for w in at.warning)  # the name as typed


def test_files_added_at_once_decode_within_the_upload_budget_and_the_page_says_which_were_not(monkeypatch):
    import io

    from PIL import Image

    def blank(height: int) -> bytes:
        buffer = io.BytesIO()
        Image.new("RGB", (1000, height), "white").save(buffer, "PNG")
        return buffer.getvalue()

    monkeypatch.setenv("PLAYGROUND_MAX_ZIP_MEGAPIXELS", "2")  # two of these 1-megapixel pictures per upload
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.selectbox(key="dataset").set_value("my_images").run()
    files = [(f"![x](tracker.example){index}.png", blank(999 - index), "image/png") for index in range(3)]
    class_uploader(at, "Class 1").set_value(files).run()
    assert not at.exception
    warning = next(w.value for w in at.warning if "not added" in w.value)
    assert r"\!\[x\]\(tracker\.example\)2\.png" in warning  # the visitor's file name, shown as typed
    assert "as much as one upload may decode" in warning
    assert any("2 pictures" in c.value for c in at.caption)


def release_and_count():
    import streamlit as st
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    from ui.class_builder import release_uploaded_bytes

    files = st.file_uploader("Pictures", accept_multiple_files=True, key="files") or []
    context = get_script_run_ctx()
    ids = [upload.file_id for upload in files]
    held = len(context.uploaded_file_mgr.get_files(context.session_id, ids))
    release_uploaded_bytes(ids)
    st.write(f"held {held}, after {len(context.uploaded_file_mgr.get_files(context.session_id, ids))}")


def test_uploaded_files_are_released_once_their_pictures_are_decoded():
    """Streamlit keeps uploads in the server's memory for the whole session unless they are released."""
    at = AppTest.from_function(release_and_count).run()
    at.file_uploader(key="files").set_value(shape_files("circles", 2, 1)).run()
    assert not at.exception
    assert any(m.value == "held 2, after 0" for m in at.markdown)


def two_small_classes() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.selectbox(key="dataset").set_value("my_images").run()
    next(t for t in at.text_input if t.label == "Class name" and t.value == "Class 1").set_value("airplane").run()
    class_uploader(at, "airplane").set_value(shape_files("circles", 6, 1)).run()
    class_uploader(at, "Class 2").set_value(shape_files("squares", 6, 2)).run()
    assert not at.exception
    return at


def test_each_picture_is_listed_once_and_small_sets_are_not_offered_a_quick_look():
    at = two_small_classes()
    # The files leave the uploader once read: the thumbnails (with their remove buttons) are the one list.
    assert not class_uploader(at, "airplane").value and not class_uploader(at, "Class 2").value
    assert sum("6 pictures" in c.value for c in at.caption) == 2
    assert len([b for b in at.button if b.key and b.key.startswith("picture_remove_")]) == 12
    # 12 pictures (2 of them kept aside to test): "Quick look: 5,000 images" would mean nothing.
    assert not any(r.key == "train_subset" for r in at.radio)
    assert any("Trains on all" in c.value for c in at.caption)


def test_the_train_page_does_not_point_left_where_a_phone_shows_the_settings_above():
    at = AppTest.from_file(APP, default_timeout=60).run()
    shown = " ".join(str(e.value) for kind in ("info", "caption", "markdown") for e in at.get(kind))
    assert "Pick a dataset and a network" in shown and "on the left" not in shown
    assert any(r.key == "train_subset" for r in at.radio)  # MNIST's 60,000 images: a quick look is offered
