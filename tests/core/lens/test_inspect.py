"""Inspect arithmetic against torch.nn.functional, feature-map shapes against the layers, hooks cleaned up."""
import threading

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from core.basics.config import DataConfig, ModelConfig, RunConfig, TrainConfig
from core.engine.events import Done
from core.engine.models import build_model, count_parameters
from core.engine.train import train
from core.lens.explain import (
    convolution_in_model,
    convolve_at,
    neuron_in_model,
    pool_2x2,
    pooling_example,
    pooling_in_model,
)
from core.lens.inspect import (
    feature_maps,
    filters,
    first_layer_weights,
    hidden_activations,
    layer_table,
    recording,
    saliency,
    tile,
)
from core.lens.metrics import (
    class_scores,
    confusion_matrix,
    mistakes,
    model_fingerprint,
    most_common_mistake,
    predict_test_set,
)

CONV_PRESETS = ["swift_cnn", "fast_cnn", "simple_cnn", "lenet", "tiny_cifar"]
SHAPES = [(1, 28, 28), (3, 32, 32)]


def random_model(preset: str, input_shape=(1, 28, 28), activation: str = "relu") -> nn.Module:
    """A preset with random weights and random batch-norm statistics (so BN is not the identity)."""
    torch.manual_seed(0)
    model = build_model(ModelConfig(preset=preset, activation=activation), input_shape, 10)
    for module in model.modules():
        if isinstance(module, nn.BatchNorm2d):
            module.running_mean.uniform_(-0.5, 0.5)
            module.running_var.uniform_(0.5, 2.0)
            module.weight.data.uniform_(0.5, 1.5)
            module.bias.data.uniform_(-0.3, 0.3)
    return model.eval()


def example_output_max(model: nn.Module, x: torch.Tensor, layer_name: str, channel: int) -> float:
    """The largest number in one channel of the block a conv layer starts (conv, batch norm, activation)."""
    layers = list(model.named_children())
    names = [name for name, _ in layers]
    end = names.index(layer_name) + 1
    while end < len(layers) and isinstance(layers[end][1], (nn.BatchNorm2d, nn.ReLU, nn.Tanh)):
        end += 1
    with torch.no_grad():
        return nn.Sequential(*[m for _, m in layers[:end]])(x)[0, channel].max().item()


def hook_count(model: nn.Module) -> int:
    return sum(len(m._forward_hooks) + len(m._forward_pre_hooks) for m in model.modules())


@pytest.mark.parametrize("size", [(4, 4), (7, 9), (28, 28), (13, 13)])
def test_our_2x2_pooling_equals_torch(size):
    maps = torch.randn(1, 1, *size, dtype=torch.float64)
    ours_max, ours_average = pool_2x2(maps[0, 0].numpy(), "max"), pool_2x2(maps[0, 0].numpy(), "average")
    np.testing.assert_allclose(ours_max, F.max_pool2d(maps, 2)[0, 0].numpy())
    np.testing.assert_allclose(ours_average, F.avg_pool2d(maps, 2)[0, 0].numpy())


def test_pooling_example_shows_the_numbers_of_the_strongest_window_and_any_chosen_one():
    feature_map = np.random.default_rng(1).normal(size=(8, 8))
    example = pooling_example(feature_map)
    assert example.window_max == feature_map.max()  # the default window holds the map's largest number
    moved = pooling_example(feature_map, row=2, column=3)
    np.testing.assert_array_equal(moved.window, feature_map[4:6, 6:8])
    assert moved.window_max == moved.max_pooled[2, 3] == feature_map[4:6, 6:8].max()
    assert moved.window_mean == pytest.approx(moved.average_pooled[2, 3]) == pytest.approx(feature_map[4:6, 6:8].mean())
    with pytest.raises(ValueError, match="inside"):
        pooling_example(feature_map, row=4, column=0)


@pytest.mark.parametrize("stride, padding, kernel_size, channels", [(1, 0, 3, 1), (1, 1, 3, 4), (2, 2, 5, 3)])
def test_our_convolution_arithmetic_equals_torch_at_every_position(stride, padding, kernel_size, channels):
    generator = torch.Generator().manual_seed(2)
    layer_input = torch.randn(1, channels, 11, 10, generator=generator, dtype=torch.float64)
    weight = torch.randn(2, channels, kernel_size, kernel_size, generator=generator, dtype=torch.float64)
    expected = F.conv2d(layer_input, weight, stride=stride, padding=padding)[0, 1].numpy()
    for row in range(expected.shape[0]):
        for column in range(expected.shape[1]):
            patch, products = convolve_at(layer_input[0].numpy(), weight[1].numpy(), (stride, stride),
                                          (padding, padding), row, column)
            assert patch.shape == (channels, kernel_size, kernel_size)
            assert products.sum() == pytest.approx(expected[row, column], abs=1e-12)


@pytest.mark.parametrize("preset", CONV_PRESETS)
@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_convolution_explained_matches_the_models_own_output(preset, activation):
    model = random_model(preset, activation=activation)
    x = torch.randn(1, 1, 28, 28)
    for layer_name in [n for n, m in model.named_children() if isinstance(m, nn.Conv2d)]:
        strongest = convolution_in_model(model, x, layer_name, filter_index=1)
        height, width = strongest.output_size
        for row, column in [(0, 0), (height - 1, width - 1), (height // 2, 1)]:
            example = convolution_in_model(model, x, layer_name, filter_index=1, row=row, column=column)
            assert example.result == pytest.approx(example.model_value, abs=1e-4)
            assert example.patch.shape == example.kernel.shape == example.products.shape
        assert strongest.model_value == pytest.approx(example_output_max(model, x, layer_name, 1), abs=1e-5)
    conv1 = model.conv1
    expected = F.conv2d(x, conv1.weight, conv1.bias, stride=conv1.stride, padding=conv1.padding)[0, 1, 5, 7].item()
    assert convolution_in_model(model, x, "conv1", 1, 5, 7).total + \
        convolution_in_model(model, x, "conv1", 1, 5, 7).bias == pytest.approx(expected, abs=1e-4)


def test_convolution_explained_refuses_positions_outside_the_map():
    model = random_model("lenet")
    with pytest.raises(ValueError, match="24x24"):
        convolution_in_model(model, torch.randn(1, 1, 28, 28), "conv1", 0, row=24, column=0)
    with pytest.raises(ValueError, match="not a convolution"):
        convolution_in_model(model, torch.randn(1, 1, 28, 28), "fc1", 0)


@pytest.mark.parametrize("preset", CONV_PRESETS)
def test_pooling_explained_on_a_real_feature_map_is_the_models_pooling(preset):
    model = random_model(preset)
    example = pooling_in_model(model, torch.randn(1, 1, 28, 28), "pool1")
    np.testing.assert_allclose(example.max_pooled, example.model_pooled, atol=1e-6)
    assert example.window_max == pytest.approx(example.max_pooled[example.row, example.column])


@pytest.mark.parametrize("preset", CONV_PRESETS)
@pytest.mark.parametrize("input_shape", SHAPES)
def test_feature_map_shapes_are_the_shapes_of_the_models_layers(preset, input_shape):
    model = random_model(preset, input_shape)
    x = torch.randn(1, *input_shape)
    stages = feature_maps(model, x)
    layers = list(model.named_children())
    names = [name for name, _ in layers]
    for stage in stages:
        prefix = nn.Sequential(*[module for _, module in layers[:names.index(stage.name) + 1]])
        assert stage.maps.shape == tuple(prefix(x).shape[1:])
    conv_count = sum(isinstance(m, nn.Conv2d) for m in model.modules())
    pool_count = sum(isinstance(m, nn.MaxPool2d) for m in model.modules())
    assert len(stages) == conv_count + pool_count
    assert stages[0].title == "conv1 (after ReLU)"


@pytest.mark.parametrize("preset", CONV_PRESETS + ["mlp_512"])
def test_layer_table_gives_shapes_and_counts_every_parameter(preset):
    model = random_model(preset)
    rows = layer_table(model, (1, 28, 28))
    assert [row.name for row in rows] == [name for name, _ in model.named_children()]
    assert sum(row.parameters for row in rows) == count_parameters(model)
    assert rows[-1].output_shape == (10,)
    if preset == "lenet":
        assert rows[0].output_shape == (32, 24, 24) and rows[0].parameters == 32 * 25 + 32


def test_filters_are_the_layers_weights():
    model = random_model("simple_cnn")
    np.testing.assert_array_equal(filters(model, "conv2"), model.conv2.weight.detach().numpy())
    with pytest.raises(ValueError, match="no filters"):
        filters(model, "fc1")


def test_hooks_are_removed_after_every_view_even_when_the_forward_pass_fails():
    model = random_model("fast_cnn")
    x = torch.randn(1, 1, 28, 28)
    feature_maps(model, x)
    layer_table(model, (1, 28, 28))
    convolution_in_model(model, x, "conv2", 0)
    pooling_in_model(model, x, "pool2")
    saliency(model, x)
    assert hook_count(model) == 0
    with pytest.raises(RuntimeError):
        feature_maps(model, torch.randn(1, 3, 28, 28))  # wrong number of channels
    assert hook_count(model) == 0


def test_another_threads_forward_pass_is_not_recorded():
    model = random_model("fast_cnn")
    with recording(model, ["pool1"]) as records:
        worker = threading.Thread(target=lambda: model(torch.randn(1, 1, 28, 28)))
        worker.start()
        worker.join()
        assert records == {}
        model(torch.randn(1, 1, 28, 28))
        assert records["pool1"][1].shape == (1, 16, 14, 14)


def test_saliency_is_zero_where_the_model_cannot_see():
    model = random_model("mlp_512")
    blind = torch.zeros(1, 28, 28, dtype=torch.bool)
    blind[0, :, :10] = True  # the first 10 columns of pixels
    with torch.no_grad():
        model.fc1.weight[:, blind.flatten()] = 0
    for samples in (1, 16):
        result = saliency(model, torch.randn(1, 1, 28, 28), samples=samples)
        assert result.heat.shape == (28, 28)
        assert np.all(result.heat[:, :10] == 0) and result.heat[:, 10:].max() > 0
    assert result.probabilities.sum() == pytest.approx(1, abs=1e-5)
    assert result.target == int(np.argmax(result.probabilities))
    assert saliency(model, torch.randn(1, 1, 28, 28), target=3).target == 3
    with pytest.raises(ValueError, match="10 classes"):
        saliency(model, torch.randn(1, 1, 28, 28), target=10)


def test_mlp_views_show_weights_as_images_and_hidden_activations():
    model = random_model("mlp_512")
    x = torch.randn(1, 1, 28, 28)
    weights = first_layer_weights(model, (1, 28, 28))
    assert weights.shape == (512, 1, 28, 28)
    np.testing.assert_array_equal(weights[7, 0, 3], model.fc1.weight[7, 3 * 28:4 * 28].detach().numpy())
    hidden = hidden_activations(model, x)
    assert [stage.maps.shape for stage in hidden] == [(512,), (512,)]
    np.testing.assert_allclose(hidden[0].maps, torch.relu(model.fc1(x.flatten(1)))[0].detach().numpy(), atol=1e-6)
    example = neuron_in_model(model, x, neuron=5)
    assert example.weights.shape == (1, 28, 28)
    assert example.result == pytest.approx(example.model_value, abs=1e-4)
    with pytest.raises(ValueError, match="dense layers"):
        first_layer_weights(random_model("lenet"), (1, 28, 28))


def test_tile_puts_every_map_in_its_own_cell():
    maps = np.arange(5 * 2 * 3, dtype=float).reshape(5, 2, 3)
    grid = tile(maps, columns=2)
    assert grid.shape == (3 * 2 + 2, 2 * 3 + 1)
    np.testing.assert_array_equal(grid[3:5, 4:7], maps[3])
    assert np.isnan(grid[2]).all() and np.isnan(grid[6:8, 4:7]).all()  # gaps and the empty last cell


def test_class_scores_by_hand():
    confusion = np.array([[3, 1, 0], [2, 4, 0], [0, 0, 0]])  # nobody is class 2, nobody called class 2
    scores = class_scores(confusion, ("a", "b", "c"))
    assert scores[0].precision == pytest.approx(3 / 5) and scores[0].recall == pytest.approx(3 / 4)
    assert scores[0].f1 == pytest.approx(2 * 0.6 * 0.75 / 1.35)
    assert scores[1].support == 6 and np.isnan(scores[2].precision) and np.isnan(scores[2].recall)
    assert most_common_mistake(confusion) == (1, 0)
    assert most_common_mistake(np.eye(3, dtype=int)) is None


@pytest.fixture(scope="module")
def trained(mnist):
    config = RunConfig(DataConfig(train_subset=3000), ModelConfig(preset="fast_cnn"),
                       TrainConfig(learning_rate=0.005, batch_size=128, epochs=1, schedule="one_cycle"))
    model = build_model(config.model, (1, 28, 28), 10)
    done = [e for e in train(model, mnist, config, torch.device("cpu")) if isinstance(e, Done)][0]
    return model.cpu().eval(), done


def test_confusion_matrix_of_a_trained_model_sums_to_the_test_set_size(trained, mnist):
    model, done = trained
    predictions = predict_test_set(model, mnist)
    confusion = confusion_matrix(predictions.labels, predictions.predicted, 10)
    assert confusion.sum() == len(mnist.test_y) == 10_000
    assert np.trace(confusion) / confusion.sum() == pytest.approx(done.test_accuracy, abs=1e-4)
    assert predictions.accuracy > 0.8  # 3,000 images, one epoch
    true_class, predicted_class = most_common_mistake(confusion)
    found = mistakes(predictions, true_class, predicted_class, limit=1000)
    assert len(found) == confusion[true_class, predicted_class]
    assert all(mnist.test_y[m.index] == true_class for m in found)
    confidences = [m.confidence for m in found]
    assert confidences == sorted(confidences, reverse=True) and 0 < confidences[-1] <= 1


def test_feature_maps_of_a_trained_model_on_a_real_digit(trained, mnist):
    model, _ = trained
    x = mnist.to_input(mnist.test_x[:1])
    stages = feature_maps(model, x)
    assert [s.maps.shape for s in stages] == [(16, 28, 28), (16, 14, 14), (32, 14, 14), (32, 7, 7)]
    assert all(s.maps.min() >= 0 for s in stages)  # after ReLU and max pooling nothing is negative
    assert stages[0].maps.max() > 0


def test_fingerprint_changes_when_the_weights_change():
    model = random_model("fast_cnn")
    before = model_fingerprint(model)
    assert model_fingerprint(model) == before
    with torch.no_grad():
        model.conv1.weight[0, 0, 0, 0] += 1
    assert model_fingerprint(model) != before
