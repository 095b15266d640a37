"""`newsevents serve`: the JSON API against a database built by `newsevents run`.

Every expectation is read from the database with DuckDB directly, never written down: the
API must return what the file holds, refuse bad values with a 4xx naming the parameter, stop
at the time limit, and leave the file exactly as it was.
"""

from __future__ import annotations

import hashlib
import json
import socket
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import duckdb
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from newsevents.analysis import database
from newsevents.cli import app as cli_app
from newsevents.errors import StoreError
from newsevents.serve import ServeError, create_app, run_server
from newsevents.settings import ServeSettings, load_settings
from tests.conftest import EXAMPLES, SEED

# Three articles with events: the seed page (Iran, France) and two Wikinews stories.
WIKINEWS_TITLES = ("United States military kills Qasem Soleimani",
                   "Greek prime minister reaffirms EastMed pipeline project")
FILTER_PARAMS = ("actor", "source", "target", "country", "cameo", "root", "plover", "since",
                 "until", "place", "min_confidence", "q", "article")
HOSTILE = ("' OR 1=1 --", '"; DROP TABLE events; --', "%", "_", "\\", "x' UNION SELECT 1--",
           "\x00", "<script>alert(1)</script>")
EVENT_ENDPOINTS = ("/api/events", "/api/actors", "/api/dyads", "/api/aggregate",
                   "/api/overview")


def build_demo_database(directory: Path) -> Path:
    """`newsevents run` on a few example articles, once per test session (reused after)."""
    db = directory / "serve.duckdb"
    done = directory / "built"
    if done.exists():
        return db
    directory.mkdir(parents=True, exist_ok=True)
    lines = [line for line in (EXAMPLES / "wikinews.jsonl").read_text("utf-8").splitlines()
             if any(f'"title": "{title}' in line for title in WIKINEWS_TITLES)]
    assert len(lines) == len(WIKINEWS_TITLES), "the example articles moved"
    inputs = directory / "articles.jsonl"
    inputs.write_text("\n".join(lines) + "\n", "utf-8")
    result = CliRunner().invoke(cli_app, ["run", str(inputs), str(SEED), "--db", str(db)])
    assert result.exit_code == 0, result.output
    done.touch()
    return db


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo_database(tmp_path_factory.getbasetemp() / "serve-db")


@pytest.fixture(scope="session")
def serve_settings() -> ServeSettings:
    return replace(load_settings(user=False).serve, row_limit=1000, time_limit=20.0)


@pytest.fixture(scope="module")
def client(demo_db: Path, serve_settings: ServeSettings) -> Iterator[TestClient]:
    with TestClient(create_app(str(demo_db), serve_settings)) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def con(demo_db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(demo_db), read_only=True)
    yield connection
    connection.close()


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> Any:
    row = con.execute(sql, params or []).fetchone()
    assert row is not None
    return row[0]


def all_events(client: TestClient, **params: Any) -> list[dict[str, Any]]:
    body = client.get("/api/events", params={"limit": 1000, **params}).json()
    assert body["total"] == len(body["events"]), "the test database outgrew one page"
    rows: list[dict[str, Any]] = body["events"]
    return rows


# --- the schema and the docs ------------------------------------------------------------

def test_openapi_schema_lists_every_endpoint(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    for path in ("/api/events", "/api/events/{event_id}", "/api/articles", "/api/actors",
                 "/api/dyads", "/api/aggregate", "/api/overview"):
        assert "get" in schema["paths"][path], path
    names = {p["name"] for p in schema["paths"]["/api/events"]["get"]["parameters"]}
    assert set(FILTER_PARAMS) | {"limit", "offset", "unique"} <= names


def test_docs_page_is_local_and_lists_the_endpoints(client: TestClient) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    for path in ("/api/events", "/api/aggregate", "/openapi.json"):
        assert path in page.text
    assert "cdn" not in page.text.lower() or "from a CDN" in page.text
    assert 'src="http' not in page.text and 'href="http' not in page.text


# --- what the endpoints return ------------------------------------------------------------

def test_events_are_the_database_events(client: TestClient,
                                        con: duckdb.DuckDBPyConnection) -> None:
    rows = all_events(client)
    stored = {r[0]: r[1:] for r in con.execute(
        "SELECT event_id, cameo, trigger, source.code, target.code, sentence FROM events"
    ).fetchall()}
    assert {row["event_id"] for row in rows} == set(stored)
    for row in rows:
        assert (row["cameo"], row["trigger"], row["source_code"], row["target_code"],
                row["sentence"]) == stored[row["event_id"]]
        assert isinstance(row["cameo"], str) and isinstance(row["cameo_root"], str)
        if row["date"] is not None:
            assert len(row["date"]) == 10 and row["date"][4] == "-"  # ISO, as a string


def test_unique_gives_one_row_per_cluster(client: TestClient,
                                          con: duckdb.DuckDBPyConnection) -> None:
    clusters = scalar(con, "SELECT count(DISTINCT COALESCE(m.cluster_id, e.event_id)) "
                           "FROM events e LEFT JOIN cluster_members m USING (event_id)")
    rows = all_events(client, unique="true")
    assert len(rows) == clusters
    assert len({row["cluster_id"] for row in rows}) == clusters


def test_country_filter(client: TestClient, con: duckdb.DuckDBPyConnection) -> None:
    country = scalar(con, "SELECT source.country FROM events WHERE source.country IS NOT NULL "
                          "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")
    expected = scalar(con, "SELECT count(*) FROM events WHERE source.country = ? "
                           "OR target.country = ?", [country, country])
    rows = all_events(client, country=country.lower())
    assert len(rows) == expected > 0
    assert all(country in (r["source_country"], r["target_country"]) for r in rows)


def test_cameo_prefix_and_root_filters(client: TestClient,
                                       con: duckdb.DuckDBPyConnection) -> None:
    root = scalar(con, "SELECT cameo_root FROM events GROUP BY 1 ORDER BY count(*) DESC, 1 "
                       "LIMIT 1")
    expected = scalar(con, "SELECT count(*) FROM events WHERE cameo LIKE ?", [root + "%"])
    by_prefix = all_events(client, cameo=root)
    assert len(by_prefix) == expected > 0
    assert all(r["cameo"].startswith(root) for r in by_prefix)
    by_root = all_events(client, root=str(int(root)))
    assert [r["event_id"] for r in by_root] == [r["event_id"] for r in by_prefix]


def test_paging_covers_every_event_once(client: TestClient,
                                        con: duckdb.DuckDBPyConnection) -> None:
    total = scalar(con, "SELECT count(*) FROM events")
    seen: list[str] = []
    for offset in range(0, total, 7):
        body = client.get("/api/events", params={"limit": 7, "offset": offset}).json()
        assert (body["total"], body["limit"], body["offset"]) == (total, 7, offset)
        seen += [row["event_id"] for row in body["events"]]
    assert seen == [row["event_id"] for row in all_events(client)]
    past = client.get("/api/events", params={"offset": total}).json()
    assert past["events"] == [] and past["total"] == total


def test_event_detail_marks_point_at_the_words(client: TestClient,
                                               con: duckdb.DuckDBPyConnection) -> None:
    stored = con.execute(
        "SELECT e.event_id, e.trigger, e.source.text, e.target.text, e.rule, e.confidence, "
        "a.url, a.title, CAST(a.published AS VARCHAR) FROM events e JOIN articles a "
        "USING (article_id)").fetchall()
    marked = 0
    for event_id, trigger, source, target, rule, confidence, url, title, published in stored:
        body = client.get(f"/api/events/{event_id}").json()
        sentence = body["evidence"]["sentence"]
        for mark in body["evidence"]["marks"]:
            assert sentence[mark["start"]:mark["end"]] == mark["text"]
            wanted = {"trigger": trigger, "source": source, "target": target}[mark["role"]]
            assert mark["text"] == wanted, (event_id, mark)
            marked += 1
        assert "trigger" in {m["role"] for m in body["evidence"]["marks"]}, event_id
        assert (body["rule"], body["confidence"]) == (rule, confidence)
        assert body["article"]["url"] == url and body["article"]["title"] == title
        assert body["article"]["published"] == published
    assert marked >= len(stored)


def test_event_detail_lists_its_cluster(client: TestClient,
                                        con: duckdb.DuckDBPyConnection) -> None:
    cluster_id, size = con.execute(
        "SELECT cluster_id, count(*) FROM cluster_members GROUP BY 1 "
        "ORDER BY count(*) DESC, 1 LIMIT 1").fetchone() or (None, 0)
    assert cluster_id is not None and size > 1, "the demo database has no multi-report event"
    members = {r[0] for r in con.execute(
        "SELECT event_id FROM cluster_members WHERE cluster_id = ?", [cluster_id]).fetchall()}
    body = client.get(f"/api/events/{sorted(members)[0]}").json()
    assert {m["event_id"] for m in body["cluster"]} == members
    assert body["cluster_id"] == cluster_id


def test_articles(client: TestClient, con: duckdb.DuckDBPyConnection) -> None:
    body = client.get("/api/articles", params={"limit": 1000}).json()
    counts = dict(con.execute("SELECT a.article_id, count(e.event_id) FROM articles a "
                              "LEFT JOIN events e USING (article_id) GROUP BY 1").fetchall())
    assert body["total"] == len(counts) == len(body["articles"])
    assert {a["article_id"]: a["events"] for a in body["articles"]} == counts
    title = scalar(con, "SELECT title FROM articles ORDER BY title LIMIT 1")
    word = max(title.split(), key=len)
    searched = client.get("/api/articles", params={"q": word}).json()
    expected = scalar(con, "SELECT count(*) FROM articles WHERE title ILIKE ?", [f"%{word}%"])
    assert searched["total"] == expected >= 1


def test_actors_count_both_sides(client: TestClient, con: duckdb.DuckDBPyConnection) -> None:
    body = client.get("/api/actors", params={"limit": 1000}).json()
    expected = dict(con.execute(
        "SELECT code, count(*) FROM (SELECT source.code AS code FROM events UNION ALL "
        "SELECT target.code FROM events) WHERE code IS NOT NULL GROUP BY 1").fetchall())
    assert {a["code"]: a["events"] for a in body["actors"]} == expected
    assert body["total"] == len(expected)
    counts = [a["events"] for a in body["actors"]]
    assert counts == sorted(counts, reverse=True)


def test_dyads_with_all_mentions(client: TestClient, con: duckdb.DuckDBPyConnection) -> None:
    body = client.get("/api/dyads", params={"limit": 1000, "all_mentions": "true"}).json()
    expected = {(s, t): n for s, t, n in con.execute(
        "SELECT source.code, target.code, count(*) FROM events WHERE source.code IS NOT NULL "
        "AND target.code IS NOT NULL GROUP BY 1, 2").fetchall()}
    assert {(d["source"], d["target"]): d["events"] for d in body["dyads"]} == expected


def test_aggregate_by_month(client: TestClient, con: duckdb.DuckDBPyConnection) -> None:
    body = client.get("/api/aggregate", params={"by": "month", "measure": "count,quad",
                                                "all_mentions": "true"}).json()
    expected = dict(con.execute(
        "SELECT CAST(CAST(date_trunc('month', COALESCE(e.date, a.published)) AS DATE) AS VARCHAR), "
        "count(*) "
        "FROM events e JOIN articles a USING (article_id) "
        "WHERE COALESCE(e.date, a.published) IS NOT NULL GROUP BY 1").fetchall())
    assert {r["period"]: r["events"] for r in body["rows"]} == expected
    assert all(r["events"] == sum(r[f"quad{q}"] for q in range(1, 5)) for r in body["rows"])
    assert body["measures"] == ["count", "quad"] and "goldstein_mean" not in body["rows"][0]


def test_overview_matches_the_other_endpoints(client: TestClient,
                                              con: duckdb.DuckDBPyConnection) -> None:
    body = client.get("/api/overview").json()
    assert body["counts"]["events"] == scalar(con, "SELECT count(*) FROM events")
    assert body["map"]["total"] == scalar(
        con, "SELECT count(*) FROM events WHERE location.lat IS NOT NULL")
    timeline = body["timeline"]
    series = client.get("/api/aggregate", params={"by": timeline["by"],
                                                  "measure": "count"}).json()["rows"]
    drawn = sum(p["events"] for p in timeline["periods"])
    assert drawn + timeline["omitted_before"] + timeline["omitted_after"] == sum(
        r["events"] for r in series) == timeline["total"]


def test_every_page_links_its_json_twin(client: TestClient) -> None:
    for page, twin in (("/", "/api/overview"), ("/events?cameo=0", "/api/events?cameo=0"),
                       ("/articles", "/api/articles"), ("/actors", "/api/actors")):
        html = client.get(page)
        assert html.status_code == 200
        assert f'class="twin" href="{twin}"' in html.text, page
        assert client.get(twin).status_code == 200


# --- bad and hostile input -------------------------------------------------------------

def file_state(path: Path) -> tuple[str, tuple[int, ...]]:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    with duckdb.connect(str(path), read_only=True) as check:
        counts = tuple(scalar(check, f"SELECT count(*) FROM {table}")
                       for table in ("articles", "events", "event_clusters", "cluster_members"))
    return digest, counts


def assert_refused(response: Any, parameter: str | None = None) -> None:
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:300])
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"]
    if parameter is not None:
        assert body["detail"].startswith(parameter + ":"), body["detail"]
        assert body.get("parameter") == parameter


def literal_count(con: duckdb.DuckDBPyConnection, name: str, value: str) -> int:
    """How many events a value matches when every character of it is taken literally."""
    side = "starts_with(upper({0}.code), ?) OR contains(lower({0}.text), ?)"
    sides = {"actor": ("source", "target"), "source": ("source",), "target": ("target",)}
    if name in sides:
        where = " OR ".join(f"({side.format(c)})" for c in sides[name])
        params = [value.upper(), value.lower()] * len(sides[name])
    else:
        where, params = {
            "q": ("contains(lower(sentence), ?)", [value.lower()]),
            "place": ("contains(lower(location.name), ?) OR location.country = ?",
                      [value.lower(), value.upper()]),
            "article": ("article_id = ?", [value])}[name]
    return int(scalar(con, f"SELECT count(*) FROM events WHERE {where}", params))


def test_hostile_values_never_reach_sql(demo_db: Path, client: TestClient,
                                        con: duckdb.DuckDBPyConnection) -> None:
    before = file_state(demo_db)
    everything = scalar(con, "SELECT count(*) FROM events")
    for endpoint in EVENT_ENDPOINTS:
        for name in FILTER_PARAMS:
            for value in HOSTILE:
                response = client.get(endpoint, params={name: value})
                assert response.status_code < 500, (endpoint, name, value, response.text)
                if response.status_code >= 400:
                    assert_refused(response, name)
                elif endpoint == "/api/events":
                    # Taken literally: %, _ and \ are characters, not wildcards.
                    expected = literal_count(con, name, value)
                    assert response.json()["total"] == expected, (name, value)
    for page in ("/", "/events", "/actors"):
        for name in FILTER_PARAMS:
            for value in HOSTILE:
                response = client.get(page, params={name: value})
                assert response.status_code in (200, 422), (page, name, value)
                assert "<script>alert" not in response.text
    for value in HOSTILE:
        assert client.get("/api/articles", params={"q": value}).status_code < 500
        assert client.get("/articles", params={"q": value}).status_code < 500
        for name in ("by", "measure"):
            assert_refused(client.get("/api/aggregate", params={name: value}), name)
    assert file_state(demo_db) == before
    assert scalar(con, "SELECT count(*) FROM events") == everything


def test_actor_fields_refuse_sql_metacharacters(client: TestClient) -> None:
    for name in ("actor", "source", "target"):
        for value in ("' OR 1=1 --", '"; DROP TABLE events; --', "%", "\\"):
            assert_refused(client.get("/api/events", params={name: value}), name)


def test_very_long_values_are_refused(client: TestClient) -> None:
    long = "A" * 10_000
    for name in FILTER_PARAMS:
        value = "0." + "5" * 10_000 if name == "min_confidence" else long
        response = client.get("/api/events", params={name: value})
        assert_refused(response, name)
        assert len(response.text) < 2_000, "the error echoes the value back"
    for endpoint, name in (("/api/articles", "q"), ("/api/aggregate", "by"),
                           ("/api/aggregate", "measure"), ("/api/events", "limit")):
        assert_refused(client.get(endpoint, params={name: "9" * 10_000 if name == "limit"
                                                    else long}), name)


@pytest.mark.parametrize(("params", "parameter"), [
    ({"since": "2020-13-01"}, "since"), ({"since": "2021-02-30"}, "since"),
    ({"until": "yesterday"}, "until"), ({"since": "2023-02-01", "until": "2023-01-01"}, "since"),
    ({"country": "Iran"}, "country"), ({"cameo": "17x"}, "cameo"), ({"root": "21"}, "root"),
    ({"plover": "ATTACK"}, "plover"), ({"min_confidence": "1.5"}, "min_confidence"),
    ({"min_confidence": "nan"}, "min_confidence"), ({"min_confidence": "abc"}, "min_confidence"),
    ({"actor": "   "}, "actor"), ({"unique": "perhaps"}, "unique"),
    ({"article": "zzz"}, "article"), ({"article": "0F87'--"}, "article"),
])
def test_bad_filter_values_name_their_parameter(client: TestClient, params: dict[str, str],
                                                parameter: str) -> None:
    assert_refused(client.get("/api/events", params=params), parameter)


@pytest.mark.parametrize("endpoint", ["/api/events", "/api/articles", "/api/actors",
                                      "/api/dyads", "/api/aggregate", "/api/overview"])
@pytest.mark.parametrize("name", ["text", "actors", "limt", "unknown"])
def test_a_parameter_the_endpoint_does_not_take_is_refused(client: TestClient, endpoint: str,
                                                           name: str) -> None:
    # a mistyped filter must not be ignored and every event returned as if it matched
    response = client.get(endpoint, params={name: "zzzzzz"})
    assert_refused(response, name)
    assert "is not a parameter of this endpoint" in response.json()["detail"]


def test_an_empty_parameter_means_not_given_whatever_its_type(
        client: TestClient, con: duckdb.DuckDBPyConnection) -> None:
    total = con.execute("SELECT count(*) FROM events").fetchone()[0]
    for name in ("min_confidence", "limit", "offset", "actor", "q", "unique", "since"):
        response = client.get(f"/api/events?{name}=&country=")
        assert response.status_code == 200, (name, response.json())
        assert response.json()["total"] == total
    aggregate = client.get("/api/aggregate?measure=&by=&limit=")
    assert aggregate.status_code == 200, aggregate.json()
    assert aggregate.json()["measures"] == ["count", "goldstein", "quad"]


def test_country_error_suggests_the_code(client: TestClient) -> None:
    body = client.get("/api/events", params={"country": "Iran"}).json()
    assert body["detail"] == ("country: 'Iran' is not an ISO 3166 alpha-3 country code "
                              "(Iran is IRN)")


@pytest.mark.parametrize("endpoint", ["/api/events", "/api/articles", "/api/actors",
                                      "/api/dyads", "/api/aggregate"])
@pytest.mark.parametrize(("name", "value"), [
    ("limit", "0"), ("limit", "-1"), ("limit", "1001"), ("limit", str(10**30)),
    ("limit", "abc"), ("limit", "1e3"), ("offset", "-1"), ("offset", str(10**30)),
])
def test_bad_limits_are_refused(client: TestClient, endpoint: str, name: str,
                                value: str) -> None:
    assert_refused(client.get(endpoint, params={name: value}), name)


@pytest.mark.parametrize("event_id", ["XYZ", "g0", "a" * 65, "1;DROP", "ab'--", "ABC"])
def test_bad_event_ids_are_refused(client: TestClient, event_id: str) -> None:
    assert_refused(client.get(f"/api/events/{event_id}"), "event_id")


def test_unknown_event_is_404(client: TestClient, con: duckdb.DuckDBPyConnection) -> None:
    unknown = "f" * 64
    assert scalar(con, "SELECT count(*) FROM events WHERE event_id = ?", [unknown]) == 0
    response = client.get(f"/api/events/{unknown}")
    assert response.status_code == 404 and "no event" in response.json()["detail"]


def test_bad_values_on_pages_show_the_message(client: TestClient) -> None:
    page = client.get("/events", params={"country": "Iran"})
    assert page.status_code == 422
    assert "(Iran is IRN)" in page.text and "Traceback" not in page.text
    escaped = client.get("/events", params={"actor": "<script>alert(1)</script>"})
    assert escaped.status_code == 422
    assert "<script>alert" not in escaped.text and "&lt;script&gt;alert" in escaped.text
    assert client.get("/events/XYZ").status_code == 422
    assert client.get(f"/events/{'e' * 64}").status_code == 404


# --- limits ------------------------------------------------------------------------------

def test_row_limit_caps_limit(demo_db: Path, serve_settings: ServeSettings) -> None:
    small = replace(serve_settings, row_limit=5)
    with TestClient(create_app(str(demo_db), small)) as limited:
        assert len(limited.get("/api/events", params={"limit": 5}).json()["events"]) == 5
        assert_refused(limited.get("/api/events", params={"limit": 6}), "limit")
        rows = limited.get("/api/aggregate", params={"by": "day"}).json()
        assert len(rows["rows"]) <= 5 < rows["total"]


def test_tiny_time_limit_gives_503(demo_db: Path, serve_settings: ServeSettings) -> None:
    hurried = replace(serve_settings, time_limit=0.000001)
    with TestClient(create_app(str(demo_db), hurried)) as client:
        for url in ("/api/events", "/api/overview", "/api/aggregate?dyad=true"):
            response = client.get(url)
            assert response.status_code == 503, url
            assert "time limit" in response.json()["detail"]
        assert client.get("/events").status_code == 503


def test_slow_query_is_interrupted(demo_db: Path, serve_settings: ServeSettings,
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    outcome: list[str] = []

    def endless(db: duckdb.DuckDBPyConnection, *args: Any, **kwargs: Any) -> Any:
        try:
            db.execute("SELECT sum(hash(i)) FROM range(1000000000000) t(i)").fetchall()
        except duckdb.InterruptException:
            outcome.append("interrupted")
            raise
        outcome.append("finished")

    monkeypatch.setattr(database, "events", endless)
    with TestClient(create_app(str(demo_db), replace(serve_settings, time_limit=0.5))) as client:
        started = time.monotonic()
        response = client.get("/api/events")
        assert response.status_code == 503
        assert time.monotonic() - started < 10
        assert "0.5 s" in response.json()["detail"]
        for _ in range(100):
            if outcome:
                break
            time.sleep(0.05)
        assert outcome == ["interrupted"]
        monkeypatch.undo()
        assert client.get("/api/events").status_code == 200, "the server recovers"


# --- run_server -----------------------------------------------------------------------------

def test_run_server_refuses_a_missing_database(tmp_path: Path,
                                               serve_settings: ServeSettings) -> None:
    with pytest.raises(StoreError, match="no such database"):
        run_server(str(tmp_path / "missing.duckdb"), serve_settings)


def test_serve_command_names_a_missing_database(tmp_path: Path) -> None:
    missing = tmp_path / "missing.duckdb"
    result = CliRunner().invoke(cli_app, ["serve", "--db", str(missing), "--port", "1"])
    assert result.exit_code == 1
    assert f"{missing}: no such database" in result.output
    assert "Traceback" not in result.output


def test_run_server_refuses_a_busy_port(demo_db: Path, serve_settings: ServeSettings) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen(1)
        port = busy.getsockname()[1]
        with pytest.raises(ServeError, match=f"cannot listen on 127.0.0.1:{port}"):
            run_server(str(demo_db), replace(serve_settings, port=port))


def test_json_is_plain(client: TestClient) -> None:
    raw = client.get("/api/aggregate", params={"by": "year"}).text
    json.loads(raw)  # strict JSON: no NaN
    assert "NaN" not in raw
