import threading

import pytest
import torch

from core.basics.choices import DEFAULT_PRESET, PRESETS
from core.basics.config import DataConfig, ModelConfig, RunConfig, TrainConfig
from core.engine.augment import augment_batch
from core.engine.events import Diverged, Done, EpochEnd, Started, StepEnd, Stopped
from core.engine.models import build_model
from core.engine.train import train

CPU = torch.device("cpu")


def small_run(preset="fast_cnn", epochs=2, **train_options) -> RunConfig:
    options = dict(learning_rate=0.005, batch_size=64, epochs=epochs, log_every=5) | train_options
    return RunConfig(DataConfig(train_subset=2000), ModelConfig(preset=preset), TrainConfig(**options))


def run(config, dataset, stop=None):
    model = build_model(config.model, dataset.info.input_shape, 10)
    return model, list(train(model, dataset, config, CPU, stop))


def test_events_come_in_order_and_the_loss_falls(mnist):
    _, events = run(small_run(schedule="one_cycle"), mnist)
    kinds = [type(e) for e in events]
    assert kinds[0] is Started and kinds[-1] is Done
    assert kinds.index(EpochEnd) < len(kinds) - 2 and kinds.count(EpochEnd) == 2
    steps = [e for e in events if isinstance(e, StepEnd)]
    assert [s.step for s in steps] == sorted(s.step for s in steps)
    assert steps[-1].loss < steps[0].loss / 2
    done = events[-1]
    assert done.status == "finished" and done.test_accuracy > 0.85  # 2,000 images, 2 epochs


def test_the_first_chart_point_comes_after_a_few_steps_not_a_whole_logging_interval(mnist):
    _, events = run(small_run(log_every=10, batch_size=16, epochs=1), mnist)  # 113 steps an epoch
    steps = [e.step for e in events if isinstance(e, StepEnd)]
    assert steps[:3] == [5, 10, 20]


def test_a_huge_learning_rate_diverges_and_keeps_finite_weights(mnist):
    config = small_run(preset="mlp_512", optimizer="sgd", learning_rate=50.0, epochs=1, log_every=1)
    model, events = run(config, mnist)
    diverged = [e for e in events if isinstance(e, Diverged)]
    assert len(diverged) == 1 and "learning rate" in diverged[0].message
    assert events[-1].status == "diverged"
    assert all(torch.isfinite(p).all() for p in model.state_dict().values())
    assert torch.isfinite(torch.tensor(events[-1].test_loss))


def test_stop_ends_the_run_and_keeps_a_usable_model(mnist):
    stop = threading.Event()
    config = small_run(epochs=50)
    model = build_model(config.model, mnist.info.input_shape, 10)
    events = []
    for event in train(model, mnist, config, CPU, stop):
        events.append(event)
        if isinstance(event, StepEnd) and event.step >= 10:
            stop.set()
    assert any(isinstance(e, Stopped) for e in events)
    assert events[-1].status == "stopped" and max(e.step for e in events if isinstance(e, StepEnd)) < 20
    assert events[-1].test_accuracy > 0.2  # better than chance after a few steps: it learned and is usable


def test_same_seed_same_result(mnist):
    config = small_run(epochs=1)
    first, second = run(config, mnist)[1][-1], run(config, mnist)[1][-1]
    assert first.test_accuracy == second.test_accuracy


@pytest.mark.parametrize("is_digits", [True, False])
def test_augmentation_changes_images_but_keeps_shape_and_range(mnist, is_digits):
    images = mnist.train_x[:32].repeat(1, 1 if is_digits else 3, 1, 1)
    out = augment_batch(images, is_digits, torch.Generator().manual_seed(0))
    assert out.shape == images.shape and out.min() >= 0 and out.max() <= 255.001
    assert (out - images.float()).abs().mean() > 1  # really moved the pixels
    # Ink is mostly kept (shifts are small), so the digit stays recognisable.
    assert out.sum() > 0.8 * images.float().sum()


def test_training_with_augmentation_runs(mnist):
    config = RunConfig(DataConfig(train_subset=500, augment=True), ModelConfig(),
                       TrainConfig(epochs=1, batch_size=100))
    assert run(config, mnist)[1][-1].status == "finished"


def test_the_default_network_with_its_own_settings_learns_mnist_well(mnist):
    """A guard on what pressing Train gives (accuracy, not speed): the default network and settings,
    on a third of the training images, still reach 98.5% (99.2-99.3% on all of them)."""
    preset = PRESETS[DEFAULT_PRESET]
    config = RunConfig(DataConfig(train_subset=20_000), ModelConfig(),
                       TrainConfig(preset.optimizer, preset.learning_rate, preset.batch_size, preset.epochs,
                                   schedule=preset.schedule))
    _, events = run(config, mnist)
    assert events[-1].status == "finished" and events[-1].test_accuracy >= 0.985
