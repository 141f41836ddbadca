"""bench/upload_attack.py --quick: files posted straight at the upload endpoint are refused past the held-bytes caps."""
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs Chromium to open real sessions")
def test_quick_attack_is_bounded_and_the_server_keeps_answering():
    result = subprocess.run([sys.executable, "-m", "bench.upload_attack", "--quick"], cwd=ROOT,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr[-2000:]
    responses = re.search(r"responses: (.*)", result.stdout).group(1)
    # 2 sessions, 5 MB held each at most: two 2 MB files each are kept, the other 16 refused
    assert "4 x 204" in responses and "16 x 413" in responses, responses
    assert "killed: nothing" in result.stdout
