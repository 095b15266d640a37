"""What each endpoint returns, built once for both the API and the pages.

A page renders exactly the dictionary its JSON twin returns, so the two cannot drift. Values
are JSON-ready: dates as ISO strings, codes as strings, no NaN.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import duckdb

from newsevents.analysis import database
from newsevents.analysis.query import EventFilter

ARTICLE_FIELDS = ("article_id", "url", "title", "outlet", "published")


def jsonable(value: Any) -> Any:
    """`value` with dates as ISO strings, decimals as floats and NaN as null, recursively."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        value = float(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def events_view(db: duckdb.DuckDBPyConnection, flt: EventFilter, limit: int, offset: int,
                unique: bool) -> dict[str, Any]:
    """A page of events as flat rows, oldest first, with the total that match."""
    page = database.events(db, flt, limit=limit, offset=offset, unique=unique)
    return {"total": page.total, "limit": limit, "offset": offset, "unique": unique,
            "events": jsonable(page.rows)}


def event_view(db: duckdb.DuckDBPyConnection, event_id: str) -> dict[str, Any] | None:
    """One event with its evidence, its article and its cluster, or None."""
    found = database.event(db, event_id)
    if found is None:
        return None
    found["article"] = {name: found.get(name) for name in ARTICLE_FIELDS}
    return dict(jsonable(found))


def articles_view(db: duckdb.DuckDBPyConnection, text: str | None, limit: int,
                  offset: int) -> dict[str, Any]:
    """A page of stored articles, newest first, with their event counts."""
    page = database.articles(db, text or None, limit=limit, offset=offset)
    return {"total": page.total, "limit": limit, "offset": offset,
            "articles": jsonable(page.rows)}


def actors_view(db: duckdb.DuckDBPyConnection, flt: EventFilter, limit: int,
                offset: int) -> dict[str, Any]:
    """Actor codes seen in the matching events, most frequent first."""
    rows = database.actors(db, flt)
    return {"total": len(rows), "limit": limit, "offset": offset,
            "actors": jsonable(rows[offset:offset + limit])}


def dyads_view(db: duckdb.DuckDBPyConnection, flt: EventFilter, limit: int, offset: int,
               unique: bool) -> dict[str, Any]:
    """Source-target pairs with their counts and mean Goldstein score, largest first."""
    rows = database.dyads(db, flt, unique=unique)
    return {"total": len(rows), "limit": limit, "offset": offset, "unique": unique,
            "dyads": jsonable(rows[offset:offset + limit])}


def aggregate_view(db: duckdb.DuckDBPyConnection, by: str, dyad: bool,
                   measures: tuple[str, ...], flt: EventFilter, unique: bool, limit: int,
                   offset: int) -> dict[str, Any]:
    """Counts and Goldstein series per period (and dyad); QueryError for a bad by/measure."""
    rows = database.aggregate(db, by=by, dyad=dyad, measures=measures, flt=flt, unique=unique)
    return {"by": by, "dyad": dyad, "measures": list(measures), "unique": unique,
            "total": len(rows), "limit": limit, "offset": offset,
            "rows": jsonable(rows[offset:offset + limit])}


def counts_view(db: duckdb.DuckDBPyConnection, flt: EventFilter) -> dict[str, int]:
    """How many articles, event reports and event clusters the database holds (filtered)."""
    return {"articles": database.articles(db, limit=0).total,
            "events": database.events(db, flt, limit=0).total,
            "clusters": database.events(db, flt, limit=0, unique=True).total}
