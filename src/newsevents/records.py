"""The records that flow between stages. Field names are the data contract (docs/design)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Literal

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
    published_precision: str | None = None  # day | month | year (an inferred date: month)
    published_confidence: float | None = None  # for an inferred date
    published_evidence: str | None = None  # why an inferred date is what it is

    def __post_init__(self) -> None:
        # a date from metadata, a dateline or the user is a day; only an inferred one is
        # coarser, and says so itself
        if self.published is not None and self.published_precision is None:
            object.__setattr__(self, "published_precision", "day")

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
            "published_precision": self.published_precision,
            "published_confidence": self.published_confidence,
            "published_evidence": self.published_evidence,
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


@dataclass(slots=True, frozen=True)
class Actor:
    """Who: the words in the text and, when the dictionaries know them, the CAMEO code.

    `country` is the ISO 3166-1 alpha-3 part of the code (null for IGOs, regions, unknowns) and
    `sector` its role part (GOV, MIL, OPP, JUD, …). An actor the dictionaries do not know keeps
    its text and spaCy entity type with a null code. `span` is [start, end) in Article.text.
    """

    text: str
    code: str | None
    country: str | None = None
    sector: str | None = None
    span: tuple[int, int] | None = None
    entity_type: str | None = None
    rule: str | None = None

    def to_dict(self) -> dict[str, object]:
        return {"text": self.text, "code": self.code, "country": self.country,
                "sector": self.sector, "span": list(self.span) if self.span else None,
                "entity_type": self.entity_type, "rule": self.rule}

    @staticmethod
    def from_dict(data: dict[str, Any]) -> Actor:
        span = data.get("span")
        return Actor(data["text"], data.get("code"), data.get("country"), data.get("sector"),
                     (int(span[0]), int(span[1])) if span else None, data.get("entity_type"),
                     data.get("rule"))


@dataclass(slots=True, frozen=True)
class Event:
    """One coded event with its evidence; field names follow docs/design (the data contract)."""

    event_id: str
    article_id: str
    sentence_index: int
    sentence: str
    trigger: str
    trigger_span: tuple[int, int]
    source: Actor | None
    target: Actor | None
    cameo: str
    cameo_root: str
    quad_class: int | None
    goldstein: float | None
    plover: dict[str, str | None]
    negated: bool = False
    hypothetical: bool = False
    confidence: float = 0.5
    rule: str = ""
    date: str | None = None
    date_precision: str | None = None
    location: dict[str, object] | None = None
    attribution: dict[str, str | None] = field(
        default_factory=lambda: {"type": "none", "text": None})
    reported_by: str | None = None

    @staticmethod
    def make_id(article_id: str, sentence_index: int, cameo: str, source: str | None,
                target: str | None, trigger_start: int) -> str:
        """Stable: the same article, sentence, code, actors and trigger give the same id."""
        return stable_id(article_id, str(sentence_index), cameo, source or "", target or "",
                         str(trigger_start))

    def to_dict(self) -> dict[str, object]:
        return {
            "event_id": self.event_id, "article_id": self.article_id,
            "sentence_index": self.sentence_index, "sentence": self.sentence,
            "trigger": self.trigger, "trigger_span": list(self.trigger_span),
            "source": self.source.to_dict() if self.source else None,
            "target": self.target.to_dict() if self.target else None,
            "cameo": self.cameo, "cameo_root": self.cameo_root, "quad_class": self.quad_class,
            "goldstein": self.goldstein, "plover": self.plover, "date": self.date,
            "date_precision": self.date_precision, "location": self.location,
            "negated": self.negated, "hypothetical": self.hypothetical,
            "attribution": self.attribution, "reported_by": self.reported_by,
            "confidence": self.confidence, "rule": self.rule,
        }

    @staticmethod
    def from_dict(data: dict[str, Any]) -> Event:
        """The inverse of to_dict (events travel between processes as plain dicts)."""
        values = dict(data)
        for side in ("source", "target"):
            values[side] = Actor.from_dict(values[side]) if values.get(side) else None
        start, end = values["trigger_span"]
        values["trigger_span"] = (int(start), int(end))
        return Event(**values)


@dataclass(slots=True, frozen=True)
class Quote:
    """A direct ("…") or indirect (reported clause) quote, with its speaker."""

    quote_id: str
    article_id: str
    speaker: Actor | None
    text: str
    span: tuple[int, int]
    anonymous: bool
    kind: str  # direct | indirect

    @staticmethod
    def make_id(article_id: str, span: tuple[int, int]) -> str:
        return stable_id("quote", article_id, str(span[0]), str(span[1]))

    def to_dict(self) -> dict[str, object]:
        return {"quote_id": self.quote_id, "article_id": self.article_id,
                "speaker": self.speaker.to_dict() if self.speaker else None,
                "text": self.text, "span": list(self.span), "anonymous": self.anonymous,
                "kind": self.kind}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Quote:
        speaker = data.get("speaker")
        return cls(data["quote_id"], data["article_id"],
                   Actor.from_dict(speaker) if speaker else None, data["text"],
                   (int(data["span"][0]), int(data["span"][1])), bool(data["anonymous"]),
                   data["kind"])

