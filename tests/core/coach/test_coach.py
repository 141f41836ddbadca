"""The coach's reading on constructed curves: every finding, its fix, and no false alarm on a healthy run."""
import math

import pytest

from core.basics.config import DataConfig, ModelConfig, RunConfig, TrainConfig
from core.basics.status import RunStatus
from core.coach.curves import Curves, EpochFigures, curves_from_events
from core.coach.fixes import apply_fix, fix_verdict
from core.coach.reading import Finding, MAX_FINDINGS, Reading, read_run
from core.engine.events import Diverged, Done, EpochEnd, StepEnd

CONFIG = RunConfig(train=TrainConfig(learning_rate=0.01, epochs=4))


def curves(losses, epochs, status="finished", accuracy=None, **extra) -> Curves:
    """Step losses logged every 10 steps; epochs as (train_loss, train_acc, val_loss, val_acc) tuples."""
    accuracies = accuracy or [max(0.1, 1 - loss / 2.3) for loss in losses]
    figures = tuple(EpochFigures(i + 1, *e) for i, e in enumerate(epochs))
    return Curves(tuple(10 * (i + 1) for i in range(len(losses))), tuple(losses), tuple(accuracies), figures,
                  len(epochs), status, **extra)


def decaying(start, end, count, rate=8.0):
    return [end + (start - end) * math.exp(-rate * i / count) for i in range(count)]


HEALTHY = curves(decaying(2.3, 0.03, 80),
                 [(0.27, 0.92, 0.18, 0.945), (0.06, 0.982, 0.048, 0.985), (0.03, 0.99, 0.034, 0.990),
                  (0.015, 0.995, 0.030, 0.9902)])


def readings(c: Curves, config: RunConfig = CONFIG) -> list[Reading]:
    return [finding.reading for finding in read_run(c, config)]


def test_healthy_run_reads_learning_well_and_nothing_else():
    findings = read_run(HEALTHY, CONFIG)
    assert [f.reading for f in findings] == [Reading.LEARNING_WELL]
    assert findings[0].fix is None and "99.0%" in findings[0].evidence and "to 0.03" in findings[0].evidence


def test_diverged_run_is_learning_rate_too_high_with_a_smaller_rate():
    c = curves(decaying(2.3, 1.0, 20), [], status="diverged", diverged_at_step=205)
    finding = read_run(c, CONFIG)[0]
    assert finding.reading == Reading.LR_TOO_HIGH and "step 205" in finding.evidence
    assert apply_fix(CONFIG, finding.fix).train.learning_rate == pytest.approx(0.001)


def test_loss_that_falls_then_jumps_back_to_guessing_is_learning_rate_too_high():
    losses = decaying(2.3, 0.8, 10) + [3.9, 2.9] + [2.35] * 60
    c = curves(losses, [(2.26, 0.2, 2.33, 0.10), (2.37, 0.1, 2.34, 0.09), (2.35, 0.1, 2.33, 0.10)])
    findings = read_run(c, CONFIG)
    assert [f.reading for f in findings] == [Reading.LR_TOO_HIGH]  # underfitting is the same cause: not repeated
    assert "blind guessing" in findings[0].evidence and "jumped back up to 2.35" in findings[0].evidence


def test_loss_that_shoots_up_at_once_and_stays_at_guessing_is_learning_rate_too_high():
    c = curves([19.6, 3.4, 4.1, 3.0, 2.8, 2.7, 2.6, 2.7, 2.6, 2.5, 2.4, 2.35], [(4.2, 0.1, 2.45, 0.14), (2.5, 0.1, 2.33, 0.14)],
               accuracy=[0.1] * 12)
    findings = read_run(c, RunConfig(train=TrainConfig(optimizer="sgd", learning_rate=5.0)))
    assert [f.reading for f in findings] == [Reading.LR_TOO_HIGH] and "19.6" in findings[0].evidence
    assert findings[0].fix.changes == (("train.learning_rate", 0.5),)


def test_loss_that_barely_moves_is_learning_rate_too_low_with_a_bigger_rate():
    c = curves(decaying(2.43, 2.10, 160, rate=2.0),
               [(2.41, 0.15, 2.36, 0.15), (2.29, 0.19, 2.23, 0.19), (2.19, 0.22, 2.17, 0.23), (2.15, 0.24, 2.16, 0.24)])
    findings = read_run(c, RunConfig(train=TrainConfig(learning_rate=1e-6)))
    assert [f.reading for f in findings] == [Reading.LR_TOO_LOW]
    assert "1,600 steps" in findings[0].evidence
    assert findings[0].fix.changes == (("train.learning_rate", 1e-4),)


def test_validation_loss_rising_while_training_loss_falls_is_overfitting_with_augmentation_first():
    val_losses = [0.6, 0.26, 0.17, 0.12, 0.064, 0.08, 0.085, 0.087, 0.089, 0.09]
    epochs = [(0.5 / (i + 1) ** 2, min(1.0, 0.85 + 0.03 * i), v, 0.97 + 0.001 * i) for i, v in enumerate(val_losses)]
    c = curves(decaying(2.3, 0.0005, 100), epochs)
    finding = read_run(c, CONFIG)[0]
    assert finding.reading == Reading.OVERFITTING
    assert "since epoch 5" in finding.evidence and "gap of" in finding.evidence
    assert apply_fix(CONFIG, finding.fix).data.augment is True
    augmented = RunConfig(data=DataConfig(augment=True), model=ModelConfig(dropout=0.0))
    assert read_run(c, augmented)[0].fix.changes == (("model.dropout", 0.3),)


def test_training_images_learned_by_heart_with_flat_validation_is_overfitting():
    # The shape of a real one-cycle run: 5,000 MNIST images, 40 epochs; the validation loss levels off, not up.
    epochs = [(0.5 / (i + 1) ** 3, min(1.0, 0.9 + 0.02 * i), 0.09 - 0.002 * min(i, 5), min(0.978, 0.95 + 0.005 * i))
              for i in range(12)]
    c = curves(decaying(2.3, 0.0001, 100), epochs)
    finding = read_run(c, CONFIG)[0]
    assert finding.reading == Reading.OVERFITTING and "by heart" in finding.evidence
    assert "a gap of 2.2 points" in finding.evidence and apply_fix(CONFIG, finding.fix).data.augment is True


def test_a_long_healthy_run_near_100_percent_is_not_called_overfitting():
    epochs = [(0.3 / (i + 1) ** 2, min(0.999, 0.95 + 0.01 * i), 0.03, min(0.993, 0.96 + 0.01 * i)) for i in range(10)]
    assert Reading.OVERFITTING not in readings(curves(decaying(2.3, 0.002, 100), epochs))


def test_low_flat_accuracies_are_underfitting_with_a_bigger_network():
    c = curves(decaying(2.3, 1.2, 80, rate=12), [(1.3, 0.55, 1.3, 0.55), (1.25, 0.56, 1.26, 0.56), (1.24, 0.562, 1.25, 0.563)])
    findings = read_run(c, RunConfig(model=ModelConfig(preset="mlp_512")))
    assert findings[0].reading == Reading.UNDERFITTING
    assert findings[0].fix.changes == (("model.preset", "simple_cnn"),)
    assert Reading.PLATEAU not in [f.reading for f in findings]


def test_long_flat_stretch_before_the_network_is_good_is_a_plateau():
    losses = decaying(2.3, 0.35, 30, rate=10) + [0.35] * 50
    c = curves(losses, [(0.5, 0.9, 0.4, 0.919), (0.35, 0.93, 0.36, 0.92), (0.35, 0.93, 0.36, 0.921)],
               accuracy=[0.93] * 80)
    findings = read_run(c, RunConfig(train=TrainConfig(schedule="constant")))
    assert findings[0].reading == Reading.PLATEAU and "stayed at about 0.35" in findings[0].evidence
    assert findings[0].fix.changes == (("train.schedule", "one_cycle"),)


def test_validation_accuracy_still_rising_at_the_end_suggests_more_epochs():
    c = curves(decaying(2.3, 0.1, 40, rate=3), [(0.6, 0.85, 0.5, 0.86), (0.3, 0.92, 0.28, 0.92)])
    findings = read_run(c, RunConfig(train=TrainConfig(epochs=2)))
    assert [f.reading for f in findings] == [Reading.LEARNING_WELL, Reading.STILL_IMPROVING]
    assert findings[1].fix.changes == (("train.epochs", 4),) and "2 more epochs" in findings[1].fix.label


def test_never_more_than_two_findings_and_each_round_trips_through_json():
    c = curves(decaying(2.43, 2.1, 160, rate=2.0), [(2.4, 0.15, 2.3, 0.15), (2.2, 0.2, 2.2, 0.2)])
    for case in (HEALTHY, c):
        findings = read_run(case, CONFIG)
        assert 1 <= len(findings) <= MAX_FINDINGS
        assert [Finding.from_dict(f.to_dict()) for f in findings] == findings


def test_too_early_to_say_and_running_runs_are_not_judged_on_one_point():
    assert read_run(Curves(status="running"), CONFIG) == []
    assert read_run(curves([2.3, 2.2], [], status="running"), CONFIG) == []


def test_curves_from_events_reads_training_events():
    events = [StepEnd(1, 10, 20, 2.0, 0.3, 1000.0, 1.0, 1.0), EpochEnd(1, 2, 1.5, 0.5, 1.4, 0.55, 2.0),
              Diverged(2, 15, "blew up"), Done(RunStatus.DIVERGED, 1.4, 0.55, 3.0)]
    c = curves_from_events(events, planned_epochs=2)
    assert c.status == "diverged" and c.diverged_at_step == 15 and c.step_losses == (2.0,)
    assert c.epochs[0].validation_accuracy == 0.55


def test_fix_verdict_says_whether_it_helped():
    assert fix_verdict(0.95, 0.98).startswith("it helped")
    assert fix_verdict(0.98, 0.95).startswith("it did not help")
    assert fix_verdict(0.98, 0.981).startswith("it made little difference")
