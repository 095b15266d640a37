"""Arbitrary bytes and text at every reader: never a crash, never a lost document."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsevents.ingest.readers import read_document, read_html, read_jsonl, read_text_page
from newsevents.ingest.sniff import GZIP_MAGIC, WARC_MAGIC
from newsevents.ingest.sources import RawDocument
from newsevents.records import Article, IngestFailure

LIMIT = 1_000_000
FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_prefixes = st.sampled_from([b"", GZIP_MAGIC, WARC_MAGIC + b"1.0\r\n", b"<html>", b'{"text": ',
                             b"\xef\xbb\xbf", b"\xff\xfe"])


@FUZZ
@given(prefix=_prefixes, body=st.binary(max_size=3000),
       name=st.sampled_from(["a.txt", "a.html", "a.jsonl", "a.warc.gz", "a"]))
def test_any_bytes_give_at_least_one_outcome_and_no_exception(prefix: bytes, body: bytes,
                                                              name: str) -> None:
    outcomes = list(read_document(RawDocument(name, prefix + body), LIMIT))
    assert outcomes
    for outcome in outcomes:
        assert isinstance(outcome, Article | IngestFailure)
        assert outcome.path.startswith(name)


@FUZZ
@given(st.text(max_size=3000))
def test_any_text_page_gives_an_article(text: str) -> None:
    assert isinstance(read_text_page("p.txt", text), Article)


@FUZZ
@given(st.text(max_size=3000))
def test_any_html_gives_an_article_or_a_reason(text: str) -> None:
    outcome = read_html("p.html", "<html><body>" + text)
    assert isinstance(outcome, Article) or outcome.reason


_records = st.one_of(
    st.fixed_dictionaries({"text": st.text(max_size=200)},
                          optional={"title": st.text(max_size=30), "date": st.text(max_size=12),
                                    "url": st.text(max_size=30)}).map(json.dumps),
    st.text(max_size=80).filter(lambda s: "\n" not in s and "\r" not in s),
)


@FUZZ
@given(st.lists(_records, max_size=12))
def test_jsonl_gives_one_outcome_per_non_blank_line(lines: list[str]) -> None:
    text = "\n".join(lines)
    # JSON Lines end at "\n" only: U+2028 and U+0085 may sit inside a valid record
    expected = [n for n, line in enumerate(text.split("\n"), 1) if line.strip()]
    outcomes = list(read_jsonl("f.jsonl", text))
    assert [o.path for o in outcomes] == [f"f.jsonl#{n}" for n in expected]
