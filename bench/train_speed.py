"""Training and app speed on this machine; prints one stable `name: value` line per figure.

    .venv/bin/python -m bench.train_speed            # full run, about 4 minutes on 2 CPU cores
    .venv/bin/python -m bench.train_speed --quick    # tiny budget: checks every figure prints

Figures: samples/s per preset (ours vs the textbook DataLoader pipeline), seconds to 99.0% MNIST
test accuracy with the default network (median of 3 seeds), the cost of training through the app
with the page polling, one canvas prediction's latency, the app's cold start and memory.
"""
from __future__ import annotations

import argparse
import platform
import statistics
import tempfile
import threading
import time
from pathlib import Path

import torch

from bench.app_start import cold_start, train_in_browser, train_through_app
from bench.reference import reference_samples_per_second, unpack_mnist
from core.choices import scratch_presets
from core.config import DataConfig, ModelConfig, RunConfig, TrainConfig
from core.data import load_dataset
from core.device import describe_device, pick_device
from core.models import PRESETS, build_model
from core.train import EpochEnd, StepEnd, evaluate, train


def figure(name: str, value: str) -> None:
    print(f"{name}: {value}", flush=True)


def on_fresh_thread(function, *args):
    """function(*args) in a new thread that then ends, as the app trains each job in its own thread.

    Why: libgomp (PyTorch's OpenMP) cuts its spin-waiting once more threads own OpenMP teams
    than there are cores. A team kept by this long-lived main thread made every later training
    about 25% slower here, which would charge the app for the benchmark's own leftovers.
    """
    result = []
    worker = threading.Thread(target=lambda: result.append(function(*args)))
    worker.start()
    worker.join()
    return result[0]


def project_samples_per_second(preset: str, dataset, steps: int, device) -> float:
    """Our trainer at batch 64 with Adam, images per second after 5 warm-up steps."""
    config = RunConfig(DataConfig(train_subset=(steps + 5) * 64), ModelConfig(preset=preset),
                       TrainConfig(batch_size=64, epochs=1, log_every=5))
    model = build_model(config.model, dataset.info.input_shape, 10)
    steps_seen = []
    for event in train(model, dataset, config, device):
        if isinstance(event, StepEnd):
            steps_seen.append(event)
            if event.step == event.total_steps:
                break  # the validation and test passes that follow are not training
    first, last = steps_seen[0], steps_seen[-1]
    return (last.step - first.step) * 64 / (last.elapsed - first.elapsed)


def throughput(dataset, steps: int, device) -> None:
    root = unpack_mnist(Path(tempfile.mkdtemp(prefix="bench-mnist-")))
    for preset in scratch_presets():
        ours = on_fresh_thread(project_samples_per_second, preset, dataset, steps, device)
        reference = on_fresh_thread(lambda preset=preset: reference_samples_per_second(
            build_model(ModelConfig(preset=preset), dataset.info.input_shape, 10), root, steps))
        figure(f"samples_per_second[{preset}]",
               f"project {ours:,.0f} | reference {reference:,.0f} | ratio {ours / reference:.2f}x")


def seconds_to_accuracy(dataset, seed: int, target: float, device, train_subset: int) -> float | None:
    """Seconds of training (test checks excluded) until an epoch ends at >= target test accuracy."""
    preset = PRESETS["fast_cnn"]
    config = RunConfig(DataConfig(train_subset=train_subset), ModelConfig("fast_cnn"),
                       TrainConfig(preset.optimizer, preset.learning_rate, preset.batch_size, preset.epochs,
                                   schedule=preset.schedule, seed=seed, log_every=100))
    model = build_model(config.model, dataset.info.input_shape, 10)
    checking = 0.0
    for event in train(model, dataset, config, device):
        if isinstance(event, EpochEnd):
            training_seconds = event.elapsed - checking  # train()'s clock also ran during our checks
            started = time.perf_counter()
            _, accuracy = evaluate(model, dataset, dataset.test_x, dataset.test_y, device)
            model.train()
            checking += time.perf_counter() - started
            print(f"  seed {seed} epoch {event.epoch}: test accuracy {accuracy:.4f}", flush=True)
            if accuracy >= target:
                return training_seconds
    return None


def time_to_99(dataset, seeds: list[int], device, train_subset: int) -> None:
    times = [on_fresh_thread(seconds_to_accuracy, dataset, seed, 0.99, device, train_subset) for seed in seeds]
    shown = ", ".join("not reached" if t is None else f"{t:.1f}" for t in times)
    reached = [t for t in times if t is not None]
    median = f"{statistics.median(reached):.1f} s" if len(reached) == len(times) else "not reached by every seed"
    figure("seconds_to_99_percent[fast_cnn]", f"median {median} | seeds {shown}")


def ui_overhead(dataset, device, train_subset: int, epochs: int) -> None:
    preset = PRESETS["fast_cnn"]  # the Train page's defaults, as train_through_app leaves them
    config = RunConfig(DataConfig(train_subset=train_subset), ModelConfig("fast_cnn"),
                       TrainConfig(preset.optimizer, preset.learning_rate, preset.batch_size, epochs,
                                   schedule=preset.schedule))
    headless = on_fresh_thread(lambda: list(train(build_model(config.model, dataset.info.input_shape, 10),
                                                  dataset, config, device))[-1].elapsed)
    through_app = train_through_app(train_subset, epochs)
    figure("ui_overhead[fast_cnn]", f"headless {headless:.1f} s | app with page polling {through_app:.1f} s "
           f"| ratio {through_app / headless:.2f}")
    in_browser = train_in_browser(train_subset, epochs)
    figure("ui_overhead_browser_here[fast_cnn]", "not measured (no Chromium)" if in_browser is None else
           f"headless {headless:.1f} s | watched in Chromium on this machine {in_browser:.1f} s "
           f"| ratio {in_browser / headless:.2f}")


def prediction_latency(repeats: int) -> None:
    try:
        from bench.predict_speed import canvas_prediction_latencies_ms
    except ImportError:
        figure("predict_latency_ms", "not measured (the Draw page's predictor is not in this checkout)")
        return
    latencies = sorted(on_fresh_thread(canvas_prediction_latencies_ms, repeats))  # pages run in script threads
    p95 = latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))]
    figure("predict_latency_ms", f"median {statistics.median(latencies):.2f} | p95 {p95:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny budget, for the smoke test")
    args = parser.parse_args()
    device = pick_device()
    figure("machine", f"{describe_device(device)} | {platform.processor() or platform.machine()} | "
           f"torch {torch.__version__} | python {platform.python_version()}")
    dataset = load_dataset("mnist")
    throughput(dataset, steps=20 if args.quick else 300, device=device)
    time_to_99(dataset, [0] if args.quick else [0, 1, 2], device, train_subset=2000 if args.quick else 0)
    ui_overhead(dataset, device, train_subset=5000 if args.quick else 0, epochs=1 if args.quick else 2)
    prediction_latency(repeats=20 if args.quick else 300)
    seconds, megabytes = cold_start()
    figure("app_cold_start_seconds", f"{seconds:.1f}")
    figure("app_memory_mb_with_mnist", f"{megabytes:,.0f}")


if __name__ == "__main__":
    main()
