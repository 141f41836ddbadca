"""Peak memory of the largest uploads a stranger can send, through the core functions the pages call.

    .venv/bin/python -m bench.upload_memory          # every case, about a minute

Each case runs in a fresh process: the file is made and written to disk first, then the process
reads it, notes its resident memory, runs the upload and samples its memory every millisecond.
Printed: the peak increase over the memory before the upload, and what the app answered.
Target (issue 17): no upload raises the server's memory by more than 300 MB.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path

import psutil

CASES = ("bundle_1x1x10000000_input", "bundle_3x4000x4000_input", "bundle_400000_classes",
         "bundle_header_claims_40GB", "draw_png_6300x6300", "draw_png_39000000x1", "zip_40_pictures_6300x6300",
         "pictures_20_of_6300x6300", "zip_5000_pictures_1x1_at_224", "bundle_zeros_largest_accepted")


def bundle_bytes(change) -> bytes:
    """A real small bundle (Simple CNN on MNIST) whose config.json or weights are then altered."""
    from core.store.bundle import save_bundle
    from core.store.bundle_file import pack_bundle
    from core.basics.config import ModelConfig, RunConfig
    from core.engine.models import build_model

    config = RunConfig(model=ModelConfig("simple_cnn"))
    with tempfile.TemporaryDirectory() as folder:
        save_bundle(Path(folder), build_model(config.model, (1, 28, 28), 10), config)
        with zipfile.ZipFile(io.BytesIO(pack_bundle(Path(folder)))) as archive:
            files = {name: archive.read(name) for name in archive.namelist()}
    change(files)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def zero_bundle() -> bytes:
    """The largest network an upload may hold (MLP 512-512, 1x128x128, 1,000 classes: 9.2 million numbers), all zeros."""
    import torch

    from core.store.bundle import save_bundle
    from core.store.bundle_file import pack_bundle
    from core.basics.config import DataConfig, ModelConfig, RunConfig
    from core.engine.models import build_model

    classes = tuple(f"c{index}" for index in range(1000))
    config = RunConfig(DataConfig("custom:zeros", custom_classes=classes, custom_shape=(1, 128, 128)),
                       ModelConfig("mlp_512"))
    model = build_model(config.model, (1, 128, 128), len(classes))
    with torch.no_grad(), tempfile.TemporaryDirectory() as folder:
        for tensor in model.state_dict().values():
            tensor.zero_()
        save_bundle(Path(folder), model, config)
        return pack_bundle(Path(folder))


def claiming(shape=(1, 28, 28), classes=10):
    def change(files):
        document = json.loads(files["config.json"])
        document["run"]["data"].update(dataset="custom:x", custom_shape=list(shape),
                                       custom_classes=[f"c{i}" for i in range(classes)])
        files["config.json"] = json.dumps(document).encode()
    return change


def forged_header(files):
    import struct
    raw = files["model.safetensors"]
    length = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + length])
    header["fc1.weight"]["shape"] = [100_000, 100_000]
    body = json.dumps(header).encode()
    files["model.safetensors"] = struct.pack("<Q", len(body)) + body + raw[8 + length:]


def png(width: int, height: int, mode: str = "L") -> bytes:
    from PIL import Image, ImageDraw
    image = Image.new(mode, (width, height), "white")
    ImageDraw.Draw(image).ellipse((width // 4, height // 4, 3 * width // 4, 3 * height // 4), outline="black",
                                  width=max(1, min(width, height) // 30))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def make_file(case: str) -> bytes:
    if case == "bundle_1x1x10000000_input":
        return bundle_bytes(claiming((1, 1, 10_000_000)))
    if case == "bundle_3x4000x4000_input":
        return bundle_bytes(claiming((3, 4000, 4000)))
    if case == "bundle_400000_classes":
        return bundle_bytes(claiming((1, 28, 28), 400_000))
    if case == "bundle_header_claims_40GB":
        return bundle_bytes(forged_header)
    if case == "bundle_zeros_largest_accepted":
        return zero_bundle()
    if case == "draw_png_6300x6300":
        return png(6300, 6300, "RGB")
    if case == "draw_png_39000000x1":
        return png(39_000_000, 1)
    if case == "zip_5000_pictures_1x1_at_224":  # each a few bytes zipped, 150 KB once enlarged to 224 px
        return zip_of({f"{'ab'[index % 2]}/{index}.png": png(1, 1, "RGB") for index in range(5000)})
    picture = png(6300, 6300, "RGB")
    if case == "pictures_20_of_6300x6300":
        return picture
    return zip_of({f"{'ab'[index % 2]}/{index}.png": picture for index in range(40)})


def zip_of(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def upload(case: str, data: bytes) -> str:
    """Run the upload as the page would; returns what the app says."""
    try:
        if case.startswith("bundle"):
            from core.store.bundle_file import unpack_bundle
            from core.store.quotas import bundle_bytes as counted
            uploaded = unpack_bundle(data, "upload.zip")
            return f"accepted, counted {counted(uploaded.config) / 2**20:,.1f} MiB on disk by the upload quota"
        elif case.startswith("draw"):
            from core.basics.choices import DATASETS
            from core.data.preprocess import upload_to_picture
            upload_to_picture(data, DATASETS["mnist"])
        elif case.startswith("zip"):
            from core.data.image_folder import build_dataset, read_zip
            images, report = read_zip(data, 224 if case.endswith("224") else 64, True)
            build_dataset(images)
            return f"accepted, {sum(report.counts.values())} read, {len(report.skipped)} skipped"
        else:
            from core.data.picture_set import PictureSet
            pictures = PictureSet()
            pictures.add_class("big")
            skipped = pictures.add_files("big", [(f"{i}.png", data[:-1] + bytes([i])) for i in range(20)])
            return f"accepted {pictures.total}, skipped {len(skipped)}"
    except ValueError as error:
        return f"refused: {str(error)[:90]}"
    return "accepted"


def measure(case: str, path: Path) -> None:
    """In a fresh process: peak resident memory over the memory before the upload."""
    import core.store.bundle_file  # noqa: F401  (imports out of the measurement)
    import core.data.image_folder  # noqa: F401
    import core.data.picture_set  # noqa: F401
    import core.data.preprocess  # noqa: F401
    data = path.read_bytes()
    process, peak, done = psutil.Process(), [0], threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], process.memory_info().rss)
            time.sleep(0.001)
    before = process.memory_info().rss
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    answer = upload(case, data)
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    peak[0] = max(peak[0], process.memory_info().rss)
    print(f"upload_memory[{case}]: +{(peak[0] - before) / 2**20:,.0f} MB | {seconds:.2f} s | "
          f"file {len(data) / 1024:,.0f} KB | {answer}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", choices=CASES, help="(internal) measure one case in this process")
    parser.add_argument("--file", type=Path, help="(internal) the case's file")
    args = parser.parse_args()
    if args.case:
        measure(args.case, args.file)
        return
    print(f"machine: {platform.machine()} | python {platform.python_version()} | load {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as folder:
        for case in CASES:
            path = Path(folder) / case
            path.write_bytes(make_file(case))
            subprocess.run([sys.executable, "-m", "bench.upload_memory", "--case", case, "--file", str(path)],
                           check=True, cwd=Path(__file__).resolve().parents[1])


if __name__ == "__main__":
    main()
