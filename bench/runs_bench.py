"""Run store, export and fine-tuning figures; prints one `name: value` line per figure.

    .venv/bin/python -m bench.runs_bench           # about a minute on 2 CPU cores
    .venv/bin/python -m bench.runs_bench --quick    # tiny budget: checks every figure prints

Figures: training time with and without recording to disk (the recorder's cost), how long
an ONNX and a TorchScript export take and whether onnxruntime agrees with PyTorch on the whole
MNIST test set, and fine-tuning with frozen convolutions versus learning from scratch on few images.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import torch

from core.basics.config import DataConfig, ModelConfig, RunConfig, TrainConfig
from core.basics.status import RunStatus
from core.data.dataset import Dataset
from core.data.registry import dataset_info, load_dataset
from core.runners.jobs import JobRunner
from core.runners.runtime import make_runner
from core.store.export import check_onnx, export_onnx, export_torchscript
from core.store.runs import RunStore


def figure(name: str, value: str) -> None:
    print(f"{name}: {value}", flush=True)


def timed_job(runner: JobRunner, config: RunConfig, dataset: Dataset):
    start = time.perf_counter()
    job = runner.submit(config, dataset)
    job.wait()
    assert job.status == RunStatus.FINISHED, job.error
    return job, time.perf_counter() - start


def recording_cost(mnist: Dataset, images: int, repeats: int, root: Path) -> RunStore:
    config = RunConfig(DataConfig(train_subset=images), ModelConfig("fast_cnn"), TrainConfig(epochs=2, batch_size=128))
    plain, recorded = JobRunner(max_parallel=1), make_runner(max_parallel=1, store=RunStore(root))
    times = {"without": [], "with": []}
    for _ in range(repeats):  # interleaved, so machine noise hits both alike
        times["without"].append(timed_job(plain, config, mnist)[1])
        times["with"].append(timed_job(recorded, config, mnist)[1])
    for key, values in times.items():
        figure(f"fast_cnn {images} images x2 epochs, {key} recording (median s)", f"{statistics.median(values):.2f}")
    run = RunStore(root).list_runs()[0]
    size = sum(path.stat().st_size for path in run.folder.rglob("*") if path.is_file())
    figure("one recorded run on disk (kB)", f"{size / 1024:.0f}")
    return RunStore(root)


def export_figures(store: RunStore, mnist: Dataset, images: int) -> None:
    loaded = store.load_model(store.list_runs()[0].id)
    start = time.perf_counter()
    onnx_file = export_onnx(loaded)
    figure("ONNX export (s)", f"{time.perf_counter() - start:.2f}")
    start = time.perf_counter()
    export_torchscript(loaded)
    figure("TorchScript export (s)", f"{time.perf_counter() - start:.2f}")
    check = check_onnx(loaded, onnx_file, mnist.test_x[:images])
    figure("onnxruntime vs PyTorch, same predictions", f"{check.same_predictions}/{check.images}")
    figure("onnxruntime vs PyTorch, largest logit difference", f"{check.largest_logit_difference:.2e}")


def parity_dataset(mnist: Dataset, images: int) -> tuple[DataConfig, Dataset]:
    """A two-class task with the same image size: is the digit even or odd?"""
    data = DataConfig("custom:parity", train_subset=images, custom_classes=("even", "odd"), custom_shape=(1, 28, 28))
    return data, Dataset(dataset_info(data), mnist.train_x, mnist.train_y % 2, mnist.test_x, mnist.test_y % 2,
                         "MNIST relabelled even/odd")


def fine_tune_figures(mnist: Dataset, source_images: int, few: int, root: Path) -> None:
    store = RunStore(root / "fine-tune")
    runner = make_runner(max_parallel=1, store=store)
    source, _ = timed_job(runner, RunConfig(DataConfig(train_subset=source_images), ModelConfig("fast_cnn"),
                                            TrainConfig(epochs=2, batch_size=128)), mnist)
    data, parity = parity_dataset(mnist, few)
    train = TrainConfig(epochs=3, batch_size=32)
    for label, model in (("from scratch", ModelConfig("fast_cnn")),
                         ("fine-tuned, convolutions frozen", ModelConfig("fast_cnn", init_from_run=source.id,
                                                                        freeze_convolutions=True))):
        job, seconds = timed_job(runner, RunConfig(data, model, train), parity)
        figure(f"even/odd from {few} images, {label}: test accuracy", f"{job.events()[-1].test_accuracy:.2%}")
        figure(f"even/odd from {few} images, {label}: seconds", f"{seconds:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, only checks that every figure prints")
    quick = parser.parse_args().quick
    torch.manual_seed(0)
    mnist = load_dataset("mnist")
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        recorded = recording_cost(mnist, 1000 if quick else 10000, 1 if quick else 3, root / "recorded")
        export_figures(recorded, mnist, 500 if quick else len(mnist.test_y))
        fine_tune_figures(mnist, 2000 if quick else 20000, 100 if quick else 300, root)


if __name__ == "__main__":
    main()
