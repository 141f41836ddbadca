"""Write a file so that a crash never leaves half of it: write a temporary file, then rename it over."""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Callable


def write_atomically(path: Path, write: Callable[[str], None]) -> None:
    """write(temporary_path) fills a temporary file beside path, which then replaces path in one rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    os.close(handle)
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def write_json(path: Path, document: dict) -> None:
    """Write document as indented JSON to path atomically."""
    def write(tmp: str) -> None:
        with open(tmp, "w") as file:
            json.dump(document, file, indent=2)
    write_atomically(path, write)
