"""A memory limit for one process tree, as a hosting service sets it: a Linux cgroup (v2 or v1).

Used by bench/hosted_memory.py to run the app under Streamlit Community Cloud's 2.7 GB. An address
space limit (ulimit -v, RLIMIT_AS) would not do: PyTorch and its thread pools reserve far more
virtual memory than they use, so the app would fail long before it used 2.7 GB.
"""
from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

CGROUP_ROOT = Path("/sys/fs/cgroup")


def _own_cgroup() -> tuple[str, Path] | None:
    """('v2' or 'v1', this process's memory cgroup folder), where one is mounted and writable."""
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        hierarchy, controllers, path = line.split(":", 2)
        relative = path.lstrip("/")
        if hierarchy == "0" and (CGROUP_ROOT / "cgroup.controllers").is_file():
            folder = CGROUP_ROOT / relative
            if "memory" in (CGROUP_ROOT / "cgroup.controllers").read_text().split() and os.access(folder, os.W_OK):
                return "v2", folder
        if "memory" in controllers.split(","):
            folder = CGROUP_ROOT / "memory" / relative
            if os.access(folder, os.W_OK):
                return "v1", folder
    return None


class MemoryLimit:
    """A child cgroup of this process's own, limited to limit_bytes; None from create() where impossible."""

    def __init__(self, version: str, folder: Path, limit_bytes: int):
        self.version, self.folder, self.limit_bytes = version, folder, limit_bytes

    @classmethod
    def create(cls, limit_bytes: int) -> MemoryLimit | None:
        found = _own_cgroup()
        if found is None:
            return None
        version, parent = found
        folder = parent / f"playground-bench-{uuid.uuid4().hex[:8]}"
        try:
            folder.mkdir()
            limit_file = "memory.max" if version == "v2" else "memory.limit_in_bytes"
            (folder / limit_file).write_text(str(limit_bytes))
        except OSError:
            return None
        return cls(version, folder, limit_bytes)

    def enter(self) -> None:
        """Move the calling process into the cgroup (use as a subprocess preexec_fn)."""
        (self.folder / "cgroup.procs").write_text("0")

    def usage_bytes(self) -> int:
        name = "memory.current" if self.version == "v2" else "memory.usage_in_bytes"
        return int((self.folder / name).read_text())

    def peak_bytes(self) -> int | None:
        name = "memory.peak" if self.version == "v2" else "memory.max_usage_in_bytes"
        path = self.folder / name
        return int(path.read_text()) if path.is_file() else None

    def oom_kills(self) -> int:
        """Processes the kernel killed in this cgroup for going over the limit."""
        name = "memory.events" if self.version == "v2" else "memory.oom_control"
        for line in (self.folder / name).read_text().splitlines():
            key, _, value = line.partition(" ")
            if key == "oom_kill":
                return int(value)
        return 0

    def bites(self) -> bool:
        """True when a process allocating more than the limit inside the cgroup is killed, and one under it lives."""
        def allocate(size: int) -> int:
            code = f"import numpy; numpy.ones({size}, dtype=numpy.uint8).sum()"
            return subprocess.run([sys.executable, "-c", code], preexec_fn=self.enter, capture_output=True).returncode
        over, under = allocate(self.limit_bytes + 300_000_000), allocate(self.limit_bytes // 2)
        return over != 0 and under == 0

    def remove(self) -> None:
        """Delete the cgroup (once every process in it has ended)."""
        try:
            self.folder.rmdir()
        except OSError:
            pass
