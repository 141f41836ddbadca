import pytest
import torch

from core.basics.choices import scratch_presets
from core.basics.config import ModelConfig
from core.engine.models import build_model, count_parameters


@pytest.mark.parametrize("preset", scratch_presets())
@pytest.mark.parametrize("input_shape", [(1, 28, 28), (3, 32, 32)])
def test_every_preset_gives_ten_logits_on_both_input_shapes(preset, input_shape):
    model = build_model(ModelConfig(preset=preset), input_shape, 10).eval()
    logits = model(torch.randn(5, *input_shape))
    assert logits.shape == (5, 10)


@pytest.mark.parametrize("activation, layer", [("relu", torch.nn.ReLU), ("tanh", torch.nn.Tanh),
                                                ("sigmoid", torch.nn.Sigmoid)])
def test_activation_choice_is_used(activation, layer):
    model = build_model(ModelConfig(preset="simple_cnn", activation=activation), (1, 28, 28), 10)
    assert any(isinstance(m, layer) for m in model.modules())


def test_mlp_has_the_published_size_and_dropout():
    model = build_model(ModelConfig(preset="mlp_512", dropout=0.2), (1, 28, 28), 10)
    # 784*512+512 + 512*512+512 + 512*10+10, as in the source article's summary
    assert count_parameters(model) == 669_706
    assert [m.p for m in model.modules() if isinstance(m, torch.nn.Dropout)] == [0.2, 0.2]


def test_layers_have_readable_names():
    names = [name for name, _ in build_model(ModelConfig(preset="lenet"), (1, 28, 28), 10).named_children()]
    assert names[:3] == ["conv1", "act1", "pool1"] and names[-1] == "fc2"
