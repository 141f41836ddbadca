"""The Demo page in a real browser: another visitor opens the link, tries a picture, and can change nothing."""
import shutil
from pathlib import Path

import numpy as np
from PIL import Image

from core.store.runs import RunStore
from tests.browser.conftest import running_app

FIXTURE_RUNS = Path(__file__).resolve().parents[1] / "fixtures" / "runs"  # one MNIST run


def test_a_second_visitor_opens_a_demo_link_and_the_model_answers_a_picture(browser, tmp_path):
    shutil.copytree(FIXTURE_RUNS, tmp_path / "runs")
    (run,) = RunStore(tmp_path / "runs").list_runs()
    digit = tmp_path / "digit.png"
    canvas = np.zeros((28, 28), np.uint8)
    canvas[4:24, 12:16] = 255  # a plain stroke: a "1"
    Image.fromarray(canvas).save(digit)
    with running_app(tmp_path / "runs") as url:
        visitor = browser.new_context(viewport={"width": 1400, "height": 1000})  # not the run's owner
        page = visitor.new_page()
        page.goto(f"{url}/demo?model={run.id}")
        page.get_by_text("It tells these apart").wait_for(timeout=120_000)
        page.get_by_text("test pictures it had never seen").wait_for(timeout=60_000)
        page.locator("input[type='file']").first.set_input_files(str(digit))
        page.locator(".draw-answer").wait_for(timeout=120_000)
        assert page.locator(".draw-answer").inner_text().strip() in [str(n) for n in range(10)]
        for word in ("Delete", "Rename", "Stop", "Train"):
            assert page.get_by_role("button", name=word).count() == 0
        visitor.close()
