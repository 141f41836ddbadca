"""Plain-language comparison of saved runs: who reached what, how fast, and what differed."""
from __future__ import annotations

from core.basics.choices import OPTIMIZERS
from core.basics.status import RunStatus
from core.store.runs import RunSummary

SETTINGS = (  # (part, field, how to say it)
    ("model", "preset", "the {} network"),
    ("train", "optimizer", "{}"),
    ("train", "learning_rate", "learning rate {:g}"),
    ("train", "batch_size", "batches of {}"),
    ("train", "epochs", "{} epochs"),
    ("model", "dropout", "dropout {:g}"),
    ("model", "activation", "{} activation"),
    ("train", "weight_decay", "weight decay {:g}"),
    ("train", "schedule", "a {} learning-rate schedule"),
    ("data", "augment", "{}"),
    ("data", "train_subset", "{}"),
    ("train", "seed", "seed {}"),
)


def letters(count: int) -> list[str]:
    """A, B, C, ... for naming picked runs."""
    return [chr(ord("A") + index) for index in range(count)]


def headline_accuracy(run: RunSummary) -> tuple[float | None, str]:
    """The accuracy to compare on: test accuracy, or the best validation accuracy if it never finished."""
    if run.test_accuracy is not None:
        return run.test_accuracy, "test"
    return run.best_validation_accuracy, "validation"


def _say(part: str, name: str, value) -> str:
    if name == "optimizer":
        return OPTIMIZERS.label_of(value)
    if name == "augment":
        return "data augmentation" if value else "no augmentation"
    if name == "train_subset":
        return f"{value:,} training images" if value else "all training images"
    template = next(text for p, n, text in SETTINGS if (p, n) == (part, name))
    return template.format(value)


def compare_runs(runs: list[RunSummary]) -> list[str]:
    """Sentences comparing the runs, named A, B, ... in the order given."""
    if not runs:
        return []
    names = letters(len(runs))
    sentences = [_results_sentence(runs, names)]
    if len({run.config.data.dataset for run in runs}) > 1:
        sentences.append("They learned from different datasets, so their accuracies do not measure the same task.")
    for part, name, _ in SETTINGS:
        values = [getattr(getattr(run.config, part), name) for run in runs]
        if len(set(values)) > 1:
            sentences.append(", ".join(f"{letter} used {_say(part, name, value)}"
                                       for letter, value in zip(names, values)) + ".")
    if len(sentences) == 1 and len(runs) > 1:
        sentences.append("They used the same settings, so any difference is down to chance.")
    return sentences


def _results_sentence(runs: list[RunSummary], names: list[str]) -> str:
    ranked = sorted(zip(names, runs), key=lambda pair: -(headline_accuracy(pair[1])[0] or -1.0))
    parts = []
    for letter, run in ranked:
        accuracy, kind = headline_accuracy(run)
        if accuracy is None:
            parts.append(f"{letter} has no accuracy yet ({run.status})")
            continue
        timing = f" in {run.elapsed:,.0f} s" if run.elapsed else ""
        unfinished = "" if run.status == RunStatus.FINISHED else f", {run.status}"
        parts.append(f"{letter} reached {accuracy:.1%} {kind} accuracy{timing}{unfinished}")
    return "; ".join(parts) + "."
