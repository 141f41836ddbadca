"""Where the app keeps what it writes (all git-ignored, all movable by environment variables)."""
from __future__ import annotations

from pathlib import Path

from core.basics import settings

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEMO_MODEL = PROJECT_ROOT / "assets" / "demo_model"  # the shipped model a first visitor draws for


def runs_dir() -> Path:
    """Saved runs: PLAYGROUND_RUNS_DIR, default runs/ in the project."""
    return settings.folder("PLAYGROUND_RUNS_DIR") or PROJECT_ROOT / "runs"
