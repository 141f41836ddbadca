"""Disk quotas for what visitors upload on a shared deployment: uploaded runs and kept pictures.

Counted: runs uploaded on the Runs page (source "imported") and datasets kept from My images,
each by its size on disk, unpacked (a 195 KB zip of zero weights can hold 40 MB of numbers).
Trained and fine-tuned runs are the visitors' own work, bounded by how many runs each may
train at once (PLAYGROUND_RUNS_PER_VISITOR); they are never counted and never expire.

The rule (docs/runs.md): a visitor (browser session) may store up to
PLAYGROUND_UPLOADS_MB_PER_VISITOR; past it their upload is refused with what to delete. When
all uploads together would pass PLAYGROUND_UPLOADS_MB_TOTAL, the oldest uploads, anyone's,
are deleted first, except what a queued or running run reads (the run it fine-tunes from, the pictures it trains on).
"""
from __future__ import annotations

import math
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from core.basics import settings
from core.basics.config import RunConfig
from core.data.kept_datasets import discard, kept_entries
from core.store.bundle import expected_tensors
from core.store.runs import RunStore

MB = 2**20
JSON_FILES_BYTES = 16_384  # run.json, status.json and the bundle's config.json: a few KB together
_LOCK = threading.Lock()  # one upload is checked and stored at a time, so two cannot both take the last room


@dataclass(frozen=True)
class StoredUpload:
    """One upload on disk, as the quotas count it."""

    kind: str  # "run" (a bundle uploaded on the Runs page) or "pictures" (a dataset kept from My images)
    key: str  # the run id or the dataset name
    name: str  # what a visitor reads
    owner: str  # the browser session that uploaded it
    size: int  # bytes on disk
    created: float


def folder_bytes(folder: Path) -> int:
    """Bytes of every file under folder (0 when it is gone)."""
    total = 0
    for path in folder.rglob("*"):
        try:
            total += path.stat().st_size if path.is_file() else 0
        except OSError:  # deleted while counting
            continue
    return total


def stored_uploads(store: RunStore) -> list[StoredUpload]:
    """Every counted upload, oldest first."""
    runs = [StoredUpload("run", run.id, run.name, run.owner, folder_bytes(run.folder), run.created)
            for run in store.list_runs() if run.source == "imported"]
    kept = [StoredUpload("pictures", entry.name, f"kept pictures of {', '.join(entry.classes)}", entry.owner,
                         entry.size, entry.created) for entry in kept_entries()]
    return sorted(runs + kept, key=lambda upload: upload.created)


def _in_use(store: RunStore) -> set[str]:
    """Runs and kept pictures that a queued or running run reads: they must not expire under it."""
    live = [run.config for run in store.list_runs() if run.status.is_live]
    return {config.model.init_from_run for config in live} | {config.data.dataset for config in live}


def bundle_bytes(config: RunConfig) -> int:
    """What an uploaded run of config takes on disk: its weights unpacked, plus its small JSON files."""
    tensors = expected_tensors(config)  # shapes only, worked out without allocating
    return sum(math.prod(shape) * dtype.itemsize for shape, dtype in tensors.values()) + JSON_FILES_BYTES


def _megabytes(size: int) -> str:
    return f"{size / MB:,.1f} MB" if size < 10 * MB else f"{size / MB:,.0f} MB"


def check_visitor(size: int, owner: str, uploads: list[StoredUpload]) -> None:
    """ValueError when this visitor's uploads plus size would pass PLAYGROUND_UPLOADS_MB_PER_VISITOR."""
    limit = settings.integer("PLAYGROUND_UPLOADS_MB_PER_VISITOR") * MB
    used = sum(upload.size for upload in uploads if upload.owner == owner)
    if limit and used + size > limit:
        raise ValueError(
            f"This upload needs {_megabytes(size)}, and your uploads already take {_megabytes(used)} of the "
            f"{_megabytes(limit)} each visitor may keep on this shared demo. Delete one of your uploaded runs on "
            "the Runs page, or discard pictures you kept, then try again.")


def expire_for(size: int, uploads: list[StoredUpload], store: RunStore) -> list[StoredUpload]:
    """Delete the oldest uploads until size fits under PLAYGROUND_UPLOADS_MB_TOTAL; those deleted.

    ValueError when it cannot fit: larger than the whole space, or the rest is in use.
    """
    limit = settings.integer("PLAYGROUND_UPLOADS_MB_TOTAL") * MB
    if not limit:
        return []
    if size > limit:
        raise ValueError(f"This upload needs {_megabytes(size)}, more than this shared demo keeps for all uploads "
                         f"together ({_megabytes(limit)}). Upload a smaller model or fewer pictures.")
    used, in_use = sum(upload.size for upload in uploads), _in_use(store)
    chosen = []
    for upload in uploads:  # oldest first
        if used + size <= limit:
            break
        if upload.key not in in_use:
            chosen.append(upload)
            used -= upload.size
    if used + size > limit:
        raise ValueError(f"The space this shared demo keeps for uploads ({_megabytes(limit)}) is full, and what "
                         "is in it is being used by runs training now. Try again in a few minutes.")
    for upload in chosen:
        _delete(upload, store)
    return chosen


def _delete(upload: StoredUpload, store: RunStore) -> None:
    try:
        if upload.kind == "run":
            store.delete(upload.key)
        else:
            discard(upload.key, upload.owner)
    except ValueError:  # deleted by its owner meanwhile: the room is there all the same
        pass


@contextmanager
def room_for(size: int, owner: str, store: RunStore | None = None) -> Iterator[list[StoredUpload]]:
    """Check the quotas for an upload of size bytes by owner and make room; store it inside the block.

    Yields the uploads expired to make room (for the page to say). ValueError with what to do when refused.
    """
    store = store or RunStore()
    with _LOCK:
        uploads = stored_uploads(store)
        check_visitor(size, owner, uploads)
        yield expire_for(size, uploads, store)


def expired_sentence(expired: list[StoredUpload]) -> str:
    """What was deleted to make room, for the page."""
    names = "; ".join(f"“{upload.name}”" for upload in expired)
    return (f"To make room, the oldest uploads on this shared demo expired: {names}. Uploads are kept while "
            "there is room; download anything you want to keep.")
