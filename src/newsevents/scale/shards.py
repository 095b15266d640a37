"""Cutting the input into shards: units of work that a worker reads, codes and writes alone.

A JSON Lines or web-archive file is cut every `scale.shard_records` records (the workers read
only their range); other files are grouped `scale.shard_files` to a shard. A shard's id is a
hash of what it covers (paths, sizes, modification times and ranges), so a rerun on the same
input finds the shards it already finished, and a changed file is a new shard.
"""

from __future__ import annotations

import codecs
import gzip
import hashlib
import io
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsevents.errors import InputError
from newsevents.ingest.sources import STDIN, input_files, refusal

_RECORD_SUFFIXES = (".jsonl", ".ndjson", ".warc", ".wet", ".arc")
_WIDE_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_BE)


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
            _RECORD_SUFFIXES) and refusal(path) is None else None
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
    """The input files, as an unsharded run reads them: what cannot be read (a folder that
    cannot be listed, a FIFO, a device) is kept, read whole, and so reported with its reason."""
    for arg in paths:
        if arg == STDIN:
            raise InputError(STDIN, "a sharded run reads files, not standard input")
        if not Path(arg).exists():
            raise InputError(arg, "no such file or folder")
        yield from input_files(arg)


def _record_count(path: str) -> int | None:
    """Records in a JSON Lines file (lines) or a web archive (HTML and text records), read
    streaming; None when the file is not what its name says (it is then read whole)."""
    opener: Any = gzip.open if path.lower().endswith(".gz") else open
    try:
        with opener(path, "rb") as handle:
            head = handle.read(4)
            if head.startswith(b"WARC"):
                return _warc_records(path)
            if head.startswith(_WIDE_BOMS):
                return None  # UTF-16 or UTF-32 lines: decoded whole, as an unsharded run does
            return head.count(b"\n") + sum(block.count(b"\n") for block in
                                           iter(lambda: handle.read(1 << 20), b"")) + 1
    except (OSError, EOFError):
        return None


def _warc_records(path: str) -> int | None:
    from newsevents.ingest.readers import count_warc_documents

    try:
        with open(path, "rb") as handle:
            return count_warc_documents(handle)
    except (OSError, ValueError, io.UnsupportedOperation):
        return None


def _shard(inputs: list[ShardInput]) -> Shard:
    digest = hashlib.sha256()
    for item in inputs:
        try:
            stat = os.stat(item.path)
        except OSError:  # a broken link: read, it gives its reason
            stat = os.lstat(item.path)
        digest.update(f"{Path(item.path).resolve()}\0{stat.st_size}\0{stat.st_mtime_ns}\0"
                      f"{item.records}\n".encode())
    return Shard(digest.hexdigest()[:16], tuple(inputs))
