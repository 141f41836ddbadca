"""The hosted app under Streamlit Community Cloud's memory, with three visitors at once.

Starts `streamlit run deploy/cloud/streamlit_app.py` (the hosted profile) inside a 2.7 GB memory
cgroup, checks first that the limit bites (a process allocating more inside it is killed), then
three visitors in Chromium (browsers outside the limit, as they run on the visitors' machines):
one trains the default network, one draws digits on the Draw page, one goes through the Inspect
page's views, until the training ends. Prints the server's peak memory and whether anything was
killed. Without a writable cgroup it only measures the server's resident memory, and says so.

    .venv/bin/python -m bench.hosted_memory            # about 2 minutes on 2 quiet cores
    .venv/bin/python -m bench.hosted_memory --quick    # the trainer takes Quick look (5,000 images)
"""
from __future__ import annotations

import argparse
import math
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from functools import partial
from pathlib import Path

import psutil

from bench.app_start import CHROMIUM, CHROMIUM_FLAGS, _free_port
from bench.memory_limit import MemoryLimit

ROOT = Path(__file__).resolve().parent.parent
MAIN_FILE = "deploy/cloud/streamlit_app.py"
CLOUD_LIMIT_BYTES = 2_700_000_000  # Community Cloud: "up to 2.7 GB" for the whole app
MB = 1_000_000
PAGE_TIMEOUT_MS = 300_000  # a page rerun took over 2 minutes on the 2 shared cores at load 20-27
SCREENSHOT = os.path.join(tempfile.gettempdir(), "hosted-memory-{name}.png")
THINK_SECONDS = 2.0
SCRIPT_DONE = "[data-testid='stApp'][data-test-script-state='notRunning']"  # the page's rerun has ended  # a person looks at the answer before the next stroke or click


def figure(name: str, value: str) -> None:
    print(f"{name}: {value}", flush=True)


class Peak:
    """Polls the server's memory (cgroup total, and resident memory of its process tree) in a thread."""

    def __init__(self, server: psutil.Process, limit: MemoryLimit | None):
        self.server, self.limit = server, limit
        self.rss = self.anonymous = self.cgroup = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def _poll(self) -> None:
        while not self._stop.wait(0.1):
            try:
                memory = [process.memory_info() for process in [self.server, *self.server.children(recursive=True)]]
                self.rss = max(self.rss, sum(info.rss for info in memory))
                self.anonymous = max(self.anonymous, sum(info.rss - info.shared for info in memory))
            except psutil.Error:
                pass  # a process ended between listing and reading: the next poll counts again
            if self.limit is not None:
                self.cgroup = max(self.cgroup, self.limit.usage_bytes())

    def __enter__(self) -> Peak:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def start_server(runs_dir: str, limit: MemoryLimit | None) -> subprocess.Popen:
    port = _free_port()
    environment = {key: value for key, value in os.environ.items() if not key.startswith("PLAYGROUND_")}
    environment["PLAYGROUND_RUNS_DIR"] = runs_dir
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(ROOT / MAIN_FILE), "--server.port",
                               str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false"],
                              cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              preexec_fn=limit.enter if limit else None)
    server.url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and server.poll() is None:
        try:
            urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=2)
            return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise RuntimeError(f"streamlit run {MAIN_FILE} did not answer within 120 s")


def visitor(name: str, url: str, act, done: threading.Event, results: dict) -> None:
    """One person in their own Chromium; act(page, done) returns what they did, stored in results."""
    from playwright.sync_api import sync_playwright

    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url)
            try:
                results[name] = act(page, done, results)
            finally:
                if name not in results:  # what the visitor saw when it went wrong
                    page.screenshot(path=SCREENSHOT.format(name=name))
            browser.close()
    except Exception as error:  # reported, and the run counts as failed
        done_so_far = results.get(f"{name} so far", "nothing yet")
        results[name] = (f"FAILED after {done_so_far}: {type(error).__name__}: {str(error).splitlines()[0]} "
                         f"(screen: {SCREENSHOT.format(name=name)})")
    finally:
        if name == "trainer":
            done.set()


def train(page, done, results: dict, quick: bool = False) -> str:
    page.get_by_role("button", name="▶ Train").wait_for(timeout=PAGE_TIMEOUT_MS)
    if quick:
        page.get_by_text("Quick look: 5,000 images").click()
    started = time.perf_counter()
    page.get_by_role("button", name="▶ Train").click()
    page.get_by_text("Test accuracy").wait_for(timeout=900_000)
    seconds = time.perf_counter() - started
    accuracy = page.locator("[data-testid='stMetricValue']").first.inner_text()
    images = "5,000" if quick else "all 60,000"
    return f"the Train page's default network and settings (MNIST, {images} images) in {seconds:.0f} s, test accuracy {accuracy}"


INK = "canvas => canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data.some(v => v > 128)"


def stroke(page, points: list[tuple[float, float]]) -> None:
    """Draw one stroke like a hand; again if it did not land (a canvas being replaced after Clear)."""
    for _ in range(5):
        canvas = page.locator("canvas.upper-canvas")
        canvas.wait_for(timeout=PAGE_TIMEOUT_MS)
        box = canvas.bounding_box()
        page.mouse.move(box["x"] + points[0][0], box["y"] + points[0][1])
        page.mouse.down()
        for x, y in points[1:]:
            page.mouse.move(box["x"] + x, box["y"] + y, steps=6)
        page.mouse.up()
        if page.locator("canvas.dc-canvas.lower-canvas").evaluate(INK):
            return
        time.sleep(1)
    raise RuntimeError("five strokes in a row left no ink on the canvas")


def draw(page, done, results: dict) -> str:
    page.get_by_text("Draw a digit (0 to 9)").wait_for(timeout=PAGE_TIMEOUT_MS)
    one = [(145, 40), (143, 100), (141, 160), (140, 235)]
    zero = [(140 + 60 * math.sin(2 * math.pi * t / 36), 140 - 95 * math.cos(2 * math.pi * t / 36)) for t in range(38)]
    drawings = 0
    while not done.is_set() or drawings == 0:
        stroke(page, one if drawings % 2 == 0 else zero)
        page.locator(".draw-answer").wait_for(timeout=PAGE_TIMEOUT_MS)
        drawings += 1
        results["drawer so far"] = f"{drawings} digits drawn and read"
        time.sleep(THINK_SECONDS)
        old_canvas = page.locator("canvas.upper-canvas").element_handle()
        page.get_by_role("button", name="Clear").click()  # a new, empty canvas replaces the old one
        page.wait_for_function("canvas => !canvas.isConnected", arg=old_canvas, timeout=PAGE_TIMEOUT_MS)
        page.locator(".draw-answer").wait_for(state="detached", timeout=PAGE_TIMEOUT_MS)
        # A person looks at the empty canvas before drawing again. Drawn at once, while the server was
        # still busy with the rerun the new canvas starts, a stroke was sometimes wiped (1 run in 4).
        page.wait_for_selector(SCRIPT_DONE, timeout=PAGE_TIMEOUT_MS)
        time.sleep(THINK_SECONDS / 2)
    return f"{drawings} digits drawn and read"


def inspect(page, done, results: dict) -> str:
    page.get_by_text("The model says").wait_for(timeout=PAGE_TIMEOUT_MS)
    views = ["Architecture", "Filters", "Feature maps", "Pooling", "Convolution", "Saliency", "Errors"]
    shown = 0
    while not done.is_set() or shown < len(views):
        page.get_by_role("tab", name=views[shown % len(views)]).click()
        page.wait_for_selector(SCRIPT_DONE, timeout=PAGE_TIMEOUT_MS)
        shown += 1
        results["inspector so far"] = f"{shown} Inspect views shown"
        time.sleep(THINK_SECONDS)
    return f"{shown} Inspect views shown"


def checked_limit(limit_bytes: int) -> MemoryLimit | None:
    """The server's memory cgroup, after a twin of it has shown that it kills a process going over."""
    probe = MemoryLimit.create(limit_bytes)
    bites = probe is not None and probe.bites()
    if probe is not None:
        probe.remove()
    limit = MemoryLimit.create(limit_bytes) if bites else None
    if limit is None:
        figure("memory_limit", "none could be set here (no writable memory cgroup): resident memory measured only")
    else:
        figure("memory_limit", f"cgroup {limit.version}, {limit_bytes / MB:,.0f} MB for the server and its children "
                               "(checked: a process allocating more in the same kind of cgroup is killed)")
    return limit


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit-gb", type=float, default=CLOUD_LIMIT_BYTES / 1e9, help="memory limit, in GB")
    parser.add_argument("--quick", action="store_true", help="the trainer picks Quick look (5,000 images): for a "
                        "busy machine, where a full run takes many minutes; the same data is in memory")
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        figure("skipped", f"no Chromium at {CHROMIUM}")
        return 0
    figure("machine", f"{os.cpu_count()} cores | load {' '.join(f'{x:.1f}' for x in os.getloadavg())} (1, 5, 15 min)")
    limit = checked_limit(int(args.limit_gb * 1e9))
    kills_before = limit.oom_kills() if limit else 0
    runs_dir = tempfile.mkdtemp(prefix="hosted-memory-runs-")
    started = time.perf_counter()
    server = start_server(runs_dir, limit)
    results, done = {}, threading.Event()
    try:
        with Peak(psutil.Process(server.pid), limit) as peak:
            first = threading.Thread(target=visitor, args=("first page", server.url, lambda page, *_: page.get_by_role(
                "button", name="▶ Train").wait_for(timeout=PAGE_TIMEOUT_MS), threading.Event(), results))
            first.start()
            first.join()
            figure("cold_start_seconds", f"{time.perf_counter() - started:.1f} (streamlit run until the Train page "
                                         "is ready in Chromium, MNIST loaded)")
            figure("memory_after_start_mb", f"{peak.rss / MB:,.0f} resident")
            visitors = [threading.Thread(target=visitor, args=(name, f"{server.url}/{path}", act, done, results))
                        for name, path, act in (("trainer", "", partial(train, quick=args.quick)), ("drawer", "draw", draw),
                                                ("inspector", "inspect", inspect))]
            for thread in visitors:
                thread.start()
            for thread in visitors:
                thread.join()
        alive = server.poll() is None
        kills = (limit.oom_kills() - kills_before) if limit else 0
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        if limit is not None:
            limit.remove()
    for name in ("trainer", "drawer", "inspector"):
        figure(f"visitor[{name}]", str(results.get(name)))
    figure("server_memory_peak", f"{peak.rss / MB:,.0f} MB resident (of which {peak.anonymous / MB:,.0f} MB not "
                                 f"backed by files)" + (f" | {peak.cgroup / MB:,.0f} MB charged to the cgroup" if limit else ""))
    failed = [name for name in ("trainer", "drawer", "inspector") if str(results.get(name)).startswith("FAILED")]
    figure("killed", "nothing: the server lived through it, no process went over the limit" if alive and not kills
           else f"server alive: {alive}, processes killed for memory: {kills}")
    figure("load_after", " ".join(f"{x:.1f}" for x in os.getloadavg()))
    return 0 if alive and not kills and not failed else 1


if __name__ == "__main__":
    sys.exit(main())
