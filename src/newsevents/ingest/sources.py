"""Expand the user's PATH arguments into raw documents, one per file, in a stable order."""

from __future__ import annotations

import gzip
import hashlib
import logging
import os
import stat
import sys
import zlib
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
_SPECIAL = {stat.S_IFIFO: "a FIFO", stat.S_IFSOCK: "a socket", stat.S_IFCHR: "a character device",
            stat.S_IFBLK: "a block device"}


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


def input_files(arg: str) -> list[str]:
    """The files one path argument names: itself, or the news files below a folder in a stable
    order. What cannot be read stays in the list, so that reading it gives the reason: a folder
    that cannot be listed, an entry named like news input that is not a regular file."""
    if not os.path.isdir(arg):
        return [str(Path(arg)) if os.path.exists(arg) else arg]
    found: list[Path] = []

    def unlisted(error: OSError) -> None:
        found.append(Path(error.filename if error.filename is not None else arg))

    for folder, folders, names in os.walk(arg, onerror=unlisted):  # links to folders: not followed
        folders[:] = sorted(f for f in folders if not f.startswith("."))  # .git, .cache: not news
        for name in names:
            path = Path(folder, name)
            if is_news_file(path):
                found.append(path)
            else:
                log.info("not read (not news input by its name): %s", path)
    return [str(p) for p in sorted(found)]


def refusal(path: str) -> str | None:
    """Why a path cannot be read as an input file, from its metadata alone (a FIFO would block
    and a device never end, so nothing is opened), or None for a regular file."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "no such file (a broken link)" if os.path.islink(path) else "no such file or folder"
    except OSError as exc:
        return f"cannot read: {exc.strerror or exc}"
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        try:
            with os.scandir(path):
                return "a folder, not a file"
        except OSError as exc:
            return f"cannot read folder: {exc.strerror or exc}"
    return f"not a regular file ({_SPECIAL.get(stat.S_IFMT(mode), 'a special file')}): not read"


def read_limited(path: str, max_bytes: int) -> RawDocument | IngestFailure:
    """The bytes of one input file (or of standard input), or why they are not read: a file over
    `max_bytes` is refused before it is read; a web archive is streamed, record by record."""
    if path == STDIN:
        data = sys.stdin.buffer.read(max_bytes + 1)
    else:
        reason = refusal(path)
        if reason is not None:
            return IngestFailure(path, reason)
        if is_warc_file(path):
            return RawDocument(path, b"", streamed=True)  # any size: each record is bounded
        size = Path(path).stat().st_size
        if size > max_bytes:
            return IngestFailure(path, f"too large: {size:,} bytes (limit {max_bytes:,})")
        with open(path, "rb") as handle:
            data = handle.read(max_bytes + 1)  # it may have grown since
    if len(data) > max_bytes:
        return IngestFailure(path, f"too large: over {max_bytes:,} bytes")
    return RawDocument(path, data)


def expand_paths(paths: Iterable[str], max_bytes: int) -> Iterator[RawDocument | IngestFailure]:
    """Yield one raw document (or a failure) per input file; folders are read recursively.

    A path that does not exist or cannot be read, a folder that cannot be listed, and anything
    that is not a regular file or folder (a FIFO, a socket, a device) become failures, never
    opened, and the run goes on.
    """
    for arg in paths:
        if arg == STDIN:
            yield read_limited(STDIN, max_bytes)
            continue
        for path in input_files(arg):
            try:
                yield read_limited(path, max_bytes)
            except OSError as exc:
                yield IngestFailure(path, f"cannot read: {exc.strerror or exc}")


def estimate_documents(paths: Iterable[str]) -> int | None:
    """How many documents the inputs hold, for a progress bar's ETA, or None when that cannot
    be known cheaply (standard input, web archives, compressed files, or an unreadable file).

    A JSON Lines file counts its non-blank lines, as its reader does; any other file is one.
    """
    total = 0
    for arg in paths:
        if arg == STDIN:
            return None
        try:
            for path in input_files(arg):
                name = path.lower()
                if name.endswith((".gz", ".warc", ".wet")) or refusal(path) is not None:
                    return None
                if name.endswith((".jsonl", ".ndjson")):
                    with open(path, "rb") as handle:
                        total += sum(1 for line in handle if line.strip())
                else:
                    total += 1
        except OSError:
            return None
    return total


def is_warc_file(path: str) -> bool:
    """True when a file holds a web archive (plain or gzipped), from its first bytes."""
    if refusal(path) is not None:
        return False
    try:
        with open(path, "rb") as handle:
            head = handle.read(64)
        if head[:2] == b"\x1f\x8b":
            with gzip.open(path) as unpacked:
                head = unpacked.read(64)
    except (OSError, EOFError, zlib.error):  # damaged gzip: the reader says why
        return False
    return head.lstrip()[:5] == b"WARC/"
