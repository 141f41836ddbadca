"""Bound the uploaded bytes Streamlit holds in memory, per browser session and for all together.

Streamlit receives every file at its upload endpoint (PUT /_stcore/upload_file/<session>/<file>)
before any page code runs, and keeps it in memory (MemoryUploadedFileManager) until the page
releases it or the session ends. Its only bound is server.maxUploadSize, per file: a client that
bypasses the browser could post hundreds of files into one session, and two visitors dropping 30
phone photos each took the server past 2.7 GB (issue 28). Streamlit has no hook for this, so
`bound_held_uploads` wraps the manager's add_file: a file that would take this session's held
bytes past PLAYGROUND_UPLOADS_HELD_MB, or everyone's past PLAYGROUND_UPLOADS_HELD_MB_TOTAL, is
refused with HTTP 413 and dropped at once (the browser marks that file as failed). It also sets
server.maxUploadSize to PLAYGROUND_MAX_UPLOAD_MB, the largest file the app takes.

What this leans on (tests/pages/test_upload_guard.py fails when Streamlit changes it): the Starlette
upload route calls upload_mgr.add_file(session_id=..., file=UploadedFileRec) after reading the body,
the runtime's manager is a MemoryUploadedFileManager with file_storage[session][file_id] and a lock,
and a starlette HTTPException raised there becomes the response.
"""
from __future__ import annotations

import functools

from streamlit import config
from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager

from core.basics import settings

MB = 2**20


def held_bytes(manager: MemoryUploadedFileManager, session_id: str | None = None) -> int:
    """Bytes of uploaded files the manager holds for one session (or, with None, for all)."""
    sessions = manager.file_storage.values() if session_id is None else [manager.file_storage.get(session_id, {})]
    return sum(len(record.data) for files in sessions for record in files.values())


def refusal(manager: MemoryUploadedFileManager, session_id: str, file_id: str, size: int) -> str | None:
    """Why a new file of size bytes may not be held now, or None. Call with manager._lock held."""
    replaced = manager.file_storage.get(session_id, {}).get(file_id)
    size -= len(replaced.data) if replaced is not None else 0
    per_session, total = (settings.integer(name) * MB for name in ("PLAYGROUND_UPLOADS_HELD_MB",
                                                                   "PLAYGROUND_UPLOADS_HELD_MB_TOTAL"))
    if per_session and held_bytes(manager, session_id) + size > per_session:
        return f"This page already holds {per_session // MB} MB of files not yet read: wait, then add the rest."
    if total and held_bytes(manager) + size > total:
        return "The server is busy receiving other visitors' files: try again in a minute."
    return None


def _bounded(add_file):
    @functools.wraps(add_file)
    def add_file_within_bounds(self, session_id, file):
        from starlette.exceptions import HTTPException

        with self._lock:  # the check and the add are not atomic together; the overshoot is one file per request
            why = refusal(self, session_id, file.file_id, len(file.data))
        if why is not None:
            raise HTTPException(status_code=413, detail=why)
        return add_file(self, session_id, file)

    add_file_within_bounds.held_bytes_bounded = True
    return add_file_within_bounds


def bound_held_uploads() -> None:
    """Install the bounds (once per process; app.py calls it on every run, which is cheap)."""
    config.set_option("server.maxUploadSize", settings.integer("PLAYGROUND_MAX_UPLOAD_MB"))
    if not getattr(MemoryUploadedFileManager.add_file, "held_bytes_bounded", False):
        MemoryUploadedFileManager.add_file = _bounded(MemoryUploadedFileManager.add_file)
