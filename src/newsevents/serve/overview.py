"""The overview's data: a timeline by quad class, located events, dyads and an actor network.

This is `/api/overview`, and the `/` page draws exactly it. The timeline leaves out the
earliest and latest 2.5% of events when they stretch the axis (background events decades
back, a stray future date), and says how many it left out.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import duckdb

from newsevents.analysis import database
from newsevents.analysis.query import EventFilter
from newsevents.errors import QueryError
from newsevents.serve.params import filter_values
from newsevents.serve.views import counts_view, jsonable

TAIL_SHARE = 0.025  # events at each end of the timeline that may be left off the axis
MAX_PERIODS = 1500  # bars in one timeline
NETWORK_NODES = 12
DYAD_ROWS = 15
# The auto period: the finest whose bars fit the axis (span of days -> period).
_AUTO = ((120, "day"), (3 * 366, "week"), (25 * 366, "month"))


def overview_view(db: duckdb.DuckDBPyConnection, flt: EventFilter, by: str | None,
                  max_points: int) -> dict[str, Any]:
    """Everything the overview page shows, for the events that pass `flt`."""
    return {"filters": filter_values(flt), "counts": counts_view(db, flt),
            "timeline": timeline(db, flt, by),
            "map": located_events(db, flt, max_points),
            "dyads": jsonable(database.dyads(db, flt, limit=DYAD_ROWS)),
            "network": network(db, flt)}


def timeline(db: duckdb.DuckDBPyConnection, flt: EventFilter, by: str | None) -> dict[str, Any]:
    """Event clusters per period and quad class, every period from first to last listed."""
    if by is not None and by not in database.PERIODS:
        raise QueryError("by", f"must be one of {', '.join(database.PERIODS)}, not "
                               f"{by[:20]!r}")
    days = database.aggregate(db, by="day", measures=("count",), flt=flt)
    if not days:
        return {"by": by or "month", "periods": [], "total": 0, "omitted_before": 0,
                "omitted_after": 0}
    first, last = _core_range([(row["period"], row["events"]) for row in days])
    chosen = by or next((name for span, name in _AUTO if (last - first).days <= span), "year")
    first, last = period_start(first, chosen), period_start(last, chosen)
    starts = _period_starts(first, last, chosen)
    rows = database.aggregate(db, by=chosen, measures=("count", "quad"), flt=flt)
    found = {row["period"]: row for row in rows}
    empty = {"events": 0, "quad1": 0, "quad2": 0, "quad3": 0, "quad4": 0}
    periods = [{"period": start, **{k: found.get(start, empty)[k] for k in empty}}
               for start in starts]
    return jsonable({
        "by": chosen, "periods": periods, "total": sum(row["events"] for row in rows),
        "omitted_before": sum(row["events"] for row in rows if row["period"] < first),
        "omitted_after": sum(row["events"] for row in rows if row["period"] > last)})


def _core_range(days: list[tuple[date, int]]) -> tuple[date, date]:
    """The first and last day once up to TAIL_SHARE of the events at each end are set aside."""
    allowed = int(sum(n for _, n in days) * TAIL_SHARE)
    low, dropped = 0, 0
    while low < len(days) - 1 and dropped + days[low][1] <= allowed:
        dropped += days[low][1]
        low += 1
    high, dropped = len(days) - 1, 0
    while high > low and dropped + days[high][1] <= allowed:
        dropped += days[high][1]
        high -= 1
    return days[low][0], days[high][0]


def period_start(day: date, by: str) -> date:
    """The first day of the period holding `day`, as DuckDB's date_trunc gives it."""
    if by == "week":
        return day - timedelta(days=day.weekday())
    if by == "month":
        return day.replace(day=1)
    if by == "year":
        return day.replace(month=1, day=1)
    return day


def next_period(start: date, by: str) -> date:
    if by == "day":
        return start + timedelta(days=1)
    if by == "week":
        return start + timedelta(days=7)
    if by == "month":
        return date(start.year + start.month // 12, start.month % 12 + 1, 1)
    return date(start.year + 1, 1, 1)


def _period_starts(first: date, last: date, by: str) -> list[date]:
    starts = [first]
    while starts[-1] < last:
        if len(starts) >= MAX_PERIODS:
            raise QueryError("by", f"{by} gives more than {MAX_PERIODS} bars between "
                                   f"{first} and {last}; use a longer period or since/until")
        starts.append(next_period(starts[-1], by))
    return starts


def located_events(db: duckdb.DuckDBPyConnection, flt: EventFilter,
                   limit: int) -> dict[str, Any]:
    """Events with a place that has coordinates (every report), newest first."""
    where, params = flt.sql()
    located = ("e.location.lat BETWEEN -90 AND 90 AND e.location.lon BETWEEN -180 AND 180")
    where = f"{where} AND {located}" if where else f"WHERE {located}"
    row = db.execute(f"SELECT count(*) {database.FROM_EVENTS} {where}", params).fetchone()
    cursor = db.execute(
        "SELECT e.event_id, COALESCE(e.date, a.published) AS date, e.cameo, e.quad_class, "
        "e.source.code AS source_code, e.target.code AS target_code, "
        "e.location.name AS place, e.location.country AS place_country, "
        f"e.location.lat AS lat, e.location.lon AS lon {database.FROM_EVENTS} {where} "
        "ORDER BY date DESC NULLS LAST, e.event_id LIMIT ?", [*params, limit])
    names = [d[0] for d in cursor.description]
    points = [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]
    return {"total": int(row[0]) if row else 0, "points": jsonable(points)}


def network(db: duckdb.DuckDBPyConnection, flt: EventFilter) -> dict[str, Any]:
    """The most frequent actors and the dyads between them (both directions as one edge)."""
    nodes = database.actors(db, flt, limit=NETWORK_NODES)
    codes = {node["code"] for node in nodes}
    edges: dict[tuple[str, str], dict[str, Any]] = {}
    for dyad in database.dyads(db, flt):
        a, b = dyad["source"], dyad["target"]
        if a == b or a not in codes or b not in codes:
            continue
        key = (min(a, b), max(a, b))
        edge = edges.setdefault(key, {"a": key[0], "b": key[1], "events": 0,
                                      "cooperation": 0, "conflict": 0})
        for name in ("events", "cooperation", "conflict"):
            edge[name] += dyad[name]
    ordered = sorted(edges.values(), key=lambda e: (-e["events"], e["a"], e["b"]))
    return jsonable({"nodes": nodes, "edges": ordered})
