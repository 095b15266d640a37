"""Expand the user's PATH arguments into raw documents, one per file, in a stable order."""

from __future__ import annotations

import hashlib
import logging
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from newsevents.records import IngestFailure

log = logging.getLogger(__name__)
STDIN = "-"
# Inside a folder, only files named like news input are read (a README or a CSV beside the
# articles is not an article). A file named on the command line is always read.
NEWS_SUFFIXES = frozenset({"", ".txt", ".text", ".html", ".htm", ".xhtml", ".shtml", ".jsonl",
                           ".ndjson", ".json", ".warc", ".wet", ".arc"})


@dataclass(slots=True, frozen=True)
class RawDocument:
    """The bytes of one input file (or of stdin), before anything is decided about them."""

    path: str
    data: bytes
    # Only these record numbers (first, last; JSONL lines or WARC records, from 1) of the file:
    # a shard of a big file. None reads every record.
    records: tuple[int, int] | None = None
    # A web archive read from its file record by record, never whole (`data` is empty).
    streamed: bool = False

    @property
    def sha(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def is_news_file(path: Path) -> bool:
    """True when a file's name says it may hold news: .txt, .html, .jsonl, .warc (or .gz)."""
    name = path.name.lower().removesuffix(".gz")
    return not path.name.startswith(".") and Path(name).suffix in NEWS_SUFFIXES


def _files_below(folder: Path) -> list[Path]:
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    for ignored in (p for p in files if not is_news_file(p)):
        log.info("not read (not news input by its name): %s", ignored)
    return [p for p in files if is_news_file(p)]


def read_limited(path: str, max_bytes: int) -> RawDocument | IngestFailure:
    if path != STDIN and is_warc_file(path):
        return RawDocument(path, b"", streamed=True)  # any size: each record is bounded
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
            yield read_limited(STDIN, max_bytes)
            continue
        root = Path(arg)
        if not root.exists():
            yield IngestFailure(arg, "no such file or folder")
            continue
        for path in _files_below(root) if root.is_dir() else [root]:
            try:
                yield read_limited(str(path), max_bytes)
            except OSError as exc:
                yield IngestFailure(str(path), f"cannot read: {exc.strerror or exc}")


def estimate_documents(paths: Iterable[str]) -> int | None:
    """How many documents the inputs hold, for a progress bar's ETA, or None when that cannot
    be known cheaply (standard input, web archives, compressed files, or an unreadable file).

    A JSON Lines file counts its non-blank lines, as its reader does; any other file is one.
    """
    total = 0
    for arg in paths:
        if arg == STDIN:
            return None
        root = Path(arg)
        try:
            files = _files_below(root) if root.is_dir() else [root]
            for path in files:
                name = path.name.lower()
                if name.endswith((".gz", ".warc", ".wet")) or not path.is_file():
                    return None
                if name.endswith(".jsonl"):
                    with path.open("rb") as handle:
                        total += sum(1 for line in handle if line.strip())
                else:
                    total += 1
        except OSError:
            return None
    return total


def is_warc_file(path: str) -> bool:
    """True when a file holds a web archive (plain or gzipped), from its first bytes."""
    import gzip

    try:
        with open(path, "rb") as handle:
            head = handle.read(64)
        if head[:2] == b"\x1f\x8b":
            with gzip.open(path) as unpacked:
                head = unpacked.read(64)
    except (OSError, EOFError):
        return False
    return head.lstrip()[:5] == b"WARC/"
