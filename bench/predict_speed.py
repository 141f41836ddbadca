"""How long the Draw page takes to answer one stroke: canvas pixels -> MNIST-style picture -> probabilities.

    .venv/bin/python -m bench.predict_speed              # 300 repeats with the shipped demo model, on the CPU

The target is under 20 ms a prediction, so the answer keeps up with the pen. Timed here and never in a
test (timings in tests fail on busy machines).
"""
from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import torch
from PIL import Image, ImageDraw

from core.basics.paths import DEMO_MODEL
from core.lens.predict import predict_canvas
from core.store.bundle import load_bundle

CANVAS_SIZE = 280


def synthetic_canvas() -> np.ndarray:
    """A '7' as the Draw page's canvas sends it: (280, 280, 4) uint8, white 20-pixel strokes on black."""
    image = Image.new("RGBA", (CANVAS_SIZE, CANVAS_SIZE), (0, 0, 0, 255))
    ImageDraw.Draw(image).line([(70, 50), (210, 50), (120, 250)], fill=(255, 255, 255, 255), width=20, joint="curve")
    return np.asarray(image)


def canvas_prediction_latencies_ms(repeats: int) -> list[float]:
    """Milliseconds for preparation + forward pass of one canvas with the demo model on the CPU, per repeat."""
    loaded = load_bundle(DEMO_MODEL)
    model = loaded.model.to(torch.device("cpu"))
    canvas = synthetic_canvas()
    for _ in range(5):  # warm-up: the first calls pay for memory allocation and kernel selection
        predict_canvas(model, loaded.info, canvas)
    latencies = []
    for _ in range(repeats):
        start = time.perf_counter()
        prediction = predict_canvas(model, loaded.info, canvas)
        latencies.append((time.perf_counter() - start) * 1000)
    assert prediction is not None and prediction.answer == "7"  # the timed work is the real work
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=300)
    latencies = sorted(canvas_prediction_latencies_ms(parser.parse_args().repeats))
    p95 = latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))]
    print(f"predict_latency_ms_median: {statistics.median(latencies):.2f}")
    print(f"predict_latency_ms_p95: {p95:.2f}")


if __name__ == "__main__":
    main()
