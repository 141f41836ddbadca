"""My images with a pretrained network against learning from scratch, on a few pictures a class.

    .venv/bin/python -m bench.my_images_bench            # about 5 minutes on 2 CPU cores
    .venv/bin/python -m bench.my_images_bench --quick    # fewer test pictures: checks every figure prints

From the CIFAR-10 sample (PLAYGROUND_DATA_DIR, default ../shared/datasets): 20 training pictures a class,
tested on the sample's own test set (200 a class), (a) pretrained EfficientNet-Lite0 features + head
and (b) the from-scratch presets, side by side, for 10 classes and for 3. Then the app's own path: seconds
from pressing Train (a job on the runner, recorded to disk) to the result for 10 classes x 20 pictures,
reading the pictures included, first with an empty feature cache and again with it filled; and memory.
"""
from __future__ import annotations

import argparse
import os
import platform
import tempfile
import time
from pathlib import Path

import numpy as np
import psutil
import torch
from PIL import Image

from bench.train_speed import on_fresh_thread
from core.basics.choices import CIFAR10_CLASSES, PRESETS
from core.basics.choices import DatasetInfo
from core.basics.config import CUSTOM_PREFIX, DataConfig, ModelConfig, RunConfig, TrainConfig
from core.basics.status import RunStatus
from core.data.dataset import Dataset
from core.data.image_folder import build_dataset
from core.data.registry import DATA_DIR_VARIABLE
from core.engine.feature_training import training_events
from core.engine.models import build_model
from core.pretrained.features import FEATURE_CACHE
from core.pretrained.network import imagenet_network
from core.runners.runtime import make_runner
from core.store.runs import RunStore

SAMPLE = Path("cifar10-jpeg") / "cifar10_jpeg_sample.npz"
SCRATCH = {"fast_cnn": 40, "tiny_cifar": 40}  # epochs: a small set needs many passes (augmentation on)


def figure(name: str, value: str) -> None:
    print(f"{name}: {value}", flush=True)


def load_sample() -> dict[str, np.ndarray]:
    root = Path(os.environ.get(DATA_DIR_VARIABLE, Path(__file__).resolve().parents[2] / "shared" / "datasets"))
    with np.load(root / SAMPLE, allow_pickle=False) as arrays:
        return {name: arrays[name] for name in arrays.files}


def resize(pictures: np.ndarray, size: int) -> torch.Tensor:
    """(N, 32, 32, 3) -> (N, 3, size, size) uint8, stretched as core.data.image_folder does with a user's file."""
    if size == pictures.shape[1]:
        return torch.from_numpy(np.ascontiguousarray(pictures.transpose(0, 3, 1, 2)))
    resized = [np.asarray(Image.fromarray(p).resize((size, size), Image.BILINEAR)) for p in pictures]
    return torch.from_numpy(np.stack(resized).transpose(0, 3, 1, 2).copy())


def few_shot(sample: dict, classes: list[int], per_class: int, size: int, test_limit: int) -> Dataset:
    """per_class training pictures of each class; the sample's test pictures of those classes."""
    rng = np.random.default_rng(0)
    train_index = np.concatenate([rng.choice(np.flatnonzero(sample["train_y"] == c), per_class, replace=False)
                                  for c in classes])
    test_index = np.concatenate([np.flatnonzero(sample["test_y"] == c)[:test_limit] for c in classes])
    relabel = {c: i for i, c in enumerate(classes)}
    labels = lambda y: torch.tensor([relabel[int(v)] for v in y])  # noqa: E731
    info = DatasetInfo(f"{CUSTOM_PREFIX}bench{len(classes)}x{size}", "My images",
                       tuple(CIFAR10_CLASSES[c] for c in classes), (3, size, size), (0.5,) * 3, (0.25,) * 3, False)
    return Dataset(info, resize(sample["train_x"][train_index], size), labels(sample["train_y"][train_index]),
                   resize(sample["test_x"][test_index], size), labels(sample["test_y"][test_index]), "bench")


def run_config(dataset: Dataset, preset: str, epochs: int | None = None, augment: bool = False) -> RunConfig:
    info = PRESETS[preset]
    data = DataConfig(dataset.info.name, 0.1, 0, augment, dataset.info.classes, dataset.info.input_shape)
    return RunConfig(data, ModelConfig(preset, dropout=info.dropout),
                     TrainConfig(info.optimizer, info.learning_rate, 16, epochs or info.epochs, schedule=info.schedule))


def accuracy(dataset: Dataset, config: RunConfig) -> tuple[float, float]:
    """(test accuracy, seconds) of one run on dataset, with core's trainer, in a fresh thread as the app does."""
    return on_fresh_thread(_accuracy, dataset, config)


def _accuracy(dataset: Dataset, config: RunConfig) -> tuple[float, float]:
    start = time.perf_counter()
    model = build_model(config.model, dataset.info.input_shape, len(dataset.info.classes))
    done = list(training_events(model, dataset, config, torch.device("cpu")))[-1]
    return done.test_accuracy, time.perf_counter() - start


def side_by_side(sample: dict, classes: list[int], size: int, test_limit: int, fine_tune: bool) -> None:
    label = f"{len(classes)} classes x 20"
    pretrained = few_shot(sample, classes, 20, size, test_limit)
    head, seconds = accuracy(pretrained, run_config(pretrained, "efficientnet_lite0"))
    figure(f"test_accuracy[{label}, pretrained + head, {size} px]",
           f"{head:.1%} | {seconds:.1f} s | {len(pretrained.test_y)} test pictures")
    if fine_tune:
        tuned, seconds = accuracy(pretrained, run_config(pretrained, "efficientnet_lite0_finetune"))
        figure(f"test_accuracy[{label}, pretrained + last blocks, {size} px]", f"{tuned:.1%} | {seconds:.1f} s")
    small = few_shot(sample, classes, 20, 32, test_limit)
    scratch = {}
    for preset, epochs in SCRATCH.items():
        scratch[preset], seconds = accuracy(small, run_config(small, preset, epochs, augment=True))
        figure(f"test_accuracy[{label}, from scratch {preset}, 32 px, augmented, {epochs} epochs]",
               f"{scratch[preset]:.1%} | {seconds:.1f} s")
    best = max(scratch, key=scratch.get)
    figure(f"pretrained_minus_best_scratch[{label}]", f"{(head - scratch[best]) * 100:+.1f} points (vs {best})")


def as_user_pictures(sample: dict, size: int) -> Dataset:
    """10 classes x 20 pictures as the page builds them: 15% of each class kept aside for the test."""
    rng = np.random.default_rng(1)
    images = {}
    for c, name in enumerate(CIFAR10_CLASSES):
        index = rng.choice(np.flatnonzero(sample["train_y"] == c), 20, replace=False)
        images[name] = list(resize(sample["train_x"][index], size).numpy())
    return build_dataset(images)


def seconds_to_result(sample: dict, size: int, root: Path) -> None:
    dataset = as_user_pictures(sample, size)
    runner = make_runner(max_parallel=1, device=torch.device("cpu"), store=RunStore(root))
    FEATURE_CACHE.clear()
    for attempt in ("empty cache", "cache filled by the run before"):
        start = time.perf_counter()
        job = runner.submit(run_config(dataset, "efficientnet_lite0"), dataset)
        job.wait()
        assert job.status == RunStatus.FINISHED, job.error
        seconds = time.perf_counter() - start
        reading = job.history().extracting
        figure(f"seconds_train_to_result[10 classes x 20, {size} px, {attempt}]",
               f"{seconds:.1f} s | reading pictures {reading.elapsed:.1f} s, {reading.from_cache}/{reading.total} "
               f"from cache | test accuracy {job.history().done.test_accuracy:.0%} on {len(dataset.test_y)} pictures")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="20 test pictures a class instead of 200")
    args = parser.parse_args()
    torch.manual_seed(0)
    process = psutil.Process()
    figure("machine", f"CPU ({torch.get_num_threads()} threads) | {platform.machine()} | torch {torch.__version__} | "
                      f"load average {os.getloadavg()[0]:.1f}")
    before = process.memory_info().rss
    start = time.perf_counter()
    imagenet_network()
    figure("pretrained_network_load", f"{time.perf_counter() - start:.2f} s | +{(process.memory_info().rss - before) / 2**20:.0f} MB "
                                      f"resident (process now {process.memory_info().rss / 2**20:.0f} MB)")
    sample = load_sample()
    test_limit = 20 if args.quick else 200
    side_by_side(sample, list(range(10)), 128, test_limit, fine_tune=not args.quick)
    side_by_side(sample, [0, 1, 2], 128, test_limit, fine_tune=False)
    with tempfile.TemporaryDirectory() as folder:
        seconds_to_result(sample, 128, Path(folder))
    figure("process_memory_after_all_runs", f"{process.memory_info().rss / 2**20:.0f} MB resident "
                                            f"(feature cache: {len(FEATURE_CACHE)} pictures)")
    figure("load_average_at_end", f"{os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
