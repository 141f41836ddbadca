"""AppTests for issue 17's smaller points: a full runs folder is a sentence everywhere, a refused zip says what it skipped."""
import errno
from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from core.basics.config import ModelConfig, RunConfig
from core.engine.models import build_model
from core.store.bundle import save_bundle
from core.store.bundle_file import pack_bundle
from core.store.runs import RunStore
from tests.shapes import make_zip, shape_image

APP = str(Path(__file__).resolve().parents[2] / "app.py")
CONFIG = RunConfig(model=ModelConfig("fast_cnn"))


def disk_full(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.fixture
def full_disk(tmp_path, monkeypatch):
    """A runs folder that is full: every check says so, and every write fails as the disk would."""
    import collections

    monkeypatch.setenv("PLAYGROUND_RUNS_DIR", str(tmp_path / "runs"))
    usage = collections.namedtuple("usage", "total used free")
    monkeypatch.setattr("core.store.runs.shutil.disk_usage", lambda path: usage(100, 100, 0))
    return monkeypatch


def test_the_train_page_says_runs_will_not_be_saved(full_disk):
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    assert any("training works as usual, but runs are not saved" in c.value for c in at.caption)
    assert not next(b for b in at.button if "Train" in b.label).disabled  # training itself still runs


def test_upload_and_delete_on_a_full_disk_give_a_sentence(full_disk, tmp_path):
    save_bundle(tmp_path / "bundle", build_model(CONFIG.model, (1, 28, 28), 10), CONFIG)
    run_id = RunStore().create(CONFIG, name="old run", status="finished")
    full_disk.setattr(RunStore, "import_model", disk_full)
    full_disk.setattr(RunStore, "delete", disk_full)
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page("pages/runs.py")
    at.run()
    at.file_uploader(key="bundle_upload").upload("model.zip", pack_bundle(tmp_path / "bundle")).run()
    assert not at.exception
    assert any("cannot be written" in e.value for e in at.error)
    at.button(key=f"delete_{run_id}").click().run()
    at.button(key=f"really_delete_{run_id}").click().run()
    assert not at.exception
    assert sum("cannot be written" in e.value for e in at.error) >= 1


def test_keeping_pictures_on_a_full_disk_gives_a_sentence(full_disk):
    full_disk.setattr("ui.my_images.keep", disk_full)
    rng = np.random.default_rng(0)
    archive = make_zip({f"{kind}/{index}.png": shape_image(kind, rng) for kind in ("circles", "squares")
                        for index in range(6)})
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.selectbox(key="dataset").set_value("my_images").run()
    at.radio(key="my_images_how").set_value("Upload a zip of class folders").run()
    at.file_uploader(key="my_images_zip").upload("shapes.zip", archive).run()
    next(b for b in at.button if b.label == "Keep these images").click().run()
    assert not at.exception
    assert any("cannot be written" in e.value for e in at.error)


def test_a_refused_zip_lists_the_files_it_skipped_and_why():
    rng = np.random.default_rng(0)
    entries = {f"circles/{index}.png": shape_image("circles", rng) for index in range(6)}
    entries.update({"squares/1.png": b"damaged", "squares/notes.txt": b"text", "squares/inner.zip": b"PK"})
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.selectbox(key="dataset").set_value("my_images").run()
    at.radio(key="my_images_how").set_value("Upload a zip of class folders").run()
    at.file_uploader(key="my_images_zip").upload("mixed.zip", make_zip(entries)).run()
    assert not at.exception
    assert any("at least two classes" in e.value for e in at.error)
    assert any("3 file(s) skipped" in expander.label for expander in at.expander)
    skipped = at.dataframe[0].value
    assert dict(zip(skipped["file"], skipped["why"])) == {
        "squares/1.png": "not a readable image", "squares/notes.txt": "not an image",
        "squares/inner.zip": "an archive inside the archive"}
