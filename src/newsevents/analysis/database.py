"""Reading a newsevents database for analysis: events, their evidence, clusters, actors,
articles and aggregate series. Used by the CLI, the HTTP API and `newsevents.open`.

Every query is parameterised; filter values are checked by `EventFilter` first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb

from newsevents.analysis.query import EventFilter, like_escape
from newsevents.errors import QueryError
from newsevents.store.duckdb_store import EVENT_COLUMNS

# One flat row per event: every actor field its own column, the article joined in, codes as
# strings. The exports and the API share it.
FLAT_SELECT = """
    e.event_id, e.article_id, COALESCE(m.cluster_id, e.event_id) AS cluster_id,
    COALESCE(e.date, a.published) AS date,
    CASE WHEN e.date IS NULL AND a.published IS NOT NULL THEN 'article'
         ELSE e.date_precision END AS date_precision,
    e.cameo, e.cameo_root, e.quad_class, e.goldstein,
    e.plover.event AS plover, e.plover.mode AS plover_mode,
    e.source.text AS source_text, e.source.code AS source_code,
    e.source.country AS source_country, e.source.sector AS source_sector,
    e.target.text AS target_text, e.target.code AS target_code,
    e.target.country AS target_country, e.target.sector AS target_sector,
    e.trigger, e.sentence, e.sentence_index,
    e.location.name AS place, e.location.country AS place_country,
    e.location.lat AS lat, e.location.lon AS lon, e.location.geonameid AS geonameid,
    e.negated, e.hypothetical,
    e.attribution.type AS attribution, e.attribution.text AS attribution_text,
    e.reported_by, e.confidence, e.rule,
    a.url, a.outlet, a.title, a.published, a.ingested_at,
    COALESCE(c.num_mentions, 1) AS num_mentions, COALESCE(c.num_articles, 1) AS num_articles,
    COALESCE(c.num_sources, 1) AS num_sources
"""
FROM_EVENTS = """
    FROM events e JOIN articles a USING (article_id)
    LEFT JOIN cluster_members m USING (event_id)
    LEFT JOIN event_clusters c ON c.cluster_id = m.cluster_id
"""
_ORDER = ("ORDER BY COALESCE(e.date, a.published) NULLS LAST, e.article_id, e.sentence_index, "
          "e.trigger_span[1], e.event_id")
# One row per cluster: its earliest member that passes the filters.
_UNIQUE = ("QUALIFY row_number() OVER (PARTITION BY COALESCE(m.cluster_id, e.event_id) "
           "ORDER BY COALESCE(e.date, a.published) NULLS LAST, e.event_id) = 1")
PERIODS = ("day", "week", "month", "year")
MEASURES = ("count", "goldstein", "quad")


@dataclass(slots=True, frozen=True)
class Page:
    """A slice of a result: its rows and how many there are in all."""

    rows: list[dict[str, Any]]
    total: int
    limit: int
    offset: int


def events_sql(flt: EventFilter | None = None, unique: bool = False, limit: int | None = None,
               offset: int = 0, nested: bool = False) -> tuple[str, list[Any]]:
    """The query for event rows, oldest first, and its parameters: flat rows, or with `nested`
    the stored records as `newsevents code` prints them, with their cluster id."""
    where, params = (flt or EventFilter()).sql()
    columns = FLAT_SELECT
    if nested:
        columns = ", ".join(f"e.{c}" for c in EVENT_COLUMNS) + \
            ", COALESCE(m.cluster_id, e.event_id) AS cluster_id"
    sql = f"SELECT {columns} {FROM_EVENTS} {where} {_UNIQUE if unique else ''} {_ORDER}"
    if limit is not None:
        return sql + " LIMIT ? OFFSET ?", [*params, limit, offset]
    return sql, params


def events(db: duckdb.DuckDBPyConnection, flt: EventFilter | None = None,
           limit: int | None = None, offset: int = 0, unique: bool = False,
           nested: bool = False) -> Page:
    """Events matching the filter, oldest first, as flat rows (or stored records)."""
    where, params = (flt or EventFilter()).sql()
    base = f"SELECT e.event_id {FROM_EVENTS} {where} {_UNIQUE if unique else ''}"
    total = _scalar(db, f"SELECT count(*) FROM ({base})", params)
    sql, params = events_sql(flt, unique, limit, offset, nested)
    rows = _rows(db, sql, params)
    for row in rows if nested else ():
        if row["date"] is not None:
            row["date"] = row["date"].isoformat()
    return Page(rows, total, limit or total, offset)


def event(db: duckdb.DuckDBPyConnection, event_id: str) -> dict[str, Any] | None:
    """One event with its evidence: where its trigger and actors sit in the sentence, the
    article it came from, the rule and the confidence, and its cluster's other members."""
    rows = _rows(db, f"SELECT {FLAT_SELECT}, e.trigger_span, e.source.span AS source_span, "
                     f"e.target.span AS target_span, a.text AS article_text "
                     f"{FROM_EVENTS} WHERE e.event_id = ?", [event_id])
    if not rows:
        return None
    found = rows[0]
    text = found.pop("article_text")
    found["evidence"] = _evidence(text, found)
    found["cluster"] = cluster_members(db, found["cluster_id"])
    return found


def _evidence(text: str, found: dict[str, Any]) -> dict[str, Any]:
    """The sentence with the trigger and actors as [start, end) offsets within it."""
    sentence = found["sentence"]
    trigger = found.pop("trigger_span")
    start = text.rfind(sentence, 0, trigger[0] + 1) if trigger else -1
    if start < 0:
        start = text.find(sentence)
    marks = []
    for role, span in (("trigger", trigger), ("source", found.pop("source_span")),
                       ("target", found.pop("target_span"))):
        if span and start >= 0 and start <= span[0] and span[1] <= start + len(sentence):
            marks.append({"role": role, "start": span[0] - start, "end": span[1] - start,
                          "text": sentence[span[0] - start:span[1] - start]})
    return {"sentence": sentence, "marks": sorted(marks, key=lambda m: m["start"])}


def cluster_members(db: duckdb.DuckDBPyConnection, cluster_id: str) -> list[dict[str, Any]]:
    """The events of one cluster: which article reported it, when, and in which sentence."""
    return _rows(db, "SELECT e.event_id, e.article_id, a.url, a.outlet, a.title, a.published, "
                     "e.sentence FROM events e JOIN articles a USING (article_id) "
                     "LEFT JOIN cluster_members m USING (event_id) "
                     "WHERE COALESCE(m.cluster_id, e.event_id) = ? "
                     "ORDER BY a.published NULLS LAST, e.event_id", [cluster_id])


def actors(db: duckdb.DuckDBPyConnection, flt: EventFilter | None = None,
           limit: int | None = None) -> list[dict[str, Any]]:
    """The actor codes seen, with how often each is source and target, most frequent first."""
    where, params = (flt or EventFilter()).sql()
    sql = f"""
        WITH f AS (SELECT e.source.code AS s, e.target.code AS t, e.source.country AS sc,
                          e.target.country AS tc {FROM_EVENTS} {where}),
        sides AS (SELECT s AS code, sc AS country, 1 AS as_source, 0 AS as_target FROM f
                  WHERE s IS NOT NULL
                  UNION ALL SELECT t, tc, 0, 1 FROM f WHERE t IS NOT NULL)
        SELECT code, any_value(country) AS country, sum(as_source) AS as_source,
               sum(as_target) AS as_target, sum(as_source) + sum(as_target) AS events
        FROM sides GROUP BY code ORDER BY events DESC, code
    """ + (" LIMIT ?" if limit is not None else "")
    return _rows(db, sql, params + ([limit] if limit is not None else []))


def dyads(db: duckdb.DuckDBPyConnection, flt: EventFilter | None = None,
          limit: int | None = None, unique: bool = True) -> list[dict[str, Any]]:
    """Source-target pairs of coded actors with their counts and mean Goldstein score."""
    where, params = (flt or EventFilter()).sql()
    sql = f"""
        WITH f AS (SELECT e.source.code AS source, e.target.code AS target, e.goldstein,
                          e.quad_class {FROM_EVENTS} {where} {_UNIQUE if unique else ''})
        SELECT source, target, count(*) AS events, round(avg(goldstein), 2) AS goldstein_mean,
               count(*) FILTER (WHERE quad_class IN (1, 2)) AS cooperation,
               count(*) FILTER (WHERE quad_class IN (3, 4)) AS conflict
        FROM f WHERE source IS NOT NULL AND target IS NOT NULL
        GROUP BY source, target ORDER BY events DESC, source, target
    """ + (" LIMIT ?" if limit is not None else "")
    return _rows(db, sql, params + ([limit] if limit is not None else []))


def articles(db: duckdb.DuckDBPyConnection, text: str | None = None, limit: int | None = None,
             offset: int = 0) -> Page:
    """Stored articles with their event counts, newest first; `text` searches titles."""
    where, params = "", list[Any]()
    if text:
        EventFilter(text=text)  # the same length and emptiness checks
        where, params = "WHERE a.title ILIKE ? ESCAPE '\\'", [f"%{like_escape(text)}%"]
    base = (f"SELECT a.article_id, a.url, a.outlet, a.title, a.published, a.page_date, "
            f"a.path, length(a.text) AS characters, "
            f"(SELECT count(*) FROM events e WHERE e.article_id = a.article_id) AS events "
            f"FROM articles a {where}")
    total = _scalar(db, f"SELECT count(*) FROM ({base})", params)
    sql = f"{base} ORDER BY a.published DESC NULLS LAST, a.article_id"
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        params = [*params, limit, offset]
    return Page(_rows(db, sql, params), total, limit or total, offset)


def aggregate(db: duckdb.DuckDBPyConnection, by: str = "day", dyad: bool = False,
              measures: tuple[str, ...] = MEASURES, flt: EventFilter | None = None,
              unique: bool = True) -> list[dict[str, Any]]:
    """Event counts and Goldstein series per period (and per dyad), as ICEWS and GDELT users
    build them. With `unique` (the default) each cluster counts once, on its earliest date.
    Events with no date (neither their own nor their article's) are left out.
    """
    if by not in PERIODS:
        raise QueryError("by", f"must be one of {', '.join(PERIODS)}, not {by[:20]!r}")
    unknown = [m for m in measures if m not in MEASURES]
    if unknown or not measures:
        raise QueryError("measure", f"must be some of {', '.join(MEASURES)}, not "
                                    f"{','.join(unknown)[:40]!r}")
    where, params = (flt or EventFilter()).sql()
    keys = ["period"] + (["source", "target"] if dyad else [])
    columns = []
    if "count" in measures:
        columns.append("count(*) AS events")
    if "goldstein" in measures:
        columns += ["round(sum(goldstein), 2) AS goldstein_sum",
                    "round(avg(goldstein), 3) AS goldstein_mean"]
    if "quad" in measures:
        columns += [f"count(*) FILTER (WHERE quad_class = {q}) AS quad{q}" for q in range(1, 5)]
    dyad_only = "AND source IS NOT NULL AND target IS NOT NULL" if dyad else ""
    sql = f"""
        WITH f AS (SELECT COALESCE(e.date, a.published) AS day, e.source.code AS source,
                          e.target.code AS target, e.goldstein, e.quad_class
                   {FROM_EVENTS} {where} {_UNIQUE if unique else ''})
        SELECT CAST(date_trunc('{by}', day) AS DATE) AS period,
               {'source, target, ' if dyad else ''}{', '.join(columns)}
        FROM f WHERE day IS NOT NULL {dyad_only}
        GROUP BY ALL ORDER BY {', '.join(keys)}
    """
    return _rows(db, sql, params)


def _scalar(db: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> int:
    rows = db.execute(sql, params).fetchall()
    return int(rows[0][0]) if rows else 0


def _rows(db: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cursor = db.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
