"""Upload quotas on a shared deployment (core/store/quotas.py) and the byte-bounded model cache (core/store/model_cache.py)."""
import numpy as np
import pytest
import torch

from core.basics.config import ModelConfig, RunConfig
from core.data.image_folder import build_dataset
from core.data.kept_datasets import keep, kept_entries
from core.engine.models import build_model
from core.store.bundle import LoadedModel
from core.store.model_cache import ModelCache, parameter_bytes
from core.store.quotas import MB, bundle_bytes, room_for, stored_uploads
from core.store.runs import RunStore

CONFIG = RunConfig(model=ModelConfig("tiny_cifar"))  # on MNIST: 347k numbers, 1.4 MB on disk


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_RUNS_DIR", str(tmp_path / "runs"))
    return RunStore()


def upload(store: RunStore, owner: str, name: str) -> str:
    """What the Runs page does with a checked bundle: make room, then store it."""
    state = build_model(CONFIG.model, (1, 28, 28), 10).state_dict()
    with room_for(bundle_bytes(CONFIG), owner, store):
        return store.import_model(CONFIG, state, {}, name, owner)


def test_the_quota_counts_the_weights_unpacked_on_disk(store):
    run_id = upload(store, "alice", "first")
    (counted,) = stored_uploads(store)
    assert counted.key == run_id and counted.owner == "alice"
    assert counted.size > 1_380_000  # the numbers as stored, not the few KB a zip of zeros would take
    assert abs(counted.size - bundle_bytes(CONFIG)) < 20_000  # the estimate made before storing is honest


def test_a_visitor_over_their_quota_is_refused_with_what_to_do(store, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_UPLOADS_MB_PER_VISITOR", "2")
    upload(store, "alice", "first")
    with pytest.raises(ValueError, match="Delete one of your uploaded runs on the Runs page"):
        upload(store, "alice", "second")
    upload(store, "bob", "bob's")  # another visitor has their own room
    assert [run.name for run in store.list_runs()] == ["bob's", "first"]


def test_when_the_total_is_reached_the_oldest_upload_expires_first(store, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_UPLOADS_MB_TOTAL", "5")  # room for three of these uploads
    trained = store.create(CONFIG, name="someone's trained run")  # never counted, never expired
    oldest, middle, newest = (upload(store, owner, owner) for owner in ("alice", "bob", "carol"))
    with room_for(bundle_bytes(CONFIG), "dave", store) as expired:
        pass
    assert [upload.key for upload in expired] == [oldest]
    names = {run.id for run in store.list_runs()}
    assert names == {trained, middle, newest}


def test_an_upload_a_live_run_fine_tunes_from_does_not_expire(store, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_UPLOADS_MB_TOTAL", "5")
    oldest, middle, _ = (upload(store, owner, owner) for owner in ("alice", "bob", "carol"))
    fine_tune = RunConfig(model=ModelConfig("tiny_cifar", init_from_run=oldest))
    store.create(fine_tune)  # queued by this process: live
    with room_for(bundle_bytes(CONFIG), "dave", store) as expired:
        pass
    assert [upload.key for upload in expired] == [middle]


def test_kept_pictures_count_for_their_visitor(store, monkeypatch):
    rng = np.random.default_rng(0)
    pictures = build_dataset({name: [rng.integers(0, 255, (3, 224, 224), dtype=np.uint8) for _ in range(5)]
                              for name in ("cats", "dogs")})
    assert pictures.size_in_bytes > 1.4 * MB  # 10 pictures of 224 x 224 in colour
    with room_for(pictures.size_in_bytes, "alice", store):
        keep(pictures, "alice")
    (entry,) = kept_entries()
    assert entry.owner == "alice" and entry.classes == ("cats", "dogs") and entry.size >= pictures.size_in_bytes
    monkeypatch.setenv("PLAYGROUND_UPLOADS_MB_PER_VISITOR", "2")
    with pytest.raises(ValueError, match="discard pictures you kept"):
        upload(store, "alice", "model")


def test_one_upload_larger_than_all_the_room_is_refused(store, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_UPLOADS_MB_TOTAL", "1")
    with pytest.raises(ValueError, match="more than this shared demo keeps for all uploads"):
        with room_for(2 * MB, "alice", store):
            pass


def loaded(width: int) -> LoadedModel:
    model = torch.nn.Linear(width, 1000)  # (width + 1) * 1000 numbers of 4 bytes
    return LoadedModel(model, CONFIG, None, f"linear {width}")


def test_the_model_cache_stays_under_its_byte_cap_dropping_the_least_recently_used():
    one = parameter_bytes(loaded(249).model)  # 1 MB
    cache = ModelCache(max_bytes=int(2.5 * one), max_models=10)
    loads = []
    for key in ("a", "b", "a", "c"):  # "a" used again, so "b" is the least recently used when "c" comes
        cache.get(key, lambda key=key: loads.append(key) or loaded(249))
        assert cache.bytes_held <= cache.max_bytes
    assert loads == ["a", "b", "c"] and len(cache) == 2
    cache.get("a", lambda: pytest.fail("a was dropped instead of b"))
    huge = cache.get("huge", lambda: loaded(999))  # 4 MB: more than the whole cache
    assert huge.label == "linear 999" and cache.bytes_held <= cache.max_bytes and len(cache) == 2
