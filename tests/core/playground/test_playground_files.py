"""What leaves and enters the 2-D playground: CSV points, saved states, share links, ONNX and PyTorch code."""
import json
import struct

import numpy as np
import pytest
import torch
from safetensors.torch import save as save_safetensors

from core.playground.csv_points import MAX_CSV_BYTES, read_points_csv, write_points_csv
from core.playground.describe import describe_neuron
from core.playground.export import export_onnx, onnx_difference, pytorch_code, weights_file
from core.playground.link import from_query, to_query
from core.playground.network import NetworkSpec
from core.playground.points import Task, make_points, split_points
from core.playground.setup import DataSetup, PlaygroundSetup
from core.playground.state_file import MAX_STATE_BYTES, load_state, save_state
from core.playground.training import LearningSettings, PlaneTrainer

SETUP = PlaygroundSetup(DataSetup("blobs", classes=3, test_share=0.3),
                        NetworkSpec(("x", "y", "x2", "sinx"), (6, 4), ("tanh", "relu"), 0.1, outputs=3),
                        LearningSettings(0.01, 16, "sgd", "l2", 0.001))


def trained(setup=SETUP, epochs=3):
    data = setup.data
    train, test = split_points(make_points(data.dataset, 150, data.noise, classes=data.classes), data.test_share)
    trainer = PlaneTrainer(train, test, setup.network, setup.learning)
    for _ in range(epochs):
        trainer.step_epoch()
    return trainer


def test_csv_round_trip_for_classes_and_values():
    points = make_points("arms", 120, classes=5)
    again = read_points_csv(write_points_csv(points).encode())
    assert again.task == Task.CLASSIFICATION and again.classes == 5
    assert np.array_equal(again.target, points.target) and np.allclose(again.xy, points.xy, atol=1e-4)
    values = make_points("bumps", 50)
    again = read_points_csv(write_points_csv(values).encode())
    assert again.task == Task.REGRESSION and np.allclose(again.target, values.target, atol=1e-4)


@pytest.mark.parametrize("text, message", [
    ("a,b,c\n1,2,0\n", "header 'x,y,label'"),
    ("x,y,label\n0.1,0.2,0\n0.3,zero,1\n", "Row 3 holds something that is not a number"),
    ("x,y,label\n0.1,0.2,0\n0.3,0.1,1,7\n", "Row 3 has 4 values"),
    ("x,y,label\n0.1,0.2,0\n0.3,0.1,6\n", "Row 3: the label '6' is not a class number from 0 to 5"),
    ("x,y,label\n0.1,0.2,0\n0.3,0.1,1.5\n", "not a class number"),
    ("x,y,label\n0.1,0.2,0\n9,0.1,1\n", "Row 3: the point .* is off the plane"),
    ("x,y,value\n0.1,0.2,0\n0.3,0.1,3\n", "Row 3: the value 3 is outside -1 to 1"),
    ("x,y,label\n0.1,0.2,1\n0.3,0.1,1\n", "same label"),
    ("x,y,label\n0.1,nan,1\n0.3,0.1,0\n", "not a finite number"),
    ("", "empty"),
    ("x,y,label\n0.1,0.2,1\n", "between 2 and"),
])
def test_a_damaged_csv_gives_a_plain_sentence(text, message):
    with pytest.raises(ValueError, match=message) as error:
        read_points_csv(text.encode())
    assert str(error.value)[0].isupper() and str(error.value).rstrip().endswith((".", ")"))


def test_a_csv_is_bounded_before_it_is_read():
    with pytest.raises(ValueError, match="up to"):
        read_points_csv(b"x,y,label\n" + b"0,0,0\n" * (MAX_CSV_BYTES // 6 + 1))
    with pytest.raises(ValueError, match="not a text"):
        read_points_csv(b"\xff\xfe\x00\x01" * 10)


def test_the_setup_travels_in_a_link_and_bad_links_are_refused():
    query = to_query(SETUP)
    assert query["data"] == "blobs" and query["layers"] == "6-4" and query["act"] == "tanh-relu"
    assert from_query(query) == SETUP
    assert to_query(PlaygroundSetup()) == {"data": "moons"}
    for bad in ({"data": "blobs", "layers": "6-x"}, {"data": "blobs", "lr": "fast"}, {"data": "cubes"},
                {"data": "moons", "inputs": "x-z"}, {"data": "moons", "act": "tanh"}, {"lr": "0.1"}):
        with pytest.raises(ValueError):
            from_query(bad)


def test_save_and_load_give_back_the_same_playground():
    trainer = trained()
    setup, loaded = load_state(save_state(trainer, SETUP))
    assert setup == SETUP and loaded.epoch == trainer.epoch
    assert np.array_equal(loaded.train.xy, trainer.train.xy) and np.array_equal(loaded.test.target, trainer.test.target)
    points = torch.rand(30, 2) * 3 - 1.5
    with torch.no_grad():
        assert torch.allclose(loaded.network.eval()(points), trainer.network.eval()(points))
    assert loaded.step_epoch() is not None  # and it trains on


def test_a_damaged_or_foreign_state_file_is_refused_with_a_sentence():
    raw = save_state(trained(epochs=1), SETUP)
    with pytest.raises(ValueError, match="not a saved 2-D playground"):
        load_state(save_safetensors({"weight": torch.zeros(2)}))
    with pytest.raises(ValueError, match="not a saved|damaged|does not fit"):
        load_state(raw[:-40])
    with pytest.raises(ValueError, match="at most"):
        load_state(b"\0" * (MAX_STATE_BYTES + 1))
    length = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + length])
    header["__metadata__"]["setup"] = json.dumps({"data": "blobs", "layers": "7-4", "act": "tanh-relu"})
    forged = json.dumps(header).encode()
    with pytest.raises(ValueError, match="does not fit"):
        load_state(struct.pack("<Q", len(forged)) + forged + raw[8 + length:])


def test_onnx_agrees_with_torch():
    trainer = trained(epochs=2)
    points = np.random.default_rng(1).uniform(-1.5, 1.5, (200, 2)).astype(np.float32)
    assert onnx_difference(export_onnx(trainer.network), trainer.network, points) < 1e-4


def test_the_pytorch_code_rebuilds_the_network(tmp_path):
    trainer = trained(epochs=2)
    (tmp_path / "playground_weights.safetensors").write_bytes(weights_file(trainer.network))
    code = pytorch_code(trainer.spec).replace("playground_weights.safetensors",
                                              str(tmp_path / "playground_weights.safetensors"))
    names = {}
    exec(code, names)  # the program a visitor copies: it must run as it is
    with torch.no_grad():
        expected = torch.softmax(trainer.network.eval()(names["points"]), 1)
    assert torch.allclose(names["chances"], expected, atol=1e-6)


def test_a_neuron_is_described_in_plain_words():
    coordinates = np.linspace(-1.5, 1.5, 16)
    grid_y, grid_x = np.meshgrid(coordinates, coordinates, indexing="ij")
    words = describe_neuron(np.tanh(grid_x), coordinates, np.array([1.2, -0.1]), ["x", "y"],
                            np.array([0.9, -0.2]), ["blue (class 1)", "orange (class 0)"])
    assert "on the right of the plane" in words and "x (+1.20)" in words and "towards blue (class 1)" in words
    assert "near the centre" in describe_neuron(-(grid_x ** 2 + grid_y ** 2), coordinates, np.ones(2), ["x", "y"])
    assert "dead" in describe_neuron(np.zeros((16, 16)), coordinates, np.ones(2), ["x", "y"])
