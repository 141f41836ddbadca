"""The app as a user meets it: cold start, memory, and training through the page."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for_page(url: str, timeout: float) -> None:
    """Until the Train page's title is drawn in Chromium (or, without a browser, the server answers)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    if not CHROMIUM.exists():
        return
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        page = browser.new_page()
        page.goto(url)
        page.get_by_text("Train a network").wait_for(timeout=timeout * 1000)
        page.get_by_role("button", name="▶ Train").wait_for(timeout=timeout * 1000)  # MNIST is loaded
        browser.close()


def _start_server(port: int, runs: str | None = None) -> subprocess.Popen:
    """`streamlit run app.py` in the background, as `make run` starts it."""
    env = dict(os.environ, **({"PLAYGROUND_RUNS_DIR": runs} if runs else {}))
    return subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
                             "--server.port", str(port), "--server.headless", "true"],
                            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)


def cold_start(timeout: float = 120) -> tuple[float, float]:
    """Seconds from `streamlit run app.py` to the first page drawn, and the server's memory (MB) then."""
    import psutil

    port = _free_port()
    started = time.perf_counter()
    server = _start_server(port)
    try:
        _wait_for_page(f"http://127.0.0.1:{port}", timeout)
        seconds = time.perf_counter() - started
        time.sleep(1)
        megabytes = psutil.Process(server.pid).memory_info().rss / 2**20
    finally:
        server.terminate()
        server.wait(timeout=10)
    return seconds, megabytes


READING_SECONDS = 3.0

# True once the live chart (ui/live_chart.js, a canvas) shows at least one training point.
FIRST_POINT_SHOWN = """() => [...document.querySelectorAll('canvas[data-training-points]')].some(
    canvas => Number(canvas.dataset.trainingPoints) > 0)"""


def default_setup_link(train_subset: int, epochs: int) -> str:
    """A share link's query string: the default network with its published settings (a link leaves out
    only what equals RunConfig's own defaults, so it must be built from the whole config)."""
    from urllib.parse import urlencode

    from core.basics.choices import PRESETS
    from core.basics.config import DataConfig, ModelConfig, RunConfig, TrainConfig
    from core.store.share import to_query

    preset = PRESETS[ModelConfig().preset]
    config = RunConfig(DataConfig(train_subset=train_subset), ModelConfig(preset.key, dropout=preset.dropout),
                       TrainConfig(preset.optimizer, preset.learning_rate, preset.batch_size, epochs,
                                   schedule=preset.schedule))
    return urlencode(to_query(config))


def train_in_browser(train_subset: int, epochs: int, timeout: float = 600) -> tuple[float, float] | None:
    """Press Train in Chromium on this same machine and watch the live page until the run ends.

    Returns the run's own training time (the browser's drawing competes with it) and the seconds from
    the click to the first point on the live chart; None without Chromium.
    """
    if not CHROMIUM.exists():
        return None
    from playwright.sync_api import sync_playwright

    port, runs = _free_port(), tempfile.mkdtemp(prefix="bench-runs-")
    server = _start_server(port, runs)
    try:
        _wait_for_page(f"http://127.0.0.1:{port}", 120)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
            page = browser.new_page(viewport={"width": 1400, "height": 950})
            page.goto(f"http://127.0.0.1:{port}/?{default_setup_link(train_subset, epochs)}")
            button = page.get_by_role("button", name="▶ Train")
            button.wait_for(timeout=timeout * 1000)
            # A person reads the page before pressing Train. Meanwhile the app pays PyTorch's one-time
            # import (core/engine/warm_up.py, about 2 s here) that a click in the page's first second waits for.
            time.sleep(READING_SECONDS)
            pressed = time.perf_counter()
            button.click()
            page.wait_for_function(FIRST_POINT_SHOWN, timeout=timeout * 1000, polling=20)
            first_point = time.perf_counter() - pressed
            page.get_by_text("Test accuracy").wait_for(timeout=timeout * 1000)
            browser.close()
        status = next(Path(runs).glob("*/status.json"))
        return json.loads(status.read_text())["elapsed"], first_point
    finally:
        server.terminate()
        server.wait(timeout=10)


def train_through_app(train_subset: int, epochs: int, timeout: float = 600) -> float:
    """Press Train on the real page (AppTest, in this process) and rerun the whole page every second
    (the page itself redraws only its live part, every 2 s); returns the run's own training time."""
    from streamlit.testing.v1 import AppTest

    from core.runners.runtime import get_runner
    from core.engine.events import Done

    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    app.radio(key="train_subset").set_value(train_subset)  # one of the page's choices: 0 or 5000
    app.number_input(key="epochs").set_value(epochs)
    next(button for button in app.button if "Train" in button.label).click()
    app.run()
    job = get_runner().get(app.session_state["job_id"])
    deadline = time.monotonic() + timeout
    while not job.is_done and time.monotonic() < deadline:
        time.sleep(1)
        app.run()
    return next(e for e in job.events() if isinstance(e, Done)).elapsed
