"""A publication date inferred from the text, when the page gives only the day it was viewed.

The seed page was viewed on 2023-12-07, but it calls a phone call "on June 10" recent and
cites a newspaper "on June 11": it was published in June 2023. The evidence, weakest last:
- dated references: a day with its month ("on June 10") is the latest such day before the
  viewing date (or, with no viewing date, in the latest year the text names); with its year
  ("March 3, 2020") it is that day;
- the years the text names: the article is not older than the latest one;
- recency words ("recent", "this week", a weekday) next to a reference make it a strong one.
The article is dated by its latest past reference, to the month (a news story is written within
days or weeks of the latest dated thing it reports); with only years, to the year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from spacy.tokens import Doc, Span

from newsevents import clauses
from newsevents.when.expressions import TimeValue, resolve_expression

_MONTHS = ("january|february|march|april|may|june|july|august|september|october|november|"
           "december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec")
_MONTH_DAY = re.compile(rf"\b(?:{_MONTHS})\.?\s+\d{{1,2}}\b|\b\d{{1,2}}\s+(?:{_MONTHS})\b", re.I)
_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")
_RECENT = re.compile(r"\b(?:recent|recently|this week|last week|yesterday|today|on (?:monday|"
                     r"tuesday|wednesday|thursday|friday|saturday|sunday))\b", re.I)


@dataclass(slots=True, frozen=True)
class InferredPublication:
    """What the text says about its own date.

    `claim` is what we assert (month or year precision); `base` is the day relative
    expressions are read from (the latest dated reference); `evidence` says why."""

    claim: TimeValue
    base: date
    confidence: float
    evidence: str


def infer_published(doc: Doc, page_date: date | None) -> InferredPublication | None:
    dates = [ent for ent in doc.ents if ent.label_ == "DATE" and not _future(ent)]
    years = [int(y) for ent in dates for y in _YEAR.findall(ent.text)]
    if page_date is not None:
        years = [y for y in years if y <= page_date.year]
    latest_year = max(years) if years else None
    horizon = page_date or (date(latest_year, 12, 31) if latest_year else None)
    if horizon is None:
        return None
    anchors = []
    for ent in dates:
        if not _MONTH_DAY.search(ent.text):
            continue
        value = resolve_expression(ent.text, horizon)
        if value is not None and value.precision == "day" and value.day <= horizon:
            anchors.append((value.day, ent))
    if anchors:
        day, ent = max(anchors, key=lambda pair: pair[0])
        if latest_year is not None and day.year < latest_year:
            day = _in_year(day, latest_year, horizon) or day
        recent = bool(_RECENT.search(ent.sent.text))
        same_month = sum(1 for d, _ in anchors if (d.year, d.month) == (day.year, day.month))
        confidence = min(0.5 + 0.15 * recent + 0.1 * (same_month > 1), 0.8)
        why = f"latest dated reference '{ent.text}' read as {day.isoformat()}" + \
            (", called recent" if recent else "")
        return InferredPublication(TimeValue(day.replace(day=1), "month"), day, confidence, why)
    if latest_year is not None:
        base = min(horizon, date(latest_year, 12, 31))
        return InferredPublication(TimeValue(date(latest_year, 1, 1), "year"), base, 0.3,
                                   f"latest year named: {latest_year}")
    return None


def _future(ent: Span) -> bool:
    """A date the text looks forward to ("will vote on June 20") says nothing of when it was
    written, except that it was before."""
    verb = ent.root.head
    while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
        verb = verb.head
    return clauses.future_aux(verb) or \
        bool(re.search(r"\b(?:next|coming|upcoming)\b", ent.text, re.I))


def _in_year(day: date, year: int, horizon: date) -> date | None:
    try:
        moved = day.replace(year=year)
    except ValueError:  # 29 February
        return None
    return moved if moved <= horizon else None
