"""Joining a Ray cluster (token authentication on) and what the app keeps track of in it.

connect() starts or joins the cluster; ClusterView says what it has free; DatasetShelf puts each
dataset into Ray's object store once, for every run that trains on it.
"""
from __future__ import annotations

import os
import socket
import threading
import time
import weakref

from core.data.dataset import Dataset
from core.data.registry import PROJECT_ROOT
from core.runners.ray_worker import dataset_to_payload

os.environ.setdefault("RAY_AUTH_MODE", "token")  # read when ray is imported: every connection carries the token
import ray  # noqa: E402

KEEP_DATASETS = 4  # datasets kept in the object store (the oldest is released first)
LOCAL_OBJECT_STORE_MB = 512


def connect(address: str, num_cpus: int | None = None) -> None:
    """Start (`local`) or join a Ray cluster with token authentication; ConnectionError if it fails."""
    if address.startswith("ray://"):
        check_reachable(address)
    if ray.is_initialized():
        return
    try:
        if address == "local":
            ray.init(address="local", num_cpus=num_cpus, include_dashboard=False, log_to_driver=False,
                     object_store_memory=LOCAL_OBJECT_STORE_MB * 1024 * 1024,
                     runtime_env={"env_vars": {"PYTHONPATH": str(PROJECT_ROOT)}})
        else:  # the workers get this app's core package, uploaded by Ray
            ray.init(address=address, runtime_env={"py_modules": [str(PROJECT_ROOT / "core")]})
    except Exception as error:
        ray.shutdown()
        raise ConnectionError(f"{type(error).__name__}: {error}") from error


def check_reachable(address: str, timeout: float = 3.0) -> None:
    """ConnectionError at once when nothing answers at a ray://HOST:PORT address (Ray's client waits 30 s)."""
    host, _, port = address.removeprefix("ray://").rpartition(":")
    try:
        socket.create_connection((host, int(port or 10001)), timeout=timeout).close()
    except (OSError, ValueError) as error:
        raise ConnectionError(f"nothing answers at {host}:{port} ({error})") from error


class ClusterView:
    """The cluster's free and total resources and its live nodes, asked of Ray at most every 2 s."""

    def __init__(self):
        self._lock = threading.Lock()
        self._resources, self._time = ({}, {}, []), 0.0

    def resources(self, fresh: bool = False) -> tuple[dict, dict, list]:
        """(free, total, nodes): resource name -> amount, and the live nodes as ray.nodes() gives them."""
        with self._lock:
            if fresh or time.monotonic() - self._time > 2.0:
                self._resources = (ray.available_resources(), ray.cluster_resources(),
                                   [node for node in ray.nodes() if node.get("Alive")])
                self._time = time.monotonic()
            return self._resources


class DatasetShelf:
    """Each dataset in the object store once (as plain arrays), shared by every run on it."""

    def __init__(self):
        self._lock = threading.Lock()
        self._references: dict[int, tuple[weakref.ref, ray.ObjectRef]] = {}

    def reference(self, dataset: Dataset) -> ray.ObjectRef:
        """The object store's copy of dataset, put there on first use."""
        with self._lock:
            known = self._references.get(id(dataset))
            if known is not None and known[0]() is dataset:
                return known[1]
            reference = ray.put(dataset_to_payload(dataset))
            self._references[id(dataset)] = (weakref.ref(dataset), reference)
            while len(self._references) > KEEP_DATASETS:
                del self._references[next(iter(self._references))]
            return reference
