"""The 2-D playground core: datasets, the small MLP, step-wise training, the probability map."""
import numpy as np
import pytest
import torch

from core.engine.toy2d import (
    DATASETS,
    EXTENT,
    MAX_LAYERS,
    ToySettings,
    ToyTrainer,
    build_mlp,
    make_points,
    probability_grid,
    split_points,
)


@pytest.mark.parametrize("name", list(DATASETS))
def test_each_generator_gives_balanced_labelled_points_on_the_plane(name):
    x, y = make_points(name, n_points=300, noise=0.2, seed=3)
    assert x.shape == (300, 2) and y.shape == (300,)
    assert set(np.unique(y)) == {0, 1} and (y == 0).sum() == (y == 1).sum() == 150
    assert np.abs(x).max() <= EXTENT


@pytest.mark.parametrize("name", list(DATASETS))
def test_same_seed_same_points_and_noise_moves_them(name):
    quiet, _ = make_points(name, 100, noise=0.0, seed=1)
    assert np.array_equal(quiet, make_points(name, 100, noise=0.0, seed=1)[0])
    noisy, _ = make_points(name, 100, noise=0.3, seed=1)
    assert np.abs(noisy - quiet).mean() > 0.05


def test_circles_are_a_disc_inside_a_ring():
    x, y = make_points("circles", 400, noise=0.0)
    radius = np.linalg.norm(x, axis=1)
    assert radius[y == 1].max() < radius[y == 0].min()


def test_xor_labels_follow_the_sign_of_x_times_y():
    x, y = make_points("xor", 400, noise=0.0)
    assert np.array_equal(y == 1, x[:, 0] * x[:, 1] > 0)


def test_bad_generator_settings_get_plain_messages():
    with pytest.raises(ValueError, match="Choose one of"):
        make_points("squares")
    with pytest.raises(ValueError, match="between 10 and 2000"):
        make_points("moons", n_points=5)
    with pytest.raises(ValueError, match="Noise"):
        make_points("moons", noise=3)


def test_split_holds_back_the_requested_share():
    train_x, train_y, test_x, test_y = split_points(*make_points("moons", 200), test_share=0.25)
    assert len(test_y) == 50 and len(train_y) == 150 and len(train_x) == 150 and len(test_x) == 50


def test_mlp_has_the_hidden_layers_asked_for_and_refuses_too_many():
    model = build_mlp([8, 4], "tanh")
    linear = [layer for layer in model if isinstance(layer, torch.nn.Linear)]
    assert [(layer.in_features, layer.out_features) for layer in linear] == [(2, 8), (8, 4), (4, 1)]
    assert isinstance(model[1], torch.nn.Tanh)
    assert len([layer for layer in build_mlp([], "relu") if isinstance(layer, torch.nn.Linear)]) == 1
    with pytest.raises(ValueError, match="At most"):
        build_mlp([4] * (MAX_LAYERS + 1))
    with pytest.raises(ValueError, match="neurons"):
        build_mlp([65])


def test_an_mlp_learns_the_moons_to_95_percent_within_seconds():
    trainer = ToyTrainer(split_points(*make_points("moons", 200, noise=0.1), 0.2), [16, 16], "relu",
                         ToySettings(learning_rate=0.03))
    trainer.train_for(seconds=5.0, max_epochs=100)
    assert trainer.evaluate().train_accuracy >= 0.95, trainer.history[-1]


def test_step_adds_one_epoch_and_reset_starts_over_with_the_same_weights():
    trainer = ToyTrainer(split_points(*make_points("moons", 100), 0.2), [8], "tanh")
    first_weights = trainer.model[0].weight.detach().clone()
    stats = trainer.step_epoch()
    assert trainer.epoch == 1 and stats.epoch == 1 and len(trainer.history) == 1
    assert not torch.equal(trainer.model[0].weight, first_weights)
    trainer.step_epoch()
    trainer.reset()
    assert trainer.epoch == 0 and trainer.history == []
    assert torch.equal(trainer.model[0].weight, first_weights)


def test_regularisation_keeps_weights_smaller():
    points = split_points(*make_points("spirals", 200, noise=0.05), 0.0)
    sizes = {}
    for regularization in ("none", "l1", "l2"):
        trainer = ToyTrainer(points, [32, 32], "relu",
                             ToySettings(learning_rate=0.03, regularization=regularization, regularization_rate=0.01))
        for _ in range(15):
            trainer.step_epoch()
        sizes[regularization] = sum(layer.weight.abs().sum().item() for layer in trainer.model
                                    if isinstance(layer, torch.nn.Linear))
    assert sizes["l1"] < sizes["none"] and sizes["l2"] < sizes["none"]


def test_divergence_stops_training_with_a_plain_explanation():
    trainer = ToyTrainer(split_points(*make_points("moons", 100), 0.2), [16, 16], "relu",
                         ToySettings(learning_rate=10, optimizer="sgd", regularization="l2", regularization_rate=1))
    for _ in range(5):
        trainer.step_epoch()
    assert trainer.is_diverged
    assert "learning rate" in trainer.diverged_message and "Reset" in trainer.diverged_message
    assert trainer.step_epoch() is None
    trainer.update_settings(ToySettings(learning_rate=0.03))
    trainer.reset()
    assert not trainer.is_diverged and trainer.step_epoch() is not None


def test_new_learning_settings_apply_without_losing_the_weights():
    trainer = ToyTrainer(split_points(*make_points("moons", 100), 0.2), [8], "tanh")
    trainer.step_epoch()
    weights = trainer.model[0].weight.detach().clone()
    trainer.update_settings(ToySettings(learning_rate=0.001, optimizer="sgd"))
    assert torch.equal(trainer.model[0].weight, weights)
    assert trainer.optimizer.param_groups[0]["lr"] == 0.001 and isinstance(trainer.optimizer, torch.optim.SGD)


def test_added_points_join_the_training_set_and_must_lie_on_the_plane():
    trainer = ToyTrainer(split_points(*make_points("blobs", 100), 0.2), [4], "tanh")
    before = len(trainer.train_y)
    trainer.add_point(0.5, -0.25, 1)
    assert len(trainer.train_y) == before + 1 and trainer.train_y[-1] == 1
    assert trainer.train_x[-1].tolist() == [0.5, -0.25]
    with pytest.raises(ValueError, match="plane"):
        trainer.add_point(5.0, 0.0, 0)


@pytest.mark.parametrize("resolution", [2, 25, 80])
def test_probability_grid_has_the_requested_resolution(resolution):
    coordinates, probabilities = probability_grid(build_mlp([4]), resolution)
    assert coordinates.shape == (resolution,) and probabilities.shape == (resolution, resolution)
    assert coordinates[0] == -EXTENT and coordinates[-1] == EXTENT
    assert ((probabilities >= 0) & (probabilities <= 1)).all()


def test_probability_grid_rows_are_y_and_columns_are_x():
    model = build_mlp([])
    with torch.no_grad():
        model[0].weight.copy_(torch.tensor([[10.0, 0.0]]))  # class 1 to the right (x > 0)
        model[0].bias.zero_()
    _, probabilities = probability_grid(model, 11)
    assert probabilities[0, -1] > 0.99 and probabilities[0, 0] < 0.01  # same row, right vs left
    assert np.allclose(probabilities[0], probabilities[-1])
    with pytest.raises(ValueError, match="resolution"):
        probability_grid(model, 1000)
