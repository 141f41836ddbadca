"""Where the app keeps what it writes (all git-ignored, all movable by environment variables)."""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def runs_dir() -> Path:
    """Saved runs: PLAYGROUND_RUNS_DIR, default runs/ in the project."""
    return Path(os.environ.get("PLAYGROUND_RUNS_DIR", PROJECT_ROOT / "runs")).expanduser()
