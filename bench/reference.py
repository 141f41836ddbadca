"""The textbook PyTorch pipeline (pytorch/examples mnist style), to compare our trainer against.

torchvision's MNIST dataset with per-image ToTensor + Normalize, a DataLoader with batch 64,
the same model and optimizer. Needs the unpacked IDX files under ROOT/MNIST/raw/.
"""
from __future__ import annotations

import gzip
import shutil
import time
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from core.data.registry import SHIPPED_MNIST


def unpack_mnist(root: Path) -> Path:
    """Write the shipped .gz files unpacked where torchvision's MNIST class looks for them."""
    raw = root / "MNIST" / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    for packed in SHIPPED_MNIST.glob("*.gz"):
        target = raw / packed.stem
        if not target.exists():
            with gzip.open(packed, "rb") as source, open(target, "wb") as out:
                shutil.copyfileobj(source, out)
    return root


def reference_samples_per_second(model: nn.Module, root: Path, steps: int, batch_size: int = 64) -> float:
    """Train `steps` batches the usual way; images per second after 5 warm-up batches."""
    from torchvision import datasets, transforms

    transform = transforms.Compose([transforms.ToTensor(), transforms.Normalize((0.1307,), (0.3081,))])
    dataset = datasets.MNIST(str(root), train=True, download=False, transform=transform)
    loader = torch.utils.data.DataLoader(dataset, batch_size=batch_size, shuffle=True)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    model.train()
    start, seen = None, 0
    for step, (x, y) in enumerate(loader):
        if step == 5:
            start, seen = time.perf_counter(), 0
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        seen += len(y)
        if step == steps + 5:
            break
    return seen / (time.perf_counter() - start)
