"""Training a pretrained network's head (or last blocks) on cached features: seconds, not minutes.

The same events as core.engine.train (so progress, Stop, Runs and charts work unchanged), preceded by
Extracting events while the pretrained network reads the pictures it has not seen yet.
"""
from __future__ import annotations

import dataclasses
import math
import threading
import time
from collections.abc import Iterator

import torch
from torch import nn

from core.basics.config import RunConfig
from core.basics.status import RunStatus
from core.data.dataset import Dataset
from core.engine.events import Done, Event, Extracting, Stopped
from core.engine.train import train
from core.pretrained.features import FEATURE_CACHE, FeatureCache, extract
from core.pretrained.network import LearningPart, PretrainedClassifier


@dataclasses.dataclass
class FeatureDataset(Dataset):
    """Cached features in place of pictures: they are already the network's input."""

    def to_input(self, images: torch.Tensor) -> torch.Tensor:
        return images.float()


def _extract_all(model: PretrainedClassifier, dataset: Dataset, device: torch.device, stop, cache, start):
    """Yields Extracting events; returns [train features, test features] or None when stopped."""
    total, parts, offset, from_cache = len(dataset.train_y) + len(dataset.test_y), [], 0, 0
    for images in (dataset.train_x, dataset.test_x):
        steps = extract(model, dataset, images, device, cache, stop)
        while True:
            try:
                done, cached = next(steps)
            except StopIteration as finished:
                result = finished.value
                break
            yield Extracting(offset + done, total, from_cache + cached, time.perf_counter() - start)
        if result is None:
            return None
        parts.append(result)
        offset, from_cache = offset + len(images), from_cache + cached
    return parts


def train_pretrained(model: PretrainedClassifier, dataset: Dataset, config: RunConfig, device: torch.device,
                     stop: threading.Event | None = None, cache: FeatureCache = FEATURE_CACHE) -> Iterator[Event]:
    """Read every picture once with the frozen part (cached), then train the learning part on that."""
    start = time.perf_counter()
    model.to(device)
    parts = yield from _extract_all(model, dataset, device, stop, cache, start)
    if parts is None:
        yield Stopped(0, 0)
        yield Done(RunStatus.STOPPED, math.nan, math.nan, time.perf_counter() - start)
        return
    features = FeatureDataset(dataset.info, parts[0], dataset.train_y, parts[1], dataset.test_y, dataset.source)
    no_augmentation = dataclasses.replace(config, data=dataclasses.replace(config.data, augment=False))
    head_only, threads = model.from_block >= 16, torch.get_num_threads()
    for event in train(LearningPart(model), features, no_augmentation, device, stop):
        if isinstance(event, Done):  # the time from pressing Train, reading the pictures included
            event = dataclasses.replace(event, elapsed=time.perf_counter() - start)
        yield event
        if head_only and device.type == "cpu":
            # A dense layer on 1,280 numbers: one thread. Two threads' hand-offs cost more than the work, up to
            # 20x more on a busy machine (2.5 s against 50 s for 10 classes x 20 pictures). Set again after each
            # event, because the job runner sets its thread count whenever it takes one.
            torch.set_num_threads(1)
    torch.set_num_threads(threads)  # as it was: the thread count reads as the machine's elsewhere (the sidebar)
    model.eval()


def training_events(model: nn.Module, dataset: Dataset, config: RunConfig, device: torch.device,
                    stop: threading.Event | None = None) -> Iterator[Event]:
    """The right trainer for the model: cached features for a pretrained one, core.engine.train otherwise."""
    if isinstance(model, PretrainedClassifier):
        return train_pretrained(model, dataset, config, device, stop)
    return train(model, dataset, config, device, stop)
