"""The canonical page: the events a user expects from it, each with its own sentence, from
both engines. One of the learned engine's misses is known and declared (strict xfail: the
test fails the day it is fixed, so the declaration cannot go stale); docs/accuracy.md
lists it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from newsevents.cli import app
from tests.conftest import SEED

LEARNED_MISSES = {
    "test_the_crackdown_kills_and_arrests": "the learned engine prints the arrests but "
    "not the killings: it types 'killing several hundred protesters' as PROTEST, and that "
    "and the crackdown fall below the confidence cut",
}


@pytest.fixture(scope="module", params=["learned", "dictionary"])
def events(request: pytest.FixtureRequest) -> list[dict[str, Any]]:
    result = CliRunner().invoke(app, ["code", str(SEED), "--format", "jsonl", "--engine",
                                      request.param])
    assert result.exit_code == 0, result.output
    found = [json.loads(line) for line in result.stdout.splitlines()]
    for event in found:
        event["_engine"] = request.param
    return found


@pytest.fixture(autouse=True)
def _declared_misses(request: pytest.FixtureRequest) -> None:
    """The learned engine's known misses on this page, declared as strict expected failures."""
    if "events" not in request.fixturenames:
        return
    engine = request.getfixturevalue("events")
    reason = LEARNED_MISSES.get(request.node.originalname)
    if reason and engine and engine[0]["_engine"] == "learned":
        request.applymarker(pytest.mark.xfail(reason=reason, strict=True))


def _find(events: list[dict[str, Any]], trigger: str) -> list[dict[str, Any]]:
    return [e for e in events if e["trigger"].lower().startswith(trigger)]


def _country(actor: dict[str, Any] | None) -> str | None:
    return actor["country"] if actor else None


def test_tehran_demands_from_france(events: list[dict[str, Any]]) -> None:
    (demand,) = _find(events, "demanded")
    assert demand["cameo_root"] == "10"
    assert (_country(demand["source"]), _country(demand["target"])) == ("IRN", "FRA")
    assert demand["sentence"].startswith("As European and Iranian officials")


def test_the_macron_raisi_call_goes_both_ways(events: list[dict[str, Any]]) -> None:
    """The dictionary engine codes a consultation in both directions (PETRARCH's habit); the
    learned engine, like the annotation guide, codes a symmetric act once."""
    calls = [e for e in _find(events, "conversation") if "phone" in e["sentence"]]
    pairs = {(_country(e["source"]), _country(e["target"])) for e in calls}
    both = {("FRA", "IRN"), ("IRN", "FRA")}
    assert both <= pairs if events[0]["_engine"] == "dictionary" else pairs & both
    assert calls and all(e["cameo_root"] == "04" for e in calls)


def test_raisi_accuses_european_countries(events: list[dict[str, Any]]) -> None:
    (accusation,) = [e for e in _find(events, "accused") if "Raisi’s office" in e["sentence"]]
    assert accusation["cameo_root"] == "11"
    assert accusation["source"]["code"] == "IRNGOV"
    assert accusation["target"]["text"] == "some European countries"


def test_the_antwerp_court_sentences_assadi(events: list[dict[str, Any]]) -> None:
    (sentence,) = _find(events, "sentenced")
    assert (sentence["source"]["code"], _country(sentence["target"])) == ("BELJUD", "IRN")
    assert "a court in Antwerp" in sentence["source"]["text"]


def test_the_crackdown_kills_and_arrests(events: list[dict[str, Any]]) -> None:
    crackdown = [e for e in events if e["sentence"].startswith("Tehran responded")]
    roots = {e["cameo_root"] for e in crackdown}
    assert {"17", "19"} <= roots or {"17", "18"} <= roots
    arrests = [e for e in crackdown if e["cameo"] == "173"]
    assert arrests and all(_country(e["source"]) == _country(e["target"]) == "IRN"
                           for e in arrests)


def test_the_executions(events: list[dict[str, Any]]) -> None:
    executions = _find(events, "execut")
    assert executions and all(_country(e["source"]) == "IRN" for e in executions)


def test_the_protests(events: list[dict[str, Any]]) -> None:
    assert any(e["cameo_root"] == "14" and _country(e["source"]) == "IRN" for e in events)


def test_nothing_from_teasers_or_the_bio(events: list[dict[str, Any]]) -> None:
    for event in events:
        for word in ("Kafka", "Cameron", "Gaza", "Kazakhstan", "Waller", "NE Global"):
            assert word not in event["sentence"]


def test_each_event_quotes_its_sentence_and_trigger(events: list[dict[str, Any]]) -> None:
    from newsevents.clean import clean_page

    text = clean_page(SEED.read_text("utf-8")).text
    for event in events:
        start, end = event["trigger_span"]
        assert text[start:end] == event["trigger"]
        assert event["sentence"] in text
        assert text.index(event["sentence"]) <= start < end <= text.index(
            event["sentence"]) + len(event["sentence"])
