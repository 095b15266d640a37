"""Flat, typed exports of events: Parquet, CSV, JSON Lines and the GDELT 2.0 event table.

Every format has one row per event (or per event cluster, with `unique`), with the columns of
`newsevents.analysis.database.FLAT_SELECT`: each actor field its own column, the article's URL,
outlet and dates joined in, codes kept as text. docs/exports.md says how to load each format
with pandas, polars and DuckDB without losing the leading zero of "060".

A file export is written to a temporary file beside the target and renamed when complete, so a
failed export never leaves a partial file.
"""

from __future__ import annotations

import csv
import json
import os
import secrets
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from newsevents.errors import ExportError
from newsevents.gdelt import as_date
from newsevents.gdelt import write_gdelt as write_gdelt
from newsevents.records import Article

if TYPE_CHECKING:
    import duckdb

    from newsevents.analysis.query import EventFilter

FORMATS = ("parquet", "csv", "jsonl", "gdelt")
# The columns of a flat row, in order (those of FLAT_SELECT; tests hold the two together).
FLAT_COLUMNS = (
    "event_id", "article_id", "cluster_id", "date", "date_precision", "cameo", "cameo_root",
    "quad_class", "goldstein", "plover", "plover_mode",
    "source_text", "source_code", "source_country", "source_sector",
    "target_text", "target_code", "target_country", "target_sector",
    "trigger", "sentence", "sentence_index", "place", "place_country", "lat", "lon",
    "geonameid", "negated", "hypothetical", "attribution", "attribution_text", "reported_by",
    "confidence", "rule", "url", "outlet", "title", "published", "ingested_at",
    "num_mentions", "num_articles", "num_sources",
)
# Columns that hold codes and ids: text that looks like a number ("060", "04", an all-digit
# id). Pass them as string dtypes when reading CSV or JSON Lines (docs/exports.md).
STRING_COLUMNS = (
    "event_id", "article_id", "cluster_id", "cameo", "cameo_root",
    "source_code", "source_country", "source_sector",
    "target_code", "target_country", "target_sector", "place_country",
)
_BATCH = 2048
# Characters some readers take for the end of a line although JSON allows them in a string.
_JSON_LINE_BREAKS = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"})


def flat_event(event: Mapping[str, Any], article: Article) -> dict[str, Any]:
    """A flat row from `Event.to_dict()` and its article, as the database gives it for a stored
    event (dates as `date` objects); the event is its own cluster and not yet stored."""
    source = event.get("source") or {}
    target = event.get("target") or {}
    location = event.get("location") or {}
    plover = event.get("plover") or {}
    attribution = event.get("attribution") or {}
    own, published = as_date(event.get("date")), as_date(article.published)
    row = {
        "event_id": event["event_id"], "article_id": event["article_id"],
        "cluster_id": event["event_id"], "date": own or published,
        "date_precision": "article" if own is None and published is not None
        else event.get("date_precision"),
        "cameo": event["cameo"], "cameo_root": event["cameo_root"],
        "quad_class": event.get("quad_class"), "goldstein": event.get("goldstein"),
        "plover": plover.get("event"), "plover_mode": plover.get("mode"),
        **{f"{side}_{field}": actor.get(field) for side, actor in
           (("source", source), ("target", target))
           for field in ("text", "code", "country", "sector")},
        "trigger": event.get("trigger"), "sentence": event.get("sentence"),
        "sentence_index": event.get("sentence_index"),
        "place": location.get("name"), "place_country": location.get("country"),
        "lat": location.get("lat"), "lon": location.get("lon"),
        "geonameid": location.get("geonameid"),
        "negated": bool(event.get("negated")), "hypothetical": bool(event.get("hypothetical")),
        "attribution": attribution.get("type"), "attribution_text": attribution.get("text"),
        "reported_by": event.get("reported_by"), "confidence": event.get("confidence"),
        "rule": event.get("rule"), "url": article.url, "outlet": article.outlet,
        "title": article.title, "published": published, "ingested_at": None,
        "num_mentions": 1, "num_articles": 1, "num_sources": 1,
    }
    return {column: row[column] for column in FLAT_COLUMNS}


def write_jsonl(rows: Iterable[Mapping[str, Any]], stream: TextIO) -> int:
    """One JSON object per line, dates and times in ISO 8601, codes as strings."""
    written = 0
    for row in rows:
        line = json.dumps(row, ensure_ascii=False, default=_json_value)
        stream.write(line.translate(_JSON_LINE_BREAKS) + "\n")
        written += 1
    return written


def write_csv(rows: Iterable[Mapping[str, Any]], stream: TextIO,
              columns: Sequence[str] = FLAT_COLUMNS) -> int:
    """A header, then one line per event; RFC 4180 quoting (a field with a comma, a double
    quote or a line break is quoted, quotes doubled); null is an empty field; booleans are
    true/false; lines end with LF."""
    writer = csv.writer(stream, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    writer.writerow(columns)
    written = 0
    for row in rows:
        writer.writerow([_csv_value(row[column]) for column in columns])
        written += 1
    return written


def export_events(db: duckdb.DuckDBPyConnection, fmt: str, out: Path | None,
                  flt: EventFilter | None = None, unique: bool = False,
                  header: bool = False) -> int:
    """Write the events matching `flt` (one per cluster with `unique`), oldest first, to `out`
    or, for the text formats when `out` is None, to standard output. Returns the rows written
    (for gdelt, events with no coded actor are left out and logged)."""
    import duckdb

    from newsevents.analysis.database import events_sql

    if fmt not in FORMATS:
        raise ExportError(out, f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    if header and fmt != "gdelt":
        raise ExportError(out, "a header line is only for the gdelt format")
    if fmt == "parquet" and out is None:
        raise ExportError(None, "parquet is written to a file, not to standard output")
    sql, params = events_sql(flt, unique)
    try:
        if fmt == "parquet":
            assert out is not None
            return _write_parquet(db, sql, params, out)
        columns, rows = _query(db, sql, params)
        write = _text_writer(fmt, columns, header)
        if out is None:
            return write(rows, sys.stdout)
        with _replacing(out) as part, part.open("x", encoding="utf-8", newline="") as stream:
            return write(rows, stream)
    except duckdb.Error as exc:
        raise ExportError(out, f"cannot write: {_first_line(exc)}") from exc


def _text_writer(fmt: str, columns: Sequence[str], header: bool
                 ) -> Callable[[Iterable[Mapping[str, Any]], TextIO], int]:
    if fmt == "csv":
        return lambda rows, stream: write_csv(rows, stream, columns)
    if fmt == "gdelt":
        return lambda rows, stream: write_gdelt(rows, stream, header=header)
    return write_jsonl


def _write_parquet(db: duckdb.DuckDBPyConnection, sql: str, params: list[Any],
                   out: Path) -> int:
    """DuckDB writes the query's own types: DATE, DOUBLE, INTEGER, BOOLEAN, VARCHAR codes."""
    with _replacing(out) as part:
        found = db.execute(f"COPY ({sql}) TO ? (FORMAT parquet)", [*params, str(part)]).fetchone()
        return int(found[0]) if found else 0


@contextmanager
def _replacing(out: Path) -> Iterator[Path]:
    """A fresh path beside `out` to write to; renamed to `out` when the block succeeds, removed
    when it fails."""
    folder = out.parent
    if not folder.is_dir():
        raise ExportError(out, f"no such folder: {folder}")
    if out.is_dir():
        raise ExportError(out, "is a folder")
    part = folder / f".{out.name}.{secrets.token_hex(4)}.part"
    try:
        yield part
        os.replace(part, out)
    except OSError as exc:
        raise ExportError(out, f"cannot write: {exc.strerror or exc}") from exc
    finally:
        part.unlink(missing_ok=True)


def _query(db: duckdb.DuckDBPyConnection, sql: str, params: list[Any]
           ) -> tuple[list[str], Iterator[dict[str, Any]]]:
    """The query's column names, and its rows as dicts, fetched in batches as they are read."""
    cursor = db.execute(sql, params)
    names = [d[0] for d in cursor.description]

    def rows() -> Iterator[dict[str, Any]]:
        while batch := cursor.fetchmany(_BATCH):
            for values in batch:
                yield dict(zip(names, values, strict=True))

    return names, rows()


def _json_value(value: object) -> object:
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


def _csv_value(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
