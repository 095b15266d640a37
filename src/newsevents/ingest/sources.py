"""Expand the user's PATH arguments into raw documents, one per file, in a stable order."""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from newsevents.records import IngestFailure

STDIN = "-"


@dataclass(slots=True, frozen=True)
class RawDocument:
    """The bytes of one input file (or of stdin), before anything is decided about them."""

    path: str
    data: bytes

    @property
    def sha(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def _files_below(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))


def _read_limited(path: str, max_bytes: int) -> RawDocument | IngestFailure:
    if path == STDIN:
        data = sys.stdin.buffer.read(max_bytes + 1)
    else:
        size = Path(path).stat().st_size
        if size > max_bytes:
            return IngestFailure(path, f"too large: {size:,} bytes (limit {max_bytes:,})")
        data = Path(path).read_bytes()
    if len(data) > max_bytes:
        return IngestFailure(path, f"too large: over {max_bytes:,} bytes")
    return RawDocument(path, data)


def expand_paths(paths: Iterable[str], max_bytes: int) -> Iterator[RawDocument | IngestFailure]:
    """Yield one raw document (or a failure) per input file; folders are read recursively.

    A path that does not exist or cannot be read becomes a failure and the run goes on.
    """
    for arg in paths:
        if arg == STDIN:
            yield _read_limited(STDIN, max_bytes)
            continue
        root = Path(arg)
        if not root.exists():
            yield IngestFailure(arg, "no such file or folder")
            continue
        for path in _files_below(root) if root.is_dir() else [root]:
            try:
                yield _read_limited(str(path), max_bytes)
            except OSError as exc:
                yield IngestFailure(str(path), f"cannot read: {exc.strerror or exc}")
