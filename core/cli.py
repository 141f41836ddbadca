"""Headless training: the same trainer and figures as the app, for scripts and benchmarks.

    python -m core.cli --dataset mnist --preset fast_cnn --epochs 3 --save my_model

Runs are recorded in the runs folder like the app's (they appear on the Runs page); --no-record skips that.
"""
from __future__ import annotations

import argparse
import sys

from core.basics.choices import ACTIVATIONS, DATASETS, DEFAULT_PRESET, OPTIMIZERS, PRESETS, SCHEDULES
from core.basics.config import RunConfig
from core.basics.paths import runs_dir
from core.coach.reading import read_history
from core.data.registry import DatasetUnavailable, load_dataset
from core.engine.events import Diverged, Done, EpochEnd, Started, StepEnd, Stopped
from core.runners.runtime import make_runner
from core.store.bundle import save_bundle


def parse_config(argv: list[str] | None = None) -> tuple[RunConfig, argparse.Namespace]:
    """Command-line flags -> RunConfig; preset defaults fill what is not given."""
    parser = argparse.ArgumentParser(description="Train a Neural Playground model without the browser.")
    parser.add_argument("--dataset", default="mnist", choices=list(DATASETS))
    parser.add_argument("--preset", default=DEFAULT_PRESET, choices=list(PRESETS))
    parser.add_argument("--optimizer", default=None, choices=list(OPTIMIZERS), help="default: the preset's")
    parser.add_argument("--schedule", default=None, choices=list(SCHEDULES), help="default: the preset's")
    for flag, kind in (("learning-rate", float), ("batch-size", int), ("epochs", int), ("dropout", float)):
        parser.add_argument(f"--{flag}", type=kind, default=None, help="default: the preset's")
    parser.add_argument("--activation", default="relu", choices=list(ACTIVATIONS))
    parser.add_argument("--weight-decay", type=float, default=0.0)
    parser.add_argument("--augment", action="store_true")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--validation-split", type=float, default=0.1)
    parser.add_argument("--train-subset", type=int, default=0, help="train on the first N images only")
    parser.add_argument("--log-every", type=int, default=100)
    parser.add_argument("--save", default=None, help="folder to write model.safetensors + config.json")
    parser.add_argument("--no-record", action="store_true", help="do not record the run in the runs folder")
    args = parser.parse_args(argv)
    preset = PRESETS[args.preset]
    pick = lambda value, default: default if value is None else value  # noqa: E731
    config = RunConfig.from_dict({
        "data": {"dataset": args.dataset, "validation_split": args.validation_split,
                 "train_subset": args.train_subset, "augment": args.augment},
        "model": {"preset": args.preset, "activation": args.activation, "dropout": pick(args.dropout, preset.dropout)},
        "train": {"optimizer": pick(args.optimizer, preset.optimizer),
                  "learning_rate": pick(args.learning_rate, preset.learning_rate),
                  "batch_size": pick(args.batch_size, preset.batch_size), "epochs": pick(args.epochs, preset.epochs),
                  "weight_decay": args.weight_decay, "schedule": pick(args.schedule, preset.schedule),
                  "seed": args.seed, "log_every": args.log_every}})
    return config, args


def describe(event) -> str | None:
    """One printable line per event (None for events not worth a line)."""
    if isinstance(event, Started):
        return (f"device {event.device} | {event.parameters:,} parameters | train {event.train_size:,} "
                f"| validation {event.validation_size:,} | test {event.test_size:,}")
    if isinstance(event, StepEnd):
        return (f"  step {event.step}/{event.total_steps} loss {event.loss:.4f} accuracy {event.accuracy:.4f} "
                f"{event.samples_per_second:,.0f} samples/s")
    if isinstance(event, EpochEnd):
        return (f"epoch {event.epoch}/{event.epochs} train_loss {event.train_loss:.4f} "
                f"val_loss {event.validation_loss:.4f} val_accuracy {event.validation_accuracy:.4f} "
                f"elapsed {event.elapsed:.1f}s")
    if isinstance(event, (Diverged, Stopped)):
        return getattr(event, "message", "stopped")
    if isinstance(event, Done):
        return (f"done ({event.status}) test_loss {event.test_loss:.4f} "
                f"test_accuracy {event.test_accuracy:.4f} time {event.elapsed:.1f}s")
    return None


def run_headless(config: RunConfig, dataset, record: bool) -> tuple[object, Done | None, str | None]:
    """Train, printing a line per event; (model, Done event, error). Ctrl-C stops and keeps the model."""
    # Through the app's own job runner, so a recorded run is saved exactly like one from the Train page.
    job = make_runner(record, max_parallel=1).submit(config, dataset)
    if record:
        print(f"recording as run {job.id} in {runs_dir()}", flush=True)
    printed, finished = 0, False
    while not finished:
        try:
            finished = job.wait(timeout=0.2)  # events are all in before the job counts as finished
        except KeyboardInterrupt:
            job.stop()  # ends within a step; the weights so far are kept (and recorded)
        events = job.events()
        for event in events[printed:]:
            print_event(event)
        printed = len(events)
    print_reading(job)
    return job.model, job.history().done, job.error


def print_reading(job) -> None:
    """The coach's reading of the finished run, one paragraph per finding."""
    findings = read_history(job.history(), job.config)
    if findings:
        print("\nWhat the coach reads in this run:")
    for finding in findings:
        print(f"- {finding.sentence()}", flush=True)


def print_event(event) -> None:
    line = describe(event)
    if line:
        print(line, flush=True)


def main(argv: list[str] | None = None) -> int:
    try:
        config, args = parse_config(argv)
        dataset = load_dataset(config.data.dataset)
    except (ValueError, DatasetUnavailable) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    model, done, error = run_headless(config, dataset, record=not args.no_record)
    if error or done is None:
        print(f"error: training failed: {error}", file=sys.stderr)
        return 1
    if args.save:
        save_bundle(args.save, model.cpu(), config,
                    {"test_accuracy": done.test_accuracy, "test_loss": done.test_loss, "status": done.status})
        print(f"saved to {args.save}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
