"""Cross-article de-duplication: events that report the same act form one event cluster.

Two events report the same act when the keys named in `dedup.keys` are equal (always the source
actor's code and the PLOVER type; by default also the target's code and the CAMEO root), their
dates lie within `dedup.window_days` of each other, and their places, when both have one, are in
one country and within `dedup.max_km`. For the PLOVER types in `dedup.symmetric` the dyad has no
direction, so "A met B" and "B met A" are one act.

A cluster is compared through its anchor, its first member, so clusters never chain: an event
three days from the anchor does not join because a member two days away did. Events that cannot
be compared safely stay alone: those with no source code, no date, a year-precise date, or a
date marked as background.

Clustering is incremental. `update_clusters` takes the events not yet in a cluster, oldest
first (day-precise before month-precise on the same date, then by event id), and adds each to
the compatible existing cluster whose anchor date is nearest, or starts a new one. The result is
deterministic for a given order of runs; two databases filled in a different order of runs may
group borderline events differently.
"""

from __future__ import annotations

import calendar
import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import duckdb

from newsevents.settings import DedupSettings

_PENDING = """
SELECT e.event_id, e.article_id, e.source.code, e.target.code, e.plover.event, e.cameo_root,
       e.cameo, e.date, e.date_precision, a.published, e.location.country, e.location.lat,
       e.location.lon, e.sentence_index, lower(e.target.text)
FROM events e JOIN articles a USING (article_id)
WHERE e.event_id NOT IN (SELECT event_id FROM cluster_members)
ORDER BY COALESCE(e.date, a.published) NULLS LAST,
         CASE WHEN e.date_precision = 'month' THEN 1 ELSE 0 END, e.event_id
"""
_CLUSTERS = """
SELECT cluster_id, source_code, target_code, plover, cameo_root, cameo, date_from, date_to,
       country, lat, lon FROM event_clusters
"""
# What a cluster's members say about joining: their article, sentence, and whether their date
# is their own (not their article's).
NOT_OWN = ("article", "background", "story")  # date precisions that are not the event's own
_MEMBERS = f"""
SELECT m.cluster_id, e.article_id, e.sentence_index,
       e.date IS NOT NULL AND COALESCE(e.date_precision, '') NOT IN {NOT_OWN}
FROM cluster_members m JOIN events e USING (event_id)
"""
_COUNTS = """
UPDATE event_clusters SET num_mentions = c.mentions, num_articles = c.articles,
       num_sources = c.sources, first_report = c.first_report, last_report = c.last_report
FROM (
    SELECT m.cluster_id, count(*) AS mentions, count(DISTINCT e.article_id) AS articles,
           count(DISTINCT COALESCE(a.outlet, regexp_extract(a.url, '^[a-z]+://([^/]+)', 1),
                                   a.article_id)) AS sources,
           min(COALESCE(a.published, CAST(a.ingested_at AS DATE))) AS first_report,
           max(COALESCE(a.published, CAST(a.ingested_at AS DATE))) AS last_report
    FROM cluster_members m JOIN events e USING (event_id) JOIN articles a USING (article_id)
    WHERE m.cluster_id IN (SELECT unnest(?))
    GROUP BY m.cluster_id
) c
WHERE event_clusters.cluster_id = c.cluster_id
"""


@dataclass(slots=True)
class Cluster:
    cluster_id: str
    key: tuple[str | None, ...]
    values: tuple[str | None, ...]  # the anchor's source, target, plover, cameo_root, cameo
    date_from: date | None
    date_to: date | None
    country: str | None
    lat: float | None
    lon: float | None
    is_new: bool = False
    # (article_id, sentence_index, has its own date) of each member
    members: list[tuple[str, int, bool]] = field(default_factory=list)


@dataclass(slots=True)
class ClusterUpdate:
    """What one update did."""

    events: int = 0
    new_clusters: int = 0
    joined: int = 0  # events that joined a cluster with earlier members
    touched: set[str] = field(default_factory=set)
    created: list[Cluster] = field(default_factory=list)
    placed: set[str] = field(default_factory=set)  # earlier clusters that took a place


def update_clusters(db: duckdb.DuckDBPyConnection, settings: DedupSettings) -> ClusterUpdate:
    """Put every event not yet in a cluster into one, in one transaction."""
    pending = db.execute(_PENDING).fetchall()
    update = ClusterUpdate(events=len(pending))
    if not pending:
        return update
    by_key: dict[tuple[str | None, ...], list[Cluster]] = defaultdict(list)
    by_id: dict[str, Cluster] = {}
    for row in db.execute(_CLUSTERS).fetchall():
        cluster = Cluster(row[0], _stored_key(row, settings), tuple(row[1:6]), row[6], row[7],
                          row[8], row[9], row[10])
        by_key[cluster.key].append(cluster)
        by_id[cluster.cluster_id] = cluster
    for cluster_id, article_id, sentence, own_date in db.execute(_MEMBERS).fetchall():
        if cluster_id in by_id:
            by_id[cluster_id].members.append((article_id, sentence, bool(own_date)))
    members: list[tuple[str, str]] = []
    for row in pending:
        cluster = _assign(row, by_key, settings, update)
        cluster.members.append((row[1], row[13], _own_date(row)))
        members.append((row[0], cluster.cluster_id))
        update.touched.add(cluster.cluster_id)
    new = [c for c in update.created]
    placed = [c for clusters in by_key.values() for c in clusters
              if not c.is_new and c.cluster_id in update.placed]
    db.execute("BEGIN TRANSACTION")
    try:
        _write(db, new, placed, members)
        db.execute(_COUNTS, [sorted(update.touched)])
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    return update


def _write(db: duckdb.DuckDBPyConnection, new: list[Cluster], placed: list[Cluster],
           members: list[tuple[str, str]]) -> None:
    rows = [(c.cluster_id, *c.values, c.date_from, c.date_to, c.country, c.lat, c.lon)
            for c in new]
    if rows:
        db.executemany(
            "INSERT INTO event_clusters (cluster_id, source_code, target_code, plover, "
            "cameo_root, cameo, date_from, date_to, country, lat, lon, num_mentions, "
            "num_articles, num_sources) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, 0, 0)", rows)
    if placed:
        db.executemany("UPDATE event_clusters SET country = ?, lat = ?, lon = ? "
                       "WHERE cluster_id = ?",
                       [(c.country, c.lat, c.lon, c.cluster_id) for c in placed])
    db.executemany("INSERT INTO cluster_members VALUES (?, ?)", members)


def _assign(row: tuple[Any, ...], by_key: dict[tuple[str | None, ...], list[Cluster]],
            settings: DedupSettings, update: ClusterUpdate) -> Cluster:
    event_id, (key, values) = row[0], _event_key(row, settings)
    interval = _interval(row[7], row[8], row[9])
    place = (row[10], row[11], row[12])
    if key is not None and interval is not None:
        best: Cluster | None = None
        for cluster in by_key.get(key, []):
            if _dates_meet(interval, cluster, settings.window_days) and \
                    _places_meet(place, cluster, settings.max_km) and \
                    _article_allows(row, cluster) and \
                    (best is None or _distance_days(interval, cluster) <
                     _distance_days(interval, best)):
                best = cluster
        if best is not None:
            update.joined += 1
            if best.country is None and place[0] is not None:
                best.country, best.lat, best.lon = place
                update.placed.add(best.cluster_id)
            return best
    comparable = key is not None and interval is not None
    start, end = interval or (None, None)
    cluster = Cluster(event_id, key if key is not None and comparable else (event_id,),
                      values if comparable else (None,) * 5, start, end, place[0], place[1],
                      place[2], is_new=True)
    update.new_clusters += 1
    update.created.append(cluster)
    if comparable:
        by_key[cluster.key].append(cluster)
    return cluster


def _own_date(row: tuple[Any, ...]) -> bool:
    return row[7] is not None and row[8] not in NOT_OWN


def _article_allows(row: tuple[Any, ...], cluster: Cluster) -> bool:
    """Within one article, two sentences are two acts unless both say their own date.

    An article's sentences about the same dyad and type are usually different acts (several
    pardons, several attacks in one debate); when a sentence's date is only the article's, the
    date window cannot tell them apart. The same sentence coded twice is one act.
    """
    own = _own_date(row)
    for article_id, sentence, member_own in cluster.members:
        if article_id == row[1] and sentence != row[13] and not (own and member_own):
            return False
    return True


def _event_key(row: tuple[Any, ...], settings: DedupSettings
               ) -> tuple[tuple[str | None, ...] | None, tuple[str | None, ...]]:
    """The event's key (None when it cannot be compared) and its five key values.

    An uncoded target is compared by its words, so "pardoned Kerik" and "pardoned Milken" are
    not one act. Codes listed in `dedup.symmetric` have no direction.
    """
    source, plover = row[2], row[4]
    target = row[3] or (f"~{' '.join(row[14].split())}" if row[14] else None)
    if row[6] in settings.symmetric and source and target and target < source:
        source, target = target, source
    values = (source, target, plover, row[5], row[6])
    if not source or not plover:
        return None, values
    return _key(values, settings), values


def _key(values: tuple[str | None, ...], settings: DedupSettings) -> tuple[str | None, ...]:
    named = dict(zip(("source", "target", "plover", "cameo_root", "cameo"), values, strict=True))
    return tuple(named[k] for k in settings.keys)


def _stored_key(row: tuple[Any, ...], settings: DedupSettings) -> tuple[str | None, ...]:
    if row[1] is None or row[6] is None:  # a lone event's cluster: never matched
        return (row[0],)
    return _key(tuple(row[1:6]), settings)


def _interval(day: date | None, precision: str | None,
              published: date | None) -> tuple[date, date] | None:
    """The days an event's date allows, or None when it cannot be compared."""
    if precision == "background" or precision == "year":
        return None
    if day is None:
        return (published, published) if published is not None else None
    if precision == "month":
        last = calendar.monthrange(day.year, day.month)[1]
        return day.replace(day=1), day.replace(day=last)
    return day, day


def _dates_meet(interval: tuple[date, date], cluster: Cluster, window: int) -> bool:
    if cluster.date_from is None or cluster.date_to is None:
        return False
    slack = timedelta(days=window)
    return interval[0] <= cluster.date_to + slack and cluster.date_from <= interval[1] + slack


def _distance_days(interval: tuple[date, date], cluster: Cluster) -> int:
    assert cluster.date_from is not None
    return abs((interval[0] - cluster.date_from).days)


def _places_meet(place: tuple[Any, Any, Any], cluster: Cluster, max_km: float) -> bool:
    country, lat, lon = place
    if country is None or cluster.country is None:
        return True
    if country != cluster.country:
        return False
    if None in (lat, lon, cluster.lat, cluster.lon):
        return True
    return _km(lat, lon, cluster.lat, cluster.lon) <= max_km


def _km(lat1: float, lon1: float, lat2: Any, lon2: Any) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))
