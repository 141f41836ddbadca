"""Real-browser fixtures: `streamlit run app.py` on a free port, driven by Playwright + Chromium."""
import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]


def chromium_path() -> str | None:
    """Debian's Chromium (or CHROMIUM_PATH); None when no browser is installed."""
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_app(runs_dir: Path, main_file: str = "app.py"):
    """`streamlit run <main_file>` (from the project folder) on a free port, until the block ends; yields its URL."""
    port = _free_port()
    env = dict(os.environ, PLAYGROUND_RUNS_DIR=str(runs_dir))
    command = [sys.executable, "-m", "streamlit", "run", str(ROOT / main_file), "--server.port", str(port),
               "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    else:
        server.kill()
        pytest.fail(f"streamlit run {main_file} did not answer within 60 s")
    try:
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)  # a busy machine can take a while to shut a training server down
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="session")
def app_url(tmp_path_factory):
    """Start the app once for all browser tests; yields its URL."""
    with running_app(tmp_path_factory.mktemp("runs")) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        pytest.skip("No Chromium found (install Debian's chromium, or set CHROMIUM_PATH): browser tests skipped")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, app_url):
    """A fresh browser tab (its own Streamlit session) on the app."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    tab.goto(app_url)
    tab.wait_for_selector("[data-testid='stApp']", timeout=30_000)
    yield tab
    context.close()
