"""The user's own images: a generated 3-class zip trains well; bad archives are refused or cleaned."""
import io
import os
import zipfile

import numpy as np
import pytest
import torch
from PIL import Image

from core.basics.config import DataConfig, ModelConfig, RunConfig, TrainConfig
from core.data.image_folder import MAX_FILES, build_dataset, read_zip
from core.data.kept_datasets import discard, keep, load_kept
from core.data.registry import load_dataset, register_custom
from core.engine.events import Done, EpochEnd
from core.engine.models import build_model
from core.engine.train import train
from tests.shapes import SHAPES, make_zip, shape_image, shapes_zip

def test_a_three_class_zip_loads_and_a_small_cnn_learns_it():
    images, report = read_zip(shapes_zip(), size=32, colour=True)
    assert report.counts == {"circles": 60, "squares": 60, "triangles": 60} and not report.skipped
    dataset = build_dataset(images)
    assert dataset.info.classes == SHAPES and dataset.info.input_shape == (3, 32, 32)
    assert len(dataset.train_y) + len(dataset.test_y) == 180
    assert torch.bincount(dataset.test_y).tolist() == [9, 9, 9]  # every class tested
    register_custom(dataset)
    config = RunConfig(DataConfig(dataset.info.name, validation_split=0.2, augment=True,
                                  custom_classes=SHAPES, custom_shape=(3, 32, 32)),
                       ModelConfig("fast_cnn"), TrainConfig("adam", 0.005, 16, 15, schedule="one_cycle"))
    model = build_model(config.model, dataset.info.input_shape, 3)
    events = list(train(model, load_dataset(dataset.info.name), config, torch.device("cpu")))
    best_validation = max(e.validation_accuracy for e in events if isinstance(e, EpochEnd))
    assert best_validation >= 0.9, best_validation
    assert isinstance(events[-1], Done) and events[-1].test_accuracy >= 0.8


def test_bad_entries_are_skipped_and_listed_and_nothing_is_written(tmp_path):
    rng = np.random.default_rng(1)
    good = {f"{kind}/{i}.png": shape_image(kind, rng) for kind in ("a", "b") for i in range(5)}
    bad = {"../../escape/x.png": good["a/0.png"], "/abs/y.png": good["a/1.png"],
           "a/notes.txt": b"hello", "a/inner.zip": make_zip({"z/1.png": good["a/0.png"]}),
           "b/broken.png": b"\x89PNG\r\n\x1a\nnot really", "b/.DS_Store": b"junk"}
    before = set(os.listdir(tmp_path))
    cwd = os.getcwd()
    os.chdir(tmp_path)  # were anything extracted, it would land here
    try:
        images, report = read_zip(make_zip(good | bad, symlinks={"a/link.png": "/etc/passwd"}))
    finally:
        os.chdir(cwd)
    assert set(os.listdir(tmp_path)) == before
    assert report.counts == {"a": 5, "b": 5}
    reasons = dict(report.skipped)
    assert reasons["a/link.png"] == "a symbolic link"
    assert reasons["a/inner.zip"] == "an archive inside the archive"
    assert reasons["a/notes.txt"] == "not an image"
    assert reasons["b/broken.png"] == "not a readable image"
    assert "outside" in reasons["../../escape/x.png"] and "outside" in reasons["/abs/y.png"]


def test_a_decompression_bomb_image_is_skipped():
    buffer = io.BytesIO()
    Image.new("L", (9000, 9000)).save(buffer, "PNG")  # 81 megapixels, a few KB compressed
    images, report = read_zip(make_zip({"a/bomb.png": buffer.getvalue()}))
    assert images == {} and "pixels" in report.skipped[0][1]


@pytest.mark.parametrize("archive, words", [
    (b"this is not a zip", "not a zip"),
    (make_zip({f"a/{i}.png": b"" for i in range(MAX_FILES + 1)}), "limit"),
])
def test_bad_archives_are_refused(archive, words):
    with pytest.raises(ValueError, match=words):
        read_zip(archive)


def test_a_zip_bomb_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a/huge.png", b"\0" * (600 * 2**20))
    with pytest.raises(ValueError, match="zip bomb"):
        read_zip(buffer.getvalue())


@pytest.mark.parametrize("counts, words", [({"only": 10}, "at least two classes"), ({"a": 10, "b": 3}, "too few in: b")])
def test_too_few_classes_or_images_are_refused(counts, words):
    images = {name: [np.zeros((3, 32, 32), np.uint8)] * count for name, count in counts.items()}
    with pytest.raises(ValueError, match=words):
        build_dataset(images)


def test_a_kept_dataset_survives_and_only_its_owner_discards_it(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_RUNS_DIR", str(tmp_path))
    images, _ = read_zip(shapes_zip(per_class=6))
    dataset = build_dataset(images)
    path = keep(dataset, owner="alice")
    assert path.is_relative_to(tmp_path)
    again = load_kept(dataset.info.name)
    assert again.info.classes == SHAPES and torch.equal(again.train_x, dataset.train_x)
    assert not discard(dataset.info.name, owner="bob") and path.exists()
    assert discard(dataset.info.name, owner="alice") and not path.exists()
