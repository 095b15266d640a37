"""The guide's section-8 scorer: what matches at each level, what is not scored, and that a
match is one to one. Events and annotations are built here, each case varying one thing."""

from __future__ import annotations

from dataclasses import replace

import pytest

from newsevents.corpus import GoldActor, GoldDocument, GoldEvent
from newsevents.evaluation.events import (
    agreement,
    events_per_thousand_words,
    score_documents,
)
from newsevents.records import Actor, Event

TEXT = "Israel struck Hamas positions in Gaza. Egypt hosted talks with Qatar on Monday."
FIRST, SECOND = TEXT.split(". ")[0] + ".", TEXT.split(". ")[1]


def gold(snippet: str, plover: str, source: str | None, target: str | None,
         **changes: object) -> GoldEvent:
    event = GoldEvent(snippet, snippet.split()[1], plover, (), "190",
                      GoldActor("x", source, None) if source else None,
                      GoldActor("y", target, None) if target else None,
                      False, False, "none", None, None, False, TEXT.index(snippet))
    return replace(event, **changes)  # type: ignore[arg-type]


def coded(sentence: str, index: int, plover: str, source: str | None, target: str | None,
          **changes: object) -> Event:
    def actor(code: str | None) -> Actor | None:
        return Actor("x", code, code[:3], None) if code else None
    event = Event(f"e{index}{plover}{source}{target}", "a", index, sentence, "struck",
                  (7, 13), actor(source), actor(target), "190", "19", 4, -10.0,
                  {"event": plover, "mode": None})
    return replace(event, **changes)  # type: ignore[arg-type]


def document(*events: GoldEvent) -> GoldDocument:
    return GoldDocument("d", TEXT, "2024-01-01", "", "A", 2, events, False, "f", 1)


STRIKE = gold("Israel struck Hamas positions", "ASSAULT", "ISR", "PSE")


def score(events: list[Event], *annotated: GoldEvent) -> dict[str, object]:
    return score_documents([document(*annotated)], [events])


def test_a_right_event_matches_at_every_level() -> None:
    report = score([coded(FIRST, 0, "ASSAULT", "ISRMIL", "PSEREB")], STRIKE)
    assert report["full_precision"] == report["full_recall"] == 1.0


@pytest.mark.parametrize(("event", "levels"), [
    (coded(FIRST, 0, "ASSAULT", "ISRMIL", "LBNREB"), {"type", "source"}),
    (coded(FIRST, 0, "ASSAULT", "EGYGOV", "PSEREB"), {"type"}),
    (coded(FIRST, 0, "COERCE", "ISRMIL", "PSEREB"), set()),
    (coded(SECOND, 1, "ASSAULT", "ISRMIL", "PSEREB"), set()),  # another sentence
])
def test_each_level_asks_one_more_thing(event: Event, levels: set[str]) -> None:
    report = score([event], STRIKE)
    for level in ("type", "source", "full"):
        assert report[f"{level}_recall"] == (1.0 if level in levels else 0.0)


def test_an_alternative_type_matches() -> None:
    annotated = replace(STRIKE, plover="COERCE", plover_alt=("ASSAULT",))
    assert score([coded(FIRST, 0, "ASSAULT", "ISR", "PSE")], annotated)["full_f1"] == 1.0


def test_a_null_side_matches_a_missing_or_uncoded_actor() -> None:
    annotated = replace(STRIKE, target=None)
    assert score([coded(FIRST, 0, "ASSAULT", "ISR", None)], annotated)["full_f1"] == 1.0
    assert score([coded(FIRST, 0, "ASSAULT", "ISR", "PSE")], annotated)["full_f1"] == 0.0


def test_symmetric_events_match_either_way_round() -> None:
    talks = gold("Egypt hosted talks with Qatar", "CONSULT", "EGY", "QAT", symmetric=True)
    reverse = coded(SECOND, 1, "CONSULT", "QATGOV", "EGYGOV")
    assert score([reverse], talks)["full_f1"] == 1.0
    assert score([reverse], replace(talks, symmetric=False))["full_f1"] == 0.0


def test_sectors_are_compared_side_to_side_even_when_a_symmetric_act_matched_reversed(
        ) -> None:
    talks = replace(gold("Egypt hosted talks with Qatar", "CONSULT", "EGY", "QAT",
                         symmetric=True), source=GoldActor("x", "EGY", "GOV"))
    straight = replace(coded(SECOND, 1, "CONSULT", "EGYGOV", "QAT"),
                       source=Actor("x", "EGYGOV", "EGY", "GOV"), target=Actor("y", "QAT", "QAT"))
    reverse = replace(straight, event_id="r", source=straight.target, target=straight.source)
    for event in (straight, reverse):
        report = score([event], talks)
        assert (report["full_recall"], report["sector_agreement"]) == (1.0, 1.0)
    wrong = replace(reverse, target=Actor("x", "EGYMIL", "EGY", "MIL"))
    assert score([wrong], talks)["sector_agreement"] == 0.5


@pytest.mark.parametrize(("told", "precision", "annotated", "agrees"), [
    ("2024-01-01", "year", "2024", True),
    ("2024-01-01", "year", "2024-01", False),  # a year does not say January
    ("2024-01-01", "year", "2024-01-01", False),
    ("2024-01-01", "month", "2024-01", True),
    ("2024-01-01", "month", "2024-01-01", False),
    ("2024-01-08", "day", "2024-01", True),  # a day within the annotated month
    ("2024-01-08", "story", "2024-01-08", True),
    ("2024-01-08", "article", "2024-01-08", False),  # the article's day is no date of its own
])
def test_date_agreement_reads_the_date_only_as_far_as_it_is_told(
        told: str, precision: str, annotated: str, agrees: bool) -> None:
    event = coded(FIRST, 0, "ASSAULT", "ISR", "PSE", date=told, date_precision=precision)
    report = score([event], replace(STRIKE, date=annotated))
    assert report["date_agreement"] == (1.0 if agrees else 0.0)


def test_flagged_events_are_not_scored_on_either_side() -> None:
    right = coded(FIRST, 0, "ASSAULT", "ISR", "PSE")
    report = score([replace(right, hypothetical=True)], STRIKE)
    assert (report["coded_events"], report["full_recall"]) == (0, 0.0)
    report = score([right], replace(STRIKE, negated=True))
    assert (report["gold_events"], report["full_precision"]) == (0, 0.0)


def test_duplicates_in_a_sentence_merge_and_matching_is_one_to_one() -> None:
    one = coded(FIRST, 0, "ASSAULT", "ISRMIL", "PSEREB")
    same = replace(one, event_id="other", source=Actor("y", "ISRGOV", "ISR", "GOV"))
    report = score([one, same], STRIKE)
    assert (report["coded_events"], report["full_precision"]) == (1, 1.0)
    second_target = coded(FIRST, 0, "ASSAULT", "ISR", "LBN")
    report = score([one, second_target], STRIKE)
    assert report["full_precision"] == 0.5 and report["full_recall"] == 1.0


def test_the_literal_reading_lets_one_coded_event_match_annotated_duplicates() -> None:
    """Two annotated events with the same sentence, type and countries (one per target
    named) and one coded event: one to one, half is found; read literally, both are."""
    twin = replace(STRIKE, source=GoldActor("z", "ISR", None))
    found = coded(FIRST, 0, "ASSAULT", "ISRMIL", "PSEREB")
    report = score([found], STRIKE, twin)
    literal = report["literal"]
    assert isinstance(literal, dict)
    assert (report["full_recall"], literal["full_recall"]) == (0.5, 1.0)
    assert report["full_precision"] == literal["full_precision"] == 1.0
    wrong = coded(FIRST, 0, "ASSAULT", "EGY", "PSE")  # right type only: matches no one fully
    literal = score([found, wrong], STRIKE, twin)["literal"]
    assert isinstance(literal, dict)
    assert (literal["full_precision"], literal["type_precision"]) == (0.5, 1.0)


def test_agreement_scores_one_annotator_against_the_other() -> None:
    talks = gold("Egypt hosted talks with Qatar", "CONSULT", "EGY", "QAT")
    first = document(STRIKE, talks)
    second = replace(first, events=(STRIKE,), annotator="B")
    spans = [(0, len(FIRST)), (len(FIRST) + 1, len(TEXT))]
    report = agreement([first], [second], lambda _text: spans)
    assert report["full_precision"] == 1.0 and report["full_recall"] == 0.5
    # annotator 1 wrote the strike twice (one per target, same countries); annotator 2 once
    twin = replace(STRIKE, source=GoldActor("z", "ISR", None))
    report = agreement([document(STRIKE, twin)], [second], lambda _text: spans)
    assert (report["full_recall"], report["literal"]["full_recall"]) == (0.5, 1.0)


def test_false_alarms_per_thousand_words() -> None:
    texts = ["word " * 400, "word " * 600]
    events = [[coded(FIRST, 0, "ASSAULT", "ISR", "PSE")], []]
    assert events_per_thousand_words(texts, events)["events_per_1000_words"] == 1.0


def test_the_reliability_table_counts_each_band() -> None:
    right = coded(FIRST, 0, "ASSAULT", "ISR", "PSE", confidence=0.9)
    wrong = coded(SECOND, 1, "CONSULT", "EGY", "QAT", confidence=0.1)
    bands = {low: (n, share) for low, n, share in score([right, wrong], STRIKE)["reliability"]}
    assert bands[0.8] == (1, 1.0) and bands[0.0] == (1, 0.0) and bands[0.4] == (0, None)
