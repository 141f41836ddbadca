"""The playground's neuron-view benchmark runs end to end on a tiny budget and prints its figures."""
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_quick_playground_bench_prints_both_ratios():
    result = subprocess.run([sys.executable, "-m", "bench.playground_bench", "--quick"], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    ratios = re.findall(r"neuron_view_cost\[.+\]: [\d.]+ epochs/s off, [\d.]+ epochs/s on, ratio ([\d.]+) \(in CPU time: ratio [\d.]+\)",
                        result.stdout)
    assert len(ratios) == 2 and all(float(ratio) > 0 for ratio in ratios)
    assert "load average" in result.stdout
