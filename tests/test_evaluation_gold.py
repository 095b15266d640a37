"""Gold-set readers read the shared files and small synthetic ones; metrics match hand counts."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsevents.errors import NewsEventsError
from newsevents.evaluation.gold import (
    ExpectedCoding,
    GoldActor,
    GoldFormatError,
    SpanRecord,
    bio_spans,
    country_of_code,
    petrarch_dictionary_paths,
    read_case2021,
    read_case2021_types,
    read_conflibert_class,
    read_conflibert_ner,
    read_petrarch_unit,
    read_plover_gsr,
)
from newsevents.evaluation.metrics import (
    accuracy,
    confusion,
    macro_f1,
    per_class,
    span_f1,
    weighted_f1,
)
from tests.conftest import SHARED

GOLD = SHARED / "gold"
needs_gold = pytest.mark.skipif(not GOLD.is_dir(), reason="shared gold sets not present")


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8"))
    return path


def raises_at(path: Path, where: str) -> pytest.RaisesExc[GoldFormatError]:
    """Expect a GoldFormatError whose message starts with the file and `where`."""
    return pytest.raises(GoldFormatError, match="^" + re.escape(f"{path}{where}"))


# ---------------------------------------------------------------- PLOVER GSR

PLOVER_HEADER = {"id": "X-DOCUMENT-0001", "event": "DOCUMENT", "comment": "header"}


def plover(tmp_path: Path, *records: object) -> Path:
    return write(tmp_path, "gsr.txt", json.dumps([PLOVER_HEADER, *records], indent=1))


def test_plover_maps_old_event_names_and_keeps_the_original(tmp_path: Path) -> None:
    records = read_plover_gsr(plover(tmp_path, *(
        {"id": f"r{n}", "text": "t", "event": name}
        for n, name in enumerate(["DEMAND", "DISAPPROVE", "INVESTIGATE", "FIGHT", "AGREE"])
    )))
    assert [r.event for r in records] == ["REQUEST", "ACCUSE", "ACCUSE", "ASSAULT", "AGREE"]
    assert [r.event_original for r in records][:4] == [
        "DEMAND", "DISAPPROVE", "INVESTIGATE", "FIGHT"
    ]


def test_plover_actors_and_countries(tmp_path: Path) -> None:
    (record,) = read_plover_gsr(plover(tmp_path, {
        "id": "r1", "text": "Hungarian and UN officials met Tokyo.", "event": "CONSULT",
        "mode": "visit",
        "source": [{"actorText": "Hungarian", "code": "HUN", "sector": "GOV"},
                   {"actorText": "UN", "code": "IGOUNO"}, {"actorText": "?", "code": ""}],
        "target": [{"actorText": "Tokyo", "code": "JAP"}],
    }))
    assert record.sources[0] == GoldActor("Hungarian", "HUN", "GOV")
    assert record.sources[1].sector is None
    assert record.source_countries == {"HUN"}
    assert record.target_countries == {"JPN"}  # JAP is a typo in the shared file
    assert record.mode == "visit"


@pytest.mark.parametrize("target", [None, "", [], "diplomatic"])
def test_plover_missing_or_empty_actors_mean_none(tmp_path: Path, target: object) -> None:
    item: dict[str, object] = {"id": "r1", "text": "t", "event": "AGREE", "mode": ""}
    if target is not None:
        item["target"] = target
    (record,) = read_plover_gsr(plover(tmp_path, item))
    assert record.sources == record.targets == ()
    assert record.target_countries == frozenset()
    assert record.mode is None


@pytest.mark.parametrize(("code", "country"), [
    ("USA", "USA"), ("USAGOV", "USA"), ("PSEREB", "PSE"), ("IGOUNO", None), ("IGO", None),
    ("NGO", None), ("", None), ("US", None), ("ITL", "ITA"), ("VTN", "VNM"), ("---GOV", None),
])
def test_country_of_code(code: str, country: str | None) -> None:
    assert country_of_code(code) == country


def test_plover_invalid_json_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path, "gsr.txt", '[\n{"id": "a",\n "event": }\n]')
    with raises_at(path, ":3:"):
        read_plover_gsr(path)


@pytest.mark.parametrize(("record", "reason"), [
    ({"id": "r1", "text": "t", "event": "PARTY"}, "unknown event 'PARTY'"),
    ({"id": "r1", "event": "AGREE"}, "missing or empty 'text'"),
    ({"id": "r1", "text": "t", "event": "AGREE", "source": {"code": "USA"}}, "list of actors"),
    ({"id": "r1", "text": "t", "event": "AGREE", "source": ["USA"]}, "actors need"),
])
def test_plover_bad_records_name_the_record(tmp_path: Path, record: object, reason: str) -> None:
    path = plover(tmp_path, record)
    with raises_at(path, ": record 2 (r1): ") as caught:
        read_plover_gsr(path)
    assert reason in str(caught.value)
    assert isinstance(caught.value, NewsEventsError)


def test_plover_rejects_non_array_and_empty(tmp_path: Path) -> None:
    with pytest.raises(GoldFormatError, match="JSON array"):
        read_plover_gsr(write(tmp_path, "a.txt", '{"id": 1}'))
    with pytest.raises(GoldFormatError, match="no records"):
        read_plover_gsr(plover(tmp_path))


@needs_gold
def test_plover_shared_file() -> None:
    records = read_plover_gsr(GOLD / "plover-gsr/PLOVER_GSR_CAMEO.txt")
    assert len(records) == 322
    ids = Counter(r.id for r in records)  # two different records share one id
    assert len(ids) == 321 and ids["PLOVER-GSR01-COERCE-0004"] == 2
    events = Counter(r.event for r in records)
    assert events["REQUEST"] == 34 and events["ACCUSE"] == 25 and events["ASSAULT"] == 32
    assert not {"DEMAND", "DISAPPROVE", "INVESTIGATE", "FIGHT"} & set(events)
    assert sum(not r.sources for r in records) == 1
    assert sum(not r.targets for r in records) == 34
    assert sum(len(r.sources) + len(r.targets) for r in records) == 650
    first = records[0]
    assert first.id == "PLOVER-GSR01-AGREE-0001"
    assert first.source_countries == {"HUN", "ROU"} and first.target_countries == frozenset()


# ---------------------------------------------------------------- ConfliBERT class


def test_conflibert_class_strips_crlf(tmp_path: Path) -> None:
    path = write(tmp_path, "t.tsv", "Troops attacked.\t4\r\nLeaders met.\t1\r\n\r\n")
    records = read_conflibert_class(path)
    assert [(r.sentence, r.label) for r in records] == [
        ("Troops attacked.", 4), ("Leaders met.", 1)
    ]


@pytest.mark.parametrize("bad", ["no label here", "s\t7", "s\t", "\t2", "a\tb\t3", "s\t01"])
def test_conflibert_class_bad_line_names_file_and_line(tmp_path: Path, bad: str) -> None:
    path = write(tmp_path, "t.tsv", f"Fine.\t0\r\n{bad}\r\n")
    with raises_at(path, ":2: expected 'sentence<TAB>label'"):
        read_conflibert_class(path)


def test_conflibert_class_not_utf8_names_line(tmp_path: Path) -> None:
    path = tmp_path / "t.tsv"
    path.write_bytes(b"Fine.\t0\r\nCaf\xe9.\t1\r\n")
    with raises_at(path, ":2: not UTF-8"):
        read_conflibert_class(path)


@needs_gold
def test_conflibert_class_shared_file() -> None:
    records = read_conflibert_class(GOLD / "conflibert/cameo_class/train.tsv")
    assert len(records) == 1349
    assert Counter(r.label for r in records) == {0: 240, 1: 248, 2: 303, 3: 337, 4: 221}
    assert not any("\r" in r.sentence or "\t" in r.sentence for r in records)
    assert records[0].sentence.startswith("In September, a car bomb in Kiev")


# ---------------------------------------------------------------- ConfliBERT NER

NER_SAMPLE = """\
Swiss B-S
court I-S
rejected O
the O
Croatian B-T
request I-T

rebels I-S
hit O
Kiev B-T
police B-T
and O
UN B-R
"""


def test_conflibert_ner_spans(tmp_path: Path) -> None:
    first, second = read_conflibert_ner(write(tmp_path, "n.txt", NER_SAMPLE))
    assert first.tokens == ("Swiss", "court", "rejected", "the", "Croatian", "request")
    assert first.sources == ((0, 2),) and first.targets == ((4, 6),) and first.others == ()
    # an I- tag with no B- before it starts a span; B- after B- starts another
    assert second.sources == ((0, 1),) and second.targets == ((2, 3), (3, 4))
    assert second.others == ((5, 6),)


def test_conflibert_ner_char_spans() -> None:
    record = SpanRecord(("Swiss", "court", "rejected", "Croatia", "."), ((0, 2),), ((3, 4),))
    assert record.text == "Swiss court rejected Croatia ."
    spans = record.char_spans()
    assert spans == {"sources": ((0, 11),), "targets": ((21, 28),), "others": ()}
    assert record.text[slice(*spans["targets"][0])] == "Croatia"


@pytest.mark.parametrize(("line", "number"), [("Kiev B-X", 3), ("Kiev", 3), ("a b O", 3)])
def test_conflibert_ner_bad_line(tmp_path: Path, line: str, number: int) -> None:
    path = write(tmp_path, "n.txt", f"Swiss B-S\n\n{line}\n")
    with raises_at(path, f":{number}: expected 'token tag'"):
        read_conflibert_ner(path)


TAGS = st.lists(st.sampled_from(["O", "B-S", "I-S", "B-T", "I-T"]), max_size=30)


@given(TAGS)
def test_bio_spans_are_ordered_disjoint_and_stable(tags: list[str]) -> None:
    for role in "ST":
        spans = bio_spans(tags, role)
        assert all(0 <= s < e <= len(tags) for s, e in spans)
        assert all(a[1] <= b[0] for a, b in itertools.pairwise(spans))
        assert all(tags[i].endswith(role) for s, e in spans for i in range(s, e))
        # writing the spans back as strict BIO and decoding again gives the same spans
        strict = ["O"] * len(tags)
        for s, e in spans:
            strict[s:e] = [f"B-{role}"] + [f"I-{role}"] * (e - s - 1)
        assert bio_spans(strict, role) == spans


@given(st.lists(st.text(st.characters(categories=["L", "N", "P"]), min_size=1), max_size=12),
       st.data())
def test_char_spans_cover_the_span_tokens(tokens: list[str], data: st.DataObject) -> None:
    tags = data.draw(st.lists(st.sampled_from(["O", "B-S", "I-S"]), min_size=len(tokens),
                              max_size=len(tokens)))
    record = SpanRecord(tuple(tokens), bio_spans(tags, "S"), ())
    for (s, e), (cs, ce) in zip(record.sources, record.char_spans()["sources"], strict=True):
        assert record.text[cs:ce] == " ".join(tokens[s:e])


@needs_gold
def test_conflibert_ner_shared_file() -> None:
    records = read_conflibert_ner(GOLD / "conflibert/cameo_ner/train.txt")
    assert len(records) == 1153
    assert sum(len(r.tokens) for r in records) == 28815
    # 1094 B-S plus 3 I-S right after a B-T, which start spans leniently
    assert sum(len(r.sources) for r in records) == 1097
    assert sum(len(r.targets) for r in records) == 963
    assert sum(len(r.others) for r in records) == 102
    assert records[0].text.startswith("In September , a car bomb")
    assert records[0].sources == ((3, 6),)


# ---------------------------------------------------------------- CASE 2021


def test_case2021_reads_rows(tmp_path: Path) -> None:
    path = write(tmp_path, "s.tsv", "id\tEventSnippet\tSubType\n7\tMobs clashed.\tMOB_VIOL\n\n")
    (record,) = read_case2021(path)
    assert (record.id, record.snippet, record.subtype) == ("7", "Mobs clashed.", "MOB_VIOL")


@pytest.mark.parametrize(("text", "where"), [
    ("1\tMobs clashed.\tMOB_VIOL\n", ":1: expected header"),
    ("id\tEventSnippet\tSubType\n1\tMobs clashed.\n", ":2: expected 'id<TAB>"),
    ("id\tEventSnippet\tSubType\n1\tMobs.\tMOB_VIOL\n2\t\tMOB_VIOL\n", ":3: expected 'id<TAB>"),
])
def test_case2021_bad_rows(tmp_path: Path, text: str, where: str) -> None:
    path = write(tmp_path, "s.tsv", text)
    with raises_at(path, where):
        read_case2021(path)


def test_case2021_types_skip_headings_and_repeats(tmp_path: Path) -> None:
    path = write(tmp_path, "types.txt", (
        "EVENT TYPES\r\n\r\n1. SEEN TYPES\r\nARREST\r\nMOB_VIOL\r\n2. UNSEEN\r\nARREST\r\nDIPLO\r\n"
    ))
    assert read_case2021_types(path) == ("ARREST", "MOB_VIOL", "DIPLO")
    bad = write(tmp_path, "bad.txt", "HEADING LINE\nARREST\nmob_viol\n")
    with raises_at(bad, ":3: expected an event type name"):
        read_case2021_types(bad)


@needs_gold
def test_case2021_shared_files() -> None:
    folder = GOLD / "case2021-task2"
    records = read_case2021(folder / "sample.tsv")
    assert [r.subtype for r in records] == [
        "MOB_VIOL", "VIOL_DEMONSTR", "MOB_VIOL", "ARMED_CLASH", "FORCE_AGAINST_PROTEST"
    ]
    assert [r.id for r in records] == ["1", "2", "3", "4", "5"]
    types = read_case2021_types(folder / "event-types-note.txt")
    assert len(types) == 30 and types[0] == "ABDUCT_DISSAP" and types[-1] == "ATTRIB"
    assert {r.subtype for r in records} <= set(types)
    seen = read_case2021_types(folder / "sample_data/event_types.txt")
    assert types[: len(seen)] == seen and len(seen) == 25


# ---------------------------------------------------------------- PETRARCH unit tests

PETRARCH_SAMPLE = """\
<Validation>
<!-- a comment with <Sentence> inside -->
<Environment><Config option="stop_on_error" value="True"></Config></Environment>
<Sentences>
<Sentence date="19950101" id="DEMO-01" category="DEMO" sentence="true">
<!-- Last update: TABARI validation -->
<EventCoding sourcecode="ARN" targetcode="GON" eventcode="064"></EventCoding>
<EventCoding sourcecode="GON" targetcode="ARN" eventcode="064"></EventCoding>
<Text>
Arnor is about to restore   full &amp;TIETYPE
ties with Gondor.
</Text>
<Parse>(ROOT (S (NP (NNP Arnor))))</Parse>
</Sentence>
<Config option="require_dyad" value="false"></Config>
<Sentence date="19950102" id="DEMO-02" category="DEMO" sentence="false">
<EventCoding noevents="True"></EventCoding>
<Text>Nothing happened.</Text>
</Sentence>
<Sentence date="20100817" id="ERR-01" category="ERROR" sentence="true">
<EventCoding error="dateline"></EventCoding>
<Text>CEBU CITY: -- Mayor filed suit.</Text>
</Sentence>
<Sentence date="19920102" id="PAT-06" category="PATTERN" sentence="true">
<Text>Gollum was in an accord.</Text>
</Sentence>
</Sentences>
</Validation>
"""


def test_petrarch_unit_reads_every_coding_form(tmp_path: Path) -> None:
    demo1, demo2, error, pattern = read_petrarch_unit(write(tmp_path, "u.xml", PETRARCH_SAMPLE))
    assert demo1.id == "DEMO-01" and demo1.date == dt.date(1995, 1, 1)
    assert demo1.text == "Arnor is about to restore full &TIETYPE ties with Gondor."
    assert demo1.codings == (
        ExpectedCoding("ARN", "GON", "064"), ExpectedCoding("GON", "ARN", "064")
    )
    assert demo1.options == () and demo1.enabled and demo1.expected_error is None
    assert demo2.codings == () and not demo2.enabled
    assert demo2.options == (("require_dyad", "false"),)
    assert error.codings == () and error.expected_error == "dateline"
    assert pattern.codings == () and pattern.expected_error is None
    assert pattern.category == "PATTERN"


@pytest.mark.parametrize(("old", "new", "reason"), [
    ('date="19950102"', 'date="1995-01-02"', "date '1995-01-02' is not YYYYMMDD"),
    ('date="19950102"', 'date="19951302"', "is not YYYYMMDD"),
    ('<EventCoding noevents="True">', '<EventCoding foo="bar">', "unknown form"),
    ('<EventCoding noevents="True"></EventCoding>',
     '<EventCoding noevents="True"></EventCoding><EventCoding sourcecode="A" targetcode="B" '
     'eventcode="010"></EventCoding>', "together with noevents"),
    ("<Text>Nothing happened.</Text>", "<Text>  </Text>", "non-empty <Text>"),
])
def test_petrarch_unit_bad_record_is_named(
    tmp_path: Path, old: str, new: str, reason: str
) -> None:
    path = write(tmp_path, "u.xml", PETRARCH_SAMPLE.replace(old, new, 1))
    with raises_at(path, ": record 2 (DEMO-02): ") as caught:
        read_petrarch_unit(path)
    assert reason in str(caught.value)


def test_petrarch_unit_malformed_xml_names_line(tmp_path: Path) -> None:
    path = write(tmp_path, "u.xml", PETRARCH_SAMPLE.replace("</Sentence>\n<Config", "\n<Config", 1))
    with pytest.raises(GoldFormatError, match=r":\d+: not well-formed XML"):
        read_petrarch_unit(path)
    with raises_at(tmp_path / "absent.xml", ": cannot read"):
        read_petrarch_unit(tmp_path / "absent.xml")


def test_petrarch_dictionary_paths(tmp_path: Path) -> None:
    for kind in ("verbs", "actors", "agents"):
        write(tmp_path, f"PETR.Validate.{kind}.txt", "")
    with raises_at(tmp_path, ": missing PETRARCH dictionaries: PETR.Validate.discards.txt"):
        petrarch_dictionary_paths(tmp_path)
    write(tmp_path, "PETR.Validate.discards.txt", "")
    paths = petrarch_dictionary_paths(tmp_path)
    assert paths["verbs"] == tmp_path / "PETR.Validate.verbs.txt"
    assert sorted(paths) == ["actors", "agents", "discards", "verbs"]


@needs_gold
def test_petrarch_unit_shared_file() -> None:
    folder = GOLD / "petrarch2-unittest"
    records = read_petrarch_unit(folder / "PETR.UnitTest.records.xml")
    assert len(records) == 284
    assert sum(len(r.codings) for r in records) == 359
    assert sum(not r.codings for r in records) == 27  # 19 noevents, 7 errors, 1 with no coding
    assert Counter(r.expected_error for r in records if r.expected_error) == {
        "bad_input_parse": 2, "storydiscard": 2, "sentencediscard": 2, "dateline": 1
    }
    assert sum(not r.enabled for r in records) == 5
    assert max(len(r.codings) for r in records) == 12
    assert records[0].id == "DEMO-00"
    assert records[0].codings == (ExpectedCoding("ARN", "GON", "064"),)
    assert all("  " not in r.text and r.text == r.text.strip() for r in records)
    assert all(path.is_file() for path in petrarch_dictionary_paths(folder).values())


# ---------------------------------------------------------------- metrics

GOLD_LABELS = ["a", "a", "b", "c"]
PREDICTED = ["a", "b", "b", "a"]


def test_classification_metrics_by_hand() -> None:
    assert accuracy(GOLD_LABELS, PREDICTED) == 0.5
    scores = per_class(GOLD_LABELS, PREDICTED)
    assert list(scores) == ["a", "b", "c"]
    assert scores["a"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "support": 2}
    assert scores["b"] == {
        "precision": 0.5, "recall": 1.0, "f1": pytest.approx(2 / 3), "support": 1
    }
    # c is never predicted: its scores are 0, not a division error
    assert scores["c"] == {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 1}
    assert macro_f1(GOLD_LABELS, PREDICTED) == pytest.approx(7 / 18)
    assert weighted_f1(GOLD_LABELS, PREDICTED) == pytest.approx(5 / 12)
    assert confusion(GOLD_LABELS, PREDICTED) == {
        ("a", "a"): 1, ("a", "b"): 1, ("b", "b"): 1, ("c", "a"): 1
    }


def test_explicit_labels_include_absent_classes() -> None:
    assert macro_f1(["x", "x"], ["x", "x"], labels=["x", "y"]) == 0.5
    assert weighted_f1(["x", "x"], ["x", "x"], labels=["x", "y"]) == 1.0
    assert list(per_class([1, 2], [2, 2], labels=[2, 1, 2])) == [2, 1]


def test_empty_inputs_score_zero() -> None:
    assert accuracy([], []) == 0.0
    assert macro_f1([], []) == weighted_f1([], []) == 0.0
    assert per_class([], []) == {} and confusion([], []) == {}
    assert span_f1([], []) == {"precision": 0.0, "recall": 0.0, "f1": 0.0}
    assert span_f1([set()], [set()]) == {"precision": 0.0, "recall": 0.0, "f1": 0.0}


@pytest.mark.parametrize("metric", [accuracy, macro_f1, weighted_f1, per_class, confusion, span_f1])
def test_length_mismatch_raises(metric: object) -> None:
    with pytest.raises(ValueError, match="gold has 2 items but predicted has 1"):
        metric([set(), set()], [set()])  # type: ignore[operator]


def test_unsortable_labels_keep_first_appearance() -> None:
    assert list(per_class([1, "a"], ["a", None])) == [1, "a", None]


def test_span_f1_by_hand() -> None:
    gold = [{(0, 2), (3, 4)}, {(1, 2)}]
    predicted = [{(0, 2), (3, 5)}, set()]
    score = span_f1(gold, predicted)
    assert score == {"precision": 0.5, "recall": pytest.approx(1 / 3), "f1": pytest.approx(0.4)}


LABEL_LISTS = st.integers(0, 40).flatmap(
    lambda n: st.tuples(*(st.lists(st.sampled_from("abcd"), min_size=n, max_size=n),) * 2)
)


@given(LABEL_LISTS)
def test_accuracy_and_f1_are_ratios(pair: tuple[list[str], list[str]]) -> None:
    gold, predicted = pair
    for value in (accuracy(gold, predicted), macro_f1(gold, predicted),
                  weighted_f1(gold, predicted)):
        assert 0.0 <= value <= 1.0


@given(LABEL_LISTS)
def test_macro_f1_is_one_iff_predictions_equal_gold(pair: tuple[list[str], list[str]]) -> None:
    gold, predicted = pair
    if gold:
        assert (macro_f1(gold, predicted) == 1.0) == (gold == predicted)
        assert macro_f1(gold, gold) == weighted_f1(gold, gold) == accuracy(gold, gold) == 1.0


@pytest.fixture(scope="module")
def sk() -> Any:
    return pytest.importorskip("sklearn.metrics")


@settings(deadline=None)
@given(pair=LABEL_LISTS)
def test_metrics_match_scikit_learn(sk: Any, pair: tuple[list[str], list[str]]) -> None:
    gold, predicted = pair
    if not gold:
        return
    assert accuracy(gold, predicted) == pytest.approx(sk.accuracy_score(gold, predicted))
    for average, ours in (("macro", macro_f1), ("weighted", weighted_f1)):
        theirs = sk.f1_score(gold, predicted, average=average, zero_division=0)
        assert ours(gold, predicted) == pytest.approx(theirs)


SPANS = st.sets(st.tuples(st.integers(0, 5), st.integers(0, 5)), max_size=4)
SPAN_LISTS = st.integers(0, 6).flatmap(
    lambda n: st.tuples(*(st.lists(SPANS, min_size=n, max_size=n),) * 2)
)


@given(SPAN_LISTS)
def test_span_f1_swapping_gold_and_predicted_swaps_precision_and_recall(
    pair: tuple[list[set[tuple[int, int]]], list[set[tuple[int, int]]]],
) -> None:
    gold, predicted = pair
    forward, backward = span_f1(gold, predicted), span_f1(predicted, gold)
    assert forward["precision"] == backward["recall"]
    assert forward["recall"] == backward["precision"]
    assert forward["f1"] == backward["f1"]
    assert all(0.0 <= forward[key] <= 1.0 for key in ("precision", "recall", "f1"))
    if any(gold):
        assert span_f1(gold, gold)["f1"] == 1.0


def test_actors_are_written_as_petrarch_writes_them() -> None:
    from newsevents.coder.actors import NO_COUNTRY
    from newsevents.evaluation.runner import _petrarch_code
    from newsevents.records import Actor

    assert _petrarch_code(None) == "---"
    assert _petrarch_code(Actor("officials", "GOV", None, "GOV", (0, 9), None, NO_COUNTRY)) \
        == "---GOV"
    assert _petrarch_code(Actor("Arnor", "ARN", None, None, (0, 5), None, "dictionary")) == "ARN"
