"""What the server keeps in memory after a visitor leaves is bounded in bytes: finished runs' models, uploaded pictures."""
import torch

from core.basics.choices import DatasetInfo
from core.basics.config import ModelConfig, RunConfig
from core.data.dataset import Dataset
from core.data.registry import CUSTOM_DATASETS, load_dataset, register_custom
from core.engine.models import build_model
from core.runners.jobs import JobRunner
from core.store.model_cache import parameter_bytes

MLP = RunConfig(model=ModelConfig("mlp_512"))  # 670k numbers on MNIST: 2.55 MiB of weights


def no_training(model, dataset, config, device, stop):
    """A trainer that ends at once: the job keeps the model it built, as a finished run does."""
    return iter(())


def test_the_runner_forgets_the_oldest_finished_models_past_the_byte_budget(mnist, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_MODEL_CACHE_MB", "5")  # room for one of these models
    assert parameter_bytes(build_model(MLP.model, (1, 28, 28), 10)) > 2.5 * 2**20
    runner = JobRunner(max_parallel=1, device=torch.device("cpu"))
    jobs = []
    for _ in range(4):
        jobs.append(runner.submit(MLP, mnist, trainer=no_training, record=False))
        assert jobs[-1].wait(timeout=60) and jobs[-1].model is not None
    runner.submit(MLP, mnist, trainer=no_training, record=False).wait(timeout=60)  # old jobs are forgotten here
    assert [runner.get(job.id) is not None for job in jobs] == [False, False, False, True]


def pictures(name: str, count: int) -> Dataset:
    info = DatasetInfo(f"custom:{name}", "My images", ("a", "b"), (3, 128, 128), (0.5,) * 3, (0.25,) * 3, False)
    images, labels = torch.zeros((count, 3, 128, 128), dtype=torch.uint8), torch.arange(count) % 2
    return Dataset(info, images, labels, images[:2], labels[:2], source="test")


def test_uploaded_pictures_past_the_memory_budget_forget_the_oldest_upload(monkeypatch):
    monkeypatch.setenv("PLAYGROUND_OWN_IMAGES_MB", "2")
    monkeypatch.setattr("core.data.registry.CUSTOM_DATASETS", type(CUSTOM_DATASETS)())
    first, second, third = (pictures(name, 18) for name in ("first", "second", "third"))  # 0.94 MiB each
    for dataset in (first, second, third):
        register_custom(dataset)
    from core.data import registry

    assert list(registry.CUSTOM_DATASETS) == ["custom:second", "custom:third"]
    assert load_dataset("custom:third") is third
    register_custom(pictures("huge", 200))  # 10 MB: over the budget alone, but the newest upload always stays
    assert list(registry.CUSTOM_DATASETS) == ["custom:huge"]
