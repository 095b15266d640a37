"""Cutting the input into shards: units of work that a worker reads, codes and writes alone.

A JSON Lines or web-archive file is cut every `scale.shard_records` records (the workers read
only their range); other files are grouped `scale.shard_files` to a shard. A shard's id is a
hash of what it covers (paths, sizes, modification times and ranges), so a rerun on the same
input finds the shards it already finished, and a changed file is a new shard.
"""

from __future__ import annotations

import gzip
import hashlib
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from newsevents.errors import InputError
from newsevents.ingest.sources import STDIN, is_news_file

_RECORD_SUFFIXES = (".jsonl", ".ndjson", ".warc", ".wet", ".arc")


@dataclass(slots=True, frozen=True)
class ShardInput:
    """One file of a shard, whole or a range of its records (first, last, from 1)."""

    path: str
    records: tuple[int, int] | None = None


@dataclass(slots=True, frozen=True)
class Shard:
    shard_id: str
    inputs: tuple[ShardInput, ...]


def plan_shards(paths: Iterable[str], shard_records: int, shard_files: int) -> list[Shard]:
    """The shards of the inputs, in input order."""
    shards: list[Shard] = []
    loose: list[ShardInput] = []
    for path in _files(paths):
        count = _record_count(path) if path.lower().removesuffix(".gz").endswith(
            _RECORD_SUFFIXES) else None
        if count is None:
            loose.append(ShardInput(path))
            if len(loose) == shard_files:
                shards.append(_shard(loose))
                loose = []
            continue
        for first in range(1, max(count, 1) + 1, shard_records):
            shards.append(_shard([ShardInput(path, (first, first + shard_records - 1))]))
    if loose:
        shards.append(_shard(loose))
    return shards


def _files(paths: Iterable[str]) -> Iterator[str]:
    for arg in paths:
        if arg == STDIN:
            raise InputError(STDIN, "a sharded run reads files, not standard input")
        root = Path(arg)
        if not root.exists():
            raise InputError(arg, "no such file or folder")
        if root.is_dir():
            yield from (str(p) for p in sorted(root.rglob("*")) if p.is_file() and
                        is_news_file(p))
        else:
            yield str(root)


def _record_count(path: str) -> int | None:
    """Records in a JSON Lines file (lines) or a web archive (HTML and text records), read
    streaming; None when the file is not what its name says (it is then read whole)."""
    opener: Any = gzip.open if path.lower().endswith(".gz") else open
    try:
        with opener(path, "rb") as handle:
            head = handle.read(4)
            if head.startswith(b"WARC"):
                return _warc_records(path)
            return head.count(b"\n") + sum(block.count(b"\n") for block in
                                           iter(lambda: handle.read(1 << 20), b"")) + 1
    except (OSError, EOFError):
        return None


def _warc_records(path: str) -> int | None:
    from newsevents.ingest.readers import _HTML_CONTENT

    count = 0
    try:
        with open(path, "rb") as handle:
            for record in ArchiveIterator(handle):
                if record.rec_type == "conversion":
                    count += 1
                elif record.rec_type in ("response", "resource"):
                    headers = record.http_headers or record.rec_headers
                    if _HTML_CONTENT.search(headers.get_header("Content-Type", "").encode()):
                        count += 1
    except (ArchiveLoadFailed, OSError, ValueError, io.UnsupportedOperation):
        return None
    return count


def _shard(inputs: list[ShardInput]) -> Shard:
    digest = hashlib.sha256()
    for item in inputs:
        stat = Path(item.path).stat()
        digest.update(f"{Path(item.path).resolve()}\0{stat.st_size}\0{stat.st_mtime_ns}\0"
                      f"{item.records}\n".encode())
    return Shard(digest.hexdigest()[:16], tuple(inputs))
