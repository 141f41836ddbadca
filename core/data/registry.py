"""Dataset registry: shipped MNIST, local copies, torchvision download when online.

Images stay in memory as uint8 tensors (N, C, H, W); `to_input` turns a batch into
normalised floats, so a dataset costs 1 byte per pixel (MNIST: 55 MB in all).
"""
from __future__ import annotations

import gzip
import threading
from collections import OrderedDict
from pathlib import Path

import numpy as np
import torch

from core.basics import settings
from core.basics.choices import DATASETS, DatasetInfo
from core.data.dataset import Dataset
from core.data.kept_datasets import load_kept

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SHIPPED_MNIST = PROJECT_ROOT / "assets" / "mnist"
DATA_DIR_VARIABLE = "PLAYGROUND_DATA_DIR"

IDX_FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte",
             "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")


class DatasetUnavailable(RuntimeError):
    """The dataset is neither on disk nor downloadable; the message says what to do."""


REGISTRY = DATASETS  # the built-in datasets (core.basics.choices), by name


def dataset_info(data_config) -> DatasetInfo:
    """What a model of this DataConfig reads and answers: built-in, or the user's own images."""
    if data_config.dataset in DATASETS:
        return DATASETS[data_config.dataset]
    channels = data_config.custom_shape[0]
    return DatasetInfo(data_config.dataset, "My images", data_config.custom_classes, data_config.custom_shape,
                       (0.5,) * channels, (0.25,) * channels, False)


def data_dir() -> Path | None:
    """The folder of local dataset copies set by PLAYGROUND_DATA_DIR, if any."""
    return settings.folder(DATA_DIR_VARIABLE)


def cache_dir() -> Path:
    """Where downloads go (PLAYGROUND_CACHE_DIR, default data_cache/ in the project)."""
    return settings.folder("PLAYGROUND_CACHE_DIR") or PROJECT_ROOT / "data_cache"


def read_idx(path: Path) -> np.ndarray:
    """Read an IDX file (gzipped or not) as used by MNIST and Fashion-MNIST."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as handle:
        raw = handle.read()
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08:
        raise ValueError(f"{path.name} is not an IDX file of unsigned bytes.")
    dims = raw[3]
    shape = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims))
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * dims)
    if data.size != int(np.prod(shape)):
        raise ValueError(f"{path.name} is truncated: expected {int(np.prod(shape))} values, found {data.size}.")
    return data.reshape(shape)


def _find_idx(folder: Path, stem: str) -> Path | None:
    for candidate in (folder / f"{stem}.gz", folder / stem):
        if candidate.is_file():
            return candidate
    return None


def _load_idx_folder(info: DatasetInfo, folder: Path) -> Dataset | None:
    paths = [_find_idx(folder, stem) for stem in IDX_FILES]
    if not all(paths):
        return None
    train_x, train_y, test_x, test_y = (read_idx(path) for path in paths)
    return Dataset(info, torch.from_numpy(train_x.copy()).unsqueeze(1), torch.from_numpy(train_y.astype(np.int64)),
                   torch.from_numpy(test_x.copy()).unsqueeze(1), torch.from_numpy(test_y.astype(np.int64)),
                   source=str(folder))


def _load_cifar_npz(info: DatasetInfo, path: Path) -> Dataset:
    with np.load(path, allow_pickle=False) as arrays:
        to_nchw = lambda a: torch.from_numpy(np.ascontiguousarray(a.transpose(0, 3, 1, 2)))  # noqa: E731
        return Dataset(info, to_nchw(arrays["train_x"]), torch.from_numpy(arrays["train_y"].astype(np.int64)),
                       to_nchw(arrays["test_x"]), torch.from_numpy(arrays["test_y"].astype(np.int64)),
                       source=str(path))


def _download(name: str, root: Path) -> None:
    """Fetch the official files with torchvision (checksums verified by torchvision)."""
    import torchvision

    root.mkdir(parents=True, exist_ok=True)
    if name == "fashion_mnist":
        torchvision.datasets.FashionMNIST(root, train=True, download=True)
        torchvision.datasets.FashionMNIST(root, train=False, download=True)
    else:
        torchvision.datasets.CIFAR10(root, train=True, download=True)


def _load_cifar_batches(info: DatasetInfo, folder: Path) -> Dataset:
    """The official python batches, through torchvision (official files only, never user uploads)."""
    import torchvision

    train = torchvision.datasets.CIFAR10(folder.parent, train=True, download=False)
    test = torchvision.datasets.CIFAR10(folder.parent, train=False, download=False)
    to_nchw = lambda a: torch.from_numpy(np.ascontiguousarray(a.transpose(0, 3, 1, 2)))  # noqa: E731
    return Dataset(info, to_nchw(train.data), torch.tensor(train.targets), to_nchw(test.data),
                   torch.tensor(test.targets), source=str(folder))


def _find_local(name: str) -> Dataset | None:
    """Look in the data folder (PLAYGROUND_DATA_DIR) and the download cache."""
    info = DATASETS[name]
    roots = [root for root in (data_dir(), cache_dir()) if root is not None]
    for root in roots:
        if name == "mnist":
            found = _load_idx_folder(info, root / "mnist")
        elif name == "fashion_mnist":
            found = (_load_idx_folder(info, root / "fashion-mnist")
                     or _load_idx_folder(info, root / "FashionMNIST" / "raw"))
        else:
            found = None
            if (root / "cifar-10-batches-py" / "test_batch").is_file():
                found = _load_cifar_batches(info, root / "cifar-10-batches-py")
            elif (root / "cifar10-jpeg" / "cifar10_jpeg_sample.npz").is_file():
                found = _load_cifar_npz(info, root / "cifar10-jpeg" / "cifar10_jpeg_sample.npz")
        if found is not None:
            return found
    return None


def missing_message(name: str) -> str:
    """Plain words on what is missing and where to put it."""
    folder = data_dir() or cache_dir()
    if name == "fashion_mnist":
        where = f"{folder / 'fashion-mnist'}/ (the four files train-images-idx3-ubyte.gz, " \
                "train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz)"
    else:
        where = f"{folder / 'cifar-10-batches-py'}/ (the official 'CIFAR-10 python version', unpacked)"
    return (f"{DATASETS[name].title} is not on this machine and could not be downloaded "
            f"(is the internet reachable?). Put the files in {where}, or set {DATA_DIR_VARIABLE} "
            "to a folder that holds them. MNIST always works offline.")


CUSTOM_DATASETS: OrderedDict[str, Dataset] = OrderedDict()  # the users' own images by name ("custom:<id>"), newest last
_CUSTOM_LOCK = threading.Lock()  # every visitor's session thread registers here


def register_custom(dataset: Dataset) -> None:
    """Make an uploaded dataset loadable by name, like the built-in ones, for this process.

    Every visitor's uploads would otherwise stay in memory until the app stops: past
    PLAYGROUND_OWN_IMAGES_MB the oldest are forgotten (a run training on one keeps its own
    reference; kept pictures load again from disk; others are uploaded again).
    """
    limit = settings.integer("PLAYGROUND_OWN_IMAGES_MB") * 2**20
    with _CUSTOM_LOCK:
        CUSTOM_DATASETS[dataset.info.name] = dataset
        CUSTOM_DATASETS.move_to_end(dataset.info.name)
        held = sum(each.size_in_bytes for each in CUSTOM_DATASETS.values())
        while len(CUSTOM_DATASETS) > 1 and held > limit:
            _, forgotten = CUSTOM_DATASETS.popitem(last=False)
            held -= forgotten.size_in_bytes


def load_dataset(name: str, download: bool = True) -> Dataset:
    """Load a dataset into memory; raises DatasetUnavailable with a helpful message."""
    if name.startswith("custom:"):
        dataset = CUSTOM_DATASETS.get(name) or load_kept(name)
        if dataset is None:
            raise DatasetUnavailable("These images were uploaded in an earlier session and not kept. "
                                     "Upload the archive again on the Train page.")
        return dataset
    DATASETS.check(name)
    if name == "mnist":
        return _find_local(name) or _load_idx_folder(DATASETS[name], SHIPPED_MNIST)
    found = _find_local(name)
    if found is None and download:
        try:
            _download(name, cache_dir())
        except Exception as error:  # network errors come in many types
            raise DatasetUnavailable(missing_message(name)) from error
        found = _find_local(name)
    if found is None:
        raise DatasetUnavailable(missing_message(name))
    return found
