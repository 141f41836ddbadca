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
from dataclasses import replace
from pathlib import Path

import torch

from bench.keras_peer import keras_samples_per_second
from bench.app_start import cold_start, train_in_browser, train_through_app
from bench.reference import reference_samples_per_second, unpack_mnist
from core.basics.choices import scratch_presets
from core.basics.choices import PRESETS, PresetInfo
from core.basics.config import DataConfig, ModelConfig, RunConfig, TrainConfig
from core.data.registry import load_dataset
from core.engine.device import describe_device, pick_device
from core.engine.events import EpochEnd, StepEnd
from core.engine.models import build_model, build_preset
from core.engine.train import evaluate, train


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


def project_samples_per_second(preset: str, dataset, steps: int, device, batch_size: int = 64) -> float:
    """Our trainer with Adam (learning rate 0.001), images per second after 5 warm-up steps."""
    config = RunConfig(DataConfig(train_subset=(steps + 5) * batch_size), ModelConfig(preset=preset),
                       TrainConfig(batch_size=batch_size, epochs=1, log_every=5))
    model = build_model(config.model, dataset.info.input_shape, 10)
    steps_seen = []
    for event in train(model, dataset, config, device):
        if isinstance(event, StepEnd):
            steps_seen.append(event)
            if event.step == event.total_steps:
                break  # the validation and test passes that follow are not training
    first, last = steps_seen[0], steps_seen[-1]
    return (last.step - first.step) * batch_size / (last.elapsed - first.elapsed)


def throughput(dataset, steps: int, device) -> None:
    root = unpack_mnist(Path(tempfile.mkdtemp(prefix="bench-mnist-")))
    for preset in scratch_presets():
        ours = on_fresh_thread(project_samples_per_second, preset, dataset, steps, device)
        reference = on_fresh_thread(lambda preset=preset: reference_samples_per_second(
            build_model(ModelConfig(preset=preset), dataset.info.input_shape, 10), root, steps))
        figure(f"samples_per_second[{preset}]",
               f"project {ours:,.0f} | reference {reference:,.0f} | ratio {ours / reference:.2f}x")
    # The articles' own setting: LeNet-style, Adam, batch 32, trained by Keras 3 on its torch backend.
    ours = on_fresh_thread(project_samples_per_second, "lenet", dataset, steps, device, 32)
    keras = on_fresh_thread(keras_samples_per_second, dataset, steps)
    figure("samples_per_second[keras_lenet]", "not measured (no Keras 3 on its torch backend)" if keras is None else
           f"project {ours:,.0f} | keras {keras:,.0f} | ratio {ours / keras:.2f}x")


# The default before round two (issue 15), trained in the same run so that the ratio holds on a busy day.
PREVIOUS_DEFAULT = replace(PRESETS["fast_cnn"], key="previous_default", optimizer="adam", learning_rate=0.01,
                           batch_size=128, epochs=4, schedule="one_cycle",
                           conv_layers=(("conv", 16, 3, 1, True), ("pool",), ("conv", 32, 3, 1, True), ("pool",)),
                           dense_sizes=())


def default_preset() -> PresetInfo:
    """The network and settings a user gets by pressing Train without changing anything."""
    return PRESETS[ModelConfig().preset]


def seconds_to_accuracy(dataset, preset: PresetInfo, seed: int, target: float, device, train_subset: int,
                        to_the_end: bool) -> tuple[float | None, float]:
    """Seconds of training (test checks excluded) until an epoch ends at >= target test accuracy,
    and the test accuracy of the last epoch trained (all of them when to_the_end)."""
    config = RunConfig(DataConfig(train_subset=train_subset), ModelConfig(),
                       TrainConfig(preset.optimizer, preset.learning_rate, preset.batch_size, preset.epochs,
                                   schedule=preset.schedule, seed=seed))
    torch.manual_seed(seed)
    model = build_preset(preset, dataset.info.input_shape, 10)
    checking, reached, accuracy = 0.0, None, 0.0
    for event in train(model, dataset, config, device):
        if isinstance(event, EpochEnd):
            training_seconds = event.elapsed - checking  # train()'s clock also ran during our checks
            started = time.perf_counter()
            _, accuracy = evaluate(model, dataset, dataset.test_x, dataset.test_y, device)
            model.train()
            checking += time.perf_counter() - started
            print(f"  {preset.key} seed {seed} epoch {event.epoch}: test accuracy {accuracy:.4f} "
                  f"after {training_seconds:.1f} s", flush=True)
            if accuracy >= target and reached is None:
                reached = training_seconds
                if not to_the_end:
                    break
    return reached, accuracy


def _median_line(times: list[float | None]) -> tuple[str, float | None]:
    shown = ", ".join("not reached" if t is None else f"{t:.1f}" for t in times)
    if any(t is None for t in times):
        return f"median not reached by every seed | seeds {shown}", None
    median = statistics.median(times)
    return f"median {median:.1f} s | seeds {shown}", median


def time_to_99(dataset, seeds: list[int], device, train_subset: int) -> None:
    """The default network (run to its last epoch) and the previous default, seeds interleaved."""
    new, old, finals = [], [], []
    for seed in seeds:
        reached, final = on_fresh_thread(seconds_to_accuracy, dataset, default_preset(), seed, 0.99, device,
                                         train_subset, True)
        new.append(reached)
        finals.append(final)
        old.append(on_fresh_thread(seconds_to_accuracy, dataset, PREVIOUS_DEFAULT, seed, 0.99, device,
                                   train_subset, False)[0])
    new_line, new_median = _median_line(new)
    old_line, old_median = _median_line(old)
    final_accuracies = ", ".join(f"{100 * accuracy:.2f}" for accuracy in finals)
    figure(f"seconds_to_99_percent[{default_preset().key}]", f"{new_line} | final accuracy {final_accuracies} %")
    figure("seconds_to_99_percent[previous_default]", old_line)
    figure("seconds_to_99_percent_vs_previous_default",
           "not measured (a seed did not reach 99%)" if new_median is None or old_median is None else
           f"{new_median / old_median:.2f} (target: at most 0.50)")


def ui_overhead(dataset, device, train_subset: int, epochs: int, pairs: int) -> None:
    """The default run headless against the same run through the Train page, then watched in Chromium.

    This machine's speed drifts by 10% within minutes, so each run through the page is paired with a headless
    run just before it, and the median of the pairs' ratios is the figure (one pair gave 0.92 to 1.11).
    """
    preset = default_preset()  # the Train page's defaults, as train_through_app leaves them
    config = RunConfig(DataConfig(train_subset=train_subset), ModelConfig(preset.key),
                       TrainConfig(preset.optimizer, preset.learning_rate, preset.batch_size, epochs,
                                   schedule=preset.schedule))

    def headless_seconds() -> float:
        return on_fresh_thread(lambda: list(train(build_model(config.model, dataset.info.input_shape, 10),
                                                  dataset, config, device))[-1].elapsed)

    polled = [(headless_seconds(), train_through_app(train_subset, epochs)) for _ in range(pairs)]
    figure(f"ui_overhead[{preset.key}]", _pairs_text(polled, "app with page polling"))
    watched = []
    for _ in range(pairs):
        headless = headless_seconds()
        in_browser = train_in_browser(train_subset, epochs)
        if in_browser is None:
            figure(f"ui_overhead_browser_here[{preset.key}]", "not measured (no Chromium)")
            figure("first_point_seconds", "not measured (no Chromium)")
            return
        watched.append((headless, *in_browser))
    figure(f"ui_overhead_browser_here[{preset.key}]",
           _pairs_text([(headless, seconds) for headless, seconds, _ in watched], "watched in Chromium on this machine"))
    first_points = ", ".join(f"{first:.2f}" for _, _, first in watched)
    figure("first_point_seconds", f"{statistics.median(first for _, _, first in watched):.2f} "
           f"({first_points}; from the click on Train to the first point on the live chart)")


def _pairs_text(pairs: list[tuple[float, float]], how: str) -> str:
    """The median ratio of (headless, other) pairs of seconds, each ratio, and each pair."""
    ratios = [other / headless for headless, other in pairs]
    each = ", ".join(f"{headless:.1f} s and {other:.1f} s" for headless, other in pairs)
    return (f"median ratio {statistics.median(ratios):.2f} ({', '.join(f'{ratio:.2f}' for ratio in ratios)}) "
            f"| headless and {how}: {each}")


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
    ui_overhead(dataset, device, train_subset=5000 if args.quick else 0, epochs=1 if args.quick else 2,
                pairs=1 if args.quick else 3)
    prediction_latency(repeats=20 if args.quick else 300)
    seconds, megabytes = cold_start()
    figure("app_cold_start_seconds", f"{seconds:.1f}")
    figure("app_memory_mb_with_mnist", f"{megabytes:,.0f}")


if __name__ == "__main__":
    main()
