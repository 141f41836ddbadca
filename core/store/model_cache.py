"""Saved models kept in memory for Inspect and Draw, bounded by the bytes of their weights.

A count alone bounds nothing: one saved run can hold 40 MB of weights (10 million numbers) where
another holds 0.2 MB. Shared by every visitor (the models are only ever run in eval mode), so it
is bounded by PLAYGROUND_MODEL_CACHE_MB, and the least recently used model is dropped first.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Callable, Hashable

from torch import nn

from core.store.bundle import LoadedModel


def parameter_bytes(model: nn.Module) -> int:
    """Bytes of every weight and buffer the model holds."""
    return sum(tensor.numel() * tensor.element_size() for tensor in model.state_dict().values())


class ModelCache:
    """Least recently used models, at most max_bytes of weights and max_models models in all."""

    def __init__(self, max_bytes: int, max_models: int):
        self.max_bytes, self.max_models = max_bytes, max(1, max_models)
        self._models: OrderedDict[Hashable, tuple[LoadedModel, int]] = OrderedDict()
        self._lock = threading.Lock()

    @property
    def bytes_held(self) -> int:
        with self._lock:
            return sum(size for _, size in self._models.values())

    def __len__(self) -> int:
        with self._lock:
            return len(self._models)

    def get(self, key: Hashable, load: Callable[[], LoadedModel]) -> LoadedModel:
        """The model under key, loading it with load() when it is not held (load's errors pass through).

        A model larger than the whole cache is returned but not kept: the page that asked can use it.
        """
        with self._lock:
            if key in self._models:
                self._models.move_to_end(key)
                return self._models[key][0]
        loaded = load()  # outside the lock: reading a bundle takes a while, others need not wait
        size = parameter_bytes(loaded.model)
        with self._lock:
            if size <= self.max_bytes:
                self._models[key] = (loaded, size)
                self._models.move_to_end(key)
                self._drop_oldest()
        return loaded

    def _drop_oldest(self) -> None:
        held = sum(size for _, size in self._models.values())
        while self._models and (held > self.max_bytes or len(self._models) > self.max_models):
            _, (_, size) = self._models.popitem(last=False)
            held -= size
