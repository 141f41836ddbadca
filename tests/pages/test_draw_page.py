"""The Draw page reads a drawing or an upload with the shipped demo model, and refuses bad files in plain words.

AppTest cannot move a mouse, so these tests hand the canvas the PNG its browser side would send
(the component's state); tests/browser/test_draw_browser.py draws with a real mouse.
"""
import base64
import io
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image
from streamlit.testing.v1 import AppTest

from core.basics.config import DataConfig, ModelConfig, RunConfig, TrainConfig
from core.data.dataset import Dataset
from core.data.registry import REGISTRY
from core.runners.runtime import get_runner
from tests import drawings

APP = str(Path(__file__).resolve().parents[2] / "app.py")


def png(pixels: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG")
    return buffer.getvalue()


def open_draw_page(**state) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in state.items():
        at.session_state[key] = value
    at.run()
    at.switch_page("pages/draw.py").run()
    assert not at.exception, at.exception[0].value if at.exception else ""
    return at


def draw(at: AppTest, pixels: np.ndarray) -> AppTest:
    """What the canvas sends after a stroke: the whole canvas as a PNG data URL."""
    url = "data:image/png;base64," + base64.b64encode(png(pixels)).decode()
    number = at.session_state["draw_canvas_number"] if "draw_canvas_number" in at.session_state else 0
    at.session_state[f"draw_canvas_{number}"] = {"drawing": {"raw": {"objects": [{"type": "path"}]}, "data": url},
                                                 "backgroundFit": None}
    return at.run()


def answer(at: AppTest) -> str | None:
    """The large answer, as the page shows it."""
    shown = [element.proto.body for element in at.get("html") if "draw-answer" in element.proto.body]
    return shown[0].split('class="draw-answer" ')[1].split(">")[1].split("<")[0] if shown else None


def text_of(at: AppTest) -> str:
    return " ".join(str(e.value) for kind in ("markdown", "caption", "info", "error") for e in at.get(kind))


def test_first_visit_uses_the_demo_model_and_asks_for_a_digit():
    at = open_draw_page()
    assert at.selectbox(key="draw_model").value == "demo"  # even when other visitors saved runs
    assert "Demo model" in at.selectbox(key="draw_model").options[0]
    assert "Draw a digit" in text_of(at)
    assert answer(at) is None and not at.get("plotly_chart")


@pytest.mark.parametrize("digit, pixels", [("0", drawings.zero()), ("7", drawings.seven())])
def test_a_drawing_is_answered_and_can_be_inspected(digit, pixels):
    at = draw(open_draw_page(), pixels)
    assert not at.exception and not at.error
    assert answer(at) == digit
    assert len(at.get("plotly_chart")) == 2  # what the model sees, the probabilities
    drawn = at.session_state["drawn_image"]
    assert drawn.shape == (1, 28, 28) and drawn.dtype == np.float32 and 200 < drawn.max() <= 255
    assert at.get("page_link")[0].proto.page.endswith("inspect")


def test_clear_empties_the_canvas_and_the_prompt_comes_back():
    at = draw(open_draw_page(), drawings.one())
    assert answer(at) == "1"
    at.button(key="draw_clear").click().run()
    assert answer(at) is None and "Draw a digit" in text_of(at)
    assert at.session_state["draw_canvas_number"] == 1  # a new, empty canvas


def test_a_nearly_empty_canvas_gets_the_prompt_not_a_guess():
    at = draw(open_draw_page(), drawings.canvas([(100, 100), (103, 102)], width=4))
    assert answer(at) is None and "Draw a digit" in text_of(at)


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    if at.radio(key="draw_source").value != "Upload a picture":
        at.radio(key="draw_source").set_value("Upload a picture").run()
    return at.file_uploader(key="draw_upload").upload(name, data).run()


def test_an_uploaded_photo_of_dark_ink_on_paper_is_read():
    at = upload(open_draw_page(), "zero.png", png(drawings.zero(ink=20, paper=235)[..., :3]))
    assert not at.exception and not at.error
    assert answer(at) == "0"
    assert at.session_state["drawn_image"].shape == (1, 28, 28)


@pytest.mark.parametrize("name, data, words", [
    ("notes.png", b"just some text, renamed", "not a picture"),
    ("cut.png", png(drawings.one())[:200], "not a picture"),
    ("blank.png", png(np.full((100, 100), 255, dtype=np.uint8)), "no digit"),
])
def test_a_bad_upload_is_refused_in_plain_words(name, data, words):
    at = upload(open_draw_page(), name, data)
    assert not at.exception
    assert words in at.error[0].value
    assert answer(at) is None


@pytest.fixture(scope="module")
def colour_job() -> str:
    """A CIFAR-10-shaped model, trained for a moment on random pictures (enough to answer)."""
    info = REGISTRY["cifar10"]
    images, labels = torch.randint(0, 256, (64, 3, 32, 32), dtype=torch.uint8), torch.arange(64) % 10
    dataset = Dataset(info, images, labels, images[:10], labels[:10], source="test")
    config = RunConfig(DataConfig("cifar10"), ModelConfig(preset="tiny_cifar"), TrainConfig(batch_size=32, epochs=1))
    job = get_runner().submit(config, dataset)
    assert job.wait(timeout=120) and job.status == "finished", job.error
    return job.id


def test_a_colour_model_offers_upload_instead_of_drawing(colour_job):
    at = open_draw_page(job_ids=[colour_job])
    assert "on cifar10" in at.selectbox(key="draw_model").options[0]
    assert at.title[0].value == "Show the model a picture"
    assert "Drawing is for models of handwritten digits" in text_of(at)
    assert not at.radio and len(at.file_uploader) == 1
    red = np.zeros((60, 90, 3), dtype=np.uint8)
    red[..., 0] = 255
    at.file_uploader(key="draw_upload").upload("red.png", png(red)).run()
    assert not at.exception and not at.error
    assert answer(at) in REGISTRY["cifar10"].classes
    assert not at.get("page_link")  # feature maps of a drawing are for digit models


def test_a_colour_model_offers_the_demo_model_for_drawing_in_one_click(colour_job):
    """After a run on colour pictures the page is still one click from a canvas."""
    at = open_draw_page(job_ids=[colour_job])
    assert at.selectbox(key="draw_model").value == f"job:{colour_job}"
    at.button(key="draw_use_demo").click().run()
    assert not at.exception
    assert at.selectbox(key="draw_model").value == "demo"
    assert at.title[0].value == "Draw a digit" and at.radio(key="draw_source").value == "Draw"
    assert any(PROMPT_START in e.value for e in at.info)


PROMPT_START = "**Draw a digit** (0 to 9)"
