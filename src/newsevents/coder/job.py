"""The coding step: Articles in, each with its events out, parsed in batches by spaCy."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date

from newsevents.coder.components import register_extensions
from newsevents.dictionaries.lexicon import load_lexicon
from newsevents.ingest.readers import Outcome
from newsevents.nlp import coding_pipeline
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
    """Parse and code every Article of the stream; failures pass through unchanged.

    Coding runs inside spaCy's pipeline, so with `nlp.n_process` > 1 it runs in the workers.
    """

    def __init__(self, settings: Settings, given_date: date | None = None) -> None:
        self.settings = settings
        self.given_date = given_date

    def run(self, stream: Iterable[Outcome]) -> Iterator[CodedArticle | IngestFailure]:
        nlp = coding_pipeline(self.settings.nlp.model, self.settings.dictionaries)
        load_lexicon(self.settings.dictionaries)  # loaded before spaCy forks its workers
        register_extensions()
        for batch in batched(stream, self.settings.nlp.batch_size):
            prepared = [with_given_date(item, self.given_date) if isinstance(item, Article)
                        else item for item in batch]
            docs = []
            for item in prepared:
                if isinstance(item, Article):
                    doc = nlp.make_doc(item.text)
                    day = reference_day(item)
                    doc._.newsevents_date = day.isoformat() if day else None
                    doc._.newsevents_id = item.article_id
                    docs.append(doc)
            coded = iter(nlp.pipe(docs, batch_size=self.settings.nlp.batch_size,
                                  n_process=self.settings.nlp.n_process))
            for item in prepared:
                if isinstance(item, Article):
                    events = next(coded)._.newsevents_events or []
                    yield CodedArticle(item, tuple(events))
                else:
                    yield item
