"""The coach on real runs: what it reads, and test accuracy before and after its fix; the LR finder's time.

    .venv/bin/python -m bench.coach_bench            # full: about 5 minutes on 2 quiet CPU cores (estimated)
    .venv/bin/python -m bench.coach_bench --quick    # tiny budget: checks every figure prints

Runs (MNIST, the default network with its own settings unless said):
  overfitting: a 5,000-image subset, 40 epochs, no augmentation
  lr_too_low:  learning rate 1e-6
  lr_too_high: SGD at learning rate 5
  default:     the Train page's default run (must read as learning well)
For each of the three bad runs the coach's first fix is applied once and the run trained again.
"""
from __future__ import annotations

import argparse
import dataclasses
import os
import time

from core.basics.choices import PRESETS
from core.basics.config import DataConfig, ModelConfig, RunConfig, TrainConfig
from core.coach.fixes import apply_fix
from core.coach.reading import read_history
from core.data.registry import load_dataset
from core.engine.device import describe_device
from core.engine.lr_finder import find_learning_rate
from core.runners.jobs import JobRunner


def figure(name: str, value: str) -> None:
    print(f"{name}: {value}", flush=True)


def default_config() -> RunConfig:
    """What the Train page trains when nothing is changed: the default network with its published settings."""
    preset = ModelConfig().preset
    info = PRESETS[preset]
    return RunConfig(DataConfig(), ModelConfig(preset, dropout=info.dropout),
                     TrainConfig(info.optimizer, info.learning_rate, info.batch_size, info.epochs,
                                 schedule=info.schedule))


def cases(quick: bool) -> dict[str, RunConfig]:
    base = default_config()
    subset = 600 if quick else 0  # --quick: every run on a few hundred images
    base = dataclasses.replace(base, data=dataclasses.replace(base.data, train_subset=subset))
    train = base.train
    return {
        "overfitting": dataclasses.replace(
            base, data=dataclasses.replace(base.data, train_subset=subset or 5000),
            train=dataclasses.replace(train, epochs=3 if quick else 40)),
        "lr_too_low": dataclasses.replace(base, train=dataclasses.replace(train, learning_rate=1e-6)),
        "lr_too_high": dataclasses.replace(base, train=dataclasses.replace(train, optimizer="sgd", learning_rate=5.0)),
        "default": base,
    }


EXPECTED = {"overfitting": "overfitting", "lr_too_low": "lr_too_low", "lr_too_high": "lr_too_high",
            "default": "learning_well"}


def run(runner: JobRunner, config: RunConfig, dataset):
    job = runner.submit(config, dataset)
    job.wait()
    history = job.history()
    return history, read_history(history, config)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny budget: checks that every figure prints")
    args = parser.parse_args()
    dataset = load_dataset("mnist")
    runner = JobRunner(max_parallel=1)
    figure("machine", f"{describe_device(runner.device)} | load average {os.getloadavg()[0]:.1f}")
    default_seconds = None
    for name, config in cases(args.quick).items():
        history, findings = run(runner, config, dataset)
        said = " + ".join(f.reading.value for f in findings) or "nothing yet"
        said += " (as expected)" if findings and findings[0].reading.value == EXPECTED[name] else \
            f" (EXPECTED {EXPECTED[name]})"
        before = history.done.test_accuracy if history.done else float("nan")
        if name == "default":
            default_seconds = history.done.elapsed if history.done else float("nan")
            figure(f"coach[{name}]", f"reads {said} | test accuracy {before:.2%} | {default_seconds:.1f} s")
            continue
        fix = next((f.fix for f in findings if f.fix is not None), None)
        if fix is None:
            figure(f"coach[{name}]", f"reads {said} | test accuracy {before:.2%} | no fix offered")
            continue
        after_history, after_findings = run(runner, apply_fix(config, fix), dataset)
        after = after_history.done.test_accuracy if after_history.done else float("nan")
        figure(f"coach[{name}]", f"reads {said} | test accuracy {before:.2%} -> {after:.2%} after '{fix.label}' "
                                 f"| then reads {' + '.join(f.reading.value for f in after_findings)}")
    start = time.perf_counter()
    job = runner.submit(cases(args.quick)["default"], dataset, trainer=find_learning_rate, record=False)
    job.wait()
    found = job.events()[-1]
    seconds = time.perf_counter() - start
    figure("lr_finder[default]", f"{seconds:.1f} s | {len(found.losses)} steps | suggests {found.suggestion} "
                                 f"(lowest loss at {found.lowest_loss_rate:.2g}) | "
                                 f"{seconds / default_seconds:.2f} of the default run's time")


if __name__ == "__main__":
    main()
