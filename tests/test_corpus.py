"""Our annotated corpus: its records validate, its splits are fixed, bad records are refused
with FILE:LINE, and no reserved evaluation article is in it."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from newsevents.corpus import (
    PLOVER_TYPES,
    RESERVED_IDS,
    CorpusError,
    corpus_files,
    load_corpus,
    read_corpus,
    split_of,
)

CORPUS = Path(__file__).parents[1] / "corpus"
TEXT = "Police arrested five protesters in Lagos on Monday. The rain stopped."
EVENT = {"in_sentence": "Police arrested five protesters in Lagos", "trigger": "arrested",
         "plover": "COERCE", "plover_alt": [], "cameo": "173",
         "source": {"text": "Police", "country": "NGA", "sector": "COP"},
         "target": {"text": "five protesters", "country": "NGA", "sector": "CVL"},
         "negated": False, "hypothetical": False, "attribution": "none", "date": None,
         "place": {"name": "Lagos", "country": "NGA"}}


def _record(**changes: object) -> dict[str, object]:
    record: dict[str, object] = {"doc_id": "test-1", "text": TEXT, "exhaustive": True,
                                 "sentences": 2, "events": [dict(EVENT)]}
    record.update(changes)
    return record


def _write(tmp_path: Path, *records: object) -> Path:
    path = tmp_path / "set.jsonl"
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n"
                            for r in records), "utf-8")
    return path


def test_a_good_record_reads_with_offsets(tmp_path: Path) -> None:
    (document,) = read_corpus(_write(tmp_path, _record()))
    (event,) = document.events
    assert TEXT[event.offset:].startswith(event.in_sentence)
    assert event.source is not None and event.source.country == "NGA"
    assert event.plain and document.words == len(TEXT.split())


@pytest.mark.parametrize(("change", "reason"), [
    ({"plover": "FIGHT"}, "is not one of the 16 PLOVER types"),
    ({"in_sentence": "Soldiers arrested five"}, "in_sentence is not in the text"),
    ({"trigger": "detained"}, "trigger 'detained' is not in the text"),
    ({"cameo": "17a"}, "is not 2-4 digits"),
    ({"source": {"text": "Police", "country": "Nigeria", "sector": "COP"}},
     "is not an ISO alpha-3 code"),
    ({"target": {"text": "x", "country": "NGA", "sector": "PEOPLE"}}, "sector"),
    ({"date": "Monday"}, "is not YYYY, YYYY-MM or YYYY-MM-DD"),
    ({"attribution": "rumour"}, "attribution 'rumour'"),
])
def test_a_bad_event_names_file_and_line(tmp_path: Path, change: dict[str, object],
                                         reason: str) -> None:
    bad = _record(doc_id="test-2", events=[{**EVENT, **change}])
    path = _write(tmp_path, _record(), bad)
    with pytest.raises(CorpusError) as caught:
        list(read_corpus(path))
    assert str(caught.value).startswith(f"{path}:2: event 1")
    assert reason in str(caught.value)


@pytest.mark.parametrize(("line", "reason"), [
    ("{not json", "not JSON"),
    ("[1, 2]", "a record is one JSON object"),
    (json.dumps({"doc_id": "x", "events": []}), "missing field 'text'"),
    (json.dumps(_record(exhaustive=False)), "exhaustive"),
    (json.dumps(_record(doc_id=sorted(RESERVED_IDS)[0])), "reserved for evaluation"),
])
def test_a_bad_record_names_file_and_line(tmp_path: Path, line: str, reason: str) -> None:
    path = _write(tmp_path, line)
    with pytest.raises(CorpusError, match=reason) as caught:
        list(read_corpus(path))
    assert str(caught.value).startswith(f"{path}:1: ")


def test_a_line_that_is_not_utf8_names_file_and_line(tmp_path: Path) -> None:
    path = _write(tmp_path, _record(), _record(doc_id="test-2"))
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(lines[0] + lines[1].replace(b"test-2", b"test-\xff"))
    with pytest.raises(CorpusError) as caught:
        list(read_corpus(path))
    assert str(caught.value) == f"{path}:2: not UTF-8"


def test_a_file_that_cannot_be_read_is_named_without_a_line(tmp_path: Path) -> None:
    for path in (tmp_path / "missing.jsonl", tmp_path):
        with pytest.raises(CorpusError) as caught:
            list(read_corpus(path))
        assert str(caught.value).startswith(f"{path}: cannot read: ")


def test_splits_are_fixed_by_the_id_and_near_70_15_15() -> None:
    ids = [f"doc-{n}" for n in range(4000)]
    assert [split_of(i) for i in ids] == [split_of(i) for i in ids]
    shares = Counter(split_of(i) for i in ids)
    assert abs(shares["train"] / 4000 - 0.70) < 0.03
    assert abs(shares["dev"] / 4000 - 0.15) < 0.03
    assert abs(shares["test"] / 4000 - 0.15) < 0.03


def test_synthetic_documents_are_training_data_only(tmp_path: Path) -> None:
    records = [_record(doc_id=f"syn-{n}", synthetic=True) for n in range(60)]
    path = _write(tmp_path, *records)
    assert len(load_corpus([path], split="train")) == 60
    assert load_corpus([path], split="dev") == [] == load_corpus([path], split="test")


def test_the_shipped_corpus_validates_and_is_large_enough() -> None:
    documents = load_corpus(corpus_files(CORPUS))
    kinds = Counter("synthetic" if d.synthetic else d.doc_id.split("-")[0] for d in documents)
    assert kinds["ce"] >= 2000
    assert kinds["gum"] + kinds["vanatteveldt"] + kinds["tosca"] >= 270
    assert kinds["synthetic"] >= 1500
    assert not {d.doc_id for d in documents} & RESERVED_IDS
    assert len({d.doc_id for d in documents}) == len(documents)
    types = Counter(e.plover for d in documents for e in d.events)
    assert set(types) <= PLOVER_TYPES
    assert min(types.values()) >= 20  # every type has examples to learn from


def test_the_doubly_annotated_articles_are_in_the_corpus() -> None:
    first = {d.doc_id for d in read_corpus(CORPUS / "agreement" / "first.jsonl")}
    second = {d.doc_id for d in read_corpus(CORPUS / "agreement" / "second.jsonl")}
    final = {d.doc_id for d in load_corpus(corpus_files(CORPUS))}
    assert len(first) >= 40 and first == second and first <= final


def test_eval_events_names_a_bad_file_and_line(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from newsevents.cli import app

    path = _write(tmp_path, _record(), _record(doc_id="x", events=[{**EVENT, "plover": "WAR"}]))
    result = CliRunner().invoke(app, ["eval", "events", "--file", str(path)])
    assert result.exit_code == 1
    assert f"{path}:2: event 1: type 'WAR' is not one of the 16 PLOVER types" in result.stderr
    bad_split = CliRunner().invoke(app, ["eval", "events", "--split", "holdout"])
    assert bad_split.exit_code == 1 and "--split must be dev or test" in bad_split.stderr
