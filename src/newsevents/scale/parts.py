"""One shard's work: read, clean, filter, code, and write Parquet parts with a completion marker.

A shard writes into `OUT/shards/ID.part-XXXX/`, then renames it to `OUT/shards/ID/` and writes
`_SUCCESS` last, so a shard directory with `_SUCCESS` is complete and anything else is debris
of a killed worker, ignored and replaced by the next attempt. The parts are the database's own
tables (articles, events, quotes, ingest_errors), written by DuckDB from an in-memory store
with the same schema, so the loader inserts them column for column.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import shutil
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from newsevents.ingest.readers import Outcome, read_jsonl, read_warc
from newsevents.ingest.sources import is_warc_file, read_limited
from newsevents.ingest.steps import DropDuplicates, FilterLanguage, FilterLength, ReadDocuments
from newsevents.pipeline import Step, StepCount, chain
from newsevents.records import IngestFailure
from newsevents.scale.shards import Shard
from newsevents.settings import Settings
from newsevents.store.duckdb_store import Store, batched

log = logging.getLogger(__name__)
TABLES = ("articles", "events", "quotes", "ingest_errors")
MARKER = "_SUCCESS"
_SKIP_PIECE = 1 << 20  # bytes read at a time while dropping the rest of an over-long line


@dataclass(slots=True)
class ShardResult:
    """What one shard did; also the content of its `_SUCCESS` marker."""

    shard_id: str
    articles: int = 0
    events: int = 0
    errors: int = 0
    seconds: float = 0.0
    skipped: bool = False  # finished by an earlier run
    reasons: Counter[str] = field(default_factory=Counter)  # why documents were dropped
    steps: dict[str, StepCount] = field(default_factory=dict)  # each step's counts

    def to_json(self) -> str:
        return json.dumps({"shard_id": self.shard_id, "articles": self.articles,
                           "events": self.events, "errors": self.errors,
                           "seconds": round(self.seconds, 3), "reasons": dict(self.reasons),
                           "steps": {k: v.to_dict() for k, v in self.steps.items()}})


def shard_dir(out: Path, shard_id: str) -> Path:
    return out / "shards" / shard_id


def finished(out: Path, shard_id: str) -> bool:
    return (shard_dir(out, shard_id) / MARKER).is_file()


def process_shard(shard: Shard, settings: Settings, out: str,
                  given_date: date | None = None) -> ShardResult:
    """Code one shard into Parquet parts; a shard finished before is skipped."""
    root = Path(out)
    if finished(root, shard.shard_id):
        return ShardResult(shard.shard_id, skipped=True)
    from newsevents.coder.job import CodeArticles  # spaCy loads only when there is work
    from newsevents.ingest.job import failure_kind

    start = time.perf_counter()
    result = ShardResult(shard.shard_id)
    ingest = settings.ingest
    steps: list[Step] = [FilterLength(ingest.min_words), FilterLanguage(ingest.languages),
                         DropDuplicates(), CodeArticles(settings, given_date)]
    stream = chain(shard_outcomes(shard, settings), steps, counts=result.steps)
    staging = root / "shards" / f"{shard.shard_id}.part-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    with Store(":memory:") as store:
        for batch in batched(stream, settings.store.batch_size):
            written = store.write(batch)
            result.articles += written.articles
            result.events += written.events
            result.errors += written.errors
            for item in batch:
                if isinstance(item, IngestFailure):
                    result.reasons[failure_kind(item.reason)] += 1
        for table in TABLES:
            store.db.execute(f"COPY {table} TO ? (FORMAT parquet)",
                             [str(staging / f"{table}.parquet")])
    result.seconds = time.perf_counter() - start
    target = shard_dir(root, shard.shard_id)
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    (target / MARKER).write_text(result.to_json() + "\n", "utf-8")
    return result


def shard_outcomes(shard: Shard, settings: Settings) -> Iterator[Outcome]:
    """The articles and failures of a shard's inputs. A record range of a big file is read
    streaming: only its lines of a JSON Lines file, record by record in a web archive."""
    ingest = settings.ingest
    whole = ReadDocuments(ingest.max_bytes, ingest.clean_records, ingest.stage_seconds)
    for item in shard.inputs:
        try:
            if item.records is None:
                yield from whole.run([read_limited(item.path, ingest.max_bytes)])
            elif is_warc_file(item.path):
                with open(item.path, "rb") as handle:
                    yield from read_warc(item.path, handle, item.records, ingest.max_bytes)
            else:
                yield from _jsonl_range(item.path, item.records, ingest)
        except OSError as exc:
            yield IngestFailure(item.path, f"cannot read: {exc.strerror or exc}")
        except Exception as exc:  # untrusted input: one bad file must never stop the run
            log.exception("reader crashed on %s", item.path)
            yield IngestFailure(item.path, f"reader failed: {type(exc).__name__}: {exc}")


def _jsonl_range(path: str, records: tuple[int, int], ingest: Any) -> Iterator[Outcome]:
    """Lines first..last of a JSON Lines file (gzip or not), one at a time. A line over the
    size limit is refused without being held: its bytes past the limit are read and dropped
    in pieces, so a file (or a gzip bomb) with no line break costs no more than the limit."""
    first, last = records
    opener = gzip.open if path.lower().endswith(".gz") else open
    with opener(path, "rb") as handle:
        number = 0
        while number < last:
            line = handle.readline(ingest.max_bytes + 1)
            if not line:
                break
            number += 1
            if len(line) > ingest.max_bytes and not line.endswith(b"\n"):
                while (rest := handle.readline(_SKIP_PIECE)) and not rest.endswith(b"\n"):
                    pass
                if number >= first:
                    yield IngestFailure(f"{path}#{number}",
                                        f"too large: line over {ingest.max_bytes:,} bytes")
                continue
            if number >= first:
                text = line.decode("utf-8", errors="replace").rstrip("\r\n")
                yield from read_jsonl(path, text, ingest.clean_records, offset=number - 1)


def read_marker(out: Path, shard_id: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((shard_dir(out, shard_id) / MARKER).read_text("utf-8"))
    return loaded


