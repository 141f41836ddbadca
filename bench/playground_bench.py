"""What the 2-D playground's neuron view costs: epochs per second with it on and off, in the same run.

    .venv/bin/python -m bench.playground_bench            # 8 rounds of each, two networks
    .venv/bin/python -m bench.playground_bench --quick    # 2 rounds, for a smoke test

A round is what the page's live view does for a few ticks: train for SECONDS_PER_TICK, then build and
serialise its figures (the plane, the loss curve and, when on, the neuron view), as st.plotly_chart
would. Rounds with the view on and off alternate on the same trainer, so a busy machine slows both
alike; the ratio (on / off) is the median of the rounds' ratios. Target: >= 0.9. On a shared machine
the wall-clock ratio is noisy (other processes take the CPU at random), so the same ratio is also given
in epochs per second of this process's own CPU time, and the view's own CPU cost is timed alone (the
figure least moved by neighbours): with it, the share of epochs a tick keeps on an idle core.
"""
from __future__ import annotations

import argparse
import os
import statistics
import time

import plotly.io
import plotly.tools

from core.playground.network import NetworkSpec
from core.playground.points import make_points, split_points
from core.playground.training import PlaneTrainer
from ui.playground_live import SECONDS_PER_TICK
from ui.playground_network import network_figure
from ui.playground_plane import loss_figure, plane_figure

NETWORKS = {"default (2 inputs, 8-8)": NetworkSpec(),
            "large (7 inputs, 16-16-16-16)": NetworkSpec(("x", "y", "x2", "y2", "xy", "sinx", "siny"),
                                                         (16, 16, 16, 16), ("tanh",) * 4)}
TICKS_PER_ROUND = 4


def as_sent(figure) -> str:
    """What st.plotly_chart does with a figure before sending it: check it, then JSON."""
    return plotly.io.to_json(plotly.tools.return_figure_from_figure_or_data(figure, True), validate=False)


def one_round(trainer: PlaneTrainer, neuron_view: bool) -> tuple[float, float]:
    """Epochs per second of wall-clock time and of this process's CPU time, over TICKS_PER_ROUND ticks."""
    start, cpu_start, epochs = time.perf_counter(), time.process_time(), 0
    for _ in range(TICKS_PER_ROUND):
        epochs += trainer.train_for(SECONDS_PER_TICK, max_epochs=10_000)
        trainer.evaluate()
        as_sent(plane_figure(trainer))
        as_sent(loss_figure(trainer))
        if neuron_view:
            as_sent(network_figure(trainer, running=True)[0])
    return epochs / (time.perf_counter() - start), epochs / (time.process_time() - cpu_start)


def measure(spec: NetworkSpec, rounds: int) -> tuple[float, float, float, float]:
    """(median epochs/s off, median on, median of the rounds' on/off ratios, the same ratio in CPU time)."""
    train, test = split_points(make_points("moons", 200, 0.1), 0.2)
    trainer = PlaneTrainer(train, test, spec)
    one_round(trainer, True)  # warm up: first figures, first epochs
    off, on = [], []
    for _ in range(rounds):
        off.append(one_round(trainer, False))
        on.append(one_round(trainer, True))
    ratios = [with_view[0] / without[0] for with_view, without in zip(on, off)]
    cpu_ratios = [with_view[1] / without[1] for with_view, without in zip(on, off)]
    return (statistics.median(r[0] for r in off), statistics.median(r[0] for r in on), statistics.median(ratios),
            statistics.median(cpu_ratios))


def view_cpu_ms(spec: NetworkSpec, draws: int) -> float:
    """Median CPU milliseconds this process spends on one neuron view, built and serialised."""
    train, test = split_points(make_points("moons", 200, 0.1), 0.2)
    trainer = PlaneTrainer(train, test, spec)
    trainer.train_for(0.5)
    times = []
    for _ in range(draws):
        start = time.process_time()
        as_sent(network_figure(trainer, running=True)[0])
        times.append(1000 * (time.process_time() - start))
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 rounds of each instead of 8")
    rounds = 2 if parser.parse_args().quick else 8
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at start, "
          f"{rounds} rounds of {TICKS_PER_ROUND} ticks x {SECONDS_PER_TICK} s per setting")
    for name, spec in NETWORKS.items():
        off, on, ratio, cpu_ratio = measure(spec, rounds)
        print(f"neuron_view_cost[{name}]: {off:.1f} epochs/s off, {on:.1f} epochs/s on, ratio {ratio:.2f} "
              f"(in CPU time: ratio {cpu_ratio:.2f})")
        milliseconds = view_cpu_ms(spec, 5 * rounds)
        idle = SECONDS_PER_TICK / (SECONDS_PER_TICK + milliseconds / 1000)
        print(f"neuron_view_cpu_ms[{name}]: {milliseconds:.1f} ms a view; on an idle core a tick of "
              f"{SECONDS_PER_TICK} s training would keep {idle:.2f} of its epochs")
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
