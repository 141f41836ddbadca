"""The coach: a plain-language reading of a run's curves, with one concrete fix per finding.

A pure function over a run's history (its training loss every few steps and its figures after
each epoch): no Streamlit, no torch. The page, the Runs page and the command line all print what
read_run() returns. The fixes themselves are in core.coach.fixes.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import Enum

from core.basics.choices import DATASETS, PRESETS
from core.basics.config import RunConfig
from core.coach.curves import Curves, curves_from_history
from core.coach.fixes import Fix, fix_for
from core.coach.words import beside_guessing, gap_words, pct
from core.engine.history import RunHistory

__all__ = ["Curves", "Finding", "Reading", "read_run", "read_history", "MAX_FINDINGS"]
MAX_FINDINGS = 2


class Reading(str, Enum):
    """What the coach can say about a run, most urgent first."""

    LR_TOO_HIGH = "lr_too_high"
    LR_TOO_LOW = "lr_too_low"
    NOT_LEARNING = "not_learning"
    OVERFITTING = "overfitting"
    UNDERFITTING = "underfitting"
    PLATEAU = "plateau"
    LEARNING_WELL = "learning_well"
    STILL_IMPROVING = "still_improving"


TITLES = {
    Reading.LR_TOO_HIGH: "Learning rate too high",
    Reading.LR_TOO_LOW: "Learning rate too low",
    Reading.NOT_LEARNING: "Not learning",
    Reading.OVERFITTING: "Overfitting",
    Reading.UNDERFITTING: "Underfitting",
    Reading.PLATEAU: "Stuck on a plateau",
    Reading.LEARNING_WELL: "Learning well",
    Reading.STILL_IMPROVING: "Still improving",
}
MEANINGS = {  # the jargon's plain meaning, always shown beside it
    Reading.LR_TOO_HIGH: "each nudge to the weights is so big that it overshoots, so the error jumps "
                         "around instead of going down",
    Reading.LR_TOO_LOW: "each nudge to the weights is so small that the network learns very slowly",
    Reading.NOT_LEARNING: "its answers are no better than blind guessing: it has learned nothing about the "
                          "images, and more time will not change that",
    Reading.OVERFITTING: "it is memorising the training images instead of learning what makes the classes "
                         "different, so it does worse on images it has never seen",
    Reading.UNDERFITTING: "the network has not even learned its training images well: it is too simple, or "
                          "too held back, for this task",
    Reading.PLATEAU: "the error stopped going down for a long stretch, well before the network was good",
    Reading.LEARNING_WELL: "the error fell steadily and no problem shows in its curves",
    Reading.STILL_IMPROVING: "it was still getting better when training ended, so more epochs (passes over "
                             "the images) would help",
}
# A finding that explains the run makes these redundant (the same cause, said twice).
SUPPRESSES = {
    Reading.LR_TOO_HIGH: {Reading.LR_TOO_LOW, Reading.NOT_LEARNING, Reading.UNDERFITTING, Reading.PLATEAU,
                          Reading.STILL_IMPROVING},
    Reading.LR_TOO_LOW: {Reading.NOT_LEARNING, Reading.UNDERFITTING, Reading.PLATEAU, Reading.STILL_IMPROVING},
    Reading.NOT_LEARNING: {Reading.UNDERFITTING, Reading.PLATEAU, Reading.STILL_IMPROVING, Reading.OVERFITTING},
    Reading.OVERFITTING: {Reading.STILL_IMPROVING, Reading.UNDERFITTING},
    Reading.UNDERFITTING: {Reading.PLATEAU},
}
PROBLEMS = (Reading.LR_TOO_HIGH, Reading.LR_TOO_LOW, Reading.NOT_LEARNING, Reading.OVERFITTING,
            Reading.UNDERFITTING, Reading.PLATEAU)


@dataclass(frozen=True)
class Finding:
    """One thing the coach says: what, what it means, the evidence in this run's numbers, and a fix."""

    reading: Reading
    evidence: str
    fix: Fix | None = None

    @property
    def title(self) -> str:
        return TITLES[self.reading]

    @property
    def meaning(self) -> str:
        return MEANINGS[self.reading]

    @property
    def is_problem(self) -> bool:
        return self.reading in PROBLEMS

    def sentence(self) -> str:
        """The whole finding as one paragraph (command line, Runs page)."""
        text = f"{self.title} ({self.meaning}). {self.evidence}"
        return text + (f" Try: {self.fix.label}." if self.fix else "")

    def to_dict(self) -> dict:
        return {"reading": self.reading.value, "evidence": self.evidence,
                "fix": self.fix.to_dict() if self.fix else None}

    @classmethod
    def from_dict(cls, values: dict) -> "Finding":
        fix = values.get("fix")
        return cls(Reading(values["reading"]), str(values["evidence"]), Fix.from_dict(fix) if fix else None)


def read_run(curves: Curves, config: RunConfig) -> list[Finding]:
    """At most two findings about a run, most important first; [] while it is too early to say."""
    if not curves.step_losses and not curves.epochs:
        return []
    published = PRESETS[config.model.preset].learning_rate
    curves = dataclasses.replace(curves, rate_vs_published=config.train.learning_rate / published)
    found = [finding for check in CHECKS if (finding := check(curves)) is not None]
    problems = [f for f in found if f.is_problem]
    if not problems and curves.epochs:
        found.insert(0, _learning_well(curves))
    silenced = set().union(*(SUPPRESSES.get(f.reading, set()) for f in found))
    kept = [f for f in found if f.reading not in silenced][:MAX_FINDINGS]
    return [Finding(f.reading, f.evidence, fix_for(f.reading, config, curves)) for f in kept]


def read_history(history: RunHistory, config: RunConfig) -> list[Finding]:
    """read_run() on a run's history (a job's live one, or a saved run's)."""
    dataset = config.data.dataset
    classes = len(config.data.custom_classes) or (len(DATASETS[dataset].classes) if dataset in DATASETS else 10)
    return read_run(curves_from_history(history, config.train.epochs, classes), config)


def _lr_too_high(c: Curves) -> Finding | None:
    if c.diverged_at_step:
        return Finding(Reading.LR_TOO_HIGH, f"The loss (the error it is trying to reduce) blew up to infinity at "
                                            f"step {c.diverged_at_step:,}, so training stopped there.")
    if len(c.step_losses) < 8:
        return None
    smooth = c.smoothed_losses()
    low_index = min(range(len(smooth)), key=smooth.__getitem__)
    low, end = smooth[low_index], c.tail_loss()
    if end > max(1.5 * low, low + 0.3) and low_index < len(smooth) - 2:
        stuck = beside_guessing(end, c.chance_loss)
        return Finding(Reading.LR_TOO_HIGH,
                       f"The training loss (its error) fell to {low:.2f} by step {c.steps[low_index]:,}, then "
                       f"jumped back up to {end:.2f}{stuck} and stayed there"
                       + (f"; accuracy ended at {pct(c.tail_accuracy())}." if c.step_accuracies else "."))
    early_peak = max(c.step_losses[:max(3, len(c.step_losses) // 5)])
    if c.tail_loss() >= 0.9 * c.chance_loss and early_peak > 2 * c.chance_loss:
        return Finding(Reading.LR_TOO_HIGH,
                       f"The training loss (its error) shot up to {early_peak:.1f} in the first steps — a network "
                       f"guessing blindly scores {c.chance_loss:.2f} — and ended at {c.tail_loss():.2f}: it learned "
                       f"nothing (accuracy {pct(c.tail_accuracy())}).")
    return None


def _lr_too_low(c: Curves) -> Finding | None:
    if len(c.step_losses) < 8 or (c.status == "running" and not c.epochs) or c.rate_vs_published > 2:
        return None
    first, end = c.head_loss(), c.tail_loss()
    drop = (first - end) / first if first > 0 else 0.0
    if drop < 0.3 and end > 0.5 * c.chance_loss and end <= first * 1.05:
        return Finding(Reading.LR_TOO_LOW,
                       f"In {c.steps[-1]:,} steps the training loss (its error) only went from {first:.2f} "
                       f"to {end:.2f} ({drop:.0%} lower), and accuracy reached just {pct(c.tail_accuracy())}.")
    return None


def _overfitting(c: Curves) -> Finding | None:
    if len(c.epochs) < 3:
        return None
    best = min(c.epochs, key=lambda e: e.validation_loss)
    last = c.epochs[-1]
    gap = last.train_accuracy - last.validation_accuracy
    rising = (last.validation_loss > 1.1 * best.validation_loss and best.epoch <= last.epoch - 2
              and last.train_loss < best.train_loss)
    if not (rising or _memorised(c) or (gap >= 0.05 and c.validation_accuracy_gain(2) < 0.003)):
        return None
    since = (f"The validation loss (its error on held-back images it never trains on) has risen since "
             f"epoch {best.epoch} ({best.validation_loss:.3f} → {last.validation_loss:.3f}) while the training "
             f"loss kept falling ({best.train_loss:.3f} → {last.train_loss:.3f}). " if rising else
             f"It gets its training images right with almost no error (training loss {last.train_loss:.4f}) "
             f"but has not improved on held-back images for {MEMORISED_FLAT_EPOCHS} epochs: it has learned "
             f"its training images by heart, so more epochs teach it nothing new. " if _memorised(c) else "")
    return Finding(Reading.OVERFITTING,
                   since + f"Training accuracy {pct(last.train_accuracy)}, validation accuracy "
                           f"{pct(last.validation_accuracy)}: a gap of {gap * 100:.1f} points.")


MEMORISED_FLAT_EPOCHS = 3


def _memorised(c: Curves) -> bool:
    """Training images all but perfect, held-back ones clearly worse and no longer improving.

    A run with a one-cycle schedule ends with a tiny learning rate, so its validation loss levels off
    instead of rising; this is how overfitting shows there (on an easy task like MNIST the gap is small).
    """
    last = c.epochs[-1]
    return (len(c.epochs) >= 5 and last.train_accuracy >= 0.995
            and last.train_accuracy - last.validation_accuracy >= 0.01
            and c.validation_accuracy_gain(MEMORISED_FLAT_EPOCHS) < 0.003
            and last.validation_loss > 10 * last.train_loss)


def _underfitting(c: Curves) -> Finding | None:
    if len(c.epochs) < 2:
        return None
    last = c.epochs[-1]
    flat = c.validation_accuracy_gain(1) < 0.01 and c.train_accuracy_gain(1) < 0.01
    if last.train_accuracy < 0.9 and last.validation_accuracy < 0.9 and flat:
        return Finding(Reading.UNDERFITTING,
                       f"Both accuracies are low and flat: training {pct(last.train_accuracy)}, validation "
                       f"{pct(last.validation_accuracy)}, each up less than a point in the last epoch.")
    return None


def _plateau(c: Curves) -> Finding | None:
    if len(c.step_losses) < 12 or len(c.epochs) < 2 or c.epochs[-1].train_accuracy >= 0.98:
        return None
    window = c.step_losses[-max(4, int(len(c.step_losses) * 0.4)):]
    half = len(window) // 2
    earlier, later = sum(window[:half]) / half, sum(window[half:]) / (len(window) - half)
    fell_before = c.head_loss() > 1.5 * earlier
    if fell_before and abs(earlier - later) < 0.03 * earlier and c.validation_accuracy_gain(2) < 0.003:
        start_step = c.steps[-len(window)]
        return Finding(Reading.PLATEAU,
                       f"From step {start_step:,} to step {c.steps[-1]:,} the training loss stayed at about "
                       f"{later:.2f} and validation accuracy stayed near {pct(c.epochs[-1].validation_accuracy)}.")
    return None


def _still_improving(c: Curves) -> Finding | None:
    if c.status not in ("finished", "stopped") or len(c.epochs) < 2:
        return None
    before, last = c.epochs[-2], c.epochs[-1]
    gain = last.validation_accuracy - before.validation_accuracy
    if gain >= 0.005 and last.validation_loss < before.validation_loss:
        ended = "you stopped it" if c.status == "stopped" else "training ended"
        return Finding(Reading.STILL_IMPROVING,
                       f"Validation accuracy was still rising when {ended}: {pct(before.validation_accuracy)} "
                       f"→ {pct(last.validation_accuracy)} in the last epoch.")
    return None


def _learning_well(c: Curves) -> Finding:
    last = c.epochs[-1]
    first = c.head_loss() if c.step_losses else c.epochs[0].train_loss
    so_far = " so far" if c.status == "running" else ""
    return Finding(Reading.LEARNING_WELL,
                   f"The training loss (its error) fell from {first:.2f} to {c.tail_loss():.2f}{so_far}, and "
                   f"validation accuracy (on held-back images it never trains on) reached "
                   f"{pct(last.validation_accuracy)}, {gap_words(last.train_accuracy, last.validation_accuracy)}")


def _progress(c: Curves) -> str:
    return f"{c.steps[-1]:,} steps" if c.steps else f"{len(c.epochs)} epoch" + ("s" if len(c.epochs) > 1 else "")


def _not_learning(c: Curves) -> Finding | None:
    """Accuracy stuck near blind guessing's, whatever the loss does (a huge learning rate can keep it finite)."""
    if len(c.step_accuracies) < 8 and not c.epochs:
        return None
    recent = c.step_accuracies[len(c.step_accuracies) // 2:]  # the later half: the start is always near chance
    train = sum(recent) / len(recent) if recent else c.epochs[-1].train_accuracy
    validation = c.epochs[-1].validation_accuracy if c.epochs else None
    best = max(train, validation if validation is not None else 0.0)
    if best > c.near_chance_accuracy:
        return None
    held_back = f", validation {pct(validation)}" if validation is not None else ""
    return Finding(Reading.NOT_LEARNING,
                   f"After {_progress(c)} its accuracy is still training {pct(train)}{held_back}: "
                   f"guessing at random among {c.num_classes} classes gets {pct(c.chance_accuracy)}.")


CHECKS = (_lr_too_high, _lr_too_low, _not_learning, _overfitting, _underfitting, _plateau, _still_improving)
