"""The dashboard: server-rendered pages, each drawing the dictionary its JSON twin returns.

A bad filter value shows its message on the page (status 422), a query past the time limit
shows why (503); text from the database is escaped by Jinja's autoescape.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta
from itertools import pairwise
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse

from newsevents.analysis.query import HEX_ID
from newsevents.errors import QueryError
from newsevents.serve import charts, views
from newsevents.serve.access import QueryTimeout, ReadOnlyDatabase
from newsevents.serve.overview import next_period, overview_view
from newsevents.serve.params import (
    DEFAULT_LIMIT,
    EVENT_ID_RULE,
    FILTERS,
    build_filter,
    check_lengths,
    check_paging,
    parse_bool,
    parse_int,
)
from newsevents.serve.render import render
from newsevents.serve.worldmap import land_path

router = APIRouter(include_in_schema=False, dependencies=[Depends(check_lengths)])
_ROLE_ORDER = {"trigger": 0, "source": 1, "target": 2}


def _form(request: Request) -> dict[str, str]:
    """The query string as given (first value of each name), for links and forms."""
    return {k: v for k, v in request.query_params.items() if v != ""}


def _twin(path: str, form: Mapping[str, str], names: tuple[str, ...]) -> str:
    given = {k: form[k] for k in names if k in form}
    return path + ("?" + urlencode(given) if given else "")


def _page(request: Request, template: str, twin: str,
          build: Callable[[ReadOnlyDatabase, dict[str, str]], dict[str, Any]]) -> HTMLResponse:
    """Render `template` with what `build` returns, or with the error that stopped it."""
    form = _form(request)
    context: dict[str, Any] = {"form": form, "twin": twin, "error": None}
    status = 200
    try:
        context.update(build(request.app.state.database, form))
        status = context.pop("status", 200)
    except QueryError as exc:
        context.update(error=str(exc), error_option=exc.option)
        status = 422
    except QueryTimeout as exc:
        context.update(error=str(exc))
        status = 503
    return render(request, template, context, status)


def _paging(request: Request, form: Mapping[str, str]) -> tuple[int, int]:
    return check_paging(parse_int("limit", form.get("limit"), DEFAULT_LIMIT),
                        parse_int("offset", form.get("offset"), 0),
                        request.app.state.settings.row_limit)


@router.get("/", response_class=HTMLResponse)
def overview_page(request: Request) -> HTMLResponse:
    def build(db: ReadOnlyDatabase, form: dict[str, str]) -> dict[str, Any]:
        flt = build_filter(form)
        limit = request.app.state.settings.row_limit
        data = db.run(lambda cur: overview_view(cur, flt, form.get("by"), limit))
        periods = data["timeline"]["periods"]
        ends = [str(_period_end(p["period"], data["timeline"]["by"])) for p in periods]
        nodes, edges = charts.network_chart(data["network"])
        return {"data": data, "timeline": charts.timeline_chart(data["timeline"], ends),
                "points": charts.map_points(data["map"]["points"]),
                "graticule": charts.graticule(), "land": land_path(),
                "nodes": nodes, "edges": edges, "quads": charts.QUADS}

    return _page(request, "overview.html", _twin("/api/overview", _form(request),
                                                 (*FILTERS, "by")), build)


def _period_end(start: str, by: str) -> date:
    return next_period(date.fromisoformat(start), by) - timedelta(days=1)


@router.get("/events", response_class=HTMLResponse)
def events_page(request: Request) -> HTMLResponse:
    def build(db: ReadOnlyDatabase, form: dict[str, str]) -> dict[str, Any]:
        flt = build_filter(form)
        unique = parse_bool("unique", form.get("unique"))
        limit, offset = _paging(request, form)
        data = db.run(lambda cur: views.events_view(cur, flt, limit, offset, unique))
        return {"data": data, **_pager(form, data)}

    names = (*FILTERS, "unique", "limit", "offset")
    return _page(request, "events.html", _twin("/api/events", _form(request), names), build)


def _pager(form: Mapping[str, str], data: dict[str, Any]) -> dict[str, str | None]:
    """Links to the previous and next page of the same query."""
    limit, offset, total = data["limit"], data["offset"], data["total"]
    kept = {k: v for k, v in form.items() if k != "offset"}
    before = max(offset - limit, 0)
    return {"previous": urlencode({**kept, "offset": before}) if offset > 0 else None,
            "next": urlencode({**kept, "offset": offset + limit})
            if offset + limit < total else None}


@router.get("/events/{event_id}", response_class=HTMLResponse)
def event_page(request: Request, event_id: str) -> HTMLResponse:
    def build(db: ReadOnlyDatabase, form: dict[str, str]) -> dict[str, Any]:
        if not HEX_ID.fullmatch(event_id):
            raise QueryError("event_id", EVENT_ID_RULE)
        found = db.run(lambda cur: views.event_view(cur, event_id))
        if found is None:
            return {"event": None, "status": 404}
        return {"event": found, "segments": sentence_segments(found["evidence"])}

    return _page(request, "event.html", f"/api/events/{event_id[:64]}", build)


def sentence_segments(evidence: dict[str, Any]) -> list[tuple[str, str | None]]:
    """The sentence cut at the marks: (text, role or None). Where marks overlap, the trigger
    wins over the source, the source over the target."""
    sentence: str = evidence["sentence"]
    marks = evidence["marks"]
    cuts = sorted({0, len(sentence), *(m["start"] for m in marks), *(m["end"] for m in marks)})
    pieces: list[tuple[str, str | None]] = []
    for start, end in pairwise(cuts):
        covering = [m["role"] for m in marks if m["start"] <= start and end <= m["end"]]
        role = min(covering, key=_ROLE_ORDER.__getitem__) if covering else None
        if pieces and pieces[-1][1] == role:
            pieces[-1] = (pieces[-1][0] + sentence[start:end], role)
        else:
            pieces.append((sentence[start:end], role))
    return pieces


@router.get("/articles", response_class=HTMLResponse)
def articles_page(request: Request) -> HTMLResponse:
    def build(db: ReadOnlyDatabase, form: dict[str, str]) -> dict[str, Any]:
        limit, offset = _paging(request, form)
        data = db.run(lambda cur: views.articles_view(cur, form.get("q"), limit, offset))
        return {"data": data, **_pager(form, data)}

    names = ("q", "limit", "offset")
    return _page(request, "articles.html", _twin("/api/articles", _form(request), names),
                 build)


@router.get("/actors", response_class=HTMLResponse)
def actors_page(request: Request) -> HTMLResponse:
    def build(db: ReadOnlyDatabase, form: dict[str, str]) -> dict[str, Any]:
        flt = build_filter(form)
        limit, offset = _paging(request, form)
        data = db.run(lambda cur: views.actors_view(cur, flt, limit, offset))
        return {"data": data, **_pager(form, data)}

    names = (*FILTERS, "limit", "offset")
    return _page(request, "actors.html", _twin("/api/actors", _form(request), names), build)

