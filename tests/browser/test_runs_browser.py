"""A run outlives the app: train from a shared link, stop the server mid-run, start it again, find the run."""
import time

from playwright.sync_api import expect

from core.store.runs import RunStore
from tests.browser.conftest import running_app

LINK = "/?dataset=mnist&model=fast_cnn&subset=5000&epochs=40&batch=128"


def open_tab(browser, url):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    tab.goto(url)
    tab.wait_for_selector("[data-testid='stApp']", timeout=30_000)
    return context, tab


def wait_for_saved_epochs(runs_dir, epochs: int, timeout: float) -> None:
    """Wait until a run in runs_dir has saved `epochs` epochs (weights included) to disk."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(run.epochs_done >= epochs and run.has_weights for run in RunStore(runs_dir).list_runs()):
            return
        time.sleep(0.2)
    raise AssertionError(f"no run saved {epochs} epochs within {timeout:.0f} s")


def test_a_run_cut_off_by_a_restart_is_listed_as_interrupted_with_its_weights(browser, tmp_path):
    with running_app(tmp_path) as url:
        context, tab = open_tab(browser, url + LINK)
        tab.get_by_text("Train a network").wait_for(timeout=90_000)  # a cold server: torch and MNIST load first
        tab.get_by_text("Hyperparameters: how it learns").click()
        expect(tab.get_by_role("spinbutton", name="Epochs")).to_have_value("40")  # the link's setup was filled in
        tab.get_by_role("button", name="▶ Train").click()
        # The live view redraws every 2 s and an epoch of 4,500 images can take less: waiting for the
        # text "Epoch 3/40" missed it whenever no redraw fell inside epoch 3. Watch the disk instead.
        wait_for_saved_epochs(tmp_path, epochs=2, timeout=120)
        context.close()
    # The server process is gone, as after a crash or a redeploy; a new one reads the same folder.
    (run,) = RunStore(tmp_path).list_runs()
    with running_app(tmp_path) as url:
        # The address the visitor's browser kept (?run=) now says what became of the run.
        context, tab = open_tab(browser, f"{url}/?run={run.id}")
        tab.get_by_text("cut off when the app restarted").wait_for(timeout=90_000)
        tab.get_by_role("link", name="See it on the Runs page").click()
        tab.get_by_text("Pick runs to compare and use").wait_for(timeout=30_000)
        # expect() waits for the rest of the page, which is still being drawn after the multiselect
        expect(tab.get_by_text("weights saved at its last epoch are kept")).to_be_visible()
        expect(tab.get_by_text("validation accuracy").filter(has_text="interrupted")).to_be_visible()
        expect(tab.get_by_role("button", name="Download model (.zip)")).to_be_visible()
        tab.get_by_role("button", name="Export to ONNX and TorchScript").click()
        tab.get_by_text("same answer on 256 of 256 test images").wait_for(timeout=120_000)
        context.close()
