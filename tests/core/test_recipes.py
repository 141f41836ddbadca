"""The five recipes: exact architectures (counted by hand), settings, results kept on disk."""
import json

import pytest
import torch
from torch import nn

from core.data import registry
from core.data.dataset import Dataset
from core.data.registry import REGISTRY
from core.engine.models import build_model, count_parameters
from core.recipes import (
    RECIPES,
    build_tiny_mlp,
    load_results,
    main,
    recipe_config,
    results_path,
    run_recipe,
    run_tiny_mlp,
    start_recipe,
)
from core.runners.jobs import JobRunner


def describe(model: nn.Module) -> list[tuple]:
    """Each layer as (type, sizes...), in order."""
    layers = []
    for layer in model.modules():
        if isinstance(layer, nn.Sequential):
            continue
        if isinstance(layer, nn.Conv2d):
            layers.append(("Conv2d", layer.in_channels, layer.out_channels, layer.kernel_size[0]))
        elif isinstance(layer, nn.Linear):
            layers.append(("Linear", layer.in_features, layer.out_features))
        elif isinstance(layer, nn.Dropout):
            layers.append(("Dropout", layer.p))
        elif isinstance(layer, nn.MaxPool2d):
            layers.append(("MaxPool2d", layer.kernel_size))
        else:
            layers.append((type(layer).__name__,))
    return layers


# Parameter counts worked out by hand: a k x k convolution has in*out*k*k weights + out biases,
# a dense layer in*out weights + out biases. Sizes: 28 -conv3-> 26 -pool-> 13 -conv3-> 11 -pool-> 5 -conv3-> 3.
SIMPLE_CNN = ([("Conv2d", 1, 32, 3), ("ReLU",), ("MaxPool2d", 2), ("Conv2d", 32, 64, 3), ("ReLU",), ("MaxPool2d", 2),
               ("Conv2d", 64, 64, 3), ("ReLU",), ("Flatten",), ("Linear", 3 * 3 * 64, 64), ("ReLU",),
               ("Linear", 64, 10)],
              (1 * 32 * 9 + 32) + (32 * 64 * 9 + 64) + (64 * 64 * 9 + 64) + (576 * 64 + 64) + (64 * 10 + 10))
# 32 -conv3-> 30 -pool-> 15, so 15 * 15 * 32 = 7200 numbers reach the dense layer.
TINY_CIFAR = ([("Conv2d", 3, 32, 3), ("ReLU",), ("MaxPool2d", 2), ("Flatten",), ("Linear", 7200, 64), ("ReLU",),
               ("Linear", 64, 10)],
              (3 * 32 * 9 + 32) + (7200 * 64 + 64) + (64 * 10 + 10))
MLP_512 = ([("Flatten",), ("Linear", 784, 512), ("ReLU",), ("Dropout", 0.2), ("Linear", 512, 512), ("ReLU",),
            ("Dropout", 0.2), ("Linear", 512, 10)],
           (784 * 512 + 512) + (512 * 512 + 512) + (512 * 10 + 10))
# 28 -conv5-> 24 -pool-> 12 -conv5-> 8 -pool-> 4, so 4 * 4 * 64 = 1024.
LENET = ([("Conv2d", 1, 32, 5), ("ReLU",), ("MaxPool2d", 2), ("Conv2d", 32, 64, 5), ("ReLU",), ("MaxPool2d", 2),
          ("Flatten",), ("Linear", 1024, 128), ("ReLU",), ("Linear", 128, 10)],
         (1 * 32 * 25 + 32) + (32 * 64 * 25 + 64) + (1024 * 128 + 128) + (128 * 10 + 10))
TINY_MLP = ([("Linear", 3, 10), ("Sigmoid",), ("Linear", 10, 10), ("ReLU",), ("Linear", 10, 1), ("Sigmoid",)],
            (3 * 10 + 10) + (10 * 10 + 10) + (10 * 1 + 1))


@pytest.mark.parametrize("name, expected", [("simple_cnn", SIMPLE_CNN), ("tiny_cifar", TINY_CIFAR),
                                            ("mlp_512", MLP_512), ("lenet", LENET)])
def test_image_recipes_build_the_article_architectures_exactly(name, expected):
    layers, parameters = expected
    for fast in (False, True):
        config = recipe_config(name, fast)
        info = REGISTRY[config.data.dataset]
        model = build_model(config.model, info.input_shape, len(info.classes))
        assert describe(model) == layers
        assert count_parameters(model) == parameters


def test_hand_counts_are_the_familiar_totals():
    assert [SIMPLE_CNN[1], TINY_CIFAR[1], MLP_512[1], LENET[1], TINY_MLP[1]] == [93_322, 462_410, 669_706,
                                                                                184_586, 161]


def test_tiny_mlp_is_dense_10_sigmoid_dense_10_relu_dense_1_sigmoid():
    model = build_tiny_mlp()
    assert describe(model) == TINY_MLP[0]
    assert count_parameters(model) == TINY_MLP[1]


@pytest.mark.parametrize("name, optimizer, batch_size, epochs, dataset, dropout", [
    ("simple_cnn", "adam", 64, 5, "mnist", 0.0), ("tiny_cifar", "adam", 64, 10, "cifar10", 0.0),
    ("mlp_512", "rmsprop", 64, 20, "mnist", 0.2), ("lenet", "adam", 32, 10, "mnist", 0.0)])
def test_recipes_train_with_the_article_settings(name, optimizer, batch_size, epochs, dataset, dropout):
    config = recipe_config(name)
    assert (config.train.optimizer, config.train.batch_size, config.train.epochs, config.data.dataset,
            config.model.dropout, config.data.train_subset) == (optimizer, batch_size, epochs, dataset, dropout, 0)


@pytest.mark.parametrize("name", ["simple_cnn", "tiny_cifar", "mlp_512", "lenet"])
def test_fast_versions_do_less_work_with_the_same_model_and_optimizer(name):
    full, fast = recipe_config(name), recipe_config(name, fast=True)
    assert fast.model == full.model and fast.train.optimizer == full.train.optimizer
    assert fast.train.batch_size == full.train.batch_size
    assert fast.train.epochs < full.train.epochs
    assert RECIPES[name].fast_note


def test_every_recipe_states_its_claim_and_the_numbers_match_the_articles():
    assert len(RECIPES) == 5
    claimed = {name: recipe.claimed_accuracy for name, recipe in RECIPES.items()}
    assert claimed == {"simple_cnn": 0.98, "tiny_mlp": None, "tiny_cifar": 0.8845, "mlp_512": None, "lenet": 0.994}
    assert all(recipe.claim for recipe in RECIPES.values())


def test_tiny_mlp_runs_and_returns_a_probability():
    result = run_tiny_mlp()
    assert 0.0 <= result.probability <= 1.0
    assert len(result.losses) == 10 and result.losses[-1] < result.losses[0]
    assert run_tiny_mlp(seed=1).probability != result.probability  # it is mostly the random start talking


def test_recipe_results_are_kept_on_disk_full_and_fast_apart(monkeypatch, tmp_path):
    monkeypatch.setenv("PLAYGROUND_RUNS_DIR", str(tmp_path))
    full = run_recipe("tiny_mlp")
    assert full["version"] == "full" and 0.0 <= full["measured"] <= 1.0 and full["device"]
    run_recipe("tiny_mlp", fast=True)
    saved = json.loads(results_path("tiny_mlp").read_text())
    assert set(saved) == {"full", "fast"} and saved["full"]["measured"] == full["measured"]
    assert results_path("tiny_mlp").parent == tmp_path / "_recipes"
    assert [p.name for p in results_path("tiny_mlp").parent.iterdir()] == ["tiny_mlp.json"]  # no temp files left
    results_path("tiny_mlp").write_text("{broken")
    assert load_results("tiny_mlp") == {}


def test_an_image_recipe_job_saves_its_measured_accuracy(monkeypatch, tmp_path, mnist):
    monkeypatch.setenv("PLAYGROUND_RUNS_DIR", str(tmp_path))
    small = Dataset(mnist.info, mnist.train_x[:600], mnist.train_y[:600], mnist.test_x[:300], mnist.test_y[:300],
                    source="test slice")
    job = start_recipe("simple_cnn", True, small, runner=JobRunner(1, torch.device("cpu")))
    assert job.wait(120) and job.status == "finished", job.error
    saved = load_results("simple_cnn")["fast"]
    assert saved["status"] == "finished" and saved["measure"] == "test_accuracy"
    assert 0.0 <= saved["measured"] <= 1.0 and saved["test_images"] == 300 and saved["train_images"] == 540
    assert saved["seconds"] > 0 and "CPU" in saved["device"] and saved["job_id"] == job.id


def test_command_line_runs_a_recipe_and_explains_missing_data(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("PLAYGROUND_RUNS_DIR", str(tmp_path))
    assert main(["tiny_mlp"]) == 0
    assert "[1,1,1]" in capsys.readouterr().out
    monkeypatch.setenv("PLAYGROUND_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PLAYGROUND_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(registry, "_download", lambda name, root: (_ for _ in ()).throw(OSError("offline")))
    assert main(["tiny_cifar", "--fast"]) == 2
    assert "CIFAR-10" in capsys.readouterr().err


def test_unknown_recipe_is_refused_plainly():
    with pytest.raises(ValueError, match="Choose one of"):
        recipe_config("resnet")
