"""Records every training job to the run store as it goes: a JobListener of the app's runner."""
from __future__ import annotations

import threading
import time
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Iterator

from core.basics.status import RunStatus
from core.coach.reading import read_history
from core.engine.events import Done, EpochEnd, Event, Started, StepEnd
from core.runners.jobs import Job, JobListener
from core.store.runs import BEST, LAST, RunStore, SAVE_LAST_EVERY_SECONDS


@dataclass
class _Progress:
    best_validation_accuracy: float = -1.0
    last_saved: float = 0.0


@contextmanager
def _disk_trouble_is_a_warning(job: Job) -> Iterator[None]:
    """A full or unwritable disk costs the record of a run, never the run itself."""
    try:
        yield
    except OSError as error:
        warnings.warn(f"Could not save run {job.id} to disk: {type(error).__name__}: {error}", stacklevel=3)


class RunRecorder(JobListener):
    """Writes config, live metrics, best/last weights and status of each job into a RunStore."""

    def __init__(self, store: RunStore | None = None):
        self.store = store or RunStore()
        self._progress: dict[str, _Progress] = {}
        self._lock = threading.Lock()

    def job_submitted(self, job: Job) -> None:
        """A run folder with the settings, status queued."""
        source = "fine-tuned" if job.config.model.init_from_run else "trained"
        with _disk_trouble_is_a_warning(job):
            self.store.create(job.config, run_id=job.id, source=source)
        with self._lock:
            self._progress[job.id] = _Progress(last_saved=time.monotonic())

    def job_event(self, job: Job, event: Event) -> None:
        """Append the event; save weights after each epoch (best when validation improved)."""
        with _disk_trouble_is_a_warning(job):
            self._record(job, event)

    def _record(self, job: Job, event: Event) -> None:
        self.store.append_event(job.id, event)
        progress = self._progress_of(job)
        if isinstance(event, Started):
            self.store.update_status(job.id, status=RunStatus.RUNNING, device=event.device)
        elif isinstance(event, EpochEnd):
            self._epoch_end(job, event, progress)
        elif isinstance(event, StepEnd) and time.monotonic() - progress.last_saved > SAVE_LAST_EVERY_SECONDS:
            self._save(job, LAST, {"epoch": event.epoch, "step": event.step}, progress)
        elif isinstance(event, Done):
            metrics = {"test_accuracy": event.test_accuracy, "test_loss": event.test_loss}
            self._save(job, LAST, metrics, progress)
            if progress.best_validation_accuracy < 0:  # no epoch completed: the last weights are the best we have
                self._save(job, BEST, metrics, progress)
            self.store.update_status(job.id, test_accuracy=event.test_accuracy, test_loss=event.test_loss,
                                     elapsed=event.elapsed)

    def job_ended(self, job: Job) -> None:
        """The final status (finished, stopped, diverged or failed with the error) and the coach's reading."""
        reading = [finding.to_dict() for finding in read_history(job.history(), job.config)]
        with _disk_trouble_is_a_warning(job):
            self.store.update_status(job.id, status=job.status, error=job.error or "", reading=reading)
        with self._lock:
            self._progress.pop(job.id, None)

    def _epoch_end(self, job: Job, event: EpochEnd, progress: _Progress) -> None:
        metrics = {"epoch": event.epoch, "validation_accuracy": event.validation_accuracy}
        fields = {"epochs_done": event.epoch, "elapsed": event.elapsed}
        if event.validation_accuracy > progress.best_validation_accuracy:
            progress.best_validation_accuracy = event.validation_accuracy
            self._save(job, BEST, metrics, progress)
            fields.update(best_epoch=event.epoch, best_validation_accuracy=event.validation_accuracy)
        self._save(job, LAST, metrics, progress)
        self.store.update_status(job.id, **fields)

    def _save(self, job: Job, which: str, metrics: dict, progress: _Progress) -> None:
        if job.model is not None:
            self.store.save_weights(job.id, job.model, job.config, which, metrics)
            progress.last_saved = time.monotonic()

    def _progress_of(self, job: Job) -> _Progress:
        with self._lock:
            return self._progress.setdefault(job.id, _Progress(last_saved=time.monotonic()))
