"""Every PLAYGROUND_* environment variable in one place: what it means, its default, its hosted value.

PLAYGROUND_HOSTED=1 (set by deploy/cloud/streamlit_app.py, the Streamlit Community Cloud entry
point) switches every setting to its hosted value, sized for about 2 CPU cores and 2.7 GB of
memory; a variable set in the environment wins over both. Values are read when asked for, so a
test can change the environment. The README's settings table lists the same rows.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[2]
HOSTED = "PLAYGROUND_HOSTED"


@dataclass(frozen=True)
class Setting:
    variable: str
    default: str  # as it would be written in the environment; "" means "unset"
    hosted: str  # the value with PLAYGROUND_HOSTED=1
    meaning: str


SETTINGS: dict[str, Setting] = {setting.variable: setting for setting in (
    Setting(HOSTED, "0", "1", "A shared public deployment: the hosted values below, and visitors may change "
            "only the runs they made."),
    Setting("PLAYGROUND_DATA_DIR", "", "", "A folder of local dataset copies (see the README)."),
    Setting("PLAYGROUND_CACHE_DIR", "data_cache", "data_cache", "Where downloads go (relative to the project)."),
    Setting("PLAYGROUND_RUNS_DIR", "runs", "runs", "Where runs are saved (relative to the project)."),
    Setting("PLAYGROUND_DEVICE", "", "", "Force cpu, cuda or mps; unset picks the best available."),
    Setting("PLAYGROUND_CORES", "", "2", "CPU cores the app may use; unset counts those the process may run "
            "on (a container can show the host's cores, hence 2 on the Cloud)."),
    Setting("PLAYGROUND_MAX_JOBS", "", "2", "How many runs train at once (unset: one per core); the rest queue."),
    Setting("PLAYGROUND_MAX_QUEUE", "0", "8", "How many runs may wait in the queue (0: no limit)."),
    Setting("PLAYGROUND_RUNS_PER_VISITOR", "0", "1", "How many runs one browser session may have training or "
            "waiting at once (0: no limit)."),
    Setting("PLAYGROUND_PRELOAD", "", "mnist", "Datasets loaded into memory when the app starts (comma-separated; "
            "others load when first picked)."),
    Setting("PLAYGROUND_SAVED_MODELS", "20", "5", "How many saved runs the Inspect and Draw pages offer; a model is "
            "loaded when picked and stays in memory (at most twice as many, and PLAYGROUND_MODEL_CACHE_MB)."),
    Setting("PLAYGROUND_MAX_UPLOAD_MB", "50", "20", "Largest upload (a zip of images, a run file), in MB."),
    Setting("PLAYGROUND_MAX_ZIP_MEGAPIXELS", "400", "200", "My images: the pixels of all pictures of one upload "
            "(a zip, or files added to a class at once) together, in millions (bounds the time one upload takes)."),
    Setting("PLAYGROUND_UPLOADS_MB_PER_VISITOR", "0", "100", "Disk space one browser session's uploaded runs and "
            "kept pictures may take, in MB, counted unpacked (0: no limit)."),
    Setting("PLAYGROUND_UPLOADS_MB_TOTAL", "0", "500", "Disk space all visitors' uploaded runs and kept pictures "
            "may take together, in MB; the oldest expire first to make room (0: no limit)."),
    Setting("PLAYGROUND_UPLOADS_HELD_MB", "500", "100", "Memory that files received from one browser session "
            "and not yet read by the page may take, in MB; further files are refused until the page has read "
            "them (0: no limit)."),
    Setting("PLAYGROUND_UPLOADS_HELD_MB_TOTAL", "2000", "300", "The same for all sessions together, in MB "
            "(0: no limit)."),
    Setting("PLAYGROUND_MODEL_CACHE_MB", "1000", "200", "Memory, in MB of weights, that each of these may take: "
            "the saved models Inspect and Draw keep loaded (least recently used dropped first), and the models of "
            "finished runs the app remembers for their sessions (oldest forgotten first; they stay on disk)."),
    Setting("PLAYGROUND_OWN_IMAGES_MB", "1000", "256", "My images: memory all visitors' uploaded pictures (not "
            "kept) may take together, in MB; past it the oldest upload is forgotten."),
    Setting("PLAYGROUND_RAY_ADDRESS", "", "", "Train on a Ray cluster instead of this machine's threads: local, "
            "auto, or ray://HOST:10001. Unreachable at start-up: the app trains here and says why."),
    Setting("PLAYGROUND_RAY_GPUS_PER_JOB", "", "", "GPUs each run asks Ray for (unset: 1 if the cluster has a GPU, "
            "else 0)."),
    Setting("PLAYGROUND_RAY_CPUS_PER_JOB", "1", "1", "CPUs each run asks Ray for."),
)}


def is_hosted() -> bool:
    """True on a shared public deployment (PLAYGROUND_HOSTED=1)."""
    return os.environ.get(HOSTED, "").strip().lower() not in ("", "0", "false", "no")


def text(variable: str) -> str:
    """The environment's value if set, else the hosted or the local default."""
    setting = SETTINGS[variable]
    value = os.environ.get(variable, "").strip()
    if value:
        return value
    return setting.hosted if is_hosted() else setting.default


def integer(variable: str) -> int:
    """A whole-number setting (0 or more)."""
    value = text(variable)
    if not value.isdigit():
        raise ValueError(f"{variable} must be a whole number of 0 or more, not {value!r}.")
    return int(value)


def folder(variable: str) -> Path | None:
    """A folder setting, relative to the project unless absolute; None when unset."""
    value = text(variable)
    return PROJECT_ROOT / Path(value).expanduser() if value else None


def names(variable: str) -> tuple[str, ...]:
    """A comma-separated list setting."""
    return tuple(name.strip() for name in text(variable).split(",") if name.strip())


def cores() -> int:
    """CPU cores this app may use (PLAYGROUND_CORES, else those the process may run on)."""
    if text("PLAYGROUND_CORES"):
        return max(1, integer("PLAYGROUND_CORES"))
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS
        return os.cpu_count() or 1


def max_jobs() -> int:
    """How many runs may train at once (PLAYGROUND_MAX_JOBS, else one per core)."""
    return integer("PLAYGROUND_MAX_JOBS") if text("PLAYGROUND_MAX_JOBS") else cores()
