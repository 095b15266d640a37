"""Datelines and bylines at the head of a text page.

A page often opens with the day it was *viewed* (a "today" widget above the headline). That date
is `page_date`, never the publication date. A date below the headline, or one introduced by
"Published"/"Posted", is the publication date (`published_source` = "dateline").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import dateparser

from newsevents.clean.lines import Line

PAGE_DATE = "dateline (the day the page was viewed)"
PUBLISHED = "dateline (publication date)"
UPDATED = "dateline (update date)"
BYLINE = "byline"

_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_PUBLISHED_PREFIX = re.compile(
    r"^(?:published|posted|first published|publication date|veröffentlicht|publié)\b[\s:on]*",
    re.I,
)
_UPDATED_PREFIX = re.compile(
    r"^(?:updated|last updated|modified|aktualisiert|mis à jour)\b[\s:on]*", re.I
)
_BYLINE = re.compile(r"^(?i:by|von|par|por)\s+([A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3})(.*)$")
_MAX_DATE_WORDS = 9
_HEAD_LINES = 15


@dataclass(slots=True)
class HeadDates:
    """What the head of the page says about dates and the author, and which lines said it."""

    page_date: str | None = None
    published: str | None = None
    author: str | None = None
    reasons: dict[int, str] | None = None


def parse_date(text: str, language: str) -> date | None:
    """A full calendar date (day, month and year) written in `text`, or None."""
    if not _YEAR.search(text) or len(text.split()) > _MAX_DATE_WORDS:
        return None
    languages = [language] if language != "en" else ["en"]
    try:
        parsed = dateparser.parse(
            text.strip(" |·-–—"),
            languages=languages,
            settings={"STRICT_PARSING": True, "REQUIRE_PARTS": ["day", "month", "year"]},
        )
    except (ValueError, OverflowError, KeyError):
        return None
    return parsed.date() if parsed else None


def read_head(lines: list[Line], language: str, first_prose: int) -> HeadDates:
    """Find the viewing date, publication date and author among the page's first lines."""
    head = HeadDates(reasons={})
    assert head.reasons is not None
    seen_headline = False
    for i, line in enumerate(lines[: min(first_prose, _HEAD_LINES) if first_prose >= 0 else 5]):
        byline = _BYLINE.match(line.text)
        if byline and line.n_words <= 10:
            head.author = head.author or byline.group(1)
            head.reasons[i] = BYLINE
            when = parse_date(byline.group(2), language)
            if when and head.published is None:
                head.published = when.isoformat()
            continue
        reason, when = _classify_date_line(line, language, seen_headline)
        if reason is None:
            seen_headline = seen_headline or line.n_words >= 3
            continue
        head.reasons[i] = reason
        if when is None:
            continue
        if reason == PAGE_DATE and head.page_date is None:
            head.page_date = when.isoformat()
        elif reason == PUBLISHED and head.published is None:
            head.published = when.isoformat()
    return head


def _classify_date_line(line: Line, language: str, seen_headline: bool
                        ) -> tuple[str | None, date | None]:
    text = line.text
    for prefix, reason in ((_PUBLISHED_PREFIX, PUBLISHED), (_UPDATED_PREFIX, UPDATED)):
        match = prefix.match(text)
        if match:
            when = parse_date(text[match.end():], language)
            return (reason, when) if when else (None, None)
    when = parse_date(text, language)
    if when is None:
        return None, None
    return (PUBLISHED if seen_headline else PAGE_DATE), when
