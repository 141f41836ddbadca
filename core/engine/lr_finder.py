"""Find a learning rate: the range test of Leslie Smith, as fastai's lr_find does it.

A fresh copy of the network trains for a few hundred steps while the learning rate rises
exponentially from tiny to huge; the loss is recorded against the rate. The loss first barely
moves (rate too small), then falls fast, then blows up (rate too big). A good rate sits about ten
times below the rate where the loss was lowest. Same signature as core.engine.train.train, so the job
runner runs it like training: progress, Stop and a fair share of the cores.
"""
from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass
from typing import Iterator, Union

import torch
import torch.nn.functional as F
from torch import nn

from core.basics.config import RunConfig
from core.basics.status import RunStatus
from core.data.dataset import Dataset
from core.engine.train import make_optimizer, memory_format, split_train_validation

START_RATE, END_RATE = 1e-6, 10.0
STEPS = 200
SMOOTHING = 0.95  # exponential moving average of the loss, so one odd batch does not decide
BLOW_UP = 4.0  # stop once the smoothed loss is this many times its lowest value


@dataclass(frozen=True)
class RateStep:
    step: int  # 1-based
    total_steps: int
    learning_rate: float
    loss: float  # smoothed
    elapsed: float


@dataclass(frozen=True)
class RateFound:
    status: RunStatus  # finished or stopped
    learning_rates: tuple[float, ...]
    losses: tuple[float, ...]  # smoothed, one per rate
    suggestion: float | None  # None when there were too few steps to say
    lowest_loss_rate: float | None
    explanation: str
    elapsed: float


RateEvent = Union[RateStep, RateFound]


def rate_at(step: int, total_steps: int) -> float:
    """The learning rate of step (0-based): exponential from START_RATE to END_RATE."""
    return START_RATE * (END_RATE / START_RATE) ** (step / max(1, total_steps - 1))


def find_learning_rate(model: nn.Module, dataset: Dataset, config: RunConfig, device: torch.device,
                       stop: threading.Event | None = None, steps: int = STEPS) -> Iterator[RateEvent]:
    """Train model briefly with a rising learning rate, yielding the smoothed loss at each rate."""
    torch.manual_seed(config.train.seed)
    generator = torch.Generator().manual_seed(config.train.seed)
    train_x, train_y, _, _ = split_train_validation(dataset, config)
    layout = memory_format(model)
    model.to(device, memory_format=layout).train()
    optimizer, _ = make_optimizer(model, config, steps)  # the run's optimizer; its schedule is ours instead
    batch_size = config.train.batch_size
    order = torch.randperm(len(train_y), generator=generator)
    start, rates, losses = time.perf_counter(), [], []
    average, status = 0.0, RunStatus.FINISHED
    for step in range(steps):
        if stop is not None and stop.is_set():
            status = RunStatus.STOPPED
            break
        rate = rate_at(step, steps)
        for group in optimizer.param_groups:
            group["lr"] = rate
        offset = (step * batch_size) % max(1, len(order) - batch_size + 1)
        idx = order[offset:offset + batch_size]
        xb, yb = train_x[idx].to(device), train_y[idx].to(device)
        loss = F.cross_entropy(model(dataset.to_input(xb).contiguous(memory_format=layout)).float(), yb)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        value = loss.item()
        if not math.isfinite(value):
            break
        average = SMOOTHING * average + (1 - SMOOTHING) * value
        smoothed = average / (1 - SMOOTHING ** (step + 1))  # bias-corrected, as in fastai
        rates.append(rate)
        losses.append(smoothed)
        yield RateStep(step + 1, steps, rate, smoothed, time.perf_counter() - start)
        if step > 10 and smoothed > BLOW_UP * min(losses):
            break
    yield summarise(rates, losses, status, time.perf_counter() - start)


def summarise(rates: list[float], losses: list[float], status: RunStatus, elapsed: float) -> RateFound:
    """The suggested rate (a tenth of the rate with the lowest loss) and why, in words."""
    if len(losses) < 10:
        return RateFound(status, tuple(rates), tuple(losses), None, None,
                         "Too few steps to suggest a learning rate: let the test run longer.", elapsed)
    lowest = min(range(len(losses)), key=losses.__getitem__)
    lowest_rate = rates[lowest]
    suggestion = float(f"{lowest_rate / 10:.2g}")
    explanation = (
        f"The loss (the network's error) was lowest at a learning rate of about {lowest_rate:.2g} "
        f"({losses[lowest]:.2f}); beyond that, each nudge overshoots and the loss shoots up. A tenth of that, "
        f"{suggestion:g}, is a good learning rate: big enough to learn fast, safely below where learning "
        f"breaks down.")
    return RateFound(status, tuple(rates), tuple(losses), suggestion, lowest_rate, explanation, elapsed)
