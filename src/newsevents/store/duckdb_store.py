"""The DuckDB store: articles and ingest errors, written in whole transactions."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import duckdb

from newsevents.errors import StoreError
from newsevents.records import Article, Event, IngestFailure, Quote
from newsevents.store.migrations import MIGRATIONS

if TYPE_CHECKING:
    from newsevents.coder.job import CodedArticle

log = logging.getLogger(__name__)
SCHEMA_VERSION = MIGRATIONS[-1][0]

_ARTICLE_COLUMNS = ("article_id", "path", "url", "outlet", "title", "author", "published",
                    "published_source", "page_date", "language", "text", "dropped",
                    "published_precision", "published_confidence", "published_evidence")
QUOTE_COLUMNS = ("quote_id", "article_id", "speaker", "text", "span", "anonymous", "kind")
_ERROR_COLUMNS = ("error_id", "path", "reason", "language", "content_sha")
EVENT_COLUMNS = ("event_id", "article_id", "sentence_index", "sentence", "trigger",
                 "trigger_span", "source", "target", "cameo", "cameo_root", "quad_class",
                 "goldstein", "plover", "date", "date_precision", "location", "negated",
                 "hypothetical", "attribution", "reported_by", "confidence", "rule")


@dataclass(slots=True, frozen=True)
class Written:
    """What one write added (anything already stored is not counted)."""

    articles: int = 0
    events: int = 0
    errors: int = 0


class Store:
    """A DuckDB file holding what newsevents has read. Use as a context manager."""

    def __init__(self, path: str | Path, read_only: bool = False) -> None:
        self.path = str(path)
        if read_only and not Path(self.path).exists():
            raise StoreError(f"{self.path}: no such database")
        try:
            self.db = duckdb.connect(self.path, read_only=read_only)
        except duckdb.Error as exc:
            raise StoreError(f"{self.path}: cannot open database: {exc}") from exc
        self.db.execute("SET TimeZone = 'UTC'")  # ingested_at is UTC, as GDELT's DATEADDED
        self._migrate(read_only)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self.db.close()

    @property
    def version(self) -> int:
        rows = self.db.execute("SELECT max(version) FROM schema_info").fetchall()
        return int(rows[0][0]) if rows and rows[0][0] is not None else 0

    def _migrate(self, read_only: bool) -> None:
        listed = self.db.execute("SELECT table_name FROM duckdb_tables()").fetchall()
        tables = {row[0] for row in listed}
        if "schema_info" not in tables:
            if read_only:
                raise StoreError(f"{self.path}: not a newsevents database")
            self.db.execute("CREATE TABLE schema_info (version INTEGER NOT NULL)")
        current = self.version
        if current > SCHEMA_VERSION:
            raise StoreError(f"{self.path}: schema version {current} is newer than this "
                             f"newsevents understands ({SCHEMA_VERSION}); upgrade newsevents")
        pending = [(v, sql) for v, sql in MIGRATIONS if v > current]
        if pending and read_only:
            raise StoreError(f"{self.path}: schema version {current} needs migrating; "
                             "open it once without read-only")
        for version, statements in pending:
            with self.transaction():
                for statement in statements:
                    self.db.execute(statement)
                self.db.execute("INSERT INTO schema_info VALUES (?)", [version])
            log.info("migrated %s to schema version %d", self.path, version)

    def transaction(self) -> _Transaction:
        return _Transaction(self.db)

    def write(self, batch: Sequence[Article | CodedArticle | IngestFailure]) -> Written:
        """Store one batch, articles with their events, in one transaction.

        Anything already stored (same article_id, event_id, or the same failure of the same
        file) is left as it is, so a re-run adds nothing twice. If the batch fails, none of it
        is written: no article is ever stored without its events.
        """
        articles: list[Article] = []
        events: list[Event] = []
        quotes: list[Quote] = []
        failures: list[IngestFailure] = []
        for item in batch:
            if isinstance(item, IngestFailure):
                failures.append(item)
            elif isinstance(item, Article):
                articles.append(item)
            else:
                articles.append(item.article)
                events.extend(item.events)
                quotes.extend(item.quotes)
        with self.transaction():
            written = Written(
                self._insert("articles", "article_id", _ARTICLE_COLUMNS,
                             [_article_row(a) for a in articles]),
                self._insert("events", "event_id", EVENT_COLUMNS,
                             [_event_row(e) for e in events]),
                self._insert("ingest_errors", "error_id", _ERROR_COLUMNS,
                             [_failure_row(f) for f in failures]),
            )
            self._insert("quotes", "quote_id", QUOTE_COLUMNS,
                         [tuple(q.to_dict()[c] for c in QUOTE_COLUMNS) for q in quotes])
            return written

    def known_articles(self, article_ids: Sequence[str]) -> set[str]:
        if not article_ids:
            return set()
        rows = self.db.execute("SELECT article_id FROM articles WHERE article_id IN "
                               "(SELECT unnest(?))", [list(article_ids)]).fetchall()
        return {row[0] for row in rows}

    def _insert(self, table: str, key: str, columns: Sequence[str],
                rows: list[tuple[Any, ...]]) -> int:
        if not rows:
            return 0
        keys = list({row[0] for row in rows})
        known = {r[0] for r in self.db.execute(
            f"SELECT {key} FROM {table} WHERE {key} IN (SELECT unnest(?))", [keys]).fetchall()}
        marks = ", ".join("?" for _ in columns)
        self.db.executemany(
            f"INSERT OR IGNORE INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows
        )
        return len(set(keys) - known)

    def articles(self) -> Iterator[dict[str, Any]]:
        cursor = self.db.execute(
            f"SELECT {', '.join(_ARTICLE_COLUMNS)} FROM articles ORDER BY path, article_id"
        )
        names = [d[0] for d in cursor.description]
        for row in cursor.fetchall():
            record = dict(zip(names, row, strict=True))
            for field in ("published", "page_date"):
                if record[field] is not None:
                    record[field] = record[field].isoformat()
            yield record

    def ingest_errors(self) -> list[dict[str, Any]]:
        cursor = self.db.execute(
            f"SELECT {', '.join(_ERROR_COLUMNS)} FROM ingest_errors ORDER BY path, reason"
        )
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def count(self, table: str) -> int:
        if table not in ("articles", "ingest_errors", "events", "quotes"):
            raise ValueError(table)
        rows = self.db.execute(f"SELECT count(*) FROM {table}").fetchall()
        return int(rows[0][0]) if rows else 0


class _Transaction:
    """BEGIN … COMMIT, or ROLLBACK on any exception, Ctrl-C included."""

    def __init__(self, db: duckdb.DuckDBPyConnection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN TRANSACTION")

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.db.execute("COMMIT" if kind is None else "ROLLBACK")


def _article_row(a: Article) -> tuple[Any, ...]:
    dropped = [{"line": d.line, "reason": d.reason} for d in a.dropped]
    return (a.article_id, a.path, a.url, a.outlet, a.title, a.author, a.published,
            a.published_source, a.page_date, a.language, a.text, dropped,
            a.published_precision, a.published_confidence, a.published_evidence)


def _event_row(e: Event) -> tuple[Any, ...]:
    record = e.to_dict()
    return tuple(record[column] for column in EVENT_COLUMNS)


def _failure_row(f: IngestFailure) -> tuple[Any, ...]:
    return (f.error_id, f.path, f.reason, f.language, f.content_sha)


def batched(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch
