import pytest

from core.basics.config import DataConfig, ModelConfig, RunConfig, TrainConfig


@pytest.mark.parametrize("make, words", [
    (lambda: TrainConfig(batch_size=0), "Batch size"),
    (lambda: TrainConfig(epochs=0), "Epochs"),
    (lambda: ModelConfig(dropout=1.5), "Dropout"),
    (lambda: TrainConfig(learning_rate=0), "Learning rate"),
    (lambda: TrainConfig(optimizer="adamw2"), "optimizer"),
    (lambda: TrainConfig(batch_size=12.5), "whole number"),
    (lambda: DataConfig(dataset="imagenet"), "dataset"),
    (lambda: DataConfig(validation_split=0.9), "Validation split"),
    (lambda: ModelConfig(activation="gelu"), "activation"),
])
def test_impossible_values_are_refused_in_plain_words(make, words):
    with pytest.raises(ValueError, match=words):
        make()


def test_config_round_trips_through_a_plain_dict():
    config = RunConfig(DataConfig("cifar10", 0.2, 500, True), ModelConfig("lenet", "tanh", 0.3),
                       TrainConfig("rmsprop", 0.01, 32, 4, 0.001, "one_cycle", 7))
    assert RunConfig.from_dict(config.to_dict()) == config


def test_unknown_settings_are_refused():
    with pytest.raises(ValueError, match="Unknown train setting"):
        RunConfig.from_dict({"train": {"learning_rat": 0.1}})
