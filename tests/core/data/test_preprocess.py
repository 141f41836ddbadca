"""Drawings and uploads are prepared like MNIST's digits, and the shipped demo model reads them."""
import io
import struct
import zlib

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from PIL import Image

from core.data.preprocess import (
    MAX_UPLOAD_BYTES,
    canvas_to_digit,
    ink_box,
    ink_from_pixels,
    is_empty,
    upload_to_picture,
)
from core.data.registry import REGISTRY
from core.engine.train import evaluate
from core.lens.predict import predict, predict_canvas
from core.store.bundle import load_bundle
from tests import drawings
from core.basics.paths import DEMO_MODEL

DRAWN = {"1": drawings.one, "0": drawings.zero, "7": drawings.seven}


@pytest.fixture(scope="module")
def demo():
    return load_bundle(DEMO_MODEL)


def centre_of_mass(picture: np.ndarray) -> tuple[float, float]:
    rows, columns = np.indices(picture.shape)
    return (rows * picture).sum() / picture.sum(), (columns * picture).sum() / picture.sum()


def png_bytes(pixels: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="PNG")
    return buffer.getvalue()


def png_claiming(width: int, height: int) -> bytes:
    """A tiny file whose header claims a huge picture: what a decompression bomb looks like."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit grey
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + \
        chunk(b"IEND", b"")


@pytest.mark.parametrize("digit", DRAWN)
def test_a_drawing_is_scaled_to_20_pixels_and_centred_by_mass(digit):
    picture = canvas_to_digit(DRAWN[digit]())
    assert picture.shape == (1, 28, 28) and picture.dtype == np.float32
    assert 0 <= picture.min() and picture.max() <= 255 and picture.max() > 200  # MNIST's 0-255, ink bright
    top, bottom, left, right = ink_box(picture[0])
    assert abs(max(bottom - top, right - left) - 20) <= 1
    row, column = centre_of_mass(picture[0])
    assert abs(row - 14) <= 1 and abs(column - 14) <= 1


def test_an_empty_or_nearly_empty_canvas_is_empty():
    assert canvas_to_digit(drawings.blank()) is None
    assert canvas_to_digit(None) is None
    speck = drawings.canvas([(100, 100), (102, 101)], width=4)
    dot = drawings.canvas([(100, 100), (100, 100)])
    assert is_empty(ink_from_pixels(speck)) and is_empty(ink_from_pixels(dot))
    assert not is_empty(ink_from_pixels(drawings.one()))


def test_a_transparent_canvas_reads_its_strokes_from_the_alpha_channel():
    pixels = drawings.zero().copy()
    pixels[..., 3] = pixels[..., 0]  # white strokes, see-through background
    pixels[..., :3] = 0
    assert np.allclose(canvas_to_digit(pixels), canvas_to_digit(drawings.zero()), atol=1)


def test_dark_ink_on_light_paper_is_inverted():
    on_paper = upload_to_picture(png_bytes(drawings.zero(ink=30, paper=230)), REGISTRY["mnist"])
    on_black = canvas_to_digit(drawings.zero())
    assert on_paper[0, 0, 0] == 0 and on_paper.max() > 200  # background black, ink bright
    assert np.abs(on_paper - on_black).mean() < 5


def test_a_colour_model_gets_its_own_size_and_colours():
    red = np.zeros((50, 80, 3), dtype=np.uint8)
    red[..., 0] = 255
    picture = upload_to_picture(png_bytes(red), REGISTRY["cifar10"])
    assert picture.shape == (3, 32, 32)
    assert np.all(picture[0] == 255) and np.all(picture[1:] == 0)


@pytest.mark.parametrize("data, words", [
    (b"this is a text file, not a picture", "not a picture"),
    (png_bytes(drawings.one())[:300], "not a picture"),  # cut off half way: damaged
    (png_claiming(10_000, 5_000), "too many to read safely"),  # 50 megapixels: over our own limit of 40
    (png_claiming(30_000, 30_000), "exhaust the memory"),  # over Pillow's bomb limit
    (b"\0" * (MAX_UPLOAD_BYTES + 1), "MB are accepted"),
])
def test_bad_uploads_are_refused_with_plain_words(data, words):
    with pytest.raises(ValueError, match=words):
        upload_to_picture(data, REGISTRY["mnist"])


def test_the_demo_model_reads_mnist_at_99_percent(demo, mnist):
    assert demo.info.is_digits and demo.info.input_shape == (1, 28, 28)
    _, accuracy = evaluate(demo.model, mnist, mnist.test_x, mnist.test_y, torch.device("cpu"))
    assert accuracy >= 0.99
    for index in range(20):  # one picture at a time gives the same answer as the batch
        answer = predict(demo.model, demo.info, mnist.test_x[index].float().numpy()).answer
        expected = demo.model(mnist.to_input(mnist.test_x[index:index + 1])).argmax().item()
        assert answer == str(expected)


def test_mnist_digits_blown_up_to_canvas_size_come_back_readable(demo, mnist):
    images = mnist.test_x[:100].float()
    big = F.interpolate(images, size=(280, 280), mode="bilinear")  # like a digit drawn on the canvas
    correct = 0
    for image, label in zip(big, mnist.test_y[:100]):
        pixels = image[0].clamp(0, 255).byte().numpy()
        prediction = predict_canvas(demo.model, demo.info, np.stack([pixels] * 3 + [np.full_like(pixels, 255)], -1))
        correct += prediction.best == int(label)
    assert correct >= 97


@pytest.mark.parametrize("digit", DRAWN)
def test_the_demo_model_reads_drawn_digits(demo, digit):
    prediction = predict_canvas(demo.model, demo.info, DRAWN[digit]())
    assert prediction.answer == digit and prediction.confidence > 0.8
    assert prediction.probabilities.shape == (10,) and abs(prediction.probabilities.sum() - 1) < 1e-5


def test_a_picture_of_the_wrong_shape_is_refused(demo):
    with pytest.raises(ValueError, match="1 x 28 x 28"):
        predict(demo.model, demo.info, np.zeros((3, 32, 32), dtype=np.float32))
