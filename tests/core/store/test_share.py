"""Share links: a run's setup round-trips through the URL query string."""
from urllib.parse import parse_qsl, urlencode

import pytest

from core.basics.choices import DEFAULT_PRESET
from core.basics.config import DataConfig, ModelConfig, RunConfig, TrainConfig
from core.store.share import from_query, has_setup, to_query


def through_a_link(config: RunConfig) -> RunConfig:
    """As a browser would: encode, copy as text, parse back."""
    return from_query(dict(parse_qsl(urlencode(to_query(config)))))


@pytest.mark.parametrize("config", [
    RunConfig(),
    RunConfig(DataConfig("cifar10", validation_split=0.2, train_subset=5000, augment=True),
              ModelConfig("tiny_cifar", activation="tanh", dropout=0.25),
              TrainConfig("sgd_momentum", 0.0123456789, 32, 7, 0.0005, "one_cycle", 12345)),
    RunConfig(DataConfig("fashion_mnist"), ModelConfig("lenet", init_from_run="ab12cd34ef56",
                                                       freeze_convolutions=True)),
])
def test_a_link_restores_the_same_setup(config):
    assert through_a_link(config) == config


def test_a_default_setup_gives_a_short_link():
    assert to_query(RunConfig()) == {"dataset": "mnist", "model": DEFAULT_PRESET}


def test_a_link_without_a_setup_is_recognised():
    assert not has_setup({"run": "abc"})
    with pytest.raises(ValueError, match="no training setup"):
        from_query({"run": "abc"})


@pytest.mark.parametrize("query, message", [
    ({"dataset": "mnist", "lr": "fast"}, "number"),
    ({"dataset": "mnist", "epochs": "0"}, "Epochs"),
    ({"dataset": "imagenet"}, "Unknown dataset"),
    ({"model": "fast_cnn", "augment": "maybe"}, "0 or 1"),
])
def test_a_broken_link_explains_what_is_wrong(query, message):
    with pytest.raises(ValueError, match=message):
        from_query(query)
