"""Uploads a stranger could send: claims are checked before anything is allocated, damage is a sentence."""
import io
import json
import random
import struct
import zipfile

import numpy as np
import pytest
import torch
from PIL import Image

import core.store.bundle
import core.store.bundle_file
from core.basics.config import ModelConfig, RunConfig
from core.basics.limits import MAX_MODEL_PARAMETERS
from core.data.image_folder import read_zip
from core.engine.models import build_model
from core.store.bundle import expected_tensors, save_bundle
from core.store.bundle_file import pack_bundle, unpack_bundle


@pytest.fixture(scope="module")
def bundle(tmp_path_factory) -> bytes:
    """A valid bundle of the smallest preset (Simple CNN on MNIST, 158k weights)."""
    config = RunConfig(model=ModelConfig("simple_cnn"))
    folder = tmp_path_factory.mktemp("bundle")
    save_bundle(folder, build_model(config.model, (1, 28, 28), 10), config, {"test_accuracy": 0.5})
    return pack_bundle(folder)


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def zip_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def with_config(bundle: bytes, change) -> bytes:
    files = members(bundle)
    document = json.loads(files["config.json"])
    change(document["run"])
    return zip_of({**files, "config.json": json.dumps(document).encode()})


@pytest.fixture
def nothing_allocated(monkeypatch):
    """Building the network or reading its numbers fails the test: refusals must come before."""
    def allocate(*args, **kwargs):
        raise AssertionError("allocated before refusing")

    def build_shapes_only(*args, **kwargs):  # building on the meta device (shapes, no numbers) is allowed
        if torch.empty(0).device.type != "meta":
            allocate()
        return build_model(*args, **kwargs)
    monkeypatch.setattr(core.store.bundle, "build_model", build_shapes_only)
    monkeypatch.setattr(core.store.bundle_file, "load_safetensors", allocate)


def custom(shape, classes):
    def change(run):
        run["data"].update(dataset="custom:abc", custom_shape=shape, custom_classes=classes)
    return change


@pytest.mark.parametrize("change, says", [
    (custom([1, 1, 10_000_000], ["a", "b"]), "square, 28x28, 32x32"),  # 626 bytes once took the server to 20 GB
    (custom([3, 4000, 4000], ["a", "b"]), "square, 28x28, 32x32"),
    (custom([3, 32, 32], [str(i) for i in range(400_000)]), "config.json is larger than anything"),
    (custom([3, 32, 32], [str(i) for i in range(5_000)]), "between 2 and 1,000 classes"),
    (custom([3, 32, 32.0], ["a", "b"]), "square, 28x28, 32x32"),
    (custom([-3, 32, 32], ["a", "b"]), "square, 28x28, 32x32"),
    (custom([0, 0, 0], ["a", "b"]), "square, 28x28, 32x32"),
    (custom(["3", "32", "32"], ["a", "b"]), "square, 28x28, 32x32"),
    (custom([3, 32, 32], ["a", "a"]), "Class names"),
    (custom([3, 32, 32], [1, 2]), "Class names"),
    (lambda run: run["data"].update(validation_split="0.1"), "wrong kind"),
    (lambda run: run["train"].update(epochs=2.5), "wrong kind"),
    (lambda run: run["train"].update(batch_size=True), "wrong kind"),
    (lambda run: run["model"].update(preset=["fast_cnn"]), "wrong kind"),
    (lambda run: run.update(data=[1, 2]), "not a set of named values"),
])
def test_a_bundle_claiming_what_the_playground_never_builds_is_refused_before_allocating(
        bundle, nothing_allocated, change, says):
    with pytest.raises(ValueError, match=says):
        unpack_bundle(with_config(bundle, change), "claims.zip")


def test_weights_whose_header_does_not_fit_are_refused_before_reading_them(bundle, nothing_allocated):
    files = members(bundle)
    raw = files["model.safetensors"]
    length = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + length])
    header["fc1.weight"]["shape"] = [100_000, 100_000]  # claims 40 GB of numbers in a 600 KB file
    body = json.dumps(header).encode()
    forged = struct.pack("<Q", len(body)) + body + raw[8 + length:]
    with pytest.raises(ValueError, match="fc1.weight has shape"):
        unpack_bundle(zip_of({**files, "model.safetensors": forged}), "forged.zip")


def test_the_parameter_count_is_worked_out_from_the_config_without_building(monkeypatch):
    config = RunConfig(model=ModelConfig("mlp_512"))
    tensors = expected_tensors(config)
    assert sum(np.prod(shape) for shape, _ in tensors.values()) == 784 * 512 + 512 + 512 * 512 + 512 + 5130
    monkeypatch.setattr(core.store.bundle, "MAX_MODEL_PARAMETERS", 500_000)
    with pytest.raises(ValueError, match="at most 500,000"):
        expected_tensors(config)
    largest = RunConfig.from_dict({"data": {"dataset": "custom:x", "custom_shape": [3, 64, 64],
                                            "custom_classes": [str(i) for i in range(1000)]},
                                   "model": {"preset": "fast_cnn"}})
    monkeypatch.undo()
    assert sum(np.prod(shape) for shape, _ in expected_tensors(largest).values()) <= MAX_MODEL_PARAMETERS


def damaged(data: bytes, rng: random.Random) -> bytes:
    """data cut short, or with a few bytes changed (often in the zip's directory at the end)."""
    data = bytearray(data)
    how = rng.randrange(4)
    if how == 0:
        return bytes(data[:rng.randrange(len(data))])
    region = (0, len(data)) if how == 1 else (max(0, len(data) - 300), len(data)) if how == 2 else (0, 200)
    for _ in range(rng.randint(1, 4)):
        data[rng.randrange(*region)] = rng.randrange(256)
    return bytes(data)


def test_randomly_damaged_bundles_give_a_sentence_never_a_traceback(bundle):
    rng = random.Random(0)
    for case in range(300):
        try:
            unpack_bundle(damaged(bundle, rng), "damaged.zip")
        except ValueError as error:
            assert str(error) and "Traceback" not in str(error), case
        # any other exception fails the test, naming itself


def picture(seed: int) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(np.random.default_rng(seed).integers(0, 255, (12, 12, 3), dtype=np.uint8)).save(buffer, "PNG")
    return buffer.getvalue()


def test_randomly_damaged_image_zips_give_a_sentence_never_a_traceback():
    archive = zip_of({f"{label}/{index}.png": picture(index) for label in ("cat", "dog") for index in range(5)})
    rng = random.Random(1)
    for case in range(300):
        try:
            images, report = read_zip(damaged(archive, rng))
        except ValueError as error:
            assert str(error), case
        else:
            assert all(reason for _, reason in report.skipped)


def test_encrypted_and_unknown_compression_entries_are_named():
    archive = bytearray(zip_of({"cat/1.png": picture(1), "dog/1.png": picture(2)}))
    archive[6] |= 1  # first entry: "encrypted" flag in the local header...
    directory = archive.rfind(b"PK\x01\x02", 0, archive.rfind(b"PK\x01\x02"))
    archive[directory + 8] |= 1  # ...and in the central directory
    second = archive.rfind(b"PK\x01\x02")
    archive[second + 10:second + 12] = struct.pack("<H", 99)  # an unknown compression method (AES)
    _, report = read_zip(bytes(archive))
    reasons = dict(report.skipped)
    assert "password" in reasons["cat/1.png"]
    assert "compressed in a way" in reasons["dog/1.png"]


def blank_png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("L", (width, height), 255).save(buffer, "PNG")
    return buffer.getvalue()


def test_a_zip_decodes_a_bounded_number_of_pixels_and_says_which_it_skipped(monkeypatch):
    monkeypatch.setenv("PLAYGROUND_MAX_ZIP_MEGAPIXELS", "2")
    archive = zip_of({f"{label}/{index}.png": blank_png(1000, 1000) for label in "ab" for index in range(2)})
    images, report = read_zip(archive)
    assert sum(len(pictures) for pictures in images.values()) == 2
    assert [reason for _, reason in report.skipped] == [report.skipped[0][1]] * 2
    assert "megapixels" in report.skipped[0][1]


def test_a_strip_is_refused_from_its_header_and_a_big_picture_is_shrunk_while_decoding():
    from core.basics.choices import DATASETS
    from core.data.picture import open_picture
    from core.data.preprocess import upload_to_picture

    with pytest.raises(ValueError, match="strip"):
        upload_to_picture(blank_png(200_000, 1), DATASETS["mnist"])
    assert max(open_picture(blank_png(3000, 2000), 512).size) <= 512
