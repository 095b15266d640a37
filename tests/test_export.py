"""Exports through the command line, read back with pandas, polars and DuckDB: every reader
sees one row per event, codes stay text, Parquet keeps its types, GDELT rows are whole and
filled from the clusters and the dictionaries, and a failed export leaves no file."""

from __future__ import annotations

import json
import math
import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from newsevents import export, gdelt
from newsevents.analysis import database
from newsevents.cli import app
from newsevents.coder.job import CodedArticle
from newsevents.records import Actor, Article, Event
from newsevents.store import Store
from tests.conftest import EXAMPLES, SEED

runner = CliRunner()
NASTY = 'He said "no"\tthen\r\nleft [/x] and\u2028more'  # quote, tab, CR LF, markup, U+2028
NASTY_PLACE = 'Qal\'eh "Now"\tWest\r\nside'
FORMATS = ("parquet", "csv", "jsonl", "gdelt")


def _run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


def _event(article: Article, n: int, source: Actor | None, target: Actor | None, cameo: str,
           day: str | None, location: dict[str, object] | None) -> Event:
    plover = {"event": "COOPERATE" if cameo.startswith("06") else "CONSULT", "mode": None}
    return Event(Event.make_id(article.article_id, n, cameo, source.code if source else None,
                               target.code if target else None, 0),
                 article.article_id, n, f"Sentence {n}.", "did", (0, 3), source, target, cameo,
                 cameo[:2], 2 if cameo.startswith("06") else 1, 6.0, plover, confidence=0.9,
                 rule="test", date=day, date_precision="day" if day else None,
                 location=location)


def _special_articles() -> list[CodedArticle]:
    """One act reported by two outlets (a cluster of two, CAMEO 060, an actor text with a
    quote, a tab, a line break and markup; a country-only place and a place with the same
    characters), an event with no coded actor, and an undated article with no URL."""
    first = Article(Article.make_id("", "https://a.example/one"), "special#1", "Text one.",
                    url="https://a.example/one", outlet="A Times", title="One",
                    published="2024-03-01")
    second = Article(Article.make_id("", "https://b.example/two"), "special#2", "Text two.",
                     url="https://b.example/two", outlet="B Post", title="Two",
                     published="2024-03-02")
    undated = Article(Article.make_id("Text three.", None), "special#3", "Text three.")
    iran = Actor(NASTY, "IRNGOV", "IRN", "GOV", (0, 3))
    party = Actor('the "Party"', None)
    country_only: dict[str, object] = {"name": "Iran", "country": "IRN", "lat": None,
                                       "lon": None, "geonameid": 130758}
    town: dict[str, object] = {"name": NASTY_PLACE, "country": "IRN", "lat": 35.1,
                               "lon": 51.2, "geonameid": 1}
    return [
        CodedArticle(first, (
            _event(first, 0, iran, party, "060", "2024-02-28", country_only),
            _event(first, 1, Actor("They", None), None, "010", None, None),
        )),
        CodedArticle(second, (_event(second, 0, iran, party, "060", "2024-02-28", town),)),
        CodedArticle(undated, (
            _event(undated, 0, Actor("Washington", "USA", "USA"), None, "042", None, None),
        )),
    ]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The seed page, ten Wikinews records and the special articles, coded and clustered."""
    folder = tmp_path_factory.mktemp("export")
    path = str(folder / "e.duckdb")
    with Store(path) as store:
        store.write(_special_articles())
    lines = (EXAMPLES / "wikinews.jsonl").read_text("utf-8").splitlines()[:10]
    (folder / "some.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    result = _run("run", str(SEED), str(folder / "some.jsonl"), "--db", path)
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="module")
def exported(db: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("files")
    files = {}
    for fmt in FORMATS:
        files[fmt] = folder / f"events.{fmt}"
        result = _run("export", "--db", db, "--format", fmt, "--out", str(files[fmt]))
        assert result.exit_code == 0, result.output
    return files


def _scalar(db: str, sql: str) -> Any:
    with duckdb.connect(db, read_only=True) as con:
        return con.execute(sql).fetchall()[0][0]


def _rows(db: str, sql: str) -> list[tuple[Any, ...]]:
    with duckdb.connect(db, read_only=True) as con:
        return con.execute(sql).fetchall()


def _gdelt(path: Path) -> list[dict[str, str]]:
    frame = pd.read_csv(path, sep="\t", header=None, names=list(gdelt.COLUMNS), dtype=str,
                        keep_default_na=False)
    return frame.to_dict("records")


TEXT_DTYPES = {c: str for c in export.STRING_COLUMNS}
READERS: dict[str, dict[str, Callable[[Path], list[dict[str, Any]]]]] = {
    "parquet": {
        "pandas": lambda p: pd.read_parquet(p).to_dict("records"),
        "polars": lambda p: pl.read_parquet(p).to_dicts(),
        "duckdb": lambda p: _duckdb_rows("SELECT * FROM read_parquet(?)", p),
    },
    "csv": {
        "pandas": lambda p: pd.read_csv(p, dtype=TEXT_DTYPES).to_dict("records"),
        "polars": lambda p: pl.read_csv(
            p, schema_overrides=dict.fromkeys(export.STRING_COLUMNS, pl.String)).to_dicts(),
        "duckdb": lambda p: _duckdb_rows(
            "SELECT * FROM read_csv(?, header = true, types = {"
            + ", ".join(f"'{c}': 'VARCHAR'" for c in export.STRING_COLUMNS) + "})", p),
    },
    "jsonl": {
        "pandas": lambda p: pd.read_json(p, lines=True, dtype=False).to_dict("records"),
        "polars": lambda p: pl.read_ndjson(p).to_dicts(),
        "duckdb": lambda p: _duckdb_rows("SELECT * FROM read_json(?)", p),
    },
    "gdelt": {
        "pandas": lambda p: pd.read_csv(
            p, sep="\t", header=None, names=list(gdelt.COLUMNS),
            dtype=dict.fromkeys(gdelt.STRING_COLUMNS, str)).to_dict("records"),
        "polars": lambda p: pl.read_csv(
            p, separator="\t", has_header=False, new_columns=list(gdelt.COLUMNS),
            schema_overrides=dict.fromkeys(gdelt.STRING_COLUMNS, pl.String)).to_dicts(),
        "duckdb": lambda p: _duckdb_rows(
            "SELECT * FROM read_csv(?, delim = '\t', header = false, names = ["
            + ", ".join(f"'{c}'" for c in gdelt.COLUMNS) + "], types = {"
            + ", ".join(f"'{c}': 'VARCHAR'" for c in gdelt.STRING_COLUMNS) + "})", p),
    },
}


def _duckdb_rows(sql: str, path: Path) -> list[dict[str, Any]]:
    with duckdb.connect() as con:
        cursor = con.execute(sql, [str(path)])
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def test_flat_rows_have_the_columns_of_the_database_query(db: str) -> None:
    with Store(db, read_only=True) as store:
        row = database.events(store.db, limit=1).rows[0]
    assert tuple(row) == export.FLAT_COLUMNS
    (coded, *_) = _special_articles()
    flat = export.flat_event(coded.events[0].to_dict(), coded.article)
    assert tuple(flat) == export.FLAT_COLUMNS
    assert set(export.STRING_COLUMNS) <= set(export.FLAT_COLUMNS)
    undated = export.flat_event(coded.events[1].to_dict(), coded.article)
    assert (undated["date"].isoformat(), undated["date_precision"]) == ("2024-03-01", "article")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("reader", ["pandas", "polars", "duckdb"])
def test_every_reader_sees_every_event_with_its_codes_as_text(
        db: str, exported: dict[str, Path], fmt: str, reader: str) -> None:
    rows = READERS[fmt][reader](exported[fmt])
    expected = _scalar(db, "SELECT count(*) FROM events")
    if fmt == "gdelt":
        expected -= _scalar(db, "SELECT count(*) FROM events "
                                "WHERE source.code IS NULL AND target.code IS NULL")
        codes = [r["EventCode"] for r in rows]
        assert all(len(r) == len(gdelt.COLUMNS) for r in rows)
    else:
        codes = [r["cameo"] for r in rows]
        assert {r["cameo_root"] for r in rows} >= {"06", "01"}
        nasty = [r for r in rows if r["source_text"] == NASTY]
        assert len(nasty) == 2, f"{reader} changed the actor text"
    assert len(rows) == expected > 10
    assert "060" in codes and all(isinstance(c, str) for c in codes)
    assert all(len(c) >= 2 and c.isdigit() for c in codes)


def test_parquet_columns_are_typed(exported: dict[str, Path]) -> None:
    schema = pq.read_schema(exported["parquet"])
    assert schema.names == list(export.FLAT_COLUMNS)
    expected = {"date": pa.date32(), "published": pa.date32(), "confidence": pa.float64(),
                "goldstein": pa.float64(), "lat": pa.float64(), "lon": pa.float64(),
                "quad_class": pa.int32(), "negated": pa.bool_(), "hypothetical": pa.bool_(),
                **dict.fromkeys(export.STRING_COLUMNS, pa.string())}
    assert {name: schema.field(name).type for name in expected} == expected
    frame = pl.read_parquet(exported["parquet"])
    assert (frame.schema["date"], frame.schema["confidence"]) == (pl.Date, pl.Float64)
    described = dict(_rows_of_describe(exported["parquet"]))
    assert (described["date"], described["quad_class"], described["cameo"]) == \
        ("DATE", "INTEGER", "VARCHAR")


def _rows_of_describe(path: Path) -> list[tuple[str, str]]:
    with duckdb.connect() as con:
        return [(r[0], r[1]) for r in
                con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [str(path)]).fetchall()]


def test_the_csv_has_a_header_and_the_same_rows_as_parquet(exported: dict[str, Path]) -> None:
    header = exported["csv"].read_text("utf-8").split("\n", 1)[0]
    assert header == ",".join(export.FLAT_COLUMNS)
    from_csv = pd.read_csv(exported["csv"], dtype=TEXT_DTYPES, keep_default_na=False)
    from_parquet = pd.read_parquet(exported["parquet"])
    assert list(from_csv["event_id"]) == list(from_parquet["event_id"])
    assert list(from_csv["source_text"]) == ["" if pd.isna(t) else t
                                             for t in from_parquet["source_text"]]


def test_jsonl_lines_are_objects_and_survive_splitlines(exported: dict[str, Path]) -> None:
    text = exported["jsonl"].read_text("utf-8")
    lines = text.splitlines()  # splits at U+2028 too: the writer escapes it
    rows = [json.loads(line) for line in lines]
    assert len(rows) == text.count("\n")
    assert sum(r["source_text"] == NASTY for r in rows) == 2


def test_gdelt_rows_are_whole_lines(exported: dict[str, Path]) -> None:
    lines = exported["gdelt"].read_text("utf-8").split("\n")
    assert lines[-1] == "" and all(len(line.split("\t")) == 61 for line in lines[:-1])
    town = [r for r in _gdelt(exported["gdelt"]) if r["ActionGeo_FeatureID"] == "1"]
    assert [r["ActionGeo_FullName"] for r in town] == ['Qal\'eh "Now" West  side, Iran']


def test_events_and_export_write_the_same_gdelt_rows(db: str, exported: dict[str, Path]
                                                     ) -> None:
    listed = _run("events", "--db", db, "--format", "gdelt")
    assert listed.exit_code == 0
    assert listed.stdout == exported["gdelt"].read_text("utf-8")
    with_header = _run("export", "--db", db, "--format", "gdelt", "--header").stdout
    first, rest = with_header.split("\n", 1)
    assert first.split("\t") == list(gdelt.COLUMNS) and rest == listed.stdout


def test_gdelt_counts_come_from_the_clusters(db: str, exported: dict[str, Path]) -> None:
    counts = {int(event_id[:15], 16): (str(m), str(s), str(a)) for event_id, m, s, a in _rows(
        db, "SELECT e.event_id, c.num_mentions, c.num_sources, c.num_articles FROM events e "
            "JOIN cluster_members USING (event_id) JOIN event_clusters c USING (cluster_id)")}
    rows = _gdelt(exported["gdelt"])
    assert {int(r["GLOBALEVENTID"]): (r["NumMentions"], r["NumSources"], r["NumArticles"])
            for r in rows} == {k: v for k, v in counts.items()
                               if k in {int(r["GLOBALEVENTID"]) for r in rows}}
    shared = [r for r in rows if r["EventCode"] == "060"]
    assert [(r["NumMentions"], r["NumSources"], r["NumArticles"]) for r in shared] == \
        [("2", "2", "2")] * 2


def test_gdelt_dateadded_is_the_ingest_time(db: str, exported: dict[str, Path]) -> None:
    stored = {int(event_id[:15], 16): ingested for event_id, ingested in _rows(
        db, "SELECT e.event_id, a.ingested_at FROM events e JOIN articles a USING (article_id)")}
    rows = _gdelt(exported["gdelt"])
    assert all(isinstance(stored[int(r["GLOBALEVENTID"])], datetime) for r in rows)
    assert [r["DATEADDED"] for r in rows] == \
        [stored[int(r["GLOBALEVENTID"])].strftime("%Y%m%d%H%M%S") for r in rows]
    undated = [r for r in rows if r["EventCode"] == "042" and r["Actor1Code"] == "USA"
               and r["SOURCEURL"] == ""]
    assert [(r["SQLDATE"], r["FractionDate"]) for r in undated] == [("", "")]


def test_a_country_level_place_has_a_centroid_not_the_capital(exported: dict[str, Path]
                                                              ) -> None:
    rows = _gdelt(exported["gdelt"])
    iran = [r for r in rows if r["EventCode"] == "060" and r["ActionGeo_Type"] == "1"]
    assert len(iran) == 1
    place = iran[0]
    assert (place["ActionGeo_CountryCode"], place["ActionGeo_FeatureID"]) == ("IR", "IR")
    lat, lon = float(place["ActionGeo_Lat"]), float(place["ActionGeo_Long"])
    assert 25 < lat < 40 and 44 < lon < 63.5  # inside Iran
    assert math.hypot(lat - 35.69, lon - 51.42) > 0.1  # and not Tehran
    every_country = [r for r in rows if r["ActionGeo_Type"] == "1"]
    assert every_country and all(r["ActionGeo_Lat"] and r["ActionGeo_Long"]
                                 for r in every_country)


def test_gdelt_actor_names_come_from_the_dictionaries(db: str, exported: dict[str, Path]
                                                      ) -> None:
    rows = _gdelt(exported["gdelt"])
    shared = [r for r in rows if r["EventCode"] == "060"]
    assert {(r["Actor1Name"], r["Actor1CountryCode"], r["Actor1Type1Code"]) for r in shared} \
        == {("IRAN GOVERNMENT", "IRN", "GOV")}
    assert {(r["Actor2Code"], r["Actor2Name"]) for r in shared} == {("", "")}
    texts = {t.upper() for (t,) in _rows(db, "SELECT source.text FROM events UNION "
                                             "SELECT target.text FROM events") if t}
    for side in ("Actor1", "Actor2"):
        assert all(bool(r[f"{side}Name"]) == bool(r[f"{side}Code"]) for r in rows)
        names = {r[f"{side}Name"] for r in rows}
        assert not names & {"HE", "SHE", "THEY", "IT", "WE", "HIS", "THEIR"}
        assert all(n == gdelt.actor_name(r[f"{side}Code"]) for r in rows
                   for n in [r[f"{side}Name"]])
    pronouns = {"HE", "SHE", "THEY", "WE"} & texts
    assert pronouns, "the database should have pronoun actors for this test to mean much"


def test_unique_writes_one_row_per_cluster(db: str, tmp_path: Path) -> None:
    out = tmp_path / "u.parquet"
    assert _run("export", "--db", db, "--format", "parquet", "--unique", "--out",
                str(out)).exit_code == 0
    clusters = _scalar(db, "SELECT count(DISTINCT COALESCE(m.cluster_id, e.event_id)) "
                           "FROM events e LEFT JOIN cluster_members m USING (event_id)")
    assert pq.read_metadata(out).num_rows == clusters < _scalar(db, "SELECT count(*) FROM events")


def test_code_writes_gdelt_rows_without_a_database(tmp_path: Path) -> None:
    page = tmp_path / "p.txt"
    page.write_text("Iran's army attacked Kurdish rebels in Iraq on Monday. " * 3)
    result = _run("code", str(page), "--format", "gdelt", "--min-words", "1")
    rows = [dict(zip(gdelt.COLUMNS, line.split("\t"), strict=True))
            for line in result.stdout.splitlines()]
    attack = [r for r in rows if r["Actor1Code"] == "IRNMIL"]
    assert attack and attack[0]["Actor1Name"] == "IRAN MILITARY"
    assert {(r["DATEADDED"], r["NumMentions"]) for r in rows} == {("", "1")}


def test_a_file_export_needs_a_folder_and_parquet_a_file(db: str, tmp_path: Path) -> None:
    missing = tmp_path / "no" / "e.csv"
    result = _run("export", "--db", db, "--format", "csv", "--out", str(missing))
    assert result.exit_code == 1
    assert result.stderr == f"newsevents: error: {missing}: no such folder: {missing.parent}\n"
    result = _run("export", "--db", db, "--format", "parquet")
    assert result.exit_code == 1 and len(result.stderr.splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_query_failing_midway_leaves_the_old_file_and_no_part(
        db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str) -> None:
    out = tmp_path / f"e.{fmt}"
    out.write_text("old")
    real = database.events_sql

    def failing(flt: Any = None, unique: bool = False) -> tuple[str, list[Any]]:
        sql, params = real(flt, unique)
        return (f"SELECT *, CAST(CASE WHEN row_number() OVER () > 3 THEN 'x' END AS INTEGER) "
                f"AS boom FROM ({sql})", params)

    monkeypatch.setattr(database, "events_sql", failing)
    with Store(db, read_only=True) as store, pytest.raises(export.ExportError) as caught:
        export.export_events(store.db, fmt, out)
    assert str(caught.value).startswith(f"{out}: cannot write: Conversion Error")
    assert [p.name for p in tmp_path.iterdir()] == [out.name] and out.read_text() == "old"


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "gdelt"])
def test_a_write_failing_midway_leaves_the_old_file_and_no_part(
        db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fmt: str) -> None:
    out = tmp_path / f"e.{fmt}"
    out.write_text("old")

    def full_disk(rows: Any, stream: Any, *args: Any, **kwargs: Any) -> int:
        for n, _ in enumerate(rows):
            stream.write("half a row")
            stream.flush()
            if n == 3:
                raise OSError(28, "No space left on device")
        return 0

    for name in ("write_csv", "write_jsonl", "write_gdelt"):
        monkeypatch.setattr(export, name, full_disk)
    with Store(db, read_only=True) as store, pytest.raises(export.ExportError) as caught:
        export.export_events(store.db, fmt, out)
    assert str(caught.value) == f"{out}: cannot write: No space left on device"
    assert [p.name for p in tmp_path.iterdir()] == [out.name] and out.read_text() == "old"


def test_an_export_never_overwrites_a_database(db: str, tmp_path: Path) -> None:
    copy = tmp_path / "copy.duckdb"
    shutil.copyfile(db, copy)
    other = tmp_path / "other.duckdb"
    shutil.copyfile(db, other)
    before = copy.read_bytes()
    for out in (copy, other):  # the database being read, and another one
        result = _run("export", "--db", str(copy), "--format", "csv", "--out", str(out))
        assert result.exit_code == 1
        assert f"--out: {out} is a DuckDB database" in result.output
        assert "\n" not in result.output.strip()
    assert copy.read_bytes() == before and other.read_bytes() == before
    with Store(str(copy), read_only=True) as store:
        assert store.db.execute("SELECT count(*) FROM events").fetchone()[0] > 0
    result = _run("export", "--db", str(copy), "--format", "csv", "--out", str(tmp_path / "e.csv"))
    assert result.exit_code == 0 and (tmp_path / "e.csv").read_text("utf-8").count("\n") > 1
