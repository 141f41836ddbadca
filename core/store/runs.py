"""Run store on disk: one folder per run under core.basics.paths.runs_dir().

A run folder holds run.json (settings, name), status.json (status and headline figures),
metrics.jsonl (one JSON line per training event, appended live) and best/ and last/
(each a bundle: model.safetensors + config.json, see core.store.bundle). Every file except
the appended metrics is written to a temporary file and renamed over the old one, so a
crash never leaves half a file; a torn last metrics line is skipped on reading.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import threading
import time
import uuid
import warnings
from dataclasses import dataclass
from pathlib import Path

import torch
from torch import nn

from core.basics import settings
from core.basics.atomic import write_json
from core.basics.config import RunConfig
from core.basics.paths import runs_dir
from core.basics.status import RunStatus
from core.engine.events import Event, event_from_dict, event_to_dict
from core.engine.history import RunHistory
from core.store.bundle import LoadedModel, has_bundle, load_bundle, model_from_state, save_bundle, saved_at
from core.store.process_token import process_alive, process_token

RUN_FILE, STATUS_FILE, METRICS_FILE = "run.json", "status.json", "metrics.jsonl"
BEST, LAST = "best", "last"
RUN_ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}\Z")  # \Z: "$" would accept a trailing newline
MIN_FREE_BYTES = 50 * 2**20  # below this the runs folder counts as full
SAVE_LAST_EVERY_SECONDS = 60.0  # during long epochs the last weights are also saved this often


@dataclass(frozen=True)
class RunSummary:
    """What the Runs page shows about one run (read from its run.json and status.json)."""

    id: str
    name: str
    config: RunConfig
    status: RunStatus
    error: str
    created: float
    device: str
    elapsed: float
    epochs_done: int
    best_epoch: int
    best_validation_accuracy: float | None
    test_accuracy: float | None
    test_loss: float | None
    folder: Path
    source: str = "trained"  # trained, imported or fine-tuned
    reading: tuple[dict, ...] = ()  # the coach's findings at the end (core.coach.reading.Finding.to_dict() each)
    follows: str = ""  # the run this one re-trained with a coach's fix, and the fix in words
    follows_change: str = ""
    owner: str = ""  # the browser session that uploaded it (imported runs only; see core.store.quotas)

    @property
    def has_weights(self) -> bool:
        return any(has_bundle(self.folder / part) for part in (BEST, LAST))

    def weights_folder(self, which: str = BEST) -> Path | None:
        """The bundle folder of the run's best (or last) weights, else the other one; None if neither."""
        for part in (which, LAST if which == BEST else BEST):
            if has_bundle(self.folder / part):
                return self.folder / part
        return None

    def weights_saved_at(self) -> float:
        """When the run's newest weights were written; OSError when it has none (any more)."""
        times = [saved_at(self.folder / part) for part in (BEST, LAST) if has_bundle(self.folder / part)]
        if not times:
            raise FileNotFoundError(f"The run {self.id} has no weights.")
        return max(times)


class RunStore:
    """Reads and writes runs under root (default: runs_dir(), looked up on every use)."""

    def __init__(self, root: Path | None = None):
        self._root = Path(root) if root is not None else None
        self._append_lock = threading.Lock()

    @property
    def root(self) -> Path:
        return self._root if self._root is not None else runs_dir()

    def cannot_save(self) -> str | None:
        """A sentence when runs cannot be written here (read-only or nearly full folder), else None."""
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self.root, prefix=".write-check-"):
                pass
            full = shutil.disk_usage(self.root).free < MIN_FREE_BYTES
        except OSError:
            full = True
        if not full:
            return None
        return ("The runs folder cannot be written (it is read-only or full): training works as usual, but runs "
                "are not saved, and renaming, deleting, uploading or keeping pictures are not possible now.")

    def folder(self, run_id: str) -> Path:
        """The folder of run_id; ValueError for an id that could escape the runs folder."""
        if not RUN_ID_PATTERN.match(run_id) or run_id.startswith(("_", ".")):
            raise ValueError(f"'{run_id}' is not a valid run id.")
        return self.root / run_id

    def create(self, config: RunConfig, run_id: str | None = None, name: str = "", source: str = "trained",
               status: RunStatus = RunStatus.QUEUED, owner: str = "") -> str:
        """Start a new run folder; returns its id."""
        run_id = run_id or uuid.uuid4().hex[:12]
        folder = self.folder(run_id)
        created = time.time()
        write_json(folder / RUN_FILE, {"id": run_id, "name": name or default_name(config, created, run_id),
                                       "created": created, "source": source, "run": config.to_dict(),
                                       **({"owner": owner} if owner else {})})
        write_json(folder / STATUS_FILE, {"status": status, "process": process_token(), "updated": created})
        return run_id

    def update_status(self, run_id: str, **fields) -> None:
        """Merge fields (status, error, test_accuracy, ...) into the run's status.json."""
        path = self.folder(run_id) / STATUS_FILE
        document = _read_json(path) if path.is_file() else {}
        document.update(fields, updated=time.time())
        write_json(path, document)

    def append_event(self, run_id: str, event: Event) -> None:
        """Add one line to the run's metrics.jsonl."""
        with self._append_lock, open(self.folder(run_id) / METRICS_FILE, "a") as file:
            file.write(json.dumps(event_to_dict(event)) + "\n")

    def save_weights(self, run_id: str, model: nn.Module, config: RunConfig, which: str, metrics: dict) -> None:
        """Save model as the run's best or last weights (safetensors + config)."""
        assert which in (BEST, LAST)
        save_bundle(self.folder(run_id) / which, model, config, metrics)

    def events(self, run_id: str) -> list[Event]:
        """The run's recorded events in order; unreadable lines are skipped."""
        path = self.folder(run_id) / METRICS_FILE
        if not path.is_file():
            return []
        events = []
        for line in path.read_text().splitlines():
            try:
                event = event_from_dict(json.loads(line))
            except (json.JSONDecodeError, AttributeError):
                continue
            if event is not None:
                events.append(event)
        return events

    def history(self, run_id: str) -> RunHistory:
        """The run's recorded events summarised: curves and final result."""
        return RunHistory.from_events(self.events(run_id))

    def get(self, run_id: str) -> RunSummary:
        """The summary of one run; ValueError with a plain message if it is missing or broken."""
        folder = self.folder(run_id)
        try:
            run = _read_json(folder / RUN_FILE)
            status = _read_json(folder / STATUS_FILE)
            config = RunConfig.from_dict(run["run"])
        except (OSError, KeyError, TypeError, ValueError) as error:
            raise ValueError(f"The saved run '{run_id}' is missing or damaged ({error}).") from error
        state = RunStatus.read(status.get("status"))
        if state.is_live and not process_alive(status.get("process", "")):
            state = RunStatus.INTERRUPTED
        return RunSummary(
            run_id, str(run.get("name", run_id)), config, state, str(status.get("error") or ""),
            float(run.get("created", 0.0)), str(status.get("device", "")), float(status.get("elapsed", 0.0)),
            int(status.get("epochs_done", 0)), int(status.get("best_epoch", 0)),
            status.get("best_validation_accuracy"), status.get("test_accuracy"), status.get("test_loss"),
            folder, str(run.get("source", "trained")), tuple(status.get("reading") or ()),
            str(run.get("follows", "")), str(run.get("follows_change", "")), str(run.get("owner", "")))

    def list_runs(self) -> list[RunSummary]:
        """Every readable run, newest first; a damaged or foreign folder is skipped with a warning."""
        if not self.root.is_dir():
            return []
        runs = []
        for entry in self.root.iterdir():
            if entry.name.startswith(("_", ".")):
                continue
            try:
                if not entry.is_dir():
                    raise ValueError("it is a file, not a run folder")
                runs.append(self.get(entry.name))
            except ValueError as error:
                warnings.warn(f"Skipped '{entry.name}' in the runs folder: {error}", stacklevel=2)
        return sorted(runs, key=lambda run: run.created, reverse=True)

    def rename(self, run_id: str, name: str) -> None:
        """Give the run a new display name."""
        name = name.strip()
        if not name:
            raise ValueError("A run needs a name: type at least one character.")
        if len(name) > 100:
            raise ValueError("Keep the name under 100 characters.")
        path = self.folder(run_id) / RUN_FILE
        document = _read_json(path)
        document["name"] = name
        write_json(path, document)

    def link(self, run_id: str, follows: str, change: str) -> None:
        """Record that run_id re-trains run follows with one change (a coach's fix), said in words."""
        path = self.folder(run_id) / RUN_FILE
        document = _read_json(path)
        document.update(follows=follows, follows_change=change)
        write_json(path, document)

    def delete(self, run_id: str) -> None:
        """Remove the run's folder and everything in it."""
        folder = self.folder(run_id)
        if not (folder / RUN_FILE).is_file():
            raise ValueError(f"There is no saved run '{run_id}'.")
        trash = folder.with_name(f".deleted-{run_id}-{uuid.uuid4().hex[:6]}")
        os.replace(folder, trash)  # one rename: the run vanishes at once, even if removal is slow
        shutil.rmtree(trash, ignore_errors=True)

    def load_model(self, run_id: str, which: str = BEST) -> LoadedModel:
        """The run's best weights (or last, or whichever exists) as a ready model."""
        summary = self.get(run_id)
        folder = summary.weights_folder(which)
        if folder is not None:
            loaded = load_bundle(folder, label=summary.name)
            loaded.metrics.setdefault("run_id", run_id)
            return loaded
        raise ValueError(f"The run '{summary.name}' has no saved weights yet (it saves after each epoch).")

    def import_model(self, config: RunConfig, state: dict[str, torch.Tensor], metrics: dict, name: str,
                     owner: str = "") -> str:
        """A new run holding uploaded weights (checked against the architecture first); owner: who uploaded it."""
        model = model_from_state(config, state)
        run_id = self.create(config, name=name, source="imported", status=RunStatus.IMPORTED, owner=owner)
        # The file's own figures are kept with its weights as claims; the run's status holds only what
        # this app measured, so an upload cannot list itself at 99% (see claimed_metrics).
        self.save_weights(run_id, model, config, BEST, {f"claimed_{key}": value for key, value in metrics.items()})
        return run_id

    def claimed_metrics(self, run_id: str) -> dict:
        """The figures an uploaded run's file claimed ({"test_accuracy": 0.99, ...}), not measured here."""
        try:
            document = _read_json(self.folder(run_id) / BEST / "config.json")
        except (OSError, ValueError):
            return {}
        metrics = document.get("metrics", {})
        return {key.removeprefix("claimed_"): value for key, value in metrics.items()
                if key.startswith("claimed_") and isinstance(value, (int, float))} if isinstance(metrics, dict) else {}


def _read_json(path: Path) -> dict:
    try:
        document = json.loads(path.read_text())
    except json.JSONDecodeError as error:
        raise ValueError(f"{path.name} is not valid JSON") from error
    if not isinstance(document, dict):
        raise ValueError(f"{path.name} does not hold a run description")
    return document


def default_name(config: RunConfig, created: float, run_id: str = "") -> str:
    """e.g. 'fast_cnn on mnist, adam, 14:05:31 (3fa2)': the id's start tells runs of the same second apart."""
    clock = time.strftime("%H:%M:%S", time.localtime(created))
    suffix = f" ({run_id[:4]})" if run_id else ""
    return f"{config.model.preset} on {config.data.dataset}, {config.train.optimizer}, {clock}{suffix}"


def runs_have_owners() -> bool:
    """PLAYGROUND_HOSTED=1 (a shared deployment): visitors may change only the runs they made."""
    return settings.is_hosted()
