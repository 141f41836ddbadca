"""Every name a visitor gives (class, run, dataset, bundle names) is shown as text on every page (issue 28, item 3).

Streamlit reads Markdown in messages, captions, widget labels, help texts, radio options and image captions,
and Plotly reads a little HTML in chart labels. Each page is rendered with hostile names; every such string
is rendered as Streamlit would (Markdown, with raw HTML on for strictness) and must hold no link, image or
bold made from a name, while the names themselves must still be shown.
"""
import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

from core.basics.config import DataConfig, ModelConfig, RunConfig, TrainConfig
from core.data.picture_set import PictureSet
from core.data.registry import register_custom
from core.runners.runtime import make_runner
from core.store.bundle_file import pack_bundle
from core.store.runs import RunStore
from tests.shapes import shape_image

APP = str(Path(__file__).resolve().parents[2] / "app.py")
HOSTILE = ("[x](http://a)", "![x](http://a/p.png)", "<img src=x>", "**b**")
RUN_NAME = " ".join(HOSTILE)
MADE_FROM_A_NAME = ('href="http://a"', 'src="http://a/p.png"', "<strong>b</strong>", "<img src=x>")
MARKDOWN = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
PLAIN_TEXT_FIELDS = {"default", "value", "raw_value", "options", "placeholder", "data", "arrow_data", "id",
                     "form_id", "spec", "type", "icon"}  # not Markdown (selectbox options, typed values, data)


def pictures_with_hostile_names(per_class: int) -> PictureSet:
    pictures, rng = PictureSet(), np.random.default_rng(3)
    for name, kind in zip(HOSTILE, ("circles", "squares", "triangles", "circles")):
        pictures.add_class(name)
        pictures.add_files(name, [(f"{kind}{index}.png", shape_image(kind, rng)) for index in range(per_class)])
    return pictures


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    """A finished run on classes with hostile names, itself renamed with a hostile name, and its bundle."""
    root = tmp_path_factory.mktemp("runs")
    dataset = pictures_with_hostile_names(8).to_dataset(32, True)
    register_custom(dataset)
    config = RunConfig(DataConfig(dataset.info.name, custom_classes=dataset.info.classes,
                                  custom_shape=dataset.info.input_shape), ModelConfig("fast_cnn"),
                       TrainConfig("adam", 0.003, 16, 1))
    store = RunStore(root)
    runner = make_runner(max_parallel=1, store=store)
    job = runner.submit(config, dataset)
    assert job.wait(timeout=300) and job.status == "finished", job.error
    store.rename(job.id, RUN_NAME)
    return root, job.id, pack_bundle(store.folder(job.id) / "best")


@pytest.fixture
def runs_dir(hostile_run, tmp_path, monkeypatch):
    root, run_id, bundle = hostile_run
    copy = tmp_path / "runs"
    shutil.copytree(root, copy)
    monkeypatch.setenv("PLAYGROUND_RUNS_DIR", str(copy))
    monkeypatch.delenv("PLAYGROUND_HOSTED", raising=False)
    return copy, run_id, bundle


def markdown_strings(message, field: str = "") -> list[str]:
    """Every string of an element's protobuf that Streamlit may render as Markdown."""
    if isinstance(message, str):
        return [] if field in PLAIN_TEXT_FIELDS else [message]
    if isinstance(message, (bytes, int, float, bool)) or message is None:
        return []
    if isinstance(message, (list, tuple)) or type(message).__name__.startswith("Repeated"):
        return [text for item in message for text in markdown_strings(item, field)]
    if not hasattr(message, "ListFields"):
        return []
    return [text for descriptor, value in message.ListFields() if descriptor.name not in PLAIN_TEXT_FIELDS
            for text in markdown_strings(value, descriptor.name)]


def elements(node) -> list:
    children = getattr(node, "children", {})
    return [node, *[element for child in children.values() for element in elements(child)]]


def chart_strings(spec) -> list[str]:
    if isinstance(spec, str):
        return [spec]
    if isinstance(spec, dict):
        return [text for value in spec.values() for text in chart_strings(value)]
    if isinstance(spec, list):
        return [text for value in spec for text in chart_strings(value)]
    return []


def assert_names_are_text(at: AppTest, shown: tuple[str, ...] = HOSTILE) -> None:
    """No link, image or bold made from a name; at least one of the names shown as text."""
    assert not at.exception, at.exception[0].value
    rendered, charts = [], []
    for element in elements(at._tree):
        proto = getattr(element, "proto", None)
        if proto is None:
            continue
        if type(proto).__name__ == "PlotlyChart":
            charts += chart_strings(json.loads(proto.spec))
        elif type(proto).__name__ not in ("Html", "Arrow", "DataFrame"):  # st.html escapes itself (ui/draw_figures)
            rendered += [MARKDOWN.render(text) for text in markdown_strings(proto)]
    for html in rendered:
        for made in MADE_FROM_A_NAME:
            assert made not in html, f"{made} made from a name in: {html}"
    for text in charts:
        assert "<img src=x>" not in text and "<a " not in text, f"chart text reads HTML: {text}"
    page = " ".join(rendered)
    escaped = [name.replace("<", "&lt;").replace(">", "&gt;") for name in shown]  # as rendered Markdown shows text
    assert not shown or any(name in page for name in escaped), f"none of {shown} is shown in {page}"


def test_the_class_builder_shows_class_names_as_text():
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["picture_set"] = pictures_with_hostile_names(2)
    at.run()
    at.selectbox(key="dataset").set_value("my_images").run()
    assert any("add more to" in info.value for info in at.info)  # the message that names the classes
    assert_names_are_text(at)


def test_the_runs_page_shows_run_class_and_bundle_names_as_text(runs_dir):
    _, run_id, bundle = runs_dir
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["owned_runs"] = [run_id]
    at.switch_page("pages/runs.py").run()
    at.multiselect(key="picked_runs").set_value([run_id]).run()
    next(button for button in at.button if button.label.startswith("Delete")).click().run()
    assert any("Delete" in warning.value for warning in at.warning)
    assert_names_are_text(at, shown=HOSTILE)
    at.file_uploader(key="bundle_upload").set_value(("hostile.zip", bundle, "application/zip")).run()
    assert any("Added" in success.value for success in at.success)
    assert_names_are_text(at, shown=())


@pytest.mark.parametrize("view", ["Errors", "Saliency"])
def test_inspect_shows_class_names_as_text(runs_dir, view):
    _, run_id, _ = runs_dir
    at = AppTest.from_file(APP, default_timeout=120)
    at.session_state["inspect_view"] = view
    at.switch_page("pages/inspect.py").run()
    at.selectbox(key="inspect_model").set_value(f"run:{run_id}").run()
    assert_names_are_text(at)


def test_the_draw_page_charts_class_names_as_text(runs_dir):
    _, run_id, _ = runs_dir
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page("pages/draw.py").run()
    at.selectbox(key="draw_model").set_value(f"run:{run_id}").run()
    at.file_uploader(key="draw_upload").upload("c.png", shape_image("circles", np.random.default_rng(1))).run()
    specs = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    axes = [label for spec in specs for trace in spec["data"] for label in trace.get("x") or []]
    assert "&lt;img src=x&gt;" in axes  # the bars of the answer name every class, as text
    assert_names_are_text(at, shown=())
