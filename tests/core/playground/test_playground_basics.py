"""What the first playground's tests checked (tests/core/test_toy2d.py, core/toy2d.py before it moved here):
the shapes, the split, the network's layers, stepping and resetting, regularisation, settings, the map."""
import numpy as np
import pytest
import torch

from core.playground.maps import output_map
from core.playground.network import MAX_LAYERS, MAX_NEURONS, NetworkSpec, build_network
from core.playground.points import DATASETS, make_points, split_points
from core.playground.training import LearningSettings, PlaneTrainer

TWO_CLASS = [name for name, choice in DATASETS.items() if choice.task.value == "classification"]


@pytest.mark.parametrize("name", TWO_CLASS)
def test_same_seed_same_points_and_noise_moves_them(name):
    quiet = make_points(name, 100, noise=0.0, seed=1).xy
    assert np.array_equal(quiet, make_points(name, 100, noise=0.0, seed=1).xy)
    assert np.abs(make_points(name, 100, noise=0.3, seed=1).xy - quiet).mean() > 0.05


def test_circles_are_a_disc_inside_a_ring_and_xor_follows_the_sign_of_x_times_y():
    circles = make_points("circles", 400, noise=0.0)
    radius = np.linalg.norm(circles.xy, axis=1)
    assert radius[circles.target == 1].max() < radius[circles.target == 0].min()
    xor = make_points("xor", 400, noise=0.0)
    assert np.array_equal(xor.target == 1, xor.xy[:, 0] * xor.xy[:, 1] > 0)


def test_bad_generator_settings_get_plain_messages():
    with pytest.raises(ValueError, match="Choose one of"):
        make_points("squares")
    with pytest.raises(ValueError, match="between 10 and 2000"):
        make_points("moons", n_points=5)
    with pytest.raises(ValueError, match="Noise"):
        make_points("moons", noise=3)
    with pytest.raises(ValueError, match="classes"):
        make_points("blobs", classes=7)


def test_split_holds_back_the_requested_share():
    train, test = split_points(make_points("moons", 200), test_share=0.25)
    assert len(test) == 50 and len(train) == 150
    with pytest.raises(ValueError, match="test points"):
        split_points(make_points("moons", 200), test_share=0.95)


def test_the_network_has_the_layers_asked_for_and_refuses_too_many():
    network = build_network(NetworkSpec(("x", "y"), (8, 4), ("tanh", "tanh")))
    assert [(layer.in_features, layer.out_features) for layer in network.linear_layers()] == [(2, 8), (8, 4), (4, 2)]
    assert isinstance(network.mlp[1], torch.nn.Tanh)
    assert len(build_network(NetworkSpec(hidden_layers=(), activations=())).linear_layers()) == 1
    with pytest.raises(ValueError, match="At most"):
        NetworkSpec(hidden_layers=(4,) * (MAX_LAYERS + 1), activations=("relu",) * (MAX_LAYERS + 1))
    with pytest.raises(ValueError, match="neurons"):
        NetworkSpec(hidden_layers=(MAX_NEURONS + 1,), activations=("relu",))


def moons_trainer(spec=None, settings=None, noise=0.1):
    train, test = split_points(make_points("moons", 200, noise=noise), 0.2)
    return PlaneTrainer(train, test, spec or NetworkSpec(), settings or LearningSettings())


def test_an_mlp_learns_the_moons_to_95_percent_within_seconds():
    trainer = moons_trainer(NetworkSpec(hidden_layers=(16, 16), activations=("relu", "relu")))
    trainer.train_for(seconds=5.0, max_epochs=100)
    assert trainer.evaluate().train_accuracy >= 0.95, trainer.history[-1]


def test_step_adds_one_epoch_and_reset_starts_over_with_the_same_weights():
    trainer = moons_trainer()
    first_weights = trainer.network.mlp[0].weight.detach().clone()
    stats = trainer.step_epoch()
    assert trainer.epoch == 1 and stats.epoch == 1 and len(trainer.history) == 1
    assert not torch.equal(trainer.network.mlp[0].weight, first_weights)
    trainer.step_epoch()
    trainer.reset()
    assert trainer.epoch == 0 and trainer.history == []
    assert torch.equal(trainer.network.mlp[0].weight, first_weights)


def test_regularisation_keeps_weights_smaller():
    train, test = split_points(make_points("spirals", 200, noise=0.05), 0.0)
    sizes = {}
    for regularization in ("none", "l1", "l2"):
        trainer = PlaneTrainer(train, test, NetworkSpec(hidden_layers=(16, 16), activations=("relu", "relu")),
                               LearningSettings(0.03, regularization=regularization, regularization_rate=0.01))
        for _ in range(15):
            trainer.step_epoch()
        sizes[regularization] = sum(layer.weight.abs().sum().item() for layer in trainer.network.linear_layers())
    assert sizes["l1"] < sizes["none"] and sizes["l2"] < sizes["none"]


def test_new_learning_settings_apply_without_losing_the_weights():
    trainer = moons_trainer()
    trainer.step_epoch()
    weights = trainer.network.mlp[0].weight.detach().clone()
    trainer.update_settings(LearningSettings(learning_rate=0.001, optimizer="sgd"))
    assert torch.equal(trainer.network.mlp[0].weight, weights)
    assert trainer.optimizer.param_groups[0]["lr"] == 0.001 and isinstance(trainer.optimizer, torch.optim.SGD)


@pytest.mark.parametrize("resolution", [2, 25, 80])
def test_the_map_has_the_requested_resolution(resolution):
    coordinates, chances = output_map(build_network(NetworkSpec()), resolution)
    assert coordinates.shape == (resolution,) and chances.shape == (resolution, resolution, 2)
    assert coordinates[0] == -1.5 and coordinates[-1] == 1.5 and ((chances >= 0) & (chances <= 1)).all()


def test_the_map_rows_are_y_and_columns_are_x():
    network = build_network(NetworkSpec(hidden_layers=(), activations=()))
    with torch.no_grad():
        network.mlp[0].weight.copy_(torch.tensor([[0.0, 0.0], [10.0, 0.0]]))  # class 1 to the right (x > 0)
        network.mlp[0].bias.zero_()
    _, chances = output_map(network, 11)
    assert chances[0, -1, 1] > 0.99 and chances[0, 0, 1] < 0.01  # same row, right vs left
    assert np.allclose(chances[0], chances[-1])
    with pytest.raises(ValueError, match="resolution"):
        output_map(network, 1000)
