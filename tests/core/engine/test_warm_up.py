"""A runner pays PyTorch's slow first import when it is created, not when a visitor presses Train, and sets
aside start-up's objects from the garbage collector's full passes."""
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = """
import sys
from core.runners.jobs import JobRunner
assert "torch._dynamo" not in sys.modules, "imported before any runner exists"
runner = JobRunner(max_parallel=1)
runner.warming_up.join(timeout=300)
assert "torch._dynamo" in sys.modules, "the runner did not warm up"
import gc
assert gc.get_freeze_count() > 100_000, "start-up's objects were not set aside"
"""


def test_a_new_runner_imports_what_the_first_optimizer_needs_in_the_background():
    result = subprocess.run([sys.executable, "-c", SCRIPT], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
