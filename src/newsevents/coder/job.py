"""The coding step: Articles in, each with its events out, parsed in batches by spaCy."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from spacy.tokens import Doc

from newsevents.coder.components import placeholder, register_extensions
from newsevents.dictionaries.lexicon import load_lexicon
from newsevents.ingest.readers import Outcome
from newsevents.nlp import coding_pipeline
from newsevents.records import Article, Event, IngestFailure, Quote
from newsevents.settings import Settings
from newsevents.where.gazetteer import load_gazetteer


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


class CodeArticles:
    """Parse and code every Article of the stream; failures pass through unchanged.

    Coding runs inside spaCy's pipeline, so with `nlp.n_process` > 1 it runs in the workers.
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
        nlp = coding_pipeline(self.settings.nlp.model, self.settings.dictionaries,
                              self.settings.coder, self.settings.nlp.n_process)
        load_lexicon(self.settings.dictionaries)  # loaded before spaCy starts its workers,
        load_gazetteer()  # so that forked workers share them
        register_extensions()
        pending: deque[tuple[Article | IngestFailure, bool]] = deque()

        def documents() -> Iterator[Doc]:
            for item in stream:
                if isinstance(item, IngestFailure) or (skip is not None and skip(item)):
                    pending.append((item, False))
                    continue
                article = with_given_date(item, self.given_date)
                pending.append((article, True))
                doc = placeholder(nlp, article.text)  # tokenised by the pipeline's workers
                day = reference_day(article)
                doc._.newsevents_date = day.isoformat() if day else None
                doc._.newsevents_page_date = article.page_date
                doc._.newsevents_id = article.article_id
                yield doc

        for doc in nlp.pipe(documents(), batch_size=self.settings.nlp.batch_size,
                            n_process=self.settings.nlp.n_process):
            while not pending[0][1]:
                yield pending.popleft()[0]
            article = pending.popleft()[0]
            assert isinstance(article, Article)
            records = doc._.newsevents_records or {}
            if records.get("error"):
                yield IngestFailure(article.path, str(records["error"]))
                continue
            yield CodedArticle(with_inferred_date(article, records.get("published")),
                               tuple(doc._.newsevents_events or []),
                               tuple(Quote.from_dict(q) for q in records.get("quotes", ())),
                               tuple((str(r), int(n)) for r, n in records.get("dropped", ())))
        while pending:
            yield pending.popleft()[0]
