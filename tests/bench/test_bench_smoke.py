"""The benchmark runs end to end on a tiny budget and prints every figure (no timing asserted)."""
import re
import subprocess
import sys
from pathlib import Path

from core.basics.choices import DEFAULT_PRESET, scratch_presets

ROOT = Path(__file__).resolve().parents[2]
DEFAULT = DEFAULT_PRESET
FIGURES = ["machine", *(f"samples_per_second[{preset}]" for preset in scratch_presets()),
           "samples_per_second[keras_lenet]",
           f"seconds_to_99_percent[{DEFAULT}]", "seconds_to_99_percent[previous_default]",
           "seconds_to_99_percent_vs_previous_default",
           f"ui_overhead[{DEFAULT}]", f"ui_overhead_browser_here[{DEFAULT}]", "first_point_seconds",
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
    # every preset against the textbook pipeline, Keras, the app's overhead, the browser's
    assert len(ratios) == len(scratch_presets()) + 2 + with_browser and all(float(r) > 0 for r in ratios)
    assert float(re.search(r"app_cold_start_seconds: ([\d.]+)", result.stdout).group(1)) > 0
