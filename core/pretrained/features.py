"""What the frozen part of a pretrained network makes of each picture, computed once and reused.

Training a head on a few hundred pictures takes a second; running the pretrained network over them
takes the rest. So each picture's output is cached under the hash of its pixels and of the network
part that read it: a second run on the same pictures (or with one class more) only reads new ones.
"""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict

import torch

from core.data.dataset import Dataset
from core.pretrained.network import PretrainedClassifier

CACHE_BYTES = 256 * 2**20  # oldest entries are dropped beyond this
BATCH = 16  # pictures per forward pass: small enough to check the stop button often


class FeatureCache:
    """Thread-safe, size-bounded map from (network part, picture hash) to a CPU tensor."""

    def __init__(self, max_bytes: int = CACHE_BYTES):
        self.max_bytes = max_bytes
        self._entries: OrderedDict[tuple[str, str], torch.Tensor] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: tuple[str, str]) -> torch.Tensor | None:
        with self._lock:
            value = self._entries.get(key)
            if value is None:
                self.misses += 1
                return None
            self.hits += 1
            self._entries.move_to_end(key)
            return value

    def put(self, key: tuple[str, str], value: torch.Tensor) -> None:
        size = value.numel() * value.element_size()
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = value
            self._bytes += size
            while self._bytes > self.max_bytes and len(self._entries) > 1:
                _, dropped = self._entries.popitem(last=False)
                self._bytes -= dropped.numel() * dropped.element_size()

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes, self.hits, self.misses = 0, 0, 0

    def __len__(self) -> int:
        return len(self._entries)


FEATURE_CACHE = FeatureCache()


def picture_hash(picture: torch.Tensor) -> str:
    """A short fingerprint of one picture's pixels and shape."""
    data = picture.contiguous().numpy().tobytes() + str(tuple(picture.shape)).encode()
    return hashlib.sha256(data).hexdigest()[:24]


def part_name(model: PretrainedClassifier) -> str:
    """Which frozen part produced a cached value (the head-only and fine-tune parts differ)."""
    return f"efficientnet_lite0:until_block_{model.from_block}"


def extract(model: PretrainedClassifier, dataset: Dataset, images: torch.Tensor, device: torch.device,
            cache: FeatureCache = FEATURE_CACHE, stop: threading.Event | None = None):
    """Generator: yields (pictures ready, of which from the cache) after each batch, returns the stacked
    frozen_part outputs of every (uint8) picture, or None when stopped."""
    part = part_name(model)
    keys = [(part, picture_hash(picture)) for picture in images]
    found = [cache.get(key) for key in keys]
    missing = [index for index, value in enumerate(found) if value is None]
    from_cache = len(images) - len(missing)
    yield from_cache, from_cache
    model.eval()
    for start in range(0, len(missing), BATCH):
        if stop is not None and stop.is_set():
            return None
        batch = missing[start:start + BATCH]
        with torch.inference_mode():
            values = model.frozen_part(dataset.to_input(images[batch].to(device))).float().cpu()
        for index, value in zip(batch, values):
            found[index] = value.clone()
            cache.put(keys[index], found[index])
        yield from_cache + start + len(batch), from_cache
    return torch.stack(found) if found else torch.empty(0)


def features_of(model: PretrainedClassifier, dataset: Dataset, images: torch.Tensor, device: torch.device,
                cache: FeatureCache = FEATURE_CACHE) -> torch.Tensor:
    """extract() run to the end, for scripts and tests."""
    steps = extract(model, dataset, images, device, cache)
    while True:
        try:
            next(steps)
        except StopIteration as finished:
            return finished.value
