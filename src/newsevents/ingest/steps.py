"""The ingest steps: read raw documents, then drop what the coder cannot use, with reasons."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Iterator
from contextlib import nullcontext

from newsevents import limits
from newsevents.clean.language import UNDETERMINED
from newsevents.ingest.readers import Outcome, read_document
from newsevents.ingest.sources import RawDocument
from newsevents.records import Article, IngestFailure

log = logging.getLogger(__name__)


class ReadDocuments:
    """Raw documents in, Articles and failures out. A reader that crashes costs one document."""

    def __init__(self, max_bytes: int, clean_records: bool = True,
                 seconds: float | None = None) -> None:
        """`seconds`: each document's time limit for reading (an HTML page's extraction
        runs in a watchdog process and is stopped there); None: no limit."""
        self.max_bytes = max_bytes
        self.clean_records = clean_records
        self.seconds = seconds

    def run(self, stream: Iterable[RawDocument | IngestFailure], rank: int = 0,
            world_size: int = 1) -> Iterator[Outcome]:
        for item in stream:
            if isinstance(item, IngestFailure):
                yield item
                continue
            yield from self._read_one(item)

    def _read_one(self, raw: RawDocument) -> Iterator[Outcome]:
        produced = 0
        outcomes = read_document(raw, self.max_bytes, self.clean_records)
        try:
            while True:
                # the limit runs while a document is read, not while it waits downstream
                with limits.deadline("reading", self.seconds) if self.seconds else \
                        nullcontext():
                    outcome = next(outcomes, None)
                if outcome is None:
                    return
                produced += 1
                yield outcome
        except Exception as exc:  # untrusted input: one bad page must never stop the run
            log.exception("reader crashed on %s", raw.path)
            where = raw.path if produced == 0 else f"{raw.path}#{produced + 1}"
            yield IngestFailure(where, f"reader failed: {type(exc).__name__}: {exc}",
                                content_sha=raw.sha)


class FilterLanguage:
    """Articles in languages the coder does not read become failures that keep their language.

    An article whose language could not be determined with confidence ("und") is kept: wrongly
    skipping an English article loses its events, while coding a foreign one finds none.
    """

    def __init__(self, languages: Iterable[str]) -> None:
        self.languages = frozenset(languages)

    def run(self, stream: Iterable[Outcome], rank: int = 0,
            world_size: int = 1) -> Iterator[Outcome]:
        for item in stream:
            if isinstance(item, Article) and item.language not in self.languages | {UNDETERMINED}:
                wanted = ", ".join(sorted(self.languages))
                yield IngestFailure(
                    item.path,
                    f"language is '{item.language}', not {wanted}: skipped",
                    language=item.language,
                    content_sha=item.article_id,
                )
            else:
                yield item


class FilterLength:
    """Articles with almost no text left after cleaning become failures."""

    def __init__(self, min_words: int) -> None:
        self.min_words = min_words

    def run(self, stream: Iterable[Outcome], rank: int = 0,
            world_size: int = 1) -> Iterator[Outcome]:
        for item in stream:
            if isinstance(item, Article) and len(item.text.split()) < self.min_words:
                yield IngestFailure(
                    item.path,
                    f"no article text: {len(item.text.split())} words after cleaning "
                    f"(minimum {self.min_words})",
                    language=item.language,
                    content_sha=item.article_id,
                )
            else:
                yield item


class DropDuplicates:
    """An article seen before in this stream (the same URL, or the same cleaned text under
    another URL) becomes a failure naming the first copy, before any NLP is spent on it.

    Across runs, the store's own keys do the same: an article already stored is not re-coded.
    """

    def __init__(self) -> None:
        self.seen: dict[str, str] = {}

    def run(self, stream: Iterable[Outcome], rank: int = 0,
            world_size: int = 1) -> Iterator[Outcome]:
        for item in stream:
            if not isinstance(item, Article):
                yield item
                continue
            text_key = "text:" + hashlib.sha256(item.text.encode("utf-8")).hexdigest()
            first = self.seen.get(item.article_id) or self.seen.get(text_key)
            if first is not None:
                same = "URL" if item.url and item.article_id in self.seen else "text"
                yield IngestFailure(item.path, f"exact duplicate (same {same}) of {first}: "
                                               "skipped", language=item.language,
                                    content_sha=item.article_id)
                continue
            self.seen[item.article_id] = self.seen[text_key] = item.path
            yield item
