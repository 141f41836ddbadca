"""ui.upload_guard bounds the uploaded bytes Streamlit holds; it leans on Streamlit internals: fail loudly when they change.

bench/upload_attack.py (and its --quick smoke test in tests/bench/) posts files at a real server's endpoint.
"""
import inspect

import pytest
import streamlit
from starlette.exceptions import HTTPException
from streamlit import config
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.runtime.uploaded_file_manager import UploadedFileRec
from streamlit.web.server import server
from streamlit.web.server.starlette import starlette_routes

from ui.upload_guard import bound_held_uploads, held_bytes

WHY = ("Streamlit changed how its upload endpoint stores files: re-check ui/upload_guard.py against "
       "Streamlit {}.".format(streamlit.__version__))


def test_the_upload_route_still_hands_each_file_to_the_managers_add_file():
    route = inspect.getsource(starlette_routes.create_upload_routes)
    assert 'config.get_option("server.maxUploadSize")' in route, WHY  # read per request, so set_option works
    assert route.index("await upload.read()") < route.index("upload_mgr.add_file(") < route.rindex("status_code=204"), WHY
    assert "MemoryUploadedFileManager(UPLOAD_FILE_ENDPOINT)" in inspect.getsource(server), WHY
    manager = MemoryUploadedFileManager("/x")
    assert isinstance(manager.file_storage, dict) and hasattr(manager, "_lock"), WHY
    assert list(inspect.signature(MemoryUploadedFileManager.add_file).parameters) == ["self", "session_id", "file"], WHY


def record(file_id: str, megabytes: float) -> UploadedFileRec:
    return UploadedFileRec(file_id=file_id, name=f"{file_id}.jpg", type="image/jpeg", data=b"x" * int(megabytes * 2**20))


def test_a_session_and_everyone_together_are_refused_past_their_caps(monkeypatch):
    monkeypatch.setenv("PLAYGROUND_UPLOADS_HELD_MB", "3")
    monkeypatch.setenv("PLAYGROUND_UPLOADS_HELD_MB_TOTAL", "5")
    monkeypatch.setenv("PLAYGROUND_MAX_UPLOAD_MB", "2")
    bound_held_uploads()
    bound_held_uploads()  # installing twice wraps once
    assert config.get_option("server.maxUploadSize") == 2
    manager = MemoryUploadedFileManager("/x")
    manager.add_file("a", record("1", 2))
    manager.add_file("a", record("1", 2))  # the same file again replaces it: still 2 MB held
    with pytest.raises(HTTPException) as refused:
        manager.add_file("a", record("2", 1.5))
    assert refused.value.status_code == 413 and "not yet read" in refused.value.detail
    assert held_bytes(manager, "a") == 2 * 2**20  # the refused file was not kept
    manager.add_file("b", record("3", 2.5))
    with pytest.raises(HTTPException, match=None) as busy:
        manager.add_file("c", record("4", 1))
    assert "other visitors" in busy.value.detail
    manager.remove_file("a", "1")  # the page read and released it: room again
    manager.add_file("c", record("4", 1))
    assert held_bytes(manager) == int(3.5 * 2**20)
    monkeypatch.setenv("PLAYGROUND_MAX_UPLOAD_MB", "50")
    bound_held_uploads()
