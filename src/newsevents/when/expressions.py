"""One time expression ("on June 10", "last month", "in 2021") to a date and a precision.

dateparser does the calendar work; this module decides what to hand it (the expression
without its preposition, the first end of a range) and what its answer means. A resolved date
is always a calendar day: the day itself, or the first day of its month or year, with the
precision saying how much is known (as the `events.date` column of the store expects).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Literal

from dateparser.date import DateDataParser

log = logging.getLogger(__name__)

Precision = Literal["day", "month", "year"]
_PERIODS: dict[str, Precision] = {"day": "day", "month": "month", "year": "year"}
_LEADING = re.compile(r"^(?:on|in|during|since|from|by|until|till|as of|at|around|about|"
                      r"before|after|of|early|earlier|late|later|mid|the)[\s-]+", re.I)
_RANGE = re.compile(r"^(?:between\s+)?(.+?)\s+(?:and|to|until|-|–)\s+.+$", re.I)
_DURATION = re.compile(r"\b(?:for|past|decades?|centuries|recent|years|months|weeks|days|"
                       r"hours|ago\s+and|since\s+then)\b", re.I)
_AGO = re.compile(r"\bago\b", re.I)
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# "0645 UTC", "1430 GMT", "at 0900 hours": clock times, never years
_CLOCK = re.compile(r"\b\d{3,4}\s*(?:UTC|GMT|Z|hrs|hours|local time)\b|\b0\d{3}\b", re.I)
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_MONTH_OR_DAY = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|"
                           r"\b(?:today|yesterday|tomorrow|last|next|this|ago)\b|"
                           + "|".join(_WEEKDAYS), re.I)
_SEASONAL = re.compile(r"\b(?:spring|summer|autumn|fall|winter|weekend|week|quarter|"
                       r"night|morning|evening|afternoon|tonight)\b", re.I)


@dataclass(slots=True, frozen=True)
class TimeValue:
    """A resolved time: `day` is the first day of the known period."""

    day: date
    precision: Precision

    def iso(self) -> str:
        return self.day.isoformat()


@lru_cache(maxsize=4096)
def resolve_expression(text: str, base: date | None, future: bool = False) -> TimeValue | None:
    """The date an expression names, relative to `base` (the article's date).

    Relative expressions ("last month", "on Saturday", "in September") need a base and are
    resolved towards the past, or the future when `future`; without a base only expressions
    with a year resolve. A weekday equal to the base's weekday is the base day itself in the
    past ("on Saturday" in Saturday's paper). Durations ("for months", "the past four
    decades") and vague periods ("last week", "the weekend") give None.
    """
    cleaned = _clean(_CLOCK.sub(" ", text))  # a clock time is never read as a year
    if cleaned is None:
        return None
    has_year = bool(_YEAR.search(cleaned))
    if not has_year and not _MONTH_OR_DAY.search(cleaned):
        return None  # "resolution 2259", "Flight 370": numbers, not dates
    if base is None and not has_year:
        return None
    if base is not None and not future and cleaned.lower() in _WEEKDAYS \
            and _WEEKDAYS.index(cleaned.lower()) == base.weekday():
        return TimeValue(base, "day")
    relative = base or date(2000, 1, 1)  # only used when the expression has a year
    found = _parser(relative, future).get_date_data(cleaned)
    if found is None or found.date_obj is None or found.period not in _PERIODS:
        return None
    day = found.date_obj.date()
    precision = _PERIODS[found.period]
    if not 1800 <= day.year <= (base or date.today()).year + 10:
        return None
    if precision == "month":
        day = day.replace(day=1)
    elif precision == "year":
        day = day.replace(month=1, day=1)
    return TimeValue(day, precision)


def _clean(text: str) -> str | None:
    """The expression dateparser should read, or None when it names no point in time."""
    cleaned = " ".join(text.replace("’", "'").split()).strip(" ,.;:()")
    if not cleaned or _SEASONAL.search(cleaned):
        return None
    if _DURATION.search(cleaned) and not _AGO.search(cleaned):
        return None
    range_match = _RANGE.match(cleaned)
    if range_match and re.search(r"\d|" + "|".join(_WEEKDAYS), cleaned, re.I):
        cleaned = range_match.group(1)
    previous = None
    while previous != cleaned:
        previous, cleaned = cleaned, _LEADING.sub("", cleaned).strip()
    cleaned = re.sub(r"^this\s+(month|year)$", r"this \1", cleaned, flags=re.I)
    return cleaned or None


@lru_cache(maxsize=64)
def _parser(base: date, future: bool) -> DateDataParser:
    return DateDataParser(languages=["en"], settings={
        "PREFER_DATES_FROM": "future" if future else "past",
        "RELATIVE_BASE": datetime(base.year, base.month, base.day),
        "RETURN_AS_TIMEZONE_AWARE": False,
        "PREFER_DAY_OF_MONTH": "first",
    })
