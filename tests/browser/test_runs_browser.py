"""A run outlives the app: train from a shared link, stop the server mid-run, start it again, find the run."""
import time

from playwright.sync_api import expect

from core.store.bundle_file import pack_bundle, unpack_bundle
from core.basics.paths import DEMO_MODEL
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


def two_uploaded_runs(runs_dir) -> None:
    """Two runs as if uploaded: 'Older model', then 'Newer model' (the demo model's weights)."""
    bundle = unpack_bundle(pack_bundle(DEMO_MODEL), "demo.zip")
    store = RunStore(runs_dir)
    for name in ("Older model", "Newer model"):
        store.import_model(bundle.config, bundle.state, bundle.metrics, name, owner="")
        time.sleep(0.01)  # listed newest first, by creation time


def test_download_after_a_rename_saves_the_renamed_run(browser, tmp_path):
    """Compare two runs, act on the second, rename it: the page stays on it and Download saves it."""
    two_uploaded_runs(tmp_path)
    with running_app(tmp_path) as url:
        context, tab = open_tab(browser, f"{url}/runs")
        tab.get_by_text("Pick runs to compare and use").wait_for(timeout=90_000)
        tab.locator("[data-testid='stMultiSelect']").click()
        tab.get_by_role("option", name="Older model").click()
        tab.keyboard.press("Escape")
        tab.locator("[data-testid='stSelectbox']").filter(has_text="Run").click()
        tab.get_by_role("option", name="Older model").click()
        name_box = tab.get_by_role("textbox", name="Name")
        expect(name_box).to_have_value("Older model")
        name_box.fill("Renamed older")
        name_box.press("Enter")
        tab.get_by_role("button", name="Rename").click()
        # The pickers show the new name (they kept the old one, and their next message switched the page to
        # another run), and the page stays on the renamed run through the next rerun.
        expect(tab.locator("[data-testid='stMultiSelect']")).to_contain_text("Renamed older")
        tab.get_by_role("button", name="Delete…").click()
        tab.get_by_text("and its weights for good?").wait_for(timeout=30_000)
        expect(tab.get_by_text("Delete Renamed older and its weights for good?")).to_be_visible()
        expect(name_box).to_have_value("Renamed older")
        with tab.expect_download(timeout=60_000) as download:
            tab.get_by_role("button", name="Download model (.zip)").click()
        assert download.value.suggested_filename == "Renamed-older.zip"
        context.close()
