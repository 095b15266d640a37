"""The canonical page, issue 4: when it was published, when and where its events happened,
and who says so."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from newsevents.cli import app
from tests.conftest import SEED


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    db = str(Path(tmp_path_factory.mktemp("seed")) / "seed.duckdb")
    assert CliRunner().invoke(app, ["run", str(SEED), "--db", db]).exit_code == 0
    listing = CliRunner().invoke(app, ["articles", "--db", db, "--format", "jsonl"])
    (article,) = [json.loads(line) for line in listing.stdout.splitlines()]
    events = CliRunner().invoke(app, ["events", "--db", db, "--format", "jsonl"])
    return article, [json.loads(line) for line in events.stdout.splitlines()]


def _one(events: list[dict[str, Any]], trigger: str, cameo_root: str) -> dict[str, Any]:
    found = [e for e in events if e["trigger"] == trigger and e["cameo_root"] == cameo_root]
    assert found, f"no {trigger} ({cameo_root}) event"
    return found[0]


def test_the_publication_month_is_inferred_not_the_viewing_day(stored: Any) -> None:
    article, _ = stored
    assert article["page_date"] == "2023-12-07"
    assert article["published"] == "2023-06-01" and article["published_precision"] == "month"
    assert article["published_source"] == "inferred"
    assert 0 < article["published_confidence"] < 1 and "June" in article["published_evidence"]


def test_the_phone_call_is_dated_june_10(stored: Any) -> None:
    calls = [e for e in stored[1] if e["trigger"] == "conversation" and "June 10" in e["sentence"]]
    assert calls and {(e["date"], e["date_precision"]) for e in calls} == {("2023-06-10", "day")}


def test_the_antwerp_sentence_is_2021_in_antwerp(stored: Any) -> None:
    sentence = _one(stored[1], "sentenced", "17")
    assert (sentence["date"], sentence["date_precision"]) == ("2021-01-01", "year")
    assert sentence["location"]["geonameid"] == 2803138
    assert sentence["location"]["country"] == "BEL"
    assert sentence["location"]["lat"] == pytest.approx(51.22, abs=0.01)


def test_the_uprising_is_september_2022(stored: Any) -> None:
    uprising = _one(stored[1], "uprising", "14")
    assert (uprising["date"], uprising["date_precision"]) == ("2022-09-01", "month")


def test_the_demand_is_anonymous_and_the_accusation_named(stored: Any) -> None:
    demand = _one(stored[1], "demanded", "10")
    assert demand["attribution"] == {"type": "anonymous", "text": "some diplomatic sources"}
    accusation = _one(stored[1], "accused", "11")
    assert accusation["attribution"]["type"] == "named"
    assert "office" in accusation["attribution"]["text"]


def test_events_without_a_time_of_their_own_take_the_article_date(stored: Any) -> None:
    demand = _one(stored[1], "demanded", "10")
    assert (demand["date"], demand["date_precision"]) == ("2023-06-01", "article")
