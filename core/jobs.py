"""Run training iterators in worker threads, a limited number at a time.

Never calls streamlit: pages poll a Job's status and events. One process-wide
RUNNER holds the jobs of every visitor, since they share the machine's cores.
"""
from __future__ import annotations

import threading
import time
import uuid
import warnings
from typing import Callable

import torch
from torch import nn

from core import settings
from core.config import RunConfig
from core.data import Dataset
from core.device import pick_device
from core.feature_training import training_events
from core.finetune import start_from_saved_run
from core.history import RunHistory
from core.models import build_model
from core.run_recorder import RunRecorder
from core.status import RunStatus
from core.train import Event

KEEP_FINISHED_JOBS = 50  # older finished jobs (and their models) are forgotten


class Job:
    """One training run: its settings, live events, status and model."""

    def __init__(self, config: RunConfig, dataset: Dataset, on_event: Callable[["Job", Event], None] | None):
        self.id = uuid.uuid4().hex[:12]
        self.config = config
        self.dataset = dataset
        self.on_event = on_event
        self.status = RunStatus.QUEUED
        self.error: str | None = None
        self.model: nn.Module | None = None
        self.created = time.time()
        self._events: list[Event] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()

    def events(self) -> list[Event]:
        """A copy of the events so far, safe to read while training goes on."""
        with self._lock:
            return list(self._events)

    def history(self) -> RunHistory:
        """The events so far, summarised: curves, latest progress, final result."""
        return RunHistory.from_events(self.events())

    def stop(self) -> None:
        """Ask the run to end; the trainer checks before every step."""
        self._stop.set()

    @property
    def is_done(self) -> bool:
        return not self.status.is_live

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the job ends (for tests and scripts); True when it did."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self.is_done:
            if deadline is not None and time.monotonic() > deadline:
                return False
            time.sleep(0.05)
        return True

    def _add(self, event: Event) -> None:
        with self._lock:
            self._events.append(event)
        if self.on_event is not None:
            self.on_event(self, event)


class JobRunner:
    """Starts jobs in threads; at most max_parallel train at once, the rest wait in order."""

    def __init__(self, max_parallel: int | None = None, device: torch.device | None = None,
                 recorder: RunRecorder | None = None):
        self.max_parallel = max_parallel or settings.max_jobs() or 1
        self.device = device or pick_device()
        self._slots = threading.Semaphore(self.max_parallel)
        self._lock = threading.Lock()
        self._jobs: dict[str, Job] = {}
        self._waiting: list[str] = []
        self.recorder = recorder  # writes every job to the run store on disk

    def submit(self, config: RunConfig, dataset: Dataset,
               on_event: Callable[[Job, Event], None] | None = None, trainer: Callable = training_events,
               record: bool = True) -> Job:
        """Queue a training run and return its Job at once.

        trainer has train()'s signature (core.lr_finder's range test does too); record=False keeps
        the job out of the run store (a learning-rate test is not a run). ValueError when the queue is full.
        """
        self._refuse_when_queue_full()
        job = Job(config, dataset, on_event)
        job.trainer, job.recorded = trainer, record
        self._record("job_submitted", job)
        with self._lock:
            self._jobs[job.id] = job
            self._waiting.append(job.id)
            self._forget_old_jobs()
        threading.Thread(target=self._run, args=(job,), name=f"train-{job.id}", daemon=True).start()
        return job

    def _refuse_when_queue_full(self) -> None:
        limit = settings.integer("PLAYGROUND_MAX_QUEUE")
        with self._lock:
            waiting = len(self._waiting)
        if limit and waiting >= limit:
            raise ValueError(f"The queue is full: {waiting} runs are waiting for a free slot. "
                             "Please try again in a few minutes.")

    def get(self, job_id: str) -> Job | None:
        """The job with this id, if this process still holds it."""
        with self._lock:
            return self._jobs.get(job_id)

    def queue_position(self, job: Job) -> int:
        """1 for the next job to start, 2 after it...; 0 when not waiting."""
        with self._lock:
            return self._waiting.index(job.id) + 1 if job.id in self._waiting else 0

    def _record(self, method: str, job: Job, *args) -> None:
        """Tell the recorder; a disk problem becomes a warning, never a failed run."""
        if self.recorder is None or not getattr(job, "recorded", True):
            return
        try:
            getattr(self.recorder, method)(job, *args)
        except Exception as error:
            warnings.warn(f"Could not save run {job.id} to disk: {type(error).__name__}: {error}", stacklevel=2)

    def _run(self, job: Job) -> None:
        try:
            self._train_job(job)
        finally:
            self._record("job_ended", job)

    def _train_job(self, job: Job) -> None:
        with self._slots:
            with self._lock:
                self._waiting.remove(job.id)
            if job._stop.is_set():
                job.status = RunStatus.STOPPED
                return
            job.status = RunStatus.RUNNING
            torch.set_num_threads(self._fair_threads())
            try:
                job.model = build_model(job.config.model, job.dataset.info.input_shape, len(job.dataset.info.classes))
                if job.config.model.init_from_run:
                    start_from_saved_run(job.model, job.config, getattr(self.recorder, "store", None))
                final_status = RunStatus.FAILED
                for event in job.trainer(job.model, job.dataset, job.config, self.device, job._stop):
                    self._record("job_event", job, event)
                    job._add(event)
                    torch.set_num_threads(self._fair_threads())  # affects this worker thread only
                    if hasattr(event, "status"):  # only a last event (Done, RateFound) has one
                        final_status = RunStatus(event.status)
                job.model.cpu()  # pages run it next to CPU tensors
                job.status = final_status
            except Exception as error:  # shown to the user; the app keeps running
                job.error = f"{type(error).__name__}: {error}"
                job.status = RunStatus.FAILED

    def _fair_threads(self) -> int:
        """CPU threads for one running job: more threads than cores slows everyone down."""
        with self._lock:
            running = sum(job.status == RunStatus.RUNNING for job in self._jobs.values())
        return max(1, settings.cores() // max(1, running))

    def _forget_old_jobs(self) -> None:
        finished = [job for job in self._jobs.values() if job.is_done]
        for job in sorted(finished, key=lambda j: j.created)[:max(0, len(finished) - KEEP_FINISHED_JOBS)]:
            del self._jobs[job.id]


RUNNER = JobRunner(recorder=RunRecorder())
