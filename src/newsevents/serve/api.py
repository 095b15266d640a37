"""The JSON API under /api/: events, one event's evidence, articles, actors, dyads and
aggregate series. Every handler checks its values, then runs its queries read-only with a
time limit (`ReadOnlyDatabase.run`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request

from newsevents.analysis.query import HEX_ID, EventFilter
from newsevents.serve import views
from newsevents.serve.access import ReadOnlyDatabase
from newsevents.serve.overview import overview_view
from newsevents.serve.params import (
    DEFAULT_LIMIT,
    api_filter,
    check_known,
    check_lengths,
    check_paging,
    parse_measures,
)

router = APIRouter(prefix="/api", tags=["api"],
                   dependencies=[Depends(check_lengths), Depends(check_known)])
EVENT_ID = f"^{HEX_ID.pattern}$"

Filter = Annotated[EventFilter, Depends(api_filter)]
Limit = Annotated[int, Query(description="Rows to return, 1 to serve.row_limit (1000).")]
Offset = Annotated[int, Query(description="Rows to skip.")]
Unique = Annotated[bool, Query(description="One row per event cluster (its earliest report).")]
ERRORS: dict[int | str, dict[str, Any]] = {
    422: {"description": "A parameter value that cannot be used; `detail` names it."},
    503: {"description": "The query ran past serve.time_limit and was stopped."}}


def database_of(request: Request) -> ReadOnlyDatabase:
    db: ReadOnlyDatabase = request.app.state.database
    return db


Database = Annotated[ReadOnlyDatabase, Depends(database_of)]


@router.get("/events", responses=ERRORS)
def list_events(request: Request, db: Database, flt: Filter, limit: Limit = DEFAULT_LIMIT,
                offset: Offset = 0, unique: Unique = False) -> dict[str, Any]:
    """Events that match the filters, oldest first: `{total, limit, offset, events}`."""
    limit, offset = check_paging(limit, offset, request.app.state.settings.row_limit)
    return db.run(lambda cur: views.events_view(cur, flt, limit, offset, unique))


@router.get("/events/{event_id}", responses={**ERRORS, 404: {"description": "No such event."}})
def get_event(db: Database,
              event_id: Annotated[str, Path(pattern=EVENT_ID, description="Hex event id.")]
              ) -> dict[str, Any]:
    """One event: its evidence (the sentence, with the trigger, source and target as
    character offsets in `evidence.marks`), its article, rule, confidence and cluster."""
    found = db.run(lambda cur: views.event_view(cur, event_id))
    if found is None:
        raise HTTPException(404, f"event_id: no event {event_id}")
    return found


@router.get("/articles", responses=ERRORS)
def list_articles(request: Request, db: Database,
                  q: Annotated[str | None, Query(description="Words in the title.")] = None,
                  limit: Limit = DEFAULT_LIMIT, offset: Offset = 0) -> dict[str, Any]:
    """Stored articles, newest first, with how many events each gave."""
    limit, offset = check_paging(limit, offset, request.app.state.settings.row_limit)
    return db.run(lambda cur: views.articles_view(cur, q, limit, offset))


@router.get("/actors", responses=ERRORS)
def list_actors(request: Request, db: Database, flt: Filter, limit: Limit = DEFAULT_LIMIT,
                offset: Offset = 0) -> dict[str, Any]:
    """Actor codes in the matching events, with how often each is source and target."""
    limit, offset = check_paging(limit, offset, request.app.state.settings.row_limit)
    return db.run(lambda cur: views.actors_view(cur, flt, limit, offset))


@router.get("/dyads", responses=ERRORS)
def list_dyads(request: Request, db: Database, flt: Filter, limit: Limit = DEFAULT_LIMIT,
               offset: Offset = 0,
               all_mentions: Annotated[bool, Query(
                   description="Count every report, not each event cluster once.")] = False,
               ) -> dict[str, Any]:
    """Source-target pairs with their event counts and mean Goldstein score."""
    limit, offset = check_paging(limit, offset, request.app.state.settings.row_limit)
    return db.run(lambda cur: views.dyads_view(cur, flt, limit, offset, not all_mentions))


@router.get("/aggregate", responses=ERRORS)
def aggregate(request: Request, db: Database, flt: Filter,
              by: Annotated[str, Query(description="day, week, month or year.")] = "day",
              dyad: Annotated[bool, Query(description="A row per source-target pair too.")
                              ] = False,
              measure: Annotated[str, Query(
                  description="Comma list of count, goldstein, quad.")] = "count,goldstein,quad",
              all_mentions: Annotated[bool, Query(
                  description="Count every report, not each event cluster once.")] = False,
              limit: Annotated[int | None, Query(
                  description="Rows to return (default and most: serve.row_limit).")] = None,
              offset: Offset = 0) -> dict[str, Any]:
    """Event counts and Goldstein series per period (and dyad), as ICEWS and GDELT users
    build them; each event cluster counts once unless `all_mentions`."""
    row_limit = request.app.state.settings.row_limit
    limit, offset = check_paging(row_limit if limit is None else limit, offset, row_limit)
    measures = parse_measures(measure)
    return db.run(lambda cur: views.aggregate_view(cur, by[:40], dyad, measures, flt,
                                                   not all_mentions, limit, offset))


@router.get("/overview", responses=ERRORS)
def overview(request: Request, db: Database, flt: Filter,
             by: Annotated[str | None, Query(
                 description="Timeline period; default: the finest that fits.")] = None,
             ) -> dict[str, Any]:
    """The dashboard overview's data: counts, a timeline by quad class, located events (at
    most serve.row_limit), the top dyads and an actor network."""
    row_limit = request.app.state.settings.row_limit
    return db.run(lambda cur: overview_view(cur, flt, by, row_limit))
