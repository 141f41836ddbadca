"""Retake docs/my_images_pretrained.png: two classes built in the browser, the pretrained network, Try it.

    .venv/bin/python docs/take_my_images_screenshot.py   # needs Chromium and the CIFAR-10 sample (README, Tests)

Pictures: 20 airplanes and 20 ships from the CIFAR-10 sample (PLAYGROUND_DATA_DIR, default ../shared/datasets).
"""
import io
import os
import sys
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser.conftest import CHROMIUM_FLAGS, chromium_path, running_app  # noqa: E402

SAMPLE = Path(os.environ.get("PLAYGROUND_DATA_DIR", ROOT.parent / "shared" / "datasets")) / "cifar10-jpeg" / \
    "cifar10_jpeg_sample.npz"


def files(pictures: np.ndarray, name: str) -> list[dict]:
    result = []
    for index, pixels in enumerate(pictures):
        buffer = io.BytesIO()
        Image.fromarray(pixels).resize((96, 96), Image.BICUBIC).save(buffer, "PNG")
        result.append({"name": f"{name}-{index}.png", "mimeType": "image/png", "buffer": buffer.getvalue()})
    return result


def rename(page, index: int, new: str) -> None:
    field = page.locator("[data-testid='stTextInput'] input").nth(index)  # the classes come first
    field.fill(new)
    field.press("Enter")
    page.get_by_text(f"Pictures of {new}").wait_for(timeout=30_000)


def main() -> None:
    with np.load(SAMPLE) as arrays:
        train_x, train_y, test_x, test_y = (arrays[k] for k in ("train_x", "train_y", "test_x", "test_y"))
    with running_app(Path(tempfile.mkdtemp())) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1500})
        page.goto(url)
        page.locator("[data-testid='stSelectbox']").filter(has_text="Dataset").click(timeout=180_000)
        page.get_by_role("option", name="My images (your own pictures)").click()
        for index, new, label in ((0, "airplane", 0), (1, "ship", 8)):
            rename(page, index, new)
            uploader = page.locator("[data-testid='stFileUploader']").filter(has_text=f"Pictures of {new}")
            uploader.locator("input[type='file']").set_input_files(files(train_x[train_y == label][:20], new))
            page.get_by_text("20 pictures").nth(0 if label == 0 else 1).wait_for(timeout=60_000)
        page.get_by_role("button", name="▶ Train").click()
        page.get_by_text("Test accuracy").wait_for(timeout=300_000)
        try_uploader = page.locator("[data-testid='stFileUploader']").filter(has_text="A new picture")
        try_uploader.locator("input[type='file']").set_input_files(files(test_x[test_y == 8][:1], "new-ship"))
        page.locator(".draw-answer").wait_for(timeout=60_000)
        page.wait_for_timeout(3_000)
        page.screenshot(path=ROOT / "docs" / "my_images_pretrained.png", full_page=True)
        browser.close()


if __name__ == "__main__":
    main()
