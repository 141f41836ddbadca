"""How long each Inspect view takes for one image on this machine; prints one `name: value` line per figure.

    .venv/bin/python -m bench.inspect_speed            # every preset, 7 repeats, about 2 minutes on 2 cores
    .venv/bin/python -m bench.inspect_speed --quick    # two presets, 2 repeats

Two figures per view (target: under 1 s each on a 2-core CPU):
  compute[preset/view]  the core arithmetic plus building and serialising the page's Plotly figures
                        (median of the repeats, ms). The weights are random: the time does not depend
                        on their values, only on the architecture.
  page[preset/view]     the whole Inspect page script run with that tab open (Streamlit's AppTest,
                        after one warm-up run), for a model trained for a few steps, median ms.
The Errors view asks the model about every test image once per model; `errors_first` is that
first visit, `errors` every later one (answers kept in the session).
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from core.basics.config import DataConfig, ModelConfig, RunConfig, TrainConfig
from core.data.registry import DatasetUnavailable, load_dataset
from core.engine.models import build_model
from core.lens.explain import convolution_in_model, neuron_in_model, pooling_example, pooling_in_model
from core.lens.inspect import (
    conv_layer_names,
    feature_maps,
    filters,
    first_layer_weights,
    hidden_activations,
    layer_table,
    pool_layer_names,
    saliency,
)
from core.lens.metrics import class_scores, confusion_matrix, mistakes, most_common_mistake, predict_test_set
from ui.inspect_figures import bars, confusion_figure, heat_map, map_grid, picture

PAGE = str(Path(__file__).resolve().parents[1] / "pages" / "inspect.py")
VIEWS = ["Architecture", "Filters", "Feature maps", "Pooling", "Convolution", "Saliency", "Errors"]
MODELS = [("fast_cnn", "mnist"), ("mlp_512", "mnist"), ("simple_cnn", "mnist"), ("lenet", "mnist"),
          ("tiny_cifar", "cifar10"), ("fast_cnn", "cifar10")]


def figure(name: str, value: str) -> None:
    print(f"{name}: {value}", flush=True)


def median_ms(work, repeats: int) -> float:
    """Median wall time of work() in milliseconds, after one warm-up call."""
    work()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def serialise(*figures) -> None:
    for item in figures:
        item.to_json()  # what st.plotly_chart sends to the browser


def view_work(model, dataset, x, pixels) -> dict:
    """The work of each view, as the page does it (largest layer where the page lets the user choose)."""
    convs, pools = conv_layer_names(model), pool_layer_names(model)
    classes = dataset.info.classes

    def filters_view():
        if not convs:
            serialise(map_grid(first_layer_weights(model, dataset.info.input_shape)[:32, 0], symmetric=True))
            return
        kernels = max((filters(model, name) for name in convs), key=lambda k: k.size)
        serialise(map_grid(kernels[:16].reshape(-1, *kernels.shape[2:]), symmetric=True, columns=kernels.shape[1]))

    def feature_maps_view():
        stages = feature_maps(model, x) if convs else hidden_activations(model, x)
        serialise(*(map_grid(s.maps, s.title) if s.maps.ndim == 3 else heat_map(s.maps.reshape(1, -1))
                    for s in stages))

    def pooling_view():
        example = pooling_in_model(model, x, pools[0]) if pools else pooling_example(x[0, 0].double().numpy())
        serialise(heat_map(example.feature_map), heat_map(example.max_pooled), heat_map(example.average_pooled),
                  heat_map(example.window, numbers=True))

    def convolution_view():
        if not convs:
            example = neuron_in_model(model, x)
            serialise(*(heat_map(a.mean(axis=0)) for a in (example.inputs, example.weights, example.products)))
            return
        example = convolution_in_model(model, x, convs[-1], 0)
        serialise(heat_map(example.layer_input[0]), heat_map(example.patch[0], numbers=True),
                  heat_map(example.kernel[0], numbers=True), heat_map(example.products[0], numbers=True),
                  heat_map(example.output_map))

    def saliency_view():
        result = saliency(model, x, samples=16)
        serialise(picture(pixels), heat_map(result.heat), bars(result.probabilities, list(classes), "", percent=True))

    predictions = predict_test_set(model, dataset)

    def errors_view(answers=None):
        answers = answers or predictions
        confusion = confusion_matrix(answers.labels, answers.predicted, len(classes))
        class_scores(confusion, classes)
        mistakes(answers, *(most_common_mistake(confusion) or (0, 0)))
        serialise(confusion_figure(confusion, classes, None))

    return {"Architecture": lambda: layer_table(model, dataset.info.input_shape), "Filters": filters_view,
            "Feature maps": feature_maps_view, "Pooling": pooling_view, "Convolution": convolution_view,
            "Saliency": saliency_view, "Errors": errors_view,
            "errors_first": lambda: errors_view(predict_test_set(model, dataset))}


def compute_times(models, repeats: int) -> None:
    for preset, dataset_name in models:
        dataset = load_dataset(dataset_name, download=False)
        model = build_model(ModelConfig(preset=preset), dataset.info.input_shape, 10).eval()
        x = dataset.to_input(dataset.test_x[:1])
        work = view_work(model, dataset, x, dataset.test_x[0].float().numpy())
        for view, run in work.items():
            figure(f"compute[{preset}@{dataset_name}/{view}]", f"{median_ms(run, repeats):.1f} ms")


def page_times(models, repeats: int) -> None:
    from streamlit.testing.v1 import AppTest

    from core.runners.runtime import get_runner

    for preset, dataset_name in models:
        config = RunConfig(DataConfig(dataset_name, train_subset=512), ModelConfig(preset=preset),
                           TrainConfig(batch_size=128, epochs=1))
        job = get_runner().submit(config, load_dataset(dataset_name, download=False))
        job.wait()
        for view in VIEWS:
            at = AppTest.from_file(PAGE, default_timeout=120)
            at.session_state["job_ids"] = [job.id]
            at.session_state["inspect_view"] = view
            start = time.perf_counter()
            at.run()
            first = (time.perf_counter() - start) * 1000
            assert not at.exception, at.exception[0].value
            if view == "Errors":
                figure(f"page[{preset}@{dataset_name}/errors_first]", f"{first:.0f} ms")
            figure(f"page[{preset}@{dataset_name}/{view}]", f"{median_ms(at.run, repeats):.0f} ms")


def available(dataset_name: str) -> bool:
    try:
        load_dataset(dataset_name, download=False)
        return True
    except DatasetUnavailable:
        figure(f"skipped[{dataset_name}]", "no local copy (set PLAYGROUND_DATA_DIR)")
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="two presets, two repeats")
    args = parser.parse_args()
    os.environ.setdefault("PLAYGROUND_DEVICE", "cpu")
    os.environ["PLAYGROUND_RUNS_DIR"] = tempfile.mkdtemp(prefix="inspect-bench-runs-")  # keep the user's runs clean
    torch.manual_seed(0)
    np.random.seed(0)
    figure("machine", f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
                      f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    models = [(preset, name) for preset, name in (MODELS[:2] if args.quick else MODELS) if available(name)]
    repeats = 2 if args.quick else 7
    compute_times(models, repeats)
    page_times(models, repeats)


if __name__ == "__main__":
    main()
