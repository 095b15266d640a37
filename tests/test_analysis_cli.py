"""The analyst's commands and the Python API over a real coded database: filters that name
their option, --unique, aggregate, --version, lazy imports, and newsevents.open/code."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

import newsevents
from newsevents.cli import app
from newsevents.errors import QueryError
from tests.conftest import EXAMPLES, SEED

runner = CliRunner()


def _run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The seed page and the Wikinews examples' first 40 records, coded and clustered."""
    folder = tmp_path_factory.mktemp("analysis")
    lines = (EXAMPLES / "wikinews.jsonl").read_text("utf-8").splitlines()[:40]
    (folder / "some.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    path = str(folder / "a.duckdb")
    result = _run("run", str(SEED), str(folder / "some.jsonl"), "--db", path)
    assert result.exit_code == 0, result.output
    return path


def _count(db: str, sql: str) -> int:
    with duckdb.connect(db, read_only=True) as con:
        return int(con.execute(sql).fetchall()[0][0])


@pytest.mark.parametrize(("args", "message"), [
    (["--country", "Iran"], "--country: 'Iran' is not an ISO 3166 alpha-3 country code "
                            "(Iran is IRN)"),
    (["--root", "173"], "--root: '173' is not a CAMEO root (01 to 20); use cameo for a "
                        "longer code"),
    (["--since", "2023-02-30"], "--since: must be a date YYYY-MM-DD, got '2023-02-30'"),
    (["--until", "soon"], "--until: must be a date YYYY-MM-DD, got 'soon'"),
    (["--plover", "FIGHT"], "--plover: 'FIGHT' is not a PLOVER type"),
    (["--min-confidence", "7"], "--min-confidence: must be between 0 and 1"),
])
def test_a_bad_filter_names_its_option(db: str, args: list[str], message: str) -> None:
    for command in ("events", "export", "aggregate"):
        result = _run(command, "--db", db, *args)
        assert result.exit_code == 1
        assert result.stderr.startswith(f"newsevents: error: {message}"), result.stderr


def test_filters_return_what_the_database_holds(db: str) -> None:
    rows = [json.loads(x) for x in _run("events", "--db", db, "--format", "jsonl",
                                        "--country", "IRN").stdout.splitlines()]
    expected = _count(db, "SELECT count(*) FROM events WHERE source.country = 'IRN' "
                          "OR target.country = 'IRN'")
    assert expected > 0 and len(rows) == expected
    assert all("IRN" in (r["source"] or {}, r["target"] or {}) or
               "IRN" in ((r["source"] or {}).get("country"), (r["target"] or {}).get("country"))
               for r in rows)
    limited = _run("events", "--db", db, "--format", "jsonl", "--limit", "3").stdout
    assert len(limited.splitlines()) == 3
    sure = _run("events", "--db", db, "--format", "jsonl", "--min-confidence", "0.5").stdout
    assert len(sure.splitlines()) == _count(db, "SELECT count(*) FROM events "
                                                "WHERE confidence >= 0.5")


def test_a_limit_beyond_any_table_is_a_usage_error_not_a_crash(db: str) -> None:
    for limit in ("99999999999999999999", "9223372036854775808", "0"):
        result = _run("events", "--db", db, "--limit", limit)
        assert result.exit_code == 2, limit
        assert "--limit" in result.output and "Traceback" not in result.output


def test_unique_lists_one_row_per_cluster(db: str) -> None:
    every = _count(db, "SELECT count(*) FROM events")
    clusters = _count(db, "SELECT count(DISTINCT cluster_id) FROM cluster_members")
    assert _count(db, "SELECT count(*) FROM cluster_members") == every, "every event clustered"
    unique = _run("events", "--db", db, "--format", "jsonl", "--unique").stdout.splitlines()
    assert len(unique) == clusters
    assert len({json.loads(x)["cluster_id"] for x in unique}) == clusters


def test_aggregate_counts_clusters_or_mentions(db: str) -> None:
    def total(*extra: str) -> int:
        out = _run("aggregate", "--db", db, "--by", "month", "--format", "jsonl", *extra).stdout
        return sum(json.loads(x)["events"] for x in out.splitlines())

    dated = "FROM events e JOIN articles a USING (article_id) LEFT JOIN cluster_members m " \
            "USING (event_id) WHERE COALESCE(e.date, a.published) IS NOT NULL"
    assert total() == _count(db, f"SELECT count(DISTINCT m.cluster_id) {dated}")
    assert total("--all-mentions") == _count(db, f"SELECT count(*) {dated}")
    table = _run("aggregate", "--db", db, "--by", "year", "--dyad", "--measure", "count")
    assert table.exit_code == 0 and "source" in table.stdout
    bad = _run("aggregate", "--db", db, "--measure", "count,tone")
    assert bad.exit_code == 1 and bad.stderr.startswith("newsevents: error: --measure:")
    assert _run("aggregate", "--db", db, "--by", "fortnight").exit_code == 2


def test_version_and_lazy_start_up() -> None:
    assert _run("--version").stdout == f"newsevents {newsevents.__version__}\n"
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, newsevents.cli; print(' '.join(sorted(sys.modules)))"],
        capture_output=True, text=True, check=True).stdout.split()
    heavy = {"trafilatura", "spacy", "duckdb", "fastapi", "onnxruntime", "numpy", "pandas"}
    assert heavy.isdisjoint(loaded), heavy.intersection(loaded)


def test_code_takes_a_single_sentence(tmp_path: Path) -> None:
    one = tmp_path / "one.txt"
    one.write_text("Iran's army attacked Kurdish rebels in northern Iraq on Monday.\n")
    short = _run("code", str(one))
    assert short.stdout == "" and "no article text: 10 words" in short.stderr
    rows = [json.loads(x) for x in _run("code", str(one), "--min-words", "1").stdout.splitlines()]
    assert any(r["trigger"] == "attacked" for r in rows)


def test_python_api_reads_frames_and_codes_text(db: str) -> None:
    every = _count(db, "SELECT count(*) FROM events")
    with newsevents.open(db) as store:
        frame = store.events()
        assert len(frame) == every
        assert frame["cameo"].map(type).eq(str).all(), "codes stay strings"
        polar = store.events(frame="polars", country="IRN")
        assert polar.height == _count(db, "SELECT count(*) FROM events WHERE "
                                          "source.country = 'IRN' OR target.country = 'IRN'")
        assert str(polar.schema["cameo"]) == "String"
        assert len(store.aggregate(by="month")) > 0
        with pytest.raises(QueryError):
            store.events(country="Iran")
    events = newsevents.code("Iran's army attacked Kurdish rebels in northern Iraq on Monday.",
                             date="2024-03-06")
    attack = [e for e in events if e.trigger == "attacked"]
    assert attack and attack[0].source is not None and attack[0].source.country == "IRN"
    assert attack[0].date == "2024-03-04", "Monday before the given publication date"


def test_tables_show_stored_text_as_it_is(tmp_path: Path) -> None:
    """Stored text is not Rich markup: "[/x]" neither crashes a listing nor vanishes, and a
    terminal escape from the input never reaches the terminal."""
    title = "Talks fail [/x] [citation needed] \x1b[2J"
    record = {"title": title, "url": "https://a.example/1",
              "text": "Police arrested forty protesters outside parliament in Paris on Tuesday "
                      "night after the talks between the unions and the government failed."}
    source = tmp_path / "one.jsonl"
    source.write_text(json.dumps(record) + "\n", "utf-8")
    db = str(tmp_path / "t.duckdb")
    assert _run("run", str(source), "--db", db).exit_code == 0
    for command in ("articles", "events"):
        shown = _run(command, "--db", db)
        assert shown.exit_code == 0, shown.output
        assert "\x1b" not in shown.stdout
    listing = _run("articles", "--db", db).stdout
    assert "[/x]" in listing and "[citation needed]" in listing
