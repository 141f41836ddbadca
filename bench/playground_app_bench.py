"""The neuron view's cost in the running app: epochs per second with the view on, off, on, off... in one run.

    .venv/bin/python -m bench.playground_app_bench            # 4 spans of 20 s each way
    .venv/bin/python -m bench.playground_app_bench --quick    # 2 spans of 8 s

Starts `streamlit run app.py`, opens the 2-D playground in Chromium, presses Train and reads the epoch
counter while the 'Show every neuron' toggle is switched back and forth (training goes on throughout).
"""
from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.browser.conftest import CHROMIUM_FLAGS, chromium_path, running_app


def epoch_now(page) -> int:
    return int(page.locator("[data-testid='stMetricValue']").first.inner_text().replace(",", ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    quick = parser.parse_args().quick
    spans, seconds = (2, 8.0) if quick else (4, 20.0)
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at start")
    with tempfile.TemporaryDirectory() as runs, running_app(Path(runs)) as url, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(f"{url}/playground")
        page.get_by_role("button", name="Train").click()
        page.get_by_role("button", name="Pause").wait_for(timeout=30_000)
        toggle = page.get_by_text("Show every neuron", exact=True)
        rates: dict[bool, list[float]] = {True: [], False: []}
        view_on = True
        for _ in range(2 * spans):
            time.sleep(2.0)  # let the page settle after the toggle
            start_epoch, start = epoch_now(page), time.perf_counter()
            time.sleep(seconds)
            rates[view_on].append((epoch_now(page) - start_epoch) / (time.perf_counter() - start))
            toggle.click()
            view_on = not view_on
        browser.close()
    on, off = statistics.median(rates[True]), statistics.median(rates[False])
    print(f"app_epochs_per_second: view on {on:.1f}, off {off:.1f}, ratio {on / off:.2f} "
          f"(spans on {[round(r, 1) for r in rates[True]]}, off {[round(r, 1) for r in rates[False]]})")
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
