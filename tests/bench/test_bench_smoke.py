"""The benchmark runs end to end on a tiny budget and prints every figure (no timing asserted)."""
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIGURES = ["machine", "samples_per_second[fast_cnn]", "samples_per_second[mlp_512]",
           "samples_per_second[simple_cnn]", "samples_per_second[lenet]", "samples_per_second[tiny_cifar]",
           "seconds_to_99_percent[fast_cnn]", "ui_overhead[fast_cnn]", "ui_overhead_browser_here[fast_cnn]",
           "predict_latency_ms",
           "app_cold_start_seconds", "app_memory_mb_with_mnist"]


def test_quick_benchmark_prints_every_figure():
    result = subprocess.run([sys.executable, "-m", "bench.train_speed", "--quick"], cwd=ROOT,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    names = [line.split(": ")[0] for line in result.stdout.splitlines() if ": " in line and not line.startswith(" ")]
    assert names == FIGURES
    ratios = re.findall(r"ratio ([\d.]+)", result.stdout)
    with_browser = Path("/usr/bin/chromium").exists()  # otherwise the browser figure says "not measured"
    assert len(ratios) == 6 + with_browser and all(float(r) > 0 for r in ratios)
    assert float(re.search(r"app_cold_start_seconds: ([\d.]+)", result.stdout).group(1)) > 0
