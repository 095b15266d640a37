"""The ingest job: paths in, Articles and failures out, stored in whole batches."""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from newsevents.ingest.readers import Outcome
from newsevents.ingest.sources import expand_paths
from newsevents.ingest.steps import (
    DropDuplicates,
    FilterLanguage,
    FilterLength,
    ReadDocuments,
)
from newsevents.pipeline import Step, StepCount, chain
from newsevents.records import Article, IngestFailure
from newsevents.settings import Settings
from newsevents.store.duckdb_store import Store, batched

log = logging.getLogger(__name__)


def read_articles(paths: Iterable[str], settings: Settings,
                  counts: dict[str, StepCount] | None = None) -> Iterator[Outcome]:
    """Every Article and failure the inputs give, in input order; each step's forwards and
    drops are counted into `counts` when given."""
    ingest = settings.ingest
    steps: list[Step] = [
        ReadDocuments(ingest.max_bytes, ingest.clean_records, ingest.stage_seconds),
        FilterLanguage(ingest.languages),  # first: words are not counted by spaces in Chinese
        FilterLength(ingest.min_words),
        DropDuplicates(),
    ]
    return chain(expand_paths(paths, ingest.max_bytes), steps, counts=counts)


@dataclass(slots=True)
class IngestSummary:
    """What a run did, for the closing summary."""

    articles_read: int = 0
    articles_new: int = 0
    events_new: int = 0
    failures: int = 0
    failures_new: int = 0
    dropped_lines: int = 0
    clusters_new: int = 0
    steps: dict[str, StepCount] = field(default_factory=dict)
    failure_reasons: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0

    @property
    def articles_known(self) -> int:
        return self.articles_read - self.articles_new


def failure_kind(reason: str) -> str:
    """A failure reason without its particulars, for counting ("language is 'de'…" → language)."""
    head = reason.split(":", 1)[0]
    if head.startswith("line "):
        return "invalid JSONL line"
    if head.startswith("language is"):
        return "not English"
    if head.startswith("exact duplicate"):
        return "exact duplicate"
    return head


def _noting_known(outcomes: Iterable[Outcome], store: Store, known: set[str],
                  size: int) -> Iterator[Outcome]:
    """Pass the outcomes through, noting which articles the store already has (by batches)."""
    for batch in batched(outcomes, size):
        known.update(store.known_articles(
            [a.article_id for a in batch if isinstance(a, Article)]))
        yield from batch


def ingest(
    paths: Iterable[str],
    settings: Settings,
    store: Store,
    on_outcome: Callable[[Outcome], None] | None = None,
    code_events: bool = True,
    given_date: date | None = None,
) -> IngestSummary:
    """Read, clean, code and store. Each batch (articles with their events) is one
    transaction, so a stop loses no half-article; articles already stored are not re-coded."""
    from newsevents.coder.job import CodeArticles  # spaCy loads only when coding

    summary = IngestSummary()
    start = time.perf_counter()
    known: set[str] = set()
    stream: Iterable[Any] = _noting_known(read_articles(paths, settings, summary.steps), store,
                                          known, settings.store.batch_size)
    if code_events:
        coder = CodeArticles(settings, given_date)
        stream = coder.run(stream, skip=lambda article: article.article_id in known)
    for batch in batched(stream, settings.store.batch_size):
        written = store.write(batch)
        summary.articles_new += written.articles
        summary.events_new += written.events
        summary.failures_new += written.errors
        for item in batch:
            item = getattr(item, "article", item)
            if isinstance(item, Article):
                summary.articles_read += 1
                summary.dropped_lines += len(item.dropped)
            elif isinstance(item, IngestFailure):
                summary.failures += 1
                summary.failure_reasons[failure_kind(item.reason)] += 1
            if on_outcome is not None:
                on_outcome(item)
    if code_events:
        from newsevents.analysis.clusters import update_clusters

        clustered = update_clusters(store.db, settings.dedup)
        summary.clusters_new = clustered.new_clusters
    summary.seconds = time.perf_counter() - start
    for name, count in summary.steps.items():
        log.info("step %s: forwarded %d, dropped %s", name, count.forwarded,
                 dict(count.dropped) or "none")
    return summary
