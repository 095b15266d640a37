"""The records that flow between stages. Field names are the data contract (docs/design)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Literal

PublishedSource = Literal["metadata", "dateline", "inferred", "given", "unknown"]


def stable_id(*parts: str) -> str:
    """A short, stable hex id: the same parts always give the same id."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return digest[:16]


@dataclass(slots=True, frozen=True)
class DroppedLine:
    """A line of page furniture the cleaner removed, with why."""

    line: str
    reason: str


@dataclass(slots=True, frozen=True)
class Article:
    """One news article, cleaned, ready for the coder."""

    article_id: str
    path: str
    text: str
    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    author: str | None = None
    published: str | None = None
    published_source: PublishedSource = "unknown"
    page_date: str | None = None
    language: str | None = None
    dropped: tuple[DroppedLine, ...] = field(default_factory=tuple)

    @staticmethod
    def make_id(text: str, url: str | None) -> str:
        """`article_id`: a hash of the URL when given, else of the cleaned text."""
        return stable_id("url", url) if url else stable_id("text", text)

    def to_dict(self) -> dict[str, object]:
        return {
            "article_id": self.article_id,
            "path": self.path,
            "url": self.url,
            "outlet": self.outlet,
            "title": self.title,
            "author": self.author,
            "published": self.published,
            "published_source": self.published_source,
            "page_date": self.page_date,
            "language": self.language,
            "text": self.text,
            "dropped": [{"line": d.line, "reason": d.reason} for d in self.dropped],
        }


@dataclass(slots=True, frozen=True)
class IngestFailure:
    """A document that could not become an Article, and why. It is stored, never lost."""

    path: str
    reason: str
    language: str | None = None
    content_sha: str | None = None

    @property
    def error_id(self) -> str:
        return stable_id(self.path, self.content_sha or "", self.reason)

    @property
    def message(self) -> str:
        return f"{self.path}: {self.reason}"
