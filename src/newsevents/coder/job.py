"""The coding step: Articles in, each with its events out, parsed in batches by spaCy."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date

from newsevents.coder.events import EventCoder
from newsevents.dictionaries.lexicon import load_lexicon
from newsevents.ingest.readers import Outcome
from newsevents.nlp import get_nlp
from newsevents.records import Article, Event, IngestFailure
from newsevents.settings import Settings
from newsevents.store.duckdb_store import batched


@dataclass(slots=True, frozen=True)
class CodedArticle:
    article: Article
    events: tuple[Event, ...]


def reference_day(article: Article) -> date | None:
    """The day roles are looked up on: the publication date when known.

    The viewing date (`page_date`) is deliberately not used: it can be months after the events.
    """
    return date.fromisoformat(article.published) if article.published else None


def with_given_date(article: Article, given: date | None) -> Article:
    if given is None:
        return article
    return replace(article, published=given.isoformat(), published_source="given")


class CodeArticles:
    """Parse and code every Article of the stream; failures pass through unchanged."""

    def __init__(self, settings: Settings, given_date: date | None = None) -> None:
        self.settings = settings
        self.given_date = given_date

    def run(self, stream: Iterable[Outcome]) -> Iterator[CodedArticle | IngestFailure]:
        nlp = get_nlp(self.settings.nlp)
        coder = EventCoder(load_lexicon(self.settings.dictionaries))
        for batch in batched(stream, self.settings.nlp.batch_size):
            prepared = [with_given_date(item, self.given_date) if isinstance(item, Article)
                        else item for item in batch]
            texts = [item.text for item in prepared if isinstance(item, Article)]
            docs = iter(nlp.pipe(texts, batch_size=self.settings.nlp.batch_size,
                                 n_process=self.settings.nlp.n_process))
            for item in prepared:
                if isinstance(item, Article):
                    events = coder.code(next(docs), item.article_id, reference_day(item))
                    yield CodedArticle(item, tuple(events))
                else:
                    yield item
