"""Run training iterators in worker threads, a limited number at a time.

Never calls streamlit: pages poll a Job's status and events. The app makes one runner for
the whole process (core.runners.runtime.get_runner), since every visitor shares the machine's cores;
tests and scripts make their own. Observers of jobs (the run recorder, a recipe saving its
result) plug in as JobListeners.
"""
from __future__ import annotations

import threading
import time
import uuid
from typing import Callable, Iterable, Protocol

import torch
from torch import nn

from core.basics import settings
from core.basics.config import RunConfig
from core.basics.status import RunStatus
from core.data.dataset import Dataset
from core.engine.cpu_share import CpuShare
from core.engine.device import describe_device, pick_device
from core.engine.events import Event, StepEnd
from core.engine.feature_training import training_events
from core.engine.history import RunHistory
from core.engine.models import build_model
from core.engine.warm_up import warm_up_in_background
from core.store.finetune import start_from_saved_run
from core.store.model_cache import parameter_bytes
from core.store.runs import RunStore

KEEP_FINISHED_JOBS = 50  # older finished jobs (and their models) are forgotten


class JobListener:
    """Told what happens to jobs (in the spirit of fastai's callbacks); override what you need.

    Called on the job's worker thread, except job_submitted (on the submitting thread). An
    exception raised here is a bug and fails the run; a listener that may meet expected trouble
    (a full disk) handles it itself.
    """

    def job_submitted(self, job: Job) -> None:
        """The job is queued; its status is queued."""

    def job_event(self, job: Job, event: Event) -> None:
        """The trainer reported event; it shows in job.events() once every listener has heard it."""

    def job_ended(self, job: Job) -> None:
        """The job has its final status (finished, stopped, diverged or failed; error set if failed)."""


class Job:
    """One training run: its settings, live events, status and model."""

    note: str | None = None  # why it still waits, when there is more to say than its place in the queue

    def __init__(self, config: RunConfig, dataset: Dataset, listeners: Iterable[JobListener] = (),
                 trainer: Callable = training_events):
        self.id = uuid.uuid4().hex[:12]
        self.config = config
        self.dataset = dataset
        self.status = RunStatus.QUEUED
        self.error: str | None = None
        self.model: nn.Module | None = None
        self.created = time.time()
        self.listeners = tuple(listeners)  # told about this job (the runner's, plus any of its own)
        self.trainer = trainer  # train()'s signature: yields events, the last one with a status
        self._events: list[Event] = []
        self._history, self._history_seen = RunHistory(), 0  # caught up lazily: a refresh reads new events only
        self._lock = threading.Lock()
        self._stop = threading.Event()

    def events(self) -> list[Event]:
        """A copy of the events so far, safe to read while training goes on."""
        with self._lock:
            return list(self._events)

    def history(self) -> RunHistory:
        """The events so far, summarised: curves, latest progress, final result (a copy, at the cost of
        a list copy: the page reads it every refresh)."""
        with self._lock:
            for event in self._events[self._history_seen:]:
                self._history.add(event)
            self._history_seen = len(self._events)
            return self._history.copy()

    def stop(self) -> None:
        """Ask the run to end; the trainer checks before every step."""
        self._stop.set()

    @property
    def is_done(self) -> bool:
        return not self.status.is_live

    def wait_for_first_point(self, timeout: float) -> None:
        """Block while the job is queued or running without progress to show yet, at most timeout seconds
        (the Train page draws a starting run once, with its first chart point, instead of polling for it)."""
        deadline = time.monotonic() + timeout
        while not self.is_done and time.monotonic() < deadline:
            with self._lock:
                if any(isinstance(event, StepEnd) for event in self._events):
                    return
            time.sleep(0.02)  # a run's first point comes a few tenths of a second after it starts

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the job ends (for tests and scripts); True when it did."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self.is_done:
            if deadline is not None and time.monotonic() > deadline:
                return False
            time.sleep(0.05)
        return True

    def run(self, device: torch.device, store: RunStore | None, rebalance: Callable[[], None]) -> None:
        """Train on the calling thread until the end (the runner calls this when a slot is free).

        rebalance() is called when training starts and after every event (the runner shares CPU threads)."""
        try:
            self._train(device, store, rebalance)
        finally:
            for listener in self.listeners:
                listener.job_ended(self)

    def _train(self, device: torch.device, store: RunStore | None, rebalance: Callable[[], None]) -> None:
        if self._stop.is_set():
            self.status = RunStatus.STOPPED
            return
        self.status = RunStatus.RUNNING
        rebalance()
        try:
            self.model = build_model(self.config.model, self.dataset.info.input_shape, len(self.dataset.info.classes),
                                     seed=self.config.train.seed)
            if self.config.model.init_from_run:
                start_from_saved_run(self.model, self.config, store)
            final_status = RunStatus.FAILED
            for event in self.trainer(self.model, self.dataset, self.config, device, self._stop):
                for listener in self.listeners:
                    listener.job_event(self, event)
                with self._lock:  # only now visible in events(): whoever sees it knows it is recorded
                    self._events.append(event)
                rebalance()
                if hasattr(event, "status"):  # only a last event (Done, RateFound) has one
                    final_status = RunStatus(event.status)
            self.model.cpu()  # pages run it next to CPU tensors
            self.status = final_status
        except Exception as error:  # shown to the user; the app keeps running
            self.error = f"{type(error).__name__}: {error}"
            self.status = RunStatus.FAILED


class Runner(Protocol):
    """What the app needs from a runner; JobRunner trains in threads here, others may train elsewhere."""

    max_parallel: int  # how many jobs train at once
    device: torch.device

    def submit(self, config: RunConfig, dataset: Dataset, listener: JobListener | None = None,
               trainer: Callable = training_events, record: bool = True) -> Job:
        """Queue a training run and return its Job at once; ValueError when the queue is full."""

    def get(self, job_id: str) -> Job | None:
        """The job with this id, if this runner still holds it."""

    def queue_position(self, job: Job) -> int:
        """1 for the next job to start, 2 after it...; 0 when not waiting."""

    def describe(self) -> str:
        """One line for the sidebar: where runs train, how many at once, how many wait."""


class JobQueue:
    """What every runner keeps: its jobs by id, the order of those waiting, and the queue's limit."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._jobs: dict[str, Job] = {}
        self._waiting: list[str] = []

    def _start(self, job: Job, worker: Callable[[Job], None], thread_name: str) -> Job:
        """Tell job's listeners, put it at the end of the queue and run worker(job) in its own thread."""
        for each in job.listeners:
            each.job_submitted(job)
        with self._lock:
            self._jobs[job.id] = job
            self._waiting.append(job.id)
            self._forget_old_jobs()
        threading.Thread(target=worker, args=(job,), name=f"{thread_name}-{job.id}", daemon=True).start()
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

    def _forget_old_jobs(self) -> None:
        """Keep the newest finished jobs, at most KEEP_FINISHED_JOBS and PLAYGROUND_MODEL_CACHE_MB of models.

        A pretrained My images model is 19 MB: fifty of them would hold 950 MB. A forgotten run
        stays on disk (Runs, Inspect and Draw read it from there).
        """
        budget = settings.integer("PLAYGROUND_MODEL_CACHE_MB") * 2**20
        finished = sorted((job for job in self._jobs.values() if job.is_done), key=lambda j: j.created, reverse=True)
        for index, job in enumerate(finished):
            budget -= parameter_bytes(job.model) if job.model is not None else 0
            if index >= KEEP_FINISHED_JOBS or (budget < 0 and index > 0):
                del self._jobs[job.id]


class JobRunner(JobQueue):
    """Starts jobs in threads; at most max_parallel train at once, the rest wait in order."""

    def __init__(self, max_parallel: int | None = None, device: torch.device | None = None,
                 listeners: Iterable[JobListener] = (), store: RunStore | None = None):
        """listeners are told about every job; store is where fine-tuning finds saved runs (default: RunStore())."""
        self.max_parallel = max_parallel or settings.max_jobs() or 1
        self.device = device or pick_device()
        self.listeners = tuple(listeners)
        self.store = store
        self._slots = threading.Semaphore(self.max_parallel)
        super().__init__()
        self._cpu_share = CpuShare()
        self.warming_up = warm_up_in_background()  # the first optimizer's slow import, before anyone presses Train

    def submit(self, config: RunConfig, dataset: Dataset, listener: JobListener | None = None,
               trainer: Callable = training_events, record: bool = True) -> Job:
        """Queue a training run and return its Job at once.

        listener (if any) hears about this job only. trainer has train()'s signature (core.engine.lr_finder's
        range test does too); record=False keeps the job from the runner's listeners, so out of the run
        store (a learning-rate test is not a run). ValueError when the queue is full.
        """
        self._refuse_when_queue_full()
        listeners = (self.listeners if record else ()) + ((listener,) if listener is not None else ())
        return self._start(Job(config, dataset, listeners, trainer), self._run, "train")

    def describe(self) -> str:
        """One line for the sidebar: where runs train, how many at once, how many wait."""
        with self._lock:
            waiting = len(self._waiting)
        return (f"Training on **{describe_device(self.device)}**. Up to {self.max_parallel} runs train at once; "
                f"others wait in a queue ({waiting} waiting now).")

    def _run(self, job: Job) -> None:
        with self._slots:
            with self._lock:
                self._waiting.remove(job.id)
            # set_num_threads affects this worker thread only: re-balanced as other jobs start and end.
            job.run(self.device, self.store, rebalance=lambda: torch.set_num_threads(self._fair_threads()))

    def _fair_threads(self) -> int:
        """CPU threads for one running job: more threads than cores slows everyone down."""
        with self._lock:
            running = sum(job.status == RunStatus.RUNNING for job in self._jobs.values())
        return self._cpu_share.threads_for(running)  # cores other processes keep busy are left to them
