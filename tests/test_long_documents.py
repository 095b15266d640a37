"""Issue 11: long texts are coded in paragraph chunks, over-long sentences are skipped and
counted, and a stage that raises or overruns costs only its own document."""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.language import Language
from spacy.tokens import Doc

from newsevents.coder.job import CodeArticles, CodedArticle, chunk_ranges, estimated_tokens
from newsevents.learned.coder import LONG_SENTENCE
from newsevents.nlp import coding_pipeline
from newsevents.records import Article, Event, IngestFailure
from newsevents.settings import Settings, load_settings

EXAMPLES = Path(__file__).parents[1] / "examples" / "wikinews.jsonl"


def _paragraphs(count: int) -> list[str]:
    out: list[str] = []
    for line in EXAMPLES.read_text("utf-8").splitlines():
        out += [p for p in json.loads(line)["text"].split("\n\n") if len(p) > 200][:3]
        if len(out) >= count:
            break
    return out[:count]


def _article(text: str, article_id: str = "long") -> Article:
    return Article(article_id=article_id, path=f"{article_id}.txt", text=text, url=None,
                   outlet=None, title=None, author=None, published="2024-05-01",
                   published_source="given", page_date=None, language="en", dropped=())


def _coded(settings: Settings, articles: list[Article]) -> list[CodedArticle | IngestFailure]:
    out = []
    for item in CodeArticles(settings).run(articles):
        assert isinstance(item, CodedArticle | IngestFailure)
        out.append(item)
    return out


def _key(event: Event, offset: int = 0) -> tuple[object, ...]:
    # str(): a side may be None (no actor) where another event at the same trigger has one
    return (event.trigger_span[0] + offset, event.trigger, event.cameo,
            str(event.source.code if event.source else None),
            str(event.target.code if event.target else None), event.sentence)


@given(st.lists(st.text(alphabet="ab .,\n", min_size=0, max_size=300), max_size=12),
       st.integers(min_value=20, max_value=400),
       st.none() | st.integers(min_value=1, max_value=200))
@settings(max_examples=300, deadline=None)
def test_chunks_cover_the_text_in_order_within_the_limits(parts: list[str], limit: int,
                                                         tokens: int | None) -> None:
    text = "\n\n".join(parts)
    ranges = chunk_ranges(text, limit, tokens)
    assert ranges[0][0] == 0 and ranges[-1][1] == len(text)
    for (_, end), (start, _) in itertools.pairwise(ranges):
        assert end == start
    assert all(0 < e - s <= limit for s, e in ranges) or text == ""
    if tokens is not None:
        assert all(estimated_tokens(text[s:e]) <= tokens for s, e in ranges)


def test_the_token_estimate_is_not_below_spacys_count() -> None:
    """The batch and chunk bounds hold spaCy's memory only if the estimate does not
    undercount: on prose, punctuation runs and garbage alike."""
    nlp = spacy.blank("en")
    samples = [*_paragraphs(5), ", , , , ,", "-- -- --", ",,,,,,", "don't can't U.S.-led",
               "e-mail: a@b.org http://x.y/z?q=1", "#!$%&*()[]{}", "   \n\n  ", "ça où 東京"]
    for text in samples:
        assert estimated_tokens(text) >= len(nlp(text)), text


def test_a_chunk_ends_at_a_paragraph_end_when_one_fits() -> None:
    paragraphs = ["x" * 30, "y" * 30, "z" * 30]
    text = "\n\n".join(paragraphs)
    assert [text[s:e] for s, e in chunk_ranges(text, 70)] == [
        f"{'x' * 30}\n\n{'y' * 30}\n\n", "z" * 30]


def test_a_1_5_mb_article_is_coded_in_chunks_as_its_pieces_split_by_hand() -> None:
    """The text is one block of whole paragraphs repeated to 1.5 MB; chunked at the block's
    length, each chunk is one block, so split by hand the pieces are the blocks. The whole
    article's events are the pieces' events at their places in the whole text."""
    block = "\n\n".join(_paragraphs(40)) + "\n\n"
    copies = 1_500_000 // len(block) + 1
    text = block * copies
    assert len(text) > 1_500_000
    settings = load_settings().with_overrides(
        nlp={"chunk_chars": len(block), "batch_tokens": estimated_tokens(block)})
    (whole,) = _coded(settings, [_article(text)])
    (piece,) = _coded(settings, [_article(block, "piece")])
    assert isinstance(whole, CodedArticle) and isinstance(piece, CodedArticle)
    assert piece.events, "the block must have events for the comparison to mean anything"
    expected = sorted(_key(e, n * len(block)) for n in range(copies) for e in piece.events)
    assert sorted(_key(e) for e in whole.events) == expected
    for event in whole.events:  # offsets are the whole text's
        assert text[event.trigger_span[0]:event.trigger_span[1]] == event.trigger
        for actor in (event.source, event.target):
            if actor is not None and actor.span is not None:
                assert text[actor.span[0]:actor.span[1]] == actor.text
        assert event.sentence in text[event.trigger_span[0] - len(event.sentence):
                                      event.trigger_span[1] + len(event.sentence)]
    ids = [e.event_id for e in whole.events]
    assert len(set(ids)) == len(ids)
    sentences = sorted({e.sentence_index for e in whole.events})
    per_block = len({e.sentence_index for e in piece.events})
    assert len(sentences) == per_block * copies  # numbered through the whole text
    for quote in whole.quotes:
        assert text[quote.span[0]:quote.span[1]].strip() == quote.text.strip()


def test_a_text_without_sentence_punctuation_codes_no_overlong_sentence() -> None:
    words = " ".join(p.replace(".", " ").replace(",", " ") for p in _paragraphs(60))
    text = " ".join(words.split())[:178_000]
    limit = 40
    settings = load_settings().with_overrides(coder={"max_sentence_tokens": limit})
    (coded,) = _coded(settings, [_article(text, "flat")])
    assert isinstance(coded, CodedArticle)
    skipped = dict(coded.dropped).get(LONG_SENTENCE, 0)
    assert skipped > 0
    nlp = coding_pipeline(settings.nlp.model, settings.dictionaries)
    for event in coded.events:
        assert len(nlp.make_doc(event.sentence)) <= limit + 5  # tokenised alone: about


_FAIL_ON = "PLEASE-FAIL-HERE"


@Language.component("newsevents_test_raise_on_marker")
def _raise_on_marker(doc: Doc) -> Doc:
    if _FAIL_ON in doc.text:
        raise RuntimeError("injected fault")
    return doc


@pytest.fixture()
def faulty_stage() -> Iterator[Settings]:
    """The real coding pipeline with one extra stage, after the parser, that raises on
    documents holding a marker."""
    settings = load_settings()
    nlp = coding_pipeline(settings.nlp.model, settings.dictionaries, settings.coder,
                          settings.nlp.n_process, settings.ingest.stage_seconds)
    nlp.add_pipe("newsevents_test_raise_on_marker", before="newsevents_coder")
    try:
        yield settings
    finally:
        nlp.remove_pipe("newsevents_test_raise_on_marker")


def test_a_stage_that_raises_costs_only_its_own_documents(faulty_stage: Settings) -> None:
    paragraphs = _paragraphs(12)
    articles = [_article(p if n % 4 else f"{p}\n\n{_FAIL_ON}", f"a{n}")
                for n, p in enumerate(paragraphs)]
    coded = _coded(faulty_stage, articles)
    assert [getattr(c, "article", c).path for c in coded] == [a.path for a in articles]
    for article, item in zip(articles, coded, strict=True):
        if _FAIL_ON in article.text:
            assert isinstance(item, IngestFailure)
            assert item.reason.startswith("annotating (spaCy) failed: RuntimeError: injected")
        else:
            assert isinstance(item, CodedArticle)
    good = [c for c in coded if isinstance(c, CodedArticle)]
    alone = _coded(load_settings(), [c.article for c in good])
    assert [[e.event_id for e in c.events] for c in good] == \
        [[e.event_id for e in c.events] for c in alone if isinstance(c, CodedArticle)]


def test_coding_past_its_time_limit_is_recorded_and_the_run_goes_on() -> None:
    paragraphs = _paragraphs(30)
    long_one = _article("\n\n".join(paragraphs) * 6, "slow")
    short = _article(paragraphs[0], "quick")
    settings = load_settings().with_overrides(ingest={"stage_seconds": 0.3})
    slow, quick = _coded(settings, [long_one, short])
    assert isinstance(slow, IngestFailure)
    assert slow.reason == ("coding took longer than the 0.3 s limit (ingest.stage_seconds)")
    assert isinstance(quick, CodedArticle)


def _peak_rss_mib(folder: Path, db: Path, settings: Path) -> tuple[int, float]:
    script = ("import resource, subprocess, sys; "
              "r = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL); "
              "print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    done = subprocess.run([sys.executable, "-c", script,
                           str(Path(sys.executable).parent / "newsevents"), "run", str(folder),
                           "--db", str(db), "--settings", str(settings)],
                          capture_output=True, text=True, timeout=1200, check=True)
    status, peak = done.stdout.split()
    return int(status), int(peak) / 1024


def test_a_batch_of_long_texts_of_short_tokens_stays_within_memory(tmp_path: Path) -> None:
    """Texts dense in one-character tokens (commas between words): spaCy's memory grows with
    a batch's tokens, about 18 kB each, so batches and chunks are bounded by tokens
    (nlp.batch_tokens), not by characters or documents alone."""
    folder = tmp_path / "in"
    folder.mkdir()
    words = " ".join(_paragraphs(12)).split()
    for n in range(8):
        text = (" " + ", " * 12).join(words[n:] + words[:n])  # twelve commas after each word
        (folder / f"t{n:02}.txt").write_text(text[:95_000], "utf-8")
    defaults = tmp_path / "defaults.toml"
    defaults.write_text("")
    status, peak = _peak_rss_mib(folder, tmp_path / "a.duckdb", defaults)
    assert status == 0
    assert peak < 1_500, f"peak RSS {peak:.0f} MiB"
    with duckdb.connect(str(tmp_path / "a.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM articles").fetchall() == [(8,)]


def test_a_failure_of_the_input_stream_is_not_taken_for_a_spacy_failure() -> None:
    """The readers run upstream of spaCy: if they fail, the rest of the input cannot be read,
    so the run must stop with the error, not end quietly as if it had read everything."""
    def stream() -> Iterator[Article]:
        yield _article(_paragraphs(1)[0], "first")
        raise RuntimeError("reader broke")

    with pytest.raises(RuntimeError, match="reader broke"):
        list(CodeArticles(load_settings()).run(stream()))
