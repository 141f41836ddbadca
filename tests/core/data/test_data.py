import gzip
from pathlib import Path

import numpy as np
import pytest

from core.data import registry
from core.data.registry import DatasetUnavailable, load_dataset


def test_shipped_mnist_has_the_full_sets_with_known_labels(monkeypatch):
    monkeypatch.delenv("PLAYGROUND_DATA_DIR", raising=False)
    mnist = load_dataset("mnist")
    assert "assets" in mnist.source
    assert mnist.train_x.shape == (60000, 1, 28, 28) and mnist.test_x.shape == (10000, 1, 28, 28)
    assert mnist.train_y[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert mnist.test_y[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    assert np.bincount(mnist.train_y.numpy()).min() > 5000  # every digit well represented
    # A '1' has its ink in the middle columns, not at the edges.
    one = mnist.train_x[3, 0].float()
    assert one[:, 10:18].sum() > 5 * one[:, :6].sum()


def test_inputs_are_normalised_like_training(mnist):
    x = mnist.to_input(mnist.train_x[:2000])
    assert abs(x.mean().item()) < 0.1 and abs(x.std().item() - 1) < 0.1


def _write_idx(path: Path, array: np.ndarray) -> None:
    header = bytes([0, 0, 0x08, array.ndim]) + b"".join(int(d).to_bytes(4, "big") for d in array.shape)
    with gzip.open(path, "wb") as handle:
        handle.write(header + array.astype(np.uint8).tobytes())


def test_fashion_mnist_loads_from_a_local_folder(tmp_path, monkeypatch):
    folder = tmp_path / "fashion-mnist"
    folder.mkdir()
    images = np.random.default_rng(0).integers(0, 256, (12, 28, 28))
    _write_idx(folder / "train-images-idx3-ubyte.gz", images)
    _write_idx(folder / "train-labels-idx1-ubyte.gz", np.arange(12) % 10)
    _write_idx(folder / "t10k-images-idx3-ubyte.gz", images[:4])
    _write_idx(folder / "t10k-labels-idx1-ubyte.gz", np.arange(4))
    monkeypatch.setenv("PLAYGROUND_DATA_DIR", str(tmp_path))
    fashion = load_dataset("fashion_mnist", download=False)
    assert fashion.train_x.shape == (12, 1, 28, 28) and fashion.test_y.tolist() == [0, 1, 2, 3]
    assert fashion.info.classes[9] == "Ankle boot"
    assert (fashion.train_x[5, 0].numpy() == images[5]).all()


def test_offline_dataset_says_what_is_missing_and_where(tmp_path, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_DATA_DIR", str(tmp_path))

    def no_network(name, root):
        raise OSError("Name or service not known")

    monkeypatch.setattr(registry, "_download", no_network)
    with pytest.raises(DatasetUnavailable) as error:
        load_dataset("cifar10")
    message = str(error.value)
    assert "CIFAR-10" in message and str(tmp_path) in message and "MNIST always works offline" in message


def test_cifar_sample_loads_from_the_data_folder():
    shared = Path(__file__).resolve().parents[4] / "shared" / "datasets" / "cifar10-jpeg"
    if not shared.is_dir():
        pytest.skip("the CIFAR-10 sample of ../shared/datasets is not on this machine")
    cifar = load_dataset("cifar10", download=False)
    assert cifar.train_x.shape == (10000, 3, 32, 32) and cifar.test_x.shape == (2000, 3, 32, 32)
    assert np.bincount(cifar.test_y.numpy()).tolist() == [200] * 10


def test_truncated_idx_file_is_refused(tmp_path):
    path = tmp_path / "broken-idx3-ubyte"
    path.write_bytes(bytes([0, 0, 8, 3]) + (5).to_bytes(4, "big") + (28).to_bytes(4, "big") * 2 + b"\0" * 10)
    with pytest.raises(ValueError, match="truncated"):
        registry.read_idx(path)
