"""Filling the database from finished shards' Parquet parts, one transaction per shard.

A shard is loaded once: `loaded_shards` remembers it, and rows already stored (the same
article, event, quote or failure from another shard or an earlier run) are left as they are,
so neither a rerun nor two shards holding the same article can duplicate anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from newsevents.scale.parts import MARKER, TABLES, read_marker, shard_dir
from newsevents.store.duckdb_store import QUOTE_COLUMNS, Store

_KEYS = {"articles": "article_id", "events": "event_id", "quotes": "quote_id",
         "ingest_errors": "error_id"}


@dataclass(slots=True)
class Loaded:
    shards: int = 0
    articles: int = 0
    events: int = 0
    errors: int = 0


def load_shards(store: Store, out: Path, shard_ids: list[str]) -> Loaded:
    """Load every finished shard of `shard_ids` not loaded before, in that order."""
    done = {row[0] for row in store.db.execute("SELECT shard_id FROM loaded_shards").fetchall()}
    loaded = Loaded()
    for shard_id in shard_ids:
        if shard_id in done or not (shard_dir(out, shard_id) / MARKER).is_file():
            continue
        added = _load_one(store, out, shard_id)
        loaded.shards += 1
        loaded.articles += added["articles"]
        loaded.events += added["events"]
        loaded.errors += added["ingest_errors"]
    return loaded


def _load_one(store: Store, out: Path, shard_id: str) -> dict[str, int]:
    folder = shard_dir(out, shard_id)
    read_marker(out, shard_id)  # a damaged marker fails here, before anything is written
    added: dict[str, int] = {}
    with store.transaction():
        # articles a `run --no-events` stored uncoded are replaced by their coded rows
        articles = str(folder / "articles.parquet")
        for sql in ("DELETE FROM articles WHERE article_id IN (SELECT article_id FROM "
                    "uncoded_articles) AND article_id IN (SELECT article_id FROM "
                    "read_parquet(?))",
                    "DELETE FROM uncoded_articles WHERE article_id IN (SELECT article_id FROM "
                    "read_parquet(?))"):
            store.db.execute(sql, [articles])
        for table in TABLES:
            before = store.count(table)
            columns = _columns(store, table)
            names = ", ".join(columns)
            store.db.execute(
                f"INSERT OR IGNORE INTO {table} ({names}) SELECT {names} FROM read_parquet(?)",
                [str(folder / f"{table}.parquet")])
            added[table] = store.count(table) - before
        store.db.execute("INSERT INTO loaded_shards (shard_id, articles, events, errors) "
                         "VALUES (?, ?, ?, ?)",
                         [shard_id, added["articles"], added["events"], added["ingest_errors"]])
    return added


def _columns(store: Store, table: str) -> list[str]:
    if table == "quotes":
        return list(QUOTE_COLUMNS)
    rows = store.db.execute("SELECT column_name FROM duckdb_columns() WHERE table_name = ? "
                            "ORDER BY column_index", [table]).fetchall()
    return [row[0] for row in rows]
