"""Runs page (AppTest): on a shared deployment a visitor's uploads are bounded, and the page says what to do."""
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from core.basics.config import ModelConfig, RunConfig
from core.engine.models import build_model
from core.store.bundle import save_bundle
from core.store.bundle_file import pack_bundle
from core.store.runs import RunStore

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture
def bundle(tmp_path) -> bytes:
    """A run file of 1.4 MB of weights once unpacked (Tiny CIFAR CNN on MNIST)."""
    config = RunConfig(model=ModelConfig("tiny_cifar"))
    save_bundle(tmp_path / "bundle", build_model(config.model, (1, 28, 28), 10), config)
    return pack_bundle(tmp_path / "bundle")


def test_a_visitor_past_their_upload_quota_is_told_what_to_delete(bundle, tmp_path, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_RUNS_DIR", str(tmp_path / "runs"))
    monkeypatch.setenv("PLAYGROUND_HOSTED", "1")
    monkeypatch.setenv("PLAYGROUND_UPLOADS_MB_PER_VISITOR", "2")  # room for one such upload
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page("pages/runs.py")
    at.run()
    at.file_uploader(key="bundle_upload").upload("first.zip", bundle).run()
    assert any("Added **first**" in s.value for s in at.success)
    at.file_uploader(key="bundle_upload").upload("second.zip", bundle).run()
    assert not at.exception
    refusal = next(e.value for e in at.error)
    assert "each visitor may keep" in refusal and "Delete one of your uploaded runs" in refusal
    assert [run.name for run in RunStore().list_runs()] == ["first"]


def test_when_all_uploads_fill_their_space_the_oldest_expires_and_the_page_says_so(bundle, tmp_path, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_RUNS_DIR", str(tmp_path / "runs"))
    monkeypatch.setenv("PLAYGROUND_HOSTED", "1")
    monkeypatch.setenv("PLAYGROUND_UPLOADS_MB_PER_VISITOR", "0")
    monkeypatch.setenv("PLAYGROUND_UPLOADS_MB_TOTAL", "5")  # room for three such uploads
    at = AppTest.from_file(APP, default_timeout=120)
    at.switch_page("pages/runs.py")
    at.run()
    for name in ("first", "second", "third", "fourth"):
        at.file_uploader(key="bundle_upload").upload(f"{name}.zip", bundle).run()
    assert not at.exception
    expired = next(i.value for i in at.info if "expired" in i.value)
    assert "“first”" in expired and "second" not in expired
    assert sorted(run.name for run in RunStore().list_runs()) == ["fourth", "second", "third"]
