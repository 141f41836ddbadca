"""Visitors who bypass the browser post many large files straight at Streamlit's upload endpoint (issue 28, item 2).

The hosted app (deploy/cloud/streamlit_app.py) runs under a memory cgroup (2.7 GB, as Streamlit
Community Cloud gives). Each visitor opens the app in Chromium, which makes a real session; the
visitor adds one small picture through the page, and the benchmark reads from that request what
the frontend sends (the upload URL with the session id, the XSRF header and cookie). Then all
visitors PUT their files at once from threads, as a script would, while another thread asks
/_stcore/health every half second. Prints: files accepted and refused, peak memory, whether
anything was killed, and how health answered throughout.

    python -m bench.upload_attack            # 4 visitors x 100 files of the largest size allowed
    python -m bench.upload_attack --quick    # 2 x 10 small files, small caps, no cgroup (a smoke test)
"""
from __future__ import annotations

import argparse
import http.client
import os
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import numpy as np
import psutil

from bench.app_start import CHROMIUM, CHROMIUM_FLAGS, _free_port
from bench.hosted_memory import CLOUD_LIMIT_BYTES, MAIN_FILE, MB, ROOT, Peak, checked_limit, figure
from tests.shapes import shape_image

PAGE_TIMEOUT_MS = 300_000


def start_server(runs_dir: str, limit, settings: dict[str, str]) -> subprocess.Popen:
    """streamlit run of the hosted entry point in the cgroup, with these PLAYGROUND_* settings on top."""
    port = _free_port()
    environment = {key: value for key, value in os.environ.items() if not key.startswith("PLAYGROUND_")}
    environment.update(settings, PLAYGROUND_RUNS_DIR=runs_dir)
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(ROOT / MAIN_FILE), "--server.port",
                               str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false"],
                              cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              preexec_fn=limit.enter if limit else None)
    server.url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline and server.poll() is None:
        try:
            urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=2)
            return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise RuntimeError(f"streamlit run {MAIN_FILE} did not answer within 180 s")


def open_session(browser, url: str) -> dict:
    """A visitor's real session: the upload URL prefix, headers and cookie its frontend uses."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(url)
    page.locator("[data-testid='stSelectbox']").filter(has_text="Dataset").click(timeout=PAGE_TIMEOUT_MS)
    page.get_by_role("option", name="My images (your own pictures)").click()
    uploader = page.locator("[data-testid='stFileUploader']").filter(has_text="Pictures of Class 1")
    with page.expect_request(lambda request: request.method == "PUT" and "/_stcore/upload_file/" in request.url,
                             timeout=PAGE_TIMEOUT_MS) as upload:
        uploader.locator("input[type='file']").set_input_files(
            [{"name": "one.png", "mimeType": "image/png", "buffer": shape_image("circles", np.random.default_rng(0))}])
    request = upload.value
    cookies = "; ".join(f"{c['name']}={c['value']}" for c in context.cookies())
    prefix = request.url.rsplit("/", 1)[0]
    return {"page": page, "prefix": prefix, "xsrf": request.headers.get("x-xsrftoken", ""), "cookie": cookies}


def multipart(data: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"photo.jpg\"\r\n"
            "Content-Type: image/jpeg\r\n\r\n").encode()
    return head + data + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def put(session: dict, body: bytes, content_type: str) -> str:
    """One file PUT as the frontend does; returns the HTTP status (or the error's name)."""
    url = urlsplit(f"{session['prefix']}/{uuid.uuid4()}")
    try:
        connection = http.client.HTTPConnection(url.hostname, url.port, timeout=300)
        connection.request("PUT", url.path, body=body, headers={
            "Content-Type": content_type, "X-Xsrftoken": session["xsrf"], "Cookie": session["cookie"]})
        status = connection.getresponse().status
        connection.close()
        return str(status)
    except OSError as error:
        return type(error).__name__


class Health:
    """Asks /_stcore/health every half second in a thread: answers, failures, slowest answer."""

    def __init__(self, url: str):
        self.url, self.answered, self.failed, self.slowest = url, 0, 0, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def _poll(self) -> None:
        while not self._stop.wait(0.5):
            started = time.perf_counter()
            try:
                urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=10).read()
                self.answered += 1
            except OSError:
                self.failed += 1
            self.slowest = max(self.slowest, time.perf_counter() - started)

    def __enter__(self) -> Health:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visitors", type=int, default=4)
    parser.add_argument("--files", type=int, default=100, help="files each visitor posts at once")
    parser.add_argument("--limit-gb", type=float, default=CLOUD_LIMIT_BYTES / 1e9, help="memory cgroup, in GB (0: none)")
    parser.add_argument("--quick", action="store_true", help="2 visitors x 10 files of 2 MB, caps of 5 and 8 MB, no cgroup")
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        figure("skipped", f"no Chromium at {CHROMIUM}")
        return 0
    settings = {"PLAYGROUND_MAX_UPLOAD_MB": "2", "PLAYGROUND_UPLOADS_HELD_MB": "5",
                "PLAYGROUND_UPLOADS_HELD_MB_TOTAL": "8"} if args.quick else {}
    visitors, files = (2, 10) if args.quick else (args.visitors, args.files)
    file_mb = int(settings.get("PLAYGROUND_MAX_UPLOAD_MB", "20"))  # the hosted PLAYGROUND_MAX_UPLOAD_MB
    figure("machine", f"{os.cpu_count()} cores | load {' '.join(f'{x:.1f}' for x in os.getloadavg())} (1, 5, 15 min)")
    limit = checked_limit(int(args.limit_gb * 1e9)) if args.limit_gb and not args.quick else None
    kills_before = limit.oom_kills() if limit else 0
    server = start_server(tempfile.mkdtemp(prefix="upload-attack-runs-"), limit, settings)
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright, Peak(psutil.Process(server.pid), limit) as peak:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
            sessions = [open_session(browser, server.url) for _ in range(visitors)]
            figure("memory_before_attack_mb", f"{peak.rss / MB:,.0f} resident" +
                   (f" | {limit.usage_bytes() / MB:,.0f} charged to the cgroup" if limit else ""))
            body, content_type = multipart(os.urandom(file_mb * 2**20 - 4096))  # just under the largest allowed
            started = time.perf_counter()
            with Health(server.url) as health, ThreadPoolExecutor(visitors * files) as pool:
                statuses = Counter(pool.map(lambda session: put(session, body, content_type),
                                            [session for session in sessions for _ in range(files)]))
            seconds = time.perf_counter() - started
            alive = server.poll() is None
            browser.close()
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
    figure("attack", f"{visitors} visitors x {files} files of {file_mb} MB at once, straight at the endpoint, "
                     f"{seconds:.1f} s")
    figure("responses", ", ".join(f"{count} x {status}" for status, count in sorted(statuses.items())) +
           " (204 kept, 413 refused: too large or the held-bytes cap)")
    figure("server_memory_peak", f"{peak.rss / MB:,.0f} MB resident" +
           (f" | {peak.cgroup / MB:,.0f} MB charged to the cgroup (limit {limit.limit_bytes / MB:,.0f})" if limit else ""))
    figure("killed", "nothing" if alive and not kills else f"server alive: {alive}, processes killed for memory: {kills}")
    figure("health", f"answered {health.answered} of {health.answered + health.failed} asks during the attack, "
                     f"slowest {health.slowest:.2f} s")
    figure("load_after", " ".join(f"{x:.1f}" for x in os.getloadavg()))
    return 0 if alive and not kills and not health.failed else 1


if __name__ == "__main__":
    sys.exit(main())
