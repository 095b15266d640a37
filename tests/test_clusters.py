"""Event clusters (cross-article de-duplication), aggregation and the analysis filters."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from newsevents.analysis import database
from newsevents.analysis.clusters import update_clusters
from newsevents.analysis.query import EventFilter
from newsevents.coder.job import CodedArticle
from newsevents.errors import QueryError
from newsevents.records import Actor, Article, Event
from newsevents.settings import load_settings
from newsevents.store import Store

DEDUP = load_settings(user=False).dedup
PLACES = {"Paris": ("FRA", 48.85, 2.35), "Lyon": ("FRA", 45.76, 4.83),
          "Versailles": ("FRA", 48.80, 2.13), "Tehran": ("IRN", 35.69, 51.39)}


def _article(n: int, published: str, outlet: str) -> Article:
    text = f"Article {n}. Iran summoned the envoy of France over the rally."
    return Article(f"a{n:03d}", f"p{n}.txt", text, url=f"https://{outlet}/story/{n}",
                   outlet=outlet, published=published, published_source="metadata")


def _event(article: Article, source: str | None, target: str | None, plover: str,
           cameo: str, day: str | None, precision: str | None = "day",
           place: str | None = None, index: int = 1) -> Event:
    location = None
    if place is not None:
        country, lat, lon = PLACES[place]
        location = {"name": place, "country": country, "lat": lat, "lon": lon,
                    "geonameid": None}
    actors = [Actor(code.lower(), code, code[:3]) if code else None for code in (source, target)]
    return Event(Event.make_id(article.article_id, index, cameo, source, target, 12),
                 article.article_id, index, article.text.split(". ", 1)[1], "summoned", (16, 24),
                 actors[0], actors[1], cameo, cameo[:2], 1, 1.0,
                 {"event": plover, "mode": None}, date=day, date_precision=precision,
                 location=location)


def _store(tmp_path: Path, items: list[tuple[Article, list[Event]]]) -> Store:
    store = Store(tmp_path / "c.duckdb")
    store.write([CodedArticle(a, tuple(evs)) for a, evs in items])
    return store


def _cluster_of(store: Store) -> dict[str, str]:
    return dict(store.db.execute("SELECT event_id, cluster_id FROM cluster_members").fetchall())


def test_reports_of_one_act_form_one_cluster_with_its_counts(tmp_path: Path) -> None:
    a1, a2, a3 = (_article(1, "2023-06-10", "one.example"),
                  _article(2, "2023-06-11", "two.example"),
                  _article(3, "2023-06-11", "two.example"))
    same = [_event(a, "IRNGOV", "FRAGOV", "CONSULT", "043", "2023-06-10") for a in (a1, a2, a3)]
    again = _event(a1, "IRNGOV", "FRAGOV", "CONSULT", "043", "2023-06-10", index=2)
    store = _store(tmp_path, [(a1, [same[0], again]), (a2, [same[1]]), (a3, [same[2]])])
    update = update_clusters(store.db, DEDUP)
    assert (update.events, update.new_clusters) == (4, 1)
    rows = store.db.execute("SELECT num_mentions, num_articles, num_sources, first_report, "
                            "last_report FROM event_clusters").fetchall()
    assert len(rows) == 1
    mentions, articles, sources, first, last = rows[0]
    assert (mentions, articles, sources) == (4, 3, 2)
    assert (first.isoformat(), last.isoformat()) == ("2023-06-10", "2023-06-11")
    unique = database.events(store.db, unique=True)
    assert unique.total == 1 and unique.rows[0]["num_mentions"] == 4


def test_different_acts_stay_apart(tmp_path: Path) -> None:
    a = _article(1, "2023-06-10", "one.example")
    base = _event(a, "IRNGOV", "FRAGOV", "CONSULT", "043", "2023-06-10", place="Paris")
    others = [
        _event(a, "IRNGOV", "FRAGOV", "CONSULT", "043", "2023-06-20", place="Paris", index=2),
        _event(a, "IRNGOV", "DEUGOV", "CONSULT", "043", "2023-06-10", index=3),
        _event(a, "IRNGOV", "FRAGOV", "DEMAND", "102", "2023-06-10", index=4),
        _event(a, "IRNGOV", "FRAGOV", "CONSULT", "043", "2023-06-10", place="Tehran", index=5),
        _event(a, "IRNGOV", "FRAGOV", "CONSULT", "043", "2023-06-10", place="Lyon", index=6),
        _event(a, None, "FRAGOV", "CONSULT", "043", "2023-06-10", index=7),
        _event(a, "IRNGOV", "FRAGOV", "CONSULT", "043", "2023-01-01", "year", index=8),
        _event(a, "IRNGOV", "FRAGOV", "CONSULT", "043", None, "background", index=9),
    ]
    store = _store(tmp_path, [(a, [base, *others])])
    update_clusters(store.db, DEDUP)
    clusters = _cluster_of(store)
    assert len(set(clusters.values())) == 9, "each of these is another act"
    near = _event(a, "IRNGOV", "FRAGOV", "CONSULT", "043", "2023-06-11", place="Versailles",
                  index=10)
    store.write([CodedArticle(a, (near,))])
    update_clusters(store.db, DEDUP)
    assert _cluster_of(store)[near.event_id] == clusters[base.event_id], \
        "a day later, 20 km away: the same act, joined incrementally"


def test_symmetric_types_ignore_direction_and_clusters_never_chain(tmp_path: Path) -> None:
    a = _article(1, "2023-06-10", "one.example")
    met = _event(a, "IRNGOV", "FRAGOV", "CONSULT", "043", "2023-06-10")
    met_back = _event(a, "FRAGOV", "IRNGOV", "CONSULT", "043", "2023-06-10", index=2)
    accused = _event(a, "IRNGOV", "FRAGOV", "ACCUSE", "112", "2023-06-10", index=3)
    accused_back = _event(a, "FRAGOV", "IRNGOV", "ACCUSE", "112", "2023-06-10", index=4)
    chain = [_event(a, "USAGOV", "RUSGOV", "CONSULT", "043", f"2023-07-0{d}", index=10 + d)
             for d in (1, 2, 3)]
    store = _store(tmp_path, [(a, [met, met_back, accused, accused_back, *chain])])
    update_clusters(store.db, DEDUP)
    found = _cluster_of(store)
    assert found[met.event_id] == found[met_back.event_id]
    assert found[accused.event_id] != found[accused_back.event_id]
    assert found[chain[0].event_id] == found[chain[1].event_id] != found[chain[2].event_id]


def test_one_articles_sentences_dated_by_the_article_are_different_acts(tmp_path: Path) -> None:
    a, b = _article(1, "2023-06-10", "one.example"), _article(2, "2023-06-10", "two.example")
    pardons = [_event(a, "USAGOV", None, "AID", "075", None, None, index=i) for i in (3, 4)]
    twice = _event(a, "USAGOV", None, "AID", "075", None, None, index=3)
    twice = replace(twice, event_id="f" * 16, trigger_span=(30, 36))
    elsewhere = _event(b, "USAGOV", None, "AID", "075", None, None, index=7)
    named = [replace(_event(b, "USAGOV", None, "AID", "075", "2023-06-10", index=i),
                     target=Actor(name, None)) for i, name in ((8, "Kerik"), (9, "Milken"))]
    store = _store(tmp_path, [(a, [*pardons, twice]), (b, [elsewhere, *named])])
    update_clusters(store.db, DEDUP)
    found = _cluster_of(store)
    assert found[pardons[0].event_id] != found[pardons[1].event_id]
    assert found[twice.event_id] == found[pardons[0].event_id], "one sentence, one act"
    assert found[elsewhere.event_id] in {found[p.event_id] for p in pardons}, \
        "another article's report joins one of them"
    assert found[named[0].event_id] != found[named[1].event_id], "uncoded targets by their words"


def test_month_precise_date_spans_its_month_and_window_is_a_setting(tmp_path: Path) -> None:
    a = _article(1, "2023-06-30", "one.example")
    day = _event(a, "ISRMIL", "PSE", "ASSAULT", "190", "2023-06-03")
    month = _event(a, "ISRMIL", "PSE", "ASSAULT", "190", "2023-06-01", "month", index=2)
    three_days = _event(a, "ISRMIL", "PSE", "ASSAULT", "190", "2023-06-06", index=3)
    store = _store(tmp_path, [(a, [day, month, three_days])])
    update_clusters(store.db, replace(DEDUP, window_days=3))
    found = _cluster_of(store)
    assert len(set(found.values())) == 1


def test_clustering_is_deterministic_and_idempotent(tmp_path: Path) -> None:
    items = []
    for n in range(6):
        a = _article(n, f"2023-06-1{n % 3}", f"o{n % 2}.example")
        items.append((a, [_event(a, "IRNGOV", "FRAGOV", "CONSULT", "043", f"2023-06-1{n % 3}"),
                          _event(a, "USAGOV", None, "ASSAULT", "190", f"2023-06-1{n % 2}",
                                 index=2)]))
    results = []
    for name in ("x", "y"):
        (tmp_path / name).mkdir()
        store = _store(tmp_path / name, items)
        update_clusters(store.db, DEDUP)
        assert update_clusters(store.db, DEDUP).events == 0
        results.append(sorted(_cluster_of(store).items()))
        store.close()
    assert results[0] == results[1]


def _series_store(tmp_path: Path) -> Store:
    a1, a2 = _article(1, "2023-06-10", "one.example"), _article(2, "2023-07-02", "two.example")
    events = [
        (a1, [_event(a1, "IRNGOV", "FRAGOV", "CONSULT", "043", "2023-06-10"),
              _event(a1, "IRNGOV", "FRAGOV", "CONSULT", "043", "2023-06-10", index=2),
              _event(a1, "FRAGOV", "IRNGOV", "DEMAND", "102", "2023-06-11", index=3)]),
        (a2, [_event(a2, "IRNGOV", "FRAGOV", "CONSULT", "043", "2023-07-01"),
              _event(a2, "USAGOV", "IRNGOV", "ASSAULT", "190", None, None, index=2)]),
    ]
    store = _store(tmp_path, events)
    update_clusters(store.db, DEDUP)
    return store


def test_aggregate_counts_clusters_once_by_default(tmp_path: Path) -> None:
    store = _series_store(tmp_path)
    monthly = {str(r["period"]): r for r in database.aggregate(store.db, "month")}
    assert monthly["2023-06-01"]["events"] == 2, "the repeated consultation counts once"
    assert monthly["2023-07-01"]["events"] == 2, "an undated event takes its article's date"
    every = {str(r["period"]): r for r in database.aggregate(store.db, "month", unique=False)}
    assert every["2023-06-01"]["events"] == 3
    total = sum(r["events"] for r in every.values())
    assert total == store.count("events")
    dyads = database.aggregate(store.db, "month", dyad=True, measures=("count", "goldstein"))
    assert {(str(r["period"]), r["source"], r["target"]) for r in dyads} == {
        ("2023-06-01", "IRNGOV", "FRAGOV"), ("2023-06-01", "FRAGOV", "IRNGOV"),
        ("2023-07-01", "IRNGOV", "FRAGOV"), ("2023-07-01", "USAGOV", "IRNGOV")}
    assert all(r["goldstein_sum"] == r["events"] * 1.0 for r in dyads)
    quads = database.aggregate(store.db, "day", measures=("quad",))
    assert all(sum(r[f"quad{q}"] for q in range(1, 5)) == 1 for r in quads)


@pytest.mark.parametrize(("values", "option"), [
    ({"country": "Iran"}, "country"), ({"root": "173"}, "root"), ({"since": "2023-13-01"}, "since"),
    ({"until": "yesterday"}, "until"), ({"cameo": "17a"}, "cameo"), ({"plover": "FIGHT"}, "plover"),
    ({"actor": "x' OR 1=1 --"}, "actor"), ({"text": "x" * 10_000}, "text"),
    ({"min_confidence": 2.0}, "min_confidence"), ({"since": "2023-06-02", "until": "2023-06-01"},
                                                  "since"), ({"place": " "}, "place"),
])
def test_bad_filters_name_their_option(values: dict[str, Any], option: str) -> None:
    with pytest.raises(QueryError) as caught:
        EventFilter(**values)
    assert caught.value.option == option


def test_filters_select_what_they_say(tmp_path: Path) -> None:
    store = _series_store(tmp_path)
    every = database.events(store.db).rows

    def found(**values: Any) -> set[str]:
        return {r["event_id"] for r in database.events(store.db, EventFilter(**values)).rows}

    assert found(source="FRA") == {r["event_id"] for r in every
                                   if (r["source_code"] or "").startswith("FRA")}
    assert found(target="IRN") == {r["event_id"] for r in every
                                   if (r["target_code"] or "").startswith("IRN")}
    assert found(cameo="10") == {r["event_id"] for r in every if r["cameo"].startswith("10")}
    assert found(plover="assault") == {r["event_id"] for r in every if r["plover"] == "ASSAULT"}
    assert found(since="2023-07-01") == {r["event_id"] for r in every
                                         if str(r["date"]) >= "2023-07-01"}
    assert found(text="%") == set(), "a % is taken literally, not as a wildcard"
    assert found(text="_") == set()
    assert len(found(text="rally")) == len(every)
    assert len(found(country="FRA")) == 4
