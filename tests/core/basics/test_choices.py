"""The choice registry: one owner per user choice; an unknown key is refused in plain words."""
import pytest
import torch

from core.basics.choices import ACTIVATIONS, DATASETS, OPTIMIZERS, PRESETS, SCHEDULES
from core.basics.config import ModelConfig, RunConfig, TrainConfig
from core.engine.models import build_model
from core.engine.train import make_optimizer


@pytest.mark.parametrize("registry", [DATASETS, PRESETS, OPTIMIZERS, SCHEDULES, ACTIVATIONS])
def test_an_unknown_key_is_refused_with_the_valid_ones(registry):
    with pytest.raises(ValueError, match=f"Unknown {registry.kind} 'nope'. Choose one of: {', '.join(registry)}"):
        registry["nope"]
    assert "nope" not in registry and registry.label_of("nope") == "nope"


def test_every_entry_has_a_label_and_help():
    for registry in (DATASETS, PRESETS, OPTIMIZERS, SCHEDULES, ACTIVATIONS):
        assert registry.label and registry.help
        for key in registry:
            assert registry[key].key == key and registry[key].label and registry[key].help


@pytest.mark.parametrize("optimizer", list(OPTIMIZERS))
@pytest.mark.parametrize("schedule", list(SCHEDULES))
def test_every_optimizer_and_schedule_builds_and_steps(optimizer, schedule):
    config = RunConfig(train=TrainConfig(optimizer=optimizer, schedule=schedule, learning_rate=0.01))
    model = build_model(ModelConfig("mlp_512"), (1, 28, 28), 10)
    built, scheduler = make_optimizer(model, config, total_steps=10)
    before = model.fc1.weight.detach().clone()
    model(torch.randn(4, 1, 28, 28)).sum().backward()
    built.step()
    if scheduler is not None:
        scheduler.step()
    assert not torch.equal(before, model.fc1.weight)


def test_configs_check_against_the_registry():
    with pytest.raises(ValueError, match="Unknown optimizer 'adamw'"):
        TrainConfig(optimizer="adamw")
    with pytest.raises(ValueError, match="Unknown model"):
        ModelConfig(preset="resnet")


@pytest.mark.parametrize("preset", list(PRESETS))
def test_every_preset_defaults_make_a_valid_config(preset):
    info = PRESETS[preset]
    TrainConfig(info.optimizer, info.learning_rate, info.batch_size, info.epochs, schedule=info.schedule)
    ModelConfig(preset, dropout=info.dropout)
