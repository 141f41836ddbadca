"""The coach's words agree with its numbers, and it offers only fixes that can change the run.

Issue 24: "Learning well ... does about as well on images it has never seen" beside a 6-point gap; "about
what blind guessing scores" for a loss of 9.08 on 10 classes (guessing scores 2.30); "2 more epochs" for a
run stuck at 11%; augmentation offered to a pretrained network that ignores it.
"""
import math

import pytest

from core.coach.reading import Reading, read_run
from core.coach.curves import Curves, EpochFigures
from core.coach.fixes import apply_fix
from core.basics.config import DataConfig, ModelConfig, RunConfig, TrainConfig


def curves(losses, epochs, accuracies, classes=10, status="finished") -> Curves:
    figures = tuple(EpochFigures(i + 1, *e) for i, e in enumerate(epochs))
    return Curves(tuple(20 * (i + 1) for i in range(len(losses))), tuple(losses), tuple(accuracies), figures,
                  len(epochs), status, num_classes=classes)


def falling(start, end, count):
    return [end + (start - end) * math.exp(-6 * i / count) for i in range(count)]


def well(train_accuracy, validation_accuracy):
    """A healthy run whose last epoch ends at these accuracies."""
    epochs = [(0.5, 0.80, 0.45, 0.82), (0.3, 0.88, 0.3, 0.89), (0.1, train_accuracy, 0.12, validation_accuracy)]
    return curves(falling(2.3, 0.1, 60), epochs, [min(0.99, 0.1 + i / 60) for i in range(60)])


DEFAULT = RunConfig()


def only_finding(c: Curves, config: RunConfig = DEFAULT):
    findings = read_run(c, config)
    assert findings, "the coach said nothing"
    return findings[0]


def test_learning_well_says_about_as_well_only_when_the_accuracies_are_close():
    close = only_finding(well(0.95, 0.945))
    assert close.reading == Reading.LEARNING_WELL
    assert "within 0.5 points" in close.evidence and "about as well" in close.evidence
    gap = only_finding(well(0.96, 0.90))
    assert "6.0 points below training accuracy" in gap.evidence and "about as well" not in gap.sentence()


def test_validation_above_training_accuracy_is_said_as_above_with_the_reason():
    finding = only_finding(well(0.80, 0.97))
    assert "17.0 points above training accuracy" in finding.evidence
    assert "within" not in finding.evidence and "averaged over the epoch" in finding.evidence


@pytest.mark.parametrize("classes", range(2, 21))
def test_a_loss_back_at_guessing_is_said_so_with_the_number_of_classes(classes):
    chance = math.log(classes)
    losses = falling(chance, 0.05 * chance, 12) + [chance] * 40
    finding = only_finding(curves(losses, [], [0.95] * 12 + [1 / classes] * 40, classes))
    assert finding.reading == Reading.LR_TOO_HIGH
    assert f"about what blind guessing scores ({chance:.2f})" in finding.evidence


@pytest.mark.parametrize("classes", range(2, 21))
def test_a_loss_far_above_guessing_is_not_called_guessing(classes):
    chance = math.log(classes)
    losses = falling(chance, 0.05 * chance, 12) + [4 * chance + 1] * 40
    finding = only_finding(curves(losses, [], [0.95] * 12 + [1 / classes] * 40, classes))
    assert "about what blind guessing" not in finding.evidence
    assert f"worse than blind guessing, which scores {chance:.2f}" in finding.evidence


@pytest.mark.parametrize("classes", range(2, 21))
def test_accuracy_stuck_near_guessing_reads_not_learning_whatever_the_loss(classes):
    chance = 1 / classes
    loss = math.log(classes)
    losses = falling(loss, 0.6 * loss, 30)  # falling nicely: the loss alone would look fine
    stuck = curves(losses, [(0.7 * loss, chance, 0.7 * loss, chance + 0.01)], [chance] * 30, classes, status="running")
    finding = only_finding(stuck, RunConfig(train=TrainConfig(optimizer="adam", learning_rate=1.0)))
    assert finding.reading == Reading.NOT_LEARNING
    assert f"guessing at random among {classes} classes gets {chance:.1%}" in finding.evidence
    assert finding.fix is not None and "10 times smaller" in finding.fix.label


def test_a_run_stuck_at_chance_is_never_learning_well_nor_offered_more_epochs():
    # Adam at learning rate 1 on MNIST: 11.3% at the end, loss finite (issue 24).
    epochs = [(2.31, 0.11, 2.30, 0.113), (2.30, 0.11, 2.30, 0.113)]
    c = curves([2.31] * 20, epochs, [0.11] * 20)
    findings = read_run(c, RunConfig(train=TrainConfig(learning_rate=1.0, epochs=2)))
    assert [f.reading for f in findings] == [Reading.NOT_LEARNING]
    assert "more epochs" not in findings[0].fix.label


def test_a_healthy_run_is_not_called_not_learning():
    assert only_finding(well(0.99, 0.985)).reading == Reading.LEARNING_WELL


PRETRAINED = RunConfig(DataConfig("custom:abc", custom_classes=("cat", "dog", "cup"), custom_shape=(3, 128, 128)),
                       ModelConfig("efficientnet_lite0"), TrainConfig(learning_rate=0.001, epochs=30, batch_size=16))


def test_a_pretrained_network_is_never_offered_augmentation_or_another_activation():
    # Overfitting: the training pictures right, the held-back ones much worse and flat.
    epochs = [(0.5, 0.8, 0.7, 0.70)] + [(0.01, 1.0, 0.9, 0.72)] * 6
    c = curves(falling(1.1, 0.01, 40), epochs, [0.99] * 40, classes=3)
    finding = only_finding(c, PRETRAINED)
    assert finding.reading == Reading.OVERFITTING
    assert "augment" not in finding.fix.label
    changed = apply_fix(PRETRAINED, finding.fix)
    assert changed.model.dropout == 0.3 and changed.data.augment is False
