"""The DuckDB store: articles and ingest errors, written in whole transactions."""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import duckdb

from newsevents.errors import (
    CannotWrite,
    DatabaseLocked,
    NewerDatabase,
    NotOurDatabase,
    StoreError,
)
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
        if self.path != ":memory:":
            _check_path(self.path, read_only)
        try:
            self.db = duckdb.connect(self.path, read_only=read_only)
        except duckdb.Error as exc:
            raise _open_error(self.path, exc, read_only) from exc
        try:
            self.db.execute("SET TimeZone = 'UTC'")  # ingested_at is UTC, as GDELT's DATEADDED
            self._migrate(read_only)
        except BaseException:
            self.db.close()
            raise

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
        """Bring the schema to this version's. A DuckDB file with tables but no schema_info
        is someone else's database and is refused before anything is written to it."""
        listed = self.db.execute("SELECT table_name FROM duckdb_tables() UNION ALL "
                                 "SELECT view_name FROM duckdb_views() WHERE NOT internal")
        tables = {row[0] for row in listed.fetchall()}
        if "schema_info" not in tables:
            if tables or read_only:
                raise NotOurDatabase(f"{self.path} is a DuckDB database but not a newsevents "
                                     "one", self.path)
            self.db.execute("CREATE TABLE schema_info (version INTEGER NOT NULL)")
        current = self.version
        if current > SCHEMA_VERSION:
            raise NewerDatabase(f"{self.path} was written by a newer newsevents (schema "
                                f"{current}, this one knows {SCHEMA_VERSION}); upgrade "
                                "newsevents", self.path)
        pending = [(v, sql) for v, sql in MIGRATIONS if v > current]
        if pending and read_only:
            raise StoreError(f"{self.path}: schema version {current} needs migrating; "
                             "open it once without read-only", self.path)
        for version, statements in pending:
            with self._writing(), self.transaction():
                for statement in statements:
                    self.db.execute(statement)
                self.db.execute("INSERT INTO schema_info VALUES (?)", [version])
            log.info("migrated %s to schema version %d", self.path, version)

    def transaction(self) -> _Transaction:
        return _Transaction(self.db)

    def _writing(self) -> _Writing:
        return _Writing(self.path)

    def write(self, batch: Sequence[Article | CodedArticle | IngestFailure]) -> Written:
        """Store one batch, articles with their events, in one transaction.

        Anything already stored (same article_id, event_id, or the same failure of the same
        file) is left as it is, so a re-run adds nothing twice. If the batch fails, none of it
        is written: no article is ever stored without its events. An Article (not coded, as
        `run --no-events` writes them) is remembered as uncoded; when it comes back coded, its
        row is replaced by the coded one (with the publication date the coder inferred) and
        its events are added.
        """
        uncoded: list[Article] = []
        coded: list[Article] = []
        events: list[Event] = []
        quotes: list[Quote] = []
        failures: list[IngestFailure] = []
        for item in batch:
            if isinstance(item, IngestFailure):
                failures.append(item)
            elif isinstance(item, Article):
                uncoded.append(item)
            else:
                coded.append(item.article)
                events.extend(item.events)
                quotes.extend(item.quotes)
        with self._writing(), self.transaction():
            self._replace_uncoded(coded)
            new_articles = self._insert("articles", "article_id", _ARTICLE_COLUMNS,
                                        [_article_row(a) for a in coded + uncoded])
            new_uncoded = [a.article_id for a in uncoded if a.article_id in new_articles]
            if new_uncoded:
                self.db.execute("INSERT OR IGNORE INTO uncoded_articles SELECT unnest(?)",
                                [new_uncoded])
            written = Written(
                len(new_articles),
                len(self._insert("events", "event_id", EVENT_COLUMNS,
                                 [_event_row(e) for e in events])),
                len(self._insert("ingest_errors", "error_id", _ERROR_COLUMNS,
                                 [_failure_row(f) for f in failures])),
            )
            self._insert("quotes", "quote_id", QUOTE_COLUMNS,
                         [tuple(q.to_dict()[c] for c in QUOTE_COLUMNS) for q in quotes])
            return written

    def _replace_uncoded(self, coded: list[Article]) -> None:
        """Rows of articles stored uncoded become their coded versions."""
        if not coded:
            return
        waiting = {row[0] for row in self.db.execute(
            "SELECT article_id FROM uncoded_articles WHERE article_id IN (SELECT unnest(?))",
            [[a.article_id for a in coded]]).fetchall()}
        if not waiting:
            return
        columns = ", ".join(f"{c} = ?" for c in _ARTICLE_COLUMNS[1:])
        self.db.executemany(f"UPDATE articles SET {columns} WHERE article_id = ?",
                            [(*row[1:], row[0]) for row in map(_article_row, coded)
                             if row[0] in waiting])
        self.db.execute("DELETE FROM uncoded_articles WHERE article_id IN (SELECT unnest(?))",
                        [sorted(waiting)])

    def known_articles(self, article_ids: Sequence[str]) -> set[str]:
        """The articles of `article_ids` that need no more work: stored, and coded. One
        stored by `run --no-events` is left out, so that a run that codes events codes it
        (a run that does not code writes every article, and a stored one is left as it is)."""
        if not article_ids:
            return set()
        rows = self.db.execute(
            "SELECT article_id FROM articles WHERE article_id IN (SELECT unnest(?)) "
            "AND article_id NOT IN (SELECT article_id FROM uncoded_articles)",
            [list(article_ids)]).fetchall()
        return {row[0] for row in rows}

    def _insert(self, table: str, key: str, columns: Sequence[str],
                rows: list[tuple[Any, ...]]) -> set[str]:
        """Insert the rows whose key is not stored yet; the keys that were new."""
        if not rows:
            return set()
        keys = {row[0] for row in rows}
        known = {r[0] for r in self.db.execute(
            f"SELECT {key} FROM {table} WHERE {key} IN (SELECT unnest(?))",
            [list(keys)]).fetchall()}
        marks = ", ".join("?" for _ in columns)
        self.db.executemany(
            f"INSERT OR IGNORE INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows
        )
        return keys - known

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

    def committed_count(self, table: str) -> int:
        """`count(table)` of what is committed, after rolling back a transaction left open
        (a Ctrl-C can come between BEGIN and COMMIT)."""
        with suppress(duckdb.Error):  # no transaction open
            self.db.execute("ROLLBACK")
        return self.count(table)

    def count(self, table: str) -> int:
        if table not in ("articles", "ingest_errors", "events", "quotes"):
            raise ValueError(table)
        rows = self.db.execute(f"SELECT count(*) FROM {table}").fetchall()
        return int(rows[0][0]) if rows else 0


class _Writing:
    """A write the disk refuses (a read-only file or folder, a full disk) as CannotWrite."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        if isinstance(value, duckdb.IOException):
            raise CannotWrite(f"cannot write {self.path}: {_os_reason(str(value))}",
                              self.path) from value


class _Transaction:
    """BEGIN … COMMIT, or ROLLBACK on any exception, Ctrl-C included."""

    def __init__(self, db: duckdb.DuckDBPyConnection) -> None:
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN TRANSACTION")

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.db.execute("COMMIT" if kind is None else "ROLLBACK")


def _check_path(path: str, read_only: bool) -> None:
    """Refuse what DuckDB would refuse less clearly: a folder, a missing database to read, a
    file or folder that cannot be written to write. (DuckDB writes FILE.wal beside FILE.)"""
    target = Path(path)
    if target.is_dir():
        raise NotOurDatabase(f"{path} is a folder, not a DuckDB database", path)
    if read_only:
        if not target.exists():
            raise StoreError(f"{path}: no such database", path)
        return
    folder = target.parent
    if not folder.is_dir():
        existing = next((p for p in folder.parents if p.exists()), None)
        if folder.exists() or (existing is not None and not existing.is_dir()):
            blocking = folder if folder.exists() else existing
            raise CannotWrite(f"cannot write {path}: {blocking} is not a folder", path)
        raise CannotWrite(f"cannot write {path}: no such folder {folder}", path)
    for place in (target, folder) if target.exists() else (folder,):
        if not os.access(place, os.W_OK):
            raise CannotWrite(f"cannot write {path}: {_access_reason(place)}", path)


def _access_reason(place: Path) -> str:
    if os.statvfs(place).f_flag & os.ST_RDONLY:
        return "read-only file system"
    return "permission denied" if place.is_file() else f"permission denied (folder {place})"


def _open_error(path: str, exc: duckdb.Error, read_only: bool) -> StoreError:
    """DuckDB's reason for not opening a file, as the one line a user can act on."""
    message = str(exc)
    holder = re.search(r"\(PID (\d+)\)", message)
    pid = f" (PID {holder.group(1)})" if holder else ""
    if "Could not set lock on file" in message:
        if not read_only and "read-only mode" in message:  # the holder only reads it
            return DatabaseLocked(f"{path} is open for reading in another process{pid}, "
                                  "e.g. newsevents serve; stop it to write", path)
        return DatabaseLocked(f"another newsevents run is writing to {path}{pid}", path)
    if "not a valid DuckDB database file" in message:
        return NotOurDatabase(f"{path} is not a DuckDB database", path)
    if "Is a directory" in message:
        return NotOurDatabase(f"{path} is a folder, not a DuckDB database", path)
    if isinstance(exc, duckdb.IOException) and re.search(
            r"Permission denied|Read-only file system|Not a directory|No such file", message):
        return CannotWrite(f"cannot write {path}: {_os_reason(message)}", path)
    if "newer" in message.lower() or "version number" in message:
        return NewerDatabase(f"{path} was written by a newer DuckDB than this newsevents "
                             f"reads ({_first_line(message)}); upgrade newsevents", path)
    return StoreError(f"{path}: cannot open database: {_first_line(message)}", path)


def _os_reason(message: str) -> str:
    """'IO Error: Cannot open file "x": Permission denied' → 'permission denied'."""
    reason = _first_line(message).rsplit('": ', 1)[-1].rsplit(": ", 1)[-1]
    return reason[:1].lower() + reason[1:]


def _first_line(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else message


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
