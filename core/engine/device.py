"""Pick where to train: a CUDA GPU, else Apple's MPS, else the CPU."""
from __future__ import annotations

import torch

from core.basics import settings


def pick_device() -> torch.device:
    """The fastest device available; PLAYGROUND_DEVICE=cpu forces the CPU."""
    forced = settings.text("PLAYGROUND_DEVICE")
    if forced:
        return torch.device(forced)
    if torch.cuda.is_available():
        return torch.device("cuda")
    if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def describe_device(device: torch.device) -> str:
    """A short human description, e.g. 'GPU: NVIDIA H100' or 'CPU (2 threads)'."""
    if device.type == "cuda":
        return f"GPU: {torch.cuda.get_device_name(device)}"
    if device.type == "mps":
        return "GPU: Apple (MPS)"
    threads = torch.get_num_threads()
    return f"CPU ({threads} thread{'' if threads == 1 else 's'})"
