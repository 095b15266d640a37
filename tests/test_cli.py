"""The command line, through typer's runner: summaries, listings and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsevents.cli import app
from tests.conftest import SEED, article_text

runner = CliRunner()


def _run(*args: str, input: str | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args), input=input)


def test_run_stores_the_seed_and_reports_a_summary(tmp_path: Path) -> None:
    db = str(tmp_path / "n.duckdb")
    first = _run("run", str(SEED), "--db", db)
    assert first.exit_code == 0, first.output
    assert "Read 1 articles" in first.stdout and "1 new, 0 already stored" in first.stdout
    assert "Dropped 22 lines of page furniture." in first.stdout
    again = _run("run", str(SEED), "--db", db)
    assert "0 new, 1 already stored" in again.stdout
    listing = _run("articles", "--db", db, "--format", "jsonl")
    (record,) = [json.loads(line) for line in listing.stdout.splitlines()]
    assert record["page_date"] == "2023-12-07"
    # the page gives only the viewing date; the text dates itself to June 2023 (issue 4)
    assert (record["published"], record["published_source"]) == ("2023-06-01", "inferred")
    assert record["published_precision"] == "month"
    assert record["title"].startswith("Iran’s ruling mullahs")


def test_run_reports_each_bad_document_and_goes_on(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text("\n\n".join(article_text(n) for n in range(3)))
    (tmp_path / "empty.txt").write_text("")
    result = _run("run", str(tmp_path), "--db", str(tmp_path / "n.duckdb"))
    assert result.exit_code == 0
    assert f"skipped {tmp_path / 'empty.txt'}: empty file" in result.stderr
    assert "Skipped 1 documents (empty file 1); 1 newly recorded in ingest_errors." \
        in result.stdout


def test_run_reads_stdin(tmp_path: Path) -> None:
    text = "\n\n".join(article_text(n) for n in range(3))
    db = str(tmp_path / "n.duckdb")
    assert _run("run", "-", "--db", db, input=text).exit_code == 0
    listing = _run("articles", "--db", db, "--format", "jsonl")
    assert json.loads(listing.stdout)["path"] == "-"


def test_run_with_a_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    result = _run("run", str(tmp_path / "nope.txt"), "--db", str(tmp_path / "n.duckdb"))
    assert result.exit_code == 1
    assert result.stderr == f"newsevents: error: no such file or folder: {tmp_path}/nope.txt\n"


def test_articles_on_a_missing_database_is_one_line(tmp_path: Path) -> None:
    result = _run("articles", "--db", str(tmp_path / "none.duckdb"))
    assert result.exit_code == 1
    assert result.stderr == f"newsevents: error: {tmp_path}/none.duckdb: no such database\n"


def test_articles_table_lists_the_fields(tmp_path: Path) -> None:
    db = str(tmp_path / "n.duckdb")
    _run("run", str(SEED), "--db", db)
    table = _run("articles", "--db", db).stdout
    for column in ("article_id", "published", "page_date", "title", "outlet", "words", "dropped"):
        assert column in table
    assert "2023-12-07" in table and "Iran’s ruling mullahs" in table


def test_a_bad_settings_file_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "s.toml"
    bad.write_text("[ingest]\nmax_bytes = 'big'\n")
    result = _run("run", str(SEED), "--settings", str(bad), "--db", str(tmp_path / "n.duckdb"))
    assert result.exit_code == 4
    assert result.stderr == f"newsevents: error: {bad}: ingest.max_bytes must be a int\n"


def test_settings_file_changes_the_size_limit(tmp_path: Path) -> None:
    small = tmp_path / "s.toml"
    small.write_text("[ingest]\nmax_bytes = 1000\n")
    result = _run("run", str(SEED), "--settings", str(small), "--db", str(tmp_path / "n.duckdb"))
    assert f"skipped {SEED}: too large: 7,575 bytes (limit 1,000)" in result.stderr


def test_code_prints_jsonl_table_and_gdelt(tmp_path: Path) -> None:
    page = tmp_path / "p.txt"
    page.write_text("\n\n".join([article_text(1), "Iran's army attacked Kurdish rebels in Iraq.",
                                 article_text(2)]))
    rows = [json.loads(line) for line in _run("code", str(page)).stdout.splitlines()]
    attack = [r for r in rows if r["trigger"] == "attacked"]
    assert attack and attack[0]["source"]["code"] == "IRNMIL"
    gdelt = _run("code", str(page), "--format", "gdelt").stdout.splitlines()
    assert len(gdelt) == len(rows)
    assert all(len(line.split("\t")) == 61 for line in gdelt)
    table = _run("code", str(page), "--format", "table").stdout
    assert "IRNMIL" in table and "attacked" in table
    assert _run("code", str(page), "--date", "2024-13-01").stderr == \
        "newsevents: error: --date must be YYYY-MM-DD, got '2024-13-01'\n"


def test_events_are_stored_once_and_filtered(tmp_path: Path) -> None:
    db = str(tmp_path / "n.duckdb")
    assert "Coded" in _run("run", str(SEED), "--db", db).stdout
    again = _run("run", str(SEED), "--db", db).stdout
    assert "Coded 0 new events (0 new event clusters)." in again
    every = [json.loads(x) for x in _run("events", "--db", db, "--format", "jsonl").stdout
             .splitlines()]
    iran = [json.loads(x) for x in _run("events", "--db", db, "--country", "IRN", "--root",
                                        "17", "--format", "jsonl").stdout.splitlines()]
    assert iran and len(iran) < len(every)
    assert all(e["cameo_root"] == "17" and "IRN" in ((e["source"] or {}).get("country"),
               (e["target"] or {}).get("country")) for e in iran)


@pytest.mark.parametrize("name", ["dates", "places"])
def test_eval_dates_and_places_list_the_records_they_miss(tmp_path: Path, name: str) -> None:
    """A wrong gold value makes a miss; the report names that record (it used to crash)."""
    rows = (Path(__file__).parent / "data" / "dates_places.tsv").read_text("utf-8").splitlines()
    header, first, second = rows[0], rows[1].split("\t"), rows[2]
    first[3 if name == "dates" else 7] = "1999-01-01" if name == "dates" else "1"
    path = tmp_path / "gold.tsv"
    path.write_text("\n".join([header, "\t".join(first), second]) + "\n", "utf-8")
    result = runner.invoke(app, ["eval", name, "--file", str(path)])
    assert result.exit_code == 0, result.output
    assert "misses (" in result.stdout
    assert f"  {first[0]}: " in result.stdout


def test_eval_events_on_synthetic_records_only_says_why_nothing_is_scored(tmp_path: Path
                                                                           ) -> None:
    record = {"doc_id": "syn-1", "text": "Police arrested ten protesters in Cairo.",
              "date": None, "source": "", "annotator": "A", "exhaustive": True,
              "synthetic": True, "events": []}
    path = tmp_path / "synthetic.jsonl"
    path.write_text(json.dumps(record) + "\n", "utf-8")
    result = _run("eval", "events", "--file", str(path))
    assert result.exit_code != 0
    assert result.output.strip() == (f"newsevents: error: {path}: no annotated documents to "
                                     "score (1 synthetic records: training data only, never "
                                     "scored)")
