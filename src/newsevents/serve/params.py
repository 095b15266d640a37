"""Query parameters shared by the API and the pages, turned into checked values.

The API declares its parameters to FastAPI (so they appear in the OpenAPI schema); the pages
read the same names from the query string. Both end in `build_filter`, so a page and its JSON
twin accept exactly the same values and refuse the bad ones with the same message.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Annotated, Any

from fastapi import Query, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from newsevents.analysis.query import HEX_ID_RULE, MAX_VALUE, EventFilter
from newsevents.errors import QueryError

# The filter parameters, in the order the forms show them. `q` is EventFilter.text.
FILTERS = ("actor", "source", "target", "country", "cameo", "root", "plover", "since",
           "until", "place", "min_confidence", "q", "article")
MAX_OFFSET = 1_000_000_000
EVENT_ID_RULE = f"must be {HEX_ID_RULE}"
DEFAULT_LIMIT = 50


def build_filter(values: Mapping[str, Any]) -> EventFilter:
    """An EventFilter from parameter values; a missing or blank ("") value is not a filter."""
    given: dict[str, Any] = {}
    for name in FILTERS:
        value = values.get(name)
        if value is None or value == "":
            continue
        if name == "min_confidence":
            value = _confidence(value)
        given["text" if name == "q" else name] = value
    return EventFilter(**given)


def _confidence(value: object) -> float:
    try:
        number = float(str(value)[:40])
    except ValueError:
        raise QueryError("min_confidence", f"must be a number between 0 and 1, got "
                                           f"{str(value)[:40]!r}") from None
    if math.isnan(number):
        raise QueryError("min_confidence", "must be a number between 0 and 1, got NaN")
    return number


def filter_values(flt: EventFilter) -> dict[str, str]:
    """The parameters that give `flt` back, for links and forms."""
    values = {}
    for name in FILTERS:
        value = getattr(flt, "text" if name == "q" else name)
        if value is not None:
            values[name] = f"{value:g}" if isinstance(value, float) else str(value)
    return values


def check_paging(limit: int, offset: int, row_limit: int) -> tuple[int, int]:
    """`limit` and `offset` within 1..row_limit and 0..MAX_OFFSET, or a QueryError."""
    if limit < 1:
        raise QueryError("limit", f"must be 1 or more, got {limit}")
    if limit > row_limit:
        raise QueryError("limit", f"must be at most {row_limit} rows per request "
                                  "(serve.row_limit), got " + f"{limit}"[:40])
    if not 0 <= offset <= MAX_OFFSET:
        raise QueryError("offset", f"must be between 0 and {MAX_OFFSET}")
    return limit, offset


def parse_int(option: str, value: str | None, default: int) -> int:
    """An integer from a page's query string, or a QueryError naming the option."""
    if value is None or value == "":
        return default
    try:
        return int(value[:40])
    except ValueError:
        raise QueryError(option, f"must be a whole number, got {value[:40]!r}") from None


def parse_bool(option: str, value: str | None) -> bool:
    """A yes/no value as a form or URL writes it."""
    if value is None or value == "":
        return False
    lowered = value.lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise QueryError(option, f"must be true or false, got {value[:40]!r}")


def parse_measures(value: str) -> tuple[str, ...]:
    """The comma list of aggregate measures ("count,goldstein"); checked by aggregate()."""
    return tuple(part.strip() for part in value[:200].split(",") if part.strip())


def check_known(request: Request) -> None:
    """Refuse a query parameter the endpoint does not take: `?text=…` for `?q=…` would
    otherwise be ignored, and every event returned as if the filter matched them all."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    known = _query_names(route.dependant)
    for name in request.query_params:
        if name not in known:
            raise QueryError(name[:40], "is not a parameter of this endpoint (it takes "
                                        f"{', '.join(sorted(known)) or 'none'})")


def _query_names(dependant: Dependant) -> set[str]:
    """The query parameters an endpoint and its dependencies declare."""
    names = {param.alias for param in dependant.query_params}
    for sub in dependant.dependencies:
        names |= _query_names(sub)
    return names


def without_blank_values(query: bytes) -> bytes:
    """The query string without its `name=` items: an empty parameter means "not given",
    so a filter form can send its blank fields (a blank-only value, `name=%20`, stays, and
    is refused where it is read)."""
    items = query.split(b"&")
    kept = [item for item in items if item and not (item.endswith(b"=") and
                                                    item.count(b"=") == 1)]
    return b"&".join(kept) if len(kept) != len(items) else query


def check_lengths(request: Request) -> None:
    """Refuse any query value longer than a filter value may be, whatever its parameter, before
    it is parsed (a 10,000-digit number is not a limit, it is a mistake or an attack)."""
    for name, value in request.query_params.multi_items():
        if len(value) > MAX_VALUE:
            raise QueryError(name[:40], f"longer than {MAX_VALUE} characters")


_TEXT = "An actor code prefix (IRN, IRNGOV) or words of the actor's name"


def api_filter(
    actor: Annotated[str | None, Query(description=_TEXT + ", either side.")] = None,
    source: Annotated[str | None, Query(description=_TEXT + ", as source.")] = None,
    target: Annotated[str | None, Query(description=_TEXT + ", as target.")] = None,
    country: Annotated[str | None, Query(
        description="ISO 3166 alpha-3 country of either side (IRN, FRA).")] = None,
    cameo: Annotated[str | None, Query(description="CAMEO code prefix (17, 173).")] = None,
    root: Annotated[str | None, Query(description="CAMEO root, 01 to 20.")] = None,
    plover: Annotated[str | None, Query(description="PLOVER event type (REQUEST).")] = None,
    since: Annotated[str | None, Query(description="First day, YYYY-MM-DD (inclusive).")
                     ] = None,
    until: Annotated[str | None, Query(description="Last day, YYYY-MM-DD (inclusive).")
                     ] = None,
    place: Annotated[str | None, Query(
        description="Words of the place name, or its ISO alpha-3 country.")] = None,
    min_confidence: Annotated[float | None, Query(
        description="Only events at least this confident (0 to 1).")] = None,
    q: Annotated[str | None, Query(description="Words in the event's sentence.")] = None,
    article: Annotated[str | None, Query(description="Only this article's events (its id).")
                       ] = None,
) -> EventFilter:
    """The event filters every event endpoint takes, checked (QueryError -> 422)."""
    return build_filter({"actor": actor, "source": source, "target": target,
                         "country": country, "cameo": cameo, "root": root, "plover": plover,
                         "since": since, "until": until, "place": place,
                         "min_confidence": min_confidence, "q": q, "article": article})
