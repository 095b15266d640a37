"""The coding step: Articles in, each with its events out, parsed in batches by spaCy."""

from __future__ import annotations

import logging
import re
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from newsevents.coder.components import placeholder, register_extensions
from newsevents.dictionaries.lexicon import load_lexicon
from newsevents.errors import NewsEventsError
from newsevents.ingest.readers import Outcome
from newsevents.loading import loading
from newsevents.nlp import coding_pipeline
from newsevents.records import Actor, Article, Event, IngestFailure, Quote
from newsevents.settings import Settings
from newsevents.where.gazetteer import load_gazetteer

log = logging.getLogger(__name__)


@dataclass(slots=True, frozen=True)
class CodedArticle:
    article: Article
    events: tuple[Event, ...]
    quotes: tuple[Quote, ...] = ()
    dropped: tuple[tuple[str, int], ...] = ()  # candidate events the coder left out, and why


def reference_day(article: Article) -> date | None:
    """The day roles are looked up on: the publication date when known.

    The viewing date (`page_date`) is deliberately not used: it can be months after the events;
    without a publication date the coder infers one from the text.
    """
    return date.fromisoformat(article.published) if article.published else None


def with_inferred_date(article: Article, found: dict[str, Any] | None) -> Article:
    """The article with the publication date the coder inferred, when it had none."""
    if article.published is not None or found is None:
        return article
    return replace(article, published=found["date"], published_source="inferred",
                   published_precision=found["precision"],
                   published_confidence=found["confidence"],
                   published_evidence=found["evidence"])


def with_given_date(article: Article, given: date | None) -> Article:
    if given is None:
        return article
    return replace(article, published=given.isoformat(), published_source="given",
                   published_precision="day")


_TOKEN = re.compile(r"\w+|[^\w\s]|\s{2,}|[^\S ]")


def estimated_tokens(text: str) -> int:
    """spaCy's tokens in a text, estimated from above: its runs of word characters, its other
    non-space characters, and its runs of whitespace other than one space, one each (English
    prose has about 5 characters to one)."""
    return _TOKEN.subn("", text)[1]


def chunk_ranges(text: str, limit: int, tokens: int | None = None) -> list[tuple[int, int]]:
    """[start, end) ranges covering the text, each at most `limit` characters and, when
    `tokens` is given, at most that many estimated tokens; each is cut after a blank line (a
    paragraph's end) where there is one; a paragraph longer than the limit is cut at its last
    line break, else after its last sentence end, else at its last space, else at the limit."""
    ranges: list[tuple[int, int]] = []
    start = 0
    while start < len(text) or not ranges:
        window = text[start:start + limit]
        while tokens is not None and (count := estimated_tokens(window)) > tokens:
            # every token is at least one character, so this shrinks the window, never to ""
            window = window[:len(window) * tokens // count]
        if start + len(window) >= len(text):
            ranges.append((start, len(text)))
            break
        for mark, keep in (("\n\n", 2), ("\n", 1), (". ", 2), (" ", 1)):
            cut = window.rfind(mark)
            if cut > 0:
                end = start + cut + keep
                break
        else:
            end = start + len(window)
        ranges.append((start, end))
        start = end
    return ranges


@dataclass(slots=True)
class _Pending:
    """An item of the stream waiting for its coded chunks (none for a pass-through). Only a
    chunk's records are kept, not its parsed Doc: a long text's Docs together (tokens,
    tensors) would take hundreds of megabytes."""

    item: Article | IngestFailure
    ranges: list[tuple[int, int]] | None
    records: list[dict[str, Any]]


class CodeArticles:
    """Parse and code every Article of the stream; failures pass through unchanged.

    Coding runs inside spaCy's pipeline, so with `nlp.n_process` > 1 it runs in the workers.
    A text longer than `nlp.chunk_chars` characters or `nlp.batch_tokens` estimated tokens
    is parsed and coded in chunks of whole paragraphs,
    and its events and quotes are put back at their places in the whole text. A document that
    makes spaCy's pipeline raise costs that document only: the documents in flight are then
    parsed again one by one, and the one that fails is recorded with the stage and reason.
    """

    def __init__(self, settings: Settings, given_date: date | None = None) -> None:
        self.settings = settings
        self.given_date = given_date

    def run(self, stream: Iterable[Outcome], rank: int = 0, world_size: int = 1,
            skip: Callable[[Article], bool] | None = None
            ) -> Iterator[CodedArticle | Article | IngestFailure]:
        """Code the stream in order, in one pass of spaCy (its workers start once).

        Articles for which `skip` says so pass through uncoded (already stored ones).
        """
        settings = self.settings
        with loading():
            nlp = coding_pipeline(settings.nlp.model, settings.dictionaries, settings.coder,
                                  settings.nlp.n_process, settings.ingest.stage_seconds)
            load_lexicon(settings.dictionaries)  # loaded before spaCy starts its workers,
            load_gazetteer()  # so that forked workers share them
            register_extensions()
        source = iter(stream)
        pending: deque[_Pending] = deque()
        upstream: list[Exception] = []  # a failure of the readers, not of spaCy

        def items() -> Iterator[Outcome]:
            try:
                yield from source
            except Exception as exc:
                upstream.append(exc)
                raise

        def documents() -> Iterator[Doc]:
            for item in items():
                if isinstance(item, IngestFailure) or (skip is not None and skip(item)):
                    pending.append(_Pending(item, None, []))
                    continue
                article = with_given_date(item, self.given_date)
                ranges = chunk_ranges(article.text, settings.nlp.chunk_chars,
                                      settings.nlp.batch_tokens)
                pending.append(_Pending(article, ranges, []))
                for start, end in ranges:
                    yield self._placeholder(nlp, article, article.text[start:end])

        while True:
            try:
                for doc in self._parsed(nlp, documents()):
                    while pending[0].ranges is None:
                        yield pending.popleft().item
                    head = pending[0]
                    head.records.append(doc._.newsevents_records or {})
                    if len(head.records) == len(head.ranges or ()):
                        pending.popleft()
                        yield _merged(head)
                break
            except (NewsEventsError, OSError, MemoryError):
                raise  # the run cannot go on (no model, no memory, no disk)
            except Exception as exc:  # one document's crash is its own, never the run's
                if upstream:  # the input stream itself failed: nothing more can be read
                    raise
                log.warning("spaCy's pipeline failed on a batch (%s); parsing its documents "
                            "one by one", _one_line(exc))
                while pending:
                    yield self._alone(nlp, pending.popleft())
        while pending:
            yield pending.popleft().item

    def _parsed(self, nlp: Language, docs: Iterator[Doc]) -> Iterator[Doc]:
        """The documents through the pipeline, in order. In one process, spaCy gets them in
        batches of at most `nlp.batch_size` documents and `nlp.batch_tokens` estimated
        tokens (a longer text is already in chunks that fit): the parser's memory grows with
        the tokens of a batch, about 18 kB each, and a batch of long texts of short tokens
        (punctuation, garbage) would otherwise take gigabytes."""
        nlp_settings = self.settings.nlp
        if nlp_settings.n_process > 1:  # one pipe keeps the worker processes alive
            yield from nlp.pipe(docs, batch_size=nlp_settings.batch_size,
                                n_process=nlp_settings.n_process)
            return
        group: list[Doc] = []
        size = 0
        for doc in docs:
            tokens = estimated_tokens(doc.text)
            if group and (size + tokens > nlp_settings.batch_tokens
                          or len(group) >= nlp_settings.batch_size):
                yield from nlp.pipe(group, batch_size=len(group))
                group, size = [], 0
            group.append(doc)
            size += tokens
        if group:
            yield from nlp.pipe(group, batch_size=len(group))

    def _placeholder(self, nlp: Language, article: Article, text: str) -> Doc:
        doc = placeholder(nlp, text)  # tokenised by the pipeline's workers
        day = reference_day(article)
        doc._.newsevents_date = day.isoformat() if day else None
        doc._.newsevents_page_date = article.page_date
        doc._.newsevents_id = article.article_id
        return doc

    def _alone(self, nlp: Language, waiting: _Pending) -> CodedArticle | Article | IngestFailure:
        """One document through the pipeline by itself, chunk by chunk; a failure is its own."""
        article = waiting.item
        if waiting.ranges is None:
            return article
        assert isinstance(article, Article)
        records = []
        for start, end in waiting.ranges:
            try:
                doc = nlp(self._placeholder(nlp, article, article.text[start:end]))
                records.append(doc._.newsevents_records or {})
            except (NewsEventsError, OSError, MemoryError):
                raise
            except Exception as exc:
                return IngestFailure(article.path, f"annotating (spaCy) failed: "
                                                   f"{_one_line(exc)}")
        return _merged(_Pending(article, waiting.ranges, records))


def _one_line(exc: Exception) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:200]}" if text else type(exc).__name__


def _merged(done: _Pending) -> CodedArticle | IngestFailure:
    """The coded chunks of one article as one coded article: offsets, sentence numbers and
    ids are those of the whole text."""
    article = done.item
    assert isinstance(article, Article) and done.ranges is not None
    events: list[Event] = []
    quotes: list[Quote] = []
    dropped: Counter[str] = Counter()
    published = None
    sentences = 0
    for (start, _), records in zip(done.ranges, done.records, strict=True):
        if records.get("error"):
            return IngestFailure(article.path, str(records["error"]))
        published = published or records.get("published")
        chunk_events = [Event.from_dict(e) for e in records.get("events", ())]
        chunk_quotes = [Quote.from_dict(q) for q in records.get("quotes", ())]
        if len(done.ranges) == 1:
            events, quotes = chunk_events, chunk_quotes
        else:
            events.extend(_shifted_event(e, start, sentences) for e in chunk_events)
            quotes.extend(_shifted_quote(q, start) for q in chunk_quotes)
        sentences += int(records.get("sentences", 0))
        dropped.update({str(r): int(n) for r, n in records.get("dropped", ())})
    return CodedArticle(with_inferred_date(article, published), tuple(events), tuple(quotes),
                        tuple(sorted(dropped.items())))


def _shifted_actor(actor: Actor | None, offset: int) -> Actor | None:
    if actor is None or actor.span is None:
        return actor
    return replace(actor, span=(actor.span[0] + offset, actor.span[1] + offset))


def _shifted_event(event: Event, offset: int, sentences: int) -> Event:
    source, target = _shifted_actor(event.source, offset), _shifted_actor(event.target, offset)
    start, end = event.trigger_span
    index = event.sentence_index + sentences
    return replace(event, source=source, target=target, sentence_index=index,
                   trigger_span=(start + offset, end + offset),
                   event_id=Event.make_id(event.article_id, index, event.cameo,
                                          source.code if source else None,
                                          target.code if target else None, start + offset))


def _shifted_quote(quote: Quote, offset: int) -> Quote:
    span = (quote.span[0] + offset, quote.span[1] + offset)
    return replace(quote, span=span, speaker=_shifted_actor(quote.speaker, offset),
                   quote_id=Quote.make_id(quote.article_id, span))
