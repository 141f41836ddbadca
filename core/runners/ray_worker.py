"""The Ray side of a remote run: a trainer actor that the app polls for events and weights.

Only plain data crosses the wire: the settings as a dict, the dataset as numpy arrays (put into
Ray's object store once by the app), events as dicts and weights as safetensors bytes. No model
or user object is ever pickled. This module is imported on the Ray workers, so it must not
need Streamlit or anything else only the app has.
"""
from __future__ import annotations

import threading
import time
import warnings

import numpy as np
import torch
from safetensors.torch import load as load_weights
from safetensors.torch import save as save_weights
from torch import nn

from core.basics.choices import DatasetInfo
from core.basics.config import RunConfig
from core.data.dataset import Dataset
from core.engine.cpu_share import CpuShare
from core.engine.device import pick_device
from core.engine.events import event_to_dict
from core.engine.events import Done, EpochEnd, StepEnd
from core.engine.feature_training import training_events
from core.engine.models import build_model
from core.engine.warm_up import warm_up
from core.store.finetune import FROZEN_LAYER_TYPES

WEIGHTS_EVERY_SECONDS = 30.0  # during long epochs the app also gets the weights this often


def dataset_to_payload(dataset: Dataset) -> dict:
    """A dataset as plain arrays and strings, for ray.put (numpy arrays are shared, not copied)."""
    info = dataset.info
    return {"info": {"name": info.name, "title": info.title, "classes": list(info.classes),
                     "input_shape": list(info.input_shape), "mean": list(info.mean), "std": list(info.std),
                     "is_digits": info.is_digits},
            "train_x": dataset.train_x.numpy(), "train_y": dataset.train_y.numpy(),
            "test_x": dataset.test_x.numpy(), "test_y": dataset.test_y.numpy(), "source": dataset.source}


def dataset_from_payload(payload: dict) -> Dataset:
    """The Dataset that dataset_to_payload described; arrays stay in the object store."""
    values = payload["info"]
    info = DatasetInfo(values["name"], values["title"], tuple(values["classes"]), tuple(values["input_shape"]),
                       tuple(values["mean"]), tuple(values["std"]), bool(values["is_digits"]))
    with warnings.catch_warnings():  # the store's arrays are read-only; training only reads them
        warnings.simplefilter("ignore", UserWarning)
        tensors = [torch.from_numpy(np.asarray(payload[key])) for key in ("train_x", "train_y", "test_x", "test_y")]
    return Dataset(info, *tensors, payload["source"])


def model_to_bytes(model: nn.Module) -> bytes:
    """The model's weights as a safetensors file in memory."""
    return save_weights({name: tensor.detach().cpu().contiguous() for name, tensor in model.state_dict().items()})


def load_model_bytes(model: nn.Module, data: bytes) -> None:
    """Load safetensors bytes from model_to_bytes into model (names and shapes must match)."""
    model.load_state_dict(load_weights(data))


class Trainer:
    """Trains runs on a Ray worker, one at a time, each known by its job id; the app polls it.

    A threaded actor: train() runs in one thread, poll() and stop() in others. The same actor trains
    the next waiting run when one ends, so that run does not wait for a new process to import torch.
    """

    def __init__(self):
        import ray  # only on a Ray worker

        self._node = ray.get_runtime_context().get_node_id()
        warm_up()  # before ready() answers: a run given to this actor starts training at once
        self._cpu_share = CpuShare()
        self._lock = threading.Lock()
        self._run_id = ""
        self._start_run("")

    def _start_run(self, run_id: str) -> None:
        with self._lock:
            self._run_id, self._items, self._stop = run_id, [], threading.Event()
            self._finished, self._error = False, None

    def ready(self) -> bool:
        """Answers once the actor is up (its process has imported torch)."""
        return True

    def train(self, run_id: str, config: dict, dataset: dict, initial_weights: bytes | None = None) -> None:
        """Train the run described by config on dataset; events are collected for poll()."""
        self._start_run(run_id)
        try:
            self._train(RunConfig.from_dict(config), dataset_from_payload(dataset), initial_weights)
        except Exception as error:  # reported to the app through poll(); the actor stays up
            self._error = f"{type(error).__name__}: {error}"
        finally:
            self._finished = True

    def _train(self, config: RunConfig, dataset: Dataset, initial_weights: bytes | None) -> None:
        model = build_model(config.model, dataset.info.input_shape, len(dataset.info.classes), seed=config.train.seed)
        if initial_weights is not None:  # fine-tuning: the app prepared the starting weights
            load_model_bytes(model, initial_weights)
            if config.model.freeze_convolutions:
                for module in model.modules():
                    if isinstance(module, FROZEN_LAYER_TYPES):
                        module.requires_grad_(False)
        self._use_threads()
        last_sent = time.monotonic()
        for event in training_events(model, dataset, config, pick_device(), self._stop):
            weights = None
            periodic = isinstance(event, StepEnd) and time.monotonic() - last_sent > WEIGHTS_EVERY_SECONDS
            if isinstance(event, (EpochEnd, Done)) or periodic:
                weights, last_sent = model_to_bytes(model), time.monotonic()
            with self._lock:
                self._items.append((event_to_dict(event), weights))
            self._use_threads()

    def _use_threads(self) -> None:
        # The app's share for this run, but only cores other processes on this machine leave idle:
        # two threads beside a busy core train several times slower than one (see core.engine.cpu_share).
        threads = min(self._threads, self._cpu_share.threads_for(1)) if self._threads else 0
        if threads and threads != torch.get_num_threads():
            torch.set_num_threads(threads)  # in the training thread, where it counts

    _threads = 0

    def poll(self, run_id: str, cursor: int, threads: int = 0) -> dict:
        """Events of run_id from number cursor on, whether it ended and its error; sets the CPU threads to use."""
        self._threads = threads
        with self._lock:
            if run_id != self._run_id:  # that run has not begun here yet
                return {"items": [], "finished": False, "error": None, "node": self._node}
            items, total = self._items[cursor:], len(self._items)
        return {"items": items, "finished": self._finished and cursor + len(items) == total,
                "error": self._error, "node": self._node}

    def stop(self, run_id: str) -> None:
        """Ask run_id to end; the trainer checks before every step."""
        with self._lock:
            if run_id == self._run_id:
                self._stop.set()
