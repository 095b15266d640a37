"""newsevents' own cache files: data built once from installed packages, kept for later
processes under `$XDG_CACHE_HOME/newsevents` (else `~/.cache/newsevents`).

A cache file is only ever written by newsevents itself, atomically, and named by the version
of what it was built from, so a stale or half-written one is never read.
"""

from __future__ import annotations

import logging
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def cache_dir() -> Path:
    root = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(root) / "newsevents"


def read_cache(path: Path) -> Any | None:
    """The cached value, or None when there is none or it cannot be read."""
    if not path.is_file():
        return None
    try:
        with path.open("rb") as handle:
            return pickle.load(handle)  # our own cache file
    except (OSError, pickle.UnpicklingError, ValueError, EOFError, AttributeError) as exc:
        log.warning("%s: unreadable cache (%s); rebuilding", path, exc)
        return None


def write_cache(path: Path, value: object) -> None:
    """Atomically (a half-written cache would be worse than none); a failure only logs."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(handle.name, path)
    except OSError as exc:
        log.warning("%s: could not write the cache (%s); it will be rebuilt next time",
                    path, exc)
