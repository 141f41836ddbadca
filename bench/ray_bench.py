"""The Ray runner against the thread runner on this machine; prints one `name: value` line per figure.

    .venv/bin/python -m bench.ray_bench            # about 2 minutes on 2 quiet CPU cores
    .venv/bin/python -m bench.ray_bench --quick    # small runs: checks every figure prints

Figures:
- one default MNIST run (the Train page's default network and settings) through each runner, recorded to disk as
  the app does: time from Train to the first chart point, total time, images per second;
- six visitors pressing Train at once: wall time until all six finish, with the thread runner
  (2 at a time on this machine's cores) and with Ray on two single-CPU worker nodes started on
  this machine (a stand-in for two machines; the head node has no CPU for runs);
- how long Stop takes to reach the app as a Stopped event, on each runner;
- the load of the machine, since it is shared.
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("RAY_AUTH_MODE", "token")

import torch  # noqa: E402

from core.basics.choices import PRESETS  # noqa: E402
from core.basics.config import DataConfig, ModelConfig, RunConfig, TrainConfig  # noqa: E402
from core.data.registry import load_dataset  # noqa: E402
from core.engine.events import Done, StepEnd, Stopped  # noqa: E402
from core.runners.jobs import JobRunner  # noqa: E402
from core.runners.run_recorder import RunRecorder  # noqa: E402
from core.store.runs import RunStore  # noqa: E402


def figure(name: str, value: str) -> None:
    print(f"{name}: {value}", flush=True)


def load() -> str:
    return "load " + " ".join(f"{value:.2f}" for value in os.getloadavg())


def default_config(train_subset: int, epochs: int | None = None, seed: int = 0) -> RunConfig:
    name = ModelConfig().preset  # the Train page's default network, with its published settings
    preset = PRESETS[name]
    return RunConfig(DataConfig(train_subset=train_subset), ModelConfig(name, dropout=preset.dropout),
                     TrainConfig(preset.optimizer, preset.learning_rate, preset.batch_size,
                                 epochs or preset.epochs, schedule=preset.schedule, seed=seed))


def one_run(runner, config: RunConfig, dataset) -> dict:
    """Submit one run and time it as a visitor sees it: first chart point, end, images/s."""
    start = time.perf_counter()
    job = runner.submit(config, dataset)
    first = None
    while not job.is_done:
        if first is None and any(isinstance(e, StepEnd) for e in job.events()):
            first = time.perf_counter() - start
        time.sleep(0.02)
    total = time.perf_counter() - start
    events = job.events()
    done = next(e for e in events if isinstance(e, Done))
    steps = [e for e in events if isinstance(e, StepEnd)]
    return {"first": first, "total": total,
            "images_per_second": statistics.median(e.samples_per_second for e in steps),
            "accuracy": done.test_accuracy, "status": job.status}


def overhead(dataset, train_subset: int, root: Path) -> None:
    from core.runners.ray_runner import RayRunner

    config = default_config(train_subset)
    threads = one_run(recorded(JobRunner, root / "threads"), config, dataset)
    runner = recorded(RayRunner, root / "ray", "local")
    wait_for_spare(runner)  # the app starts Ray (and its spare actor) when it starts, not on Train
    remote = one_run(runner, config, dataset)
    stops = {"threads": stop_seconds(JobRunner(), dataset), "ray_local": stop_seconds(runner, dataset)}
    runner.shutdown()
    import ray

    ray.shutdown()
    for name, result in (("threads", threads), ("ray_local", remote)):
        figure(f"one_run[{name}]", f"first chart point {result['first']:.1f} s | total {result['total']:.1f} s | "
               f"{result['images_per_second']:,.0f} images/s | test accuracy {result['accuracy']:.4f}")
    figure("stop_seconds", " | ".join(f"{name} {seconds:.2f} s" for name, seconds in stops.items()) +
           " (Stop pressed to the Stopped event in the app)")
    figure("one_run_ratio", f"total {remote['total'] / threads['total']:.2f}x | first point "
           f"+{remote['first'] - threads['first']:.1f} s | {load()}")


def recorded(runner_class, folder: Path, *arguments):
    """A runner that records its runs to folder, as the app's does."""
    store = RunStore(folder)
    return runner_class(*arguments, listeners=[RunRecorder(store)], store=store)


def stop_seconds(runner, dataset) -> float:
    """Seconds from job.stop() during training until the app holds the Stopped event."""
    job = runner.submit(default_config(0), dataset)
    while not any(isinstance(e, StepEnd) for e in job.events()):
        time.sleep(0.02)
    start = time.perf_counter()
    job.stop()
    while not any(isinstance(e, Stopped) for e in job.events()):
        time.sleep(0.01)
    seconds = time.perf_counter() - start
    job.wait()
    return seconds


def wait_for_spare(runner, timeout: float = 120) -> None:
    import ray

    if runner._spare is not None:
        ray.get(runner._spare.ready.remote(), timeout=timeout)


def six_visitors(runner, dataset, train_subset: int, epochs: int) -> tuple[float, list[int]]:
    """Six runs submitted at once (different seeds); (wall time until all end, queue positions shown 5 s on)."""
    start = time.perf_counter()
    jobs = [runner.submit(default_config(train_subset, epochs, seed), dataset) for seed in range(6)]
    time.sleep(5)  # the Ray runner counts a run as waiting until its actor answers (a new one: a few seconds)
    positions = [runner.queue_position(job) for job in jobs]
    while not all(job.is_done for job in jobs):
        time.sleep(0.1)
    assert all(job.status == "finished" for job in jobs), [job.error for job in jobs]
    return time.perf_counter() - start, positions


def six_visitors_figures(dataset, train_subset: int, epochs: int, root: Path) -> None:
    from ray.cluster_utils import Cluster

    from core.runners.ray_runner import RayRunner

    threads, thread_queue = six_visitors(recorded(JobRunner, root / "six-threads"), dataset, train_subset, epochs)
    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 0, "include_dashboard": False})
    try:
        for _ in range(2):
            cluster.add_node(num_cpus=1)
        runner = recorded(RayRunner, root / "six-ray", cluster.address)
        wait_for_spare(runner)
        remote, ray_queue = six_visitors(runner, dataset, train_subset, epochs)
        runner.shutdown()
    finally:
        import ray

        ray.shutdown()
        cluster.shutdown()
    figure("six_visitors[threads]", f"{threads:.1f} s until all six finished | queue shown {thread_queue}")
    figure("six_visitors[ray_two_1cpu_nodes]", f"{remote:.1f} s until all six finished | queue shown {ray_queue}")
    figure("six_visitors_ratio", f"{remote / threads:.2f}x | {load()}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small runs, to check that every figure prints")
    args = parser.parse_args()
    figure("machine", f"{os.cpu_count()} CPU cores | {platform.machine()} | torch {torch.__version__} | "
           f"ray {__import__('ray').__version__} | CUDA path not measured here | {load()}")
    dataset = load_dataset("mnist")
    with tempfile.TemporaryDirectory(prefix="ray-bench-") as folder:
        root = Path(folder)
        overhead(dataset, 2000 if args.quick else 0, root)
        six_visitors_figures(dataset, 1000 if args.quick else 5000, 1 if args.quick else 4, root)


if __name__ == "__main__":
    main()
