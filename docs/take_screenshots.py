"""Retake the README's screenshots: docs/train.png (a default run) and docs/inspect.png.

    .venv/bin/python docs/take_screenshots.py     # needs Chromium (see README, Tests); about a minute

Starts the app on a free port with a temporary runs folder, drives it with Playwright like a user.
"""
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser.conftest import CHROMIUM_FLAGS, chromium_path, running_app  # noqa: E402


def main() -> None:
    with running_app(Path(tempfile.mkdtemp())) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 950})
        page.goto(url)
        page.get_by_role("button", name="▶ Train").click()
        page.get_by_text("Test accuracy").wait_for(timeout=300_000)  # the Fast CNN's 4 epochs
        page.wait_for_timeout(2_000)
        page.screenshot(path=ROOT / "docs" / "train.png")
        page.get_by_test_id("stSidebar").get_by_text("Inspect").click()
        page.get_by_role("tab", name="Feature maps").click()
        page.get_by_text("is a filter's answer at every position").first.wait_for(timeout=60_000)
        page.wait_for_timeout(3_000)
        page.screenshot(path=ROOT / "docs" / "inspect.png")
        browser.close()


if __name__ == "__main__":
    main()
