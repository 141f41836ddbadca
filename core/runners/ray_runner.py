"""Train runs on a Ray cluster: each run is a Ray actor; the app polls it and stays the only writer of runs.

Set PLAYGROUND_RAY_ADDRESS to `local` (a Ray started inside this machine), `auto` (the cluster this
machine belongs to) or `ray://HOST:10001` (a cluster's client port). A job here behaves like one of
the thread runner's: the same events, status, stop and model, so pages need not know where it trains.
"""
from __future__ import annotations

import os
import time
from typing import Callable, Iterable

import torch

from core.basics import settings
from core.basics.config import RunConfig
from core.basics.status import RunStatus
from core.data.dataset import Dataset
from core.engine.events import event_from_dict
from core.engine.events import Done, Event
from core.engine.feature_training import training_events
from core.engine.models import build_model
from core.runners.jobs import Job, JobListener, JobQueue, JobRunner
from core.runners.ray_cluster import ClusterView, DatasetShelf, connect
from core.runners.ray_worker import Trainer, load_model_bytes, model_to_bytes
from core.store.finetune import start_from_saved_run
from core.store.runs import RunStore

os.environ.setdefault("RAY_AUTH_MODE", "token")  # read when ray is imported: every connection carries the token
import ray  # noqa: E402
from ray.exceptions import ActorUnavailableError, RayActorError  # noqa: E402

MACHINE_LOST = "the machine training this run went away; its last saved weights are kept."
POLL_SECONDS = 0.2  # how often the app asks a running actor for new events
GPU_WAIT_SECONDS = 20.0  # a run asking for a GPU that no machine has fails after this long


def _number(variable: str, default: float) -> float:
    value = settings.text(variable)
    try:
        return float(value) if value else default
    except ValueError:
        raise ValueError(f"{variable} must be a number such as 1 or 0.5, not {value!r}.") from None


class RemoteJob(Job):
    """A job trained by a Ray actor: the runner's poll loop hands it the actor's events and weights."""

    actor = None
    handoff = None  # an actor freed by a finished run, given to this waiting job
    node: str | None = None  # the Ray node it trains on

    @property
    def stop_requested(self) -> bool:
        """Stop was pressed; the poll loop passes it on to the actor."""
        return self._stop.is_set()

    def report(self, event: Event, weights: bytes | None) -> None:
        """An event from the actor, with its weights loaded first: listeners (the recorder) save what it has."""
        if weights is not None:
            load_model_bytes(self.model, weights)
        for listener in self.listeners:
            listener.job_event(self, event)
        with self._lock:  # visible in events() once every listener has heard it, as on the thread runner
            self._events.append(event)

    def end(self) -> None:
        """Tell the listeners the job has its final status."""
        for listener in self.listeners:
            listener.job_ended(self)


class RayRunner(JobQueue):
    """Runs each job in its own Ray actor; Ray's scheduler queues what the cluster cannot start yet."""

    name = "Ray"

    def __init__(self, address: str = "local", listeners: Iterable[JobListener] = (), store: RunStore | None = None,
                 cpus_per_job: float | None = None, gpus_per_job: float | None = None, num_cpus: int | None = None):
        """listeners are told about every job (the run recorder: this process stays the only writer of runs);
        store is where fine-tuning finds saved runs. ConnectionError when the cluster cannot be reached."""
        connect(address, num_cpus)
        self.address = address
        self.cluster = ClusterView()
        self.datasets = DatasetShelf()
        self.listeners, self.store = tuple(listeners), store
        super().__init__()
        total = ray.cluster_resources()
        default_gpus = 1.0 if total.get("GPU", 0) >= 1 else 0.0
        self.gpus_per_job = gpus_per_job if gpus_per_job is not None else \
            _number("PLAYGROUND_RAY_GPUS_PER_JOB", default_gpus)
        self.cpus_per_job = cpus_per_job or _number("PLAYGROUND_RAY_CPUS_PER_JOB", 1.0)
        self.device = torch.device("cuda" if self.gpus_per_job else "cpu")
        self._local = JobRunner(max_parallel=1, listeners=self.listeners, store=store)  # the learning-rate test
        self._spare = None
        self._refill_spare()  # an actor that has imported torch already: the first run starts at once

    # The runner interface (the same as the thread runner's)
    def submit(self, config: RunConfig, dataset: Dataset, listener: JobListener | None = None,
               trainer: Callable = training_events, record: bool = True) -> Job:
        """Queue a training run on the cluster and return its Job at once; ValueError when the queue is full.

        Another trainer than the usual one (the learning-rate range test: 200 quick steps) runs here,
        in the app's own threads: only the usual trainer's events and weights travel from the cluster.
        """
        if trainer is not training_events:
            return self._local.submit(config, dataset, listener, trainer, record)
        self._refuse_when_queue_full()
        listeners = (self.listeners if record else ()) + ((listener,) if listener is not None else ())
        return self._start(RemoteJob(config, dataset, listeners, trainer), self._follow, "ray")

    def get(self, job_id: str) -> Job | None:
        """The job with this id, if this process still holds it."""
        job = super().get(job_id)
        return job if job is not None else self._local.get(job_id)

    def queue_position(self, job: Job) -> int:
        """1 for the next job to start, 2 after it...; 0 when not waiting."""
        if not isinstance(job, RemoteJob):
            return self._local.queue_position(job)
        return super().queue_position(job)

    @property
    def max_parallel(self) -> int:
        """How many runs the cluster can train at once now."""
        total = self.cluster.resources()[1]
        if self.gpus_per_job:
            return max(1, int(total.get("GPU", 0) // self.gpus_per_job))
        return max(1, int(total.get("CPU", 1) // self.cpus_per_job))

    def describe(self) -> str:
        """One line for the sidebar: where runs train, what is free, how many wait."""
        free, total = self.cluster.resources()[:2]
        spare = self.cpus_per_job if self._spare is not None else 0  # the spare actor is ready for the next run
        free_cpus = min(total.get("CPU", 0), free.get("CPU", 0) + spare)
        with self._lock:
            waiting = len(self._waiting)
        return (f"Training on a **Ray cluster** ({self.address}): {free_cpus:g} of {total.get('CPU', 0):g} CPUs "
                f"and {free.get('GPU', 0):g} of {total.get('GPU', 0):g} GPUs free; "
                f"{waiting} run{'s' if waiting != 1 else ''} waiting.")

    def shutdown(self) -> None:
        """Stop every run and release the spare actor (the cluster itself stays up unless it is ours)."""
        for job in list(self._jobs.values()):
            job.stop()
        with self._lock:
            spare, self._spare = self._spare, None
        if spare is not None and ray.is_initialized():
            ray.kill(spare)

    # Following one job
    def _follow(self, job: RemoteJob) -> None:
        reusable = False
        try:
            self._train_remotely(job)
            reusable = True
        except (RayActorError, ActorUnavailableError, ConnectionError):
            job.error, job.status = MACHINE_LOST[0].upper() + MACHINE_LOST[1:], RunStatus.FAILED
        except Exception as error:  # shown to the user; the app keeps running
            job.error, job.status = f"{type(error).__name__}: {error}", RunStatus.FAILED
        finally:
            with self._lock:
                if job.id in self._waiting:
                    self._waiting.remove(job.id)
            try:
                job.end()
            finally:
                if job.actor is not None:
                    self._release(job.actor, reusable and job.node is not None)

    def _train_remotely(self, job: RemoteJob) -> None:
        job.model = build_model(job.config.model, job.dataset.info.input_shape, len(job.dataset.info.classes))
        initial = None
        if job.config.model.init_from_run:  # the app holds the run store: it prepares the starting weights
            start_from_saved_run(job.model, job.config, self.store)
            initial = model_to_bytes(job.model)
        arguments = (job.id, job.config.to_dict(), self.datasets.reference(job.dataset), initial)
        job.actor = self._take_actor()
        job.actor.train.remote(*arguments)
        cursor, queued_since = 0, time.monotonic()
        pending = job.actor.poll.remote(job.id, 0)
        while True:
            ready, _ = ray.wait([pending], timeout=POLL_SECONDS)
            if not ready:
                if job.status == RunStatus.QUEUED and self._still_waiting(job, queued_since, arguments):
                    pending = job.actor.poll.remote(job.id, 0)
                elif job.status == RunStatus.QUEUED and job.stop_requested:
                    job.status = RunStatus.STOPPED
                    return
                continue
            reply = ray.get(pending)
            if job.status == RunStatus.QUEUED:
                self._started(job, reply["node"])
            cursor += self._take_events(job, reply["items"])
            if reply["error"]:
                raise RuntimeError(reply["error"])
            if reply["finished"]:
                break
            if job.stop_requested:
                job.actor.stop.remote(job.id)
            time.sleep(POLL_SECONDS)
            pending = job.actor.poll.remote(job.id, cursor, self._fair_threads(job))
        job.model.cpu().eval()
        done = next((e for e in reversed(job.events()) if isinstance(e, Done)), None)
        job.status = RunStatus(done.status) if done else RunStatus.FAILED

    def _still_waiting(self, job: RemoteJob, queued_since: float, arguments: tuple) -> bool:
        """While its actor waits for room: True when the job moved to an actor a finished run freed."""
        with self._lock:
            handoff, job.handoff = job.handoff, None
        if handoff is None:
            self._check_gpu(job, queued_since)
            return False
        ray.kill(job.actor)  # never scheduled: its place in Ray's queue is no longer needed
        job.actor = handoff
        job.actor.train.remote(*arguments)
        return True

    def _take_events(self, job: RemoteJob, items: list) -> int:
        """Hand the actor's events (and weights) to the job; returns how many."""
        for event_dict, weights in items:
            job.report(event_from_dict(event_dict), weights)
        return len(items)

    def _started(self, job: RemoteJob, node: str) -> None:
        with self._lock:
            if job.id in self._waiting:
                self._waiting.remove(job.id)
            handoff, job.handoff = job.handoff, None
            job.node, job.note, job.status = node, None, RunStatus.RUNNING
        if handoff is not None:  # its own actor started first: the freed one goes to the next in line
            self._release(handoff, True)

    def _check_gpu(self, job: RemoteJob, queued_since: float) -> None:
        """A run that asks for more GPUs than any machine has would wait forever: say so, then give up."""
        if not self.gpus_per_job:
            return
        nodes = self.cluster.resources()[2]
        if any(node["Resources"].get("GPU", 0) >= self.gpus_per_job for node in nodes):
            return
        job.note = (f"This run asks for {self.gpus_per_job:g} GPU, but no machine in the Ray cluster has one. "
                    "Add a GPU machine, or set PLAYGROUND_RAY_GPUS_PER_JOB=0 to train on CPUs.")
        if time.monotonic() - queued_since > GPU_WAIT_SECONDS:
            raise ValueError(job.note)

    def _fair_threads(self, job: RemoteJob) -> int:
        """CPU threads for a running job: its node's cores shared among this app's runs there."""
        node = next((n for n in self.cluster.resources()[2] if n["NodeID"] == job.node), None)
        cores = int(node["Resources"].get("CPU", 1)) if node else 1
        with self._lock:
            here = sum(other.node == job.node and other.status == RunStatus.RUNNING for other in self._jobs.values())
        return max(1, int(self.cpus_per_job), cores // max(1, here))

    # Actors and data
    def _new_actor(self):
        return ray.remote(Trainer).options(num_cpus=self.cpus_per_job, num_gpus=self.gpus_per_job,
                                           max_concurrency=4, max_restarts=0).remote()

    def _take_actor(self):
        with self._lock:
            actor, self._spare = self._spare, None
        return actor if actor is not None else self._new_actor()

    def _release(self, actor, reusable: bool) -> None:
        """A run is over: its actor goes to the first waiting job, or stays as the spare, or ends."""
        with self._lock:
            waiting = [self._jobs[job_id] for job_id in self._waiting]
            taker = next((job for job in waiting if job.status == RunStatus.QUEUED and job.handoff is None
                          and job.actor is not None), None) if reusable else None
            if taker is not None:
                taker.handoff = actor
                return
            keep = reusable and self._spare is None and not self._waiting
            if keep:
                self._spare = actor
        if not keep:
            ray.kill(actor, no_restart=True)
            self._refill_spare()

    def _refill_spare(self) -> None:
        """Keep one idle actor ready while the cluster has room and no run waits."""
        with self._lock:
            if self._spare is not None or self._waiting:
                return
        free = self.cluster.resources(fresh=True)[0]
        if free.get("CPU", 0) >= self.cpus_per_job and free.get("GPU", 0) >= self.gpus_per_job:
            with self._lock:
                if self._spare is None and not self._waiting:
                    self._spare = self._new_actor()
