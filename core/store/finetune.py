"""Fine-tuning (transfer learning): start a new run from a saved run's weights."""
from __future__ import annotations

from torch import nn

from core.basics.config import RunConfig
from core.data.registry import dataset_info
from core.store.bundle import LoadedModel
from core.store.runs import RunStore

FROZEN_LAYER_TYPES = (nn.Conv2d, nn.BatchNorm2d)


def check_fine_tune(config: RunConfig, store: RunStore | None = None) -> LoadedModel:
    """The saved run config starts from; ValueError in plain words when it cannot be used."""
    store = store or RunStore()
    source = store.load_model(config.model.init_from_run)
    target_info = dataset_info(config.data)
    if source.config.model.preset != config.model.preset:
        raise ValueError(f"The saved run is a {source.config.model.preset} network; fine-tuning keeps the "
                         f"same network, so pick {source.config.model.preset} (not {config.model.preset}).")
    if source.config.model.activation != config.model.activation:
        raise ValueError(f"The saved run uses the {source.config.model.activation} activation; "
                         "fine-tuning keeps it, so pick the same one.")
    if tuple(source.info.input_shape) != tuple(target_info.input_shape):
        raise ValueError(f"The saved run learned from images of shape {_shape(source.info.input_shape)} but "
                         f"{target_info.title} has {_shape(target_info.input_shape)}: pick a dataset with the "
                         "same image size and colours.")
    if config.model.freeze_convolutions and config.model.preset == "mlp_512":
        raise ValueError("This network has no convolution layers to freeze; switch freezing off.")
    return source


def start_from_saved_run(model: nn.Module, config: RunConfig, store: RunStore | None = None) -> list[str]:
    """Copy the saved run's weights into model (a new output layer if the classes differ); freeze convolutions
    if asked. Returns the names of the layers that start from scratch."""
    source = check_fine_tune(config, store)
    source_state = source.model.state_dict()
    head = output_layer_name(model)
    same_classes = tuple(source.info.classes) == tuple(dataset_info(config.data).classes)
    keep = {name: tensor for name, tensor in source_state.items()
            if (same_classes or not name.startswith(f"{head}."))
            and name in model.state_dict() and model.state_dict()[name].shape == tensor.shape}
    model.load_state_dict(keep, strict=False)
    if config.model.freeze_convolutions:
        for module in model.modules():
            if isinstance(module, FROZEN_LAYER_TYPES):
                module.requires_grad_(False)
    fresh = {name.rsplit(".", 1)[0] for name in model.state_dict() if name not in keep}
    return sorted(fresh)


def output_layer_name(model: nn.Module) -> str:
    """The name of the last fully connected layer (the one that scores each class)."""
    names = [name for name, module in model.named_modules() if isinstance(module, nn.Linear)]
    return names[-1]


def _shape(shape: tuple[int, ...]) -> str:
    channels, height, width = shape
    return f"{height}x{width} {'colour' if channels == 3 else 'greyscale'}"
