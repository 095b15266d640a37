"""The Python API: code a text, or open a database and read it as data frames.

    >>> import newsevents
    >>> events = newsevents.code("Iran summoned the French ambassador on Monday.",
    ...                          date="2023-06-12")
    >>> with newsevents.open("demo.duckdb") as db:
    ...     frame = db.events(country="IRN", since="2023-01-01")            # pandas
    ...     series = db.aggregate(by="month", frame="polars")
"""

from __future__ import annotations

from datetime import date as Date
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

from newsevents.analysis import database
from newsevents.analysis.query import EventFilter
from newsevents.errors import InputError, NewsEventsError
from newsevents.records import Article, Event
from newsevents.settings import Settings, load_settings

Frame = Literal["pandas", "polars"]


def code(text: str, date: str | Date | None = None, *, clean: bool = False,
         settings: Settings | None = None, **coder: Any) -> list[Event]:
    """The events in one article's text, as the CLI's `code` would give them.

    `date` is the publication date that relative dates ("last month") resolve against.
    `clean=True` runs the page cleaner first, for text scraped with its furniture.
    Keyword arguments override `[coder]` settings, e.g. `min_confidence=0.5` or
    `engine="dictionary"`. Any text is coded, even one sentence.
    """
    from newsevents.coder.job import CodeArticles, CodedArticle
    from newsevents.ingest.readers import read_text_page
    from newsevents.records import IngestFailure

    if not isinstance(text, str) or not text.strip():
        raise InputError("<text>", "empty text: nothing to code")
    settings = (settings or load_settings()).with_overrides(coder=coder)
    day = date if isinstance(date, Date) or date is None else _day(date)
    if clean:
        outcome = read_text_page("<text>", text)
        if isinstance(outcome, IngestFailure):
            raise InputError("<text>", outcome.reason)
        article = outcome
    else:
        article = Article(Article.make_id(text, None), "<text>", text)
    for item in CodeArticles(settings, day).run([article]):
        if isinstance(item, CodedArticle):
            return list(item.events)
        if isinstance(item, IngestFailure):
            raise InputError("<text>", item.reason)
    return []


def _day(text: str) -> Date:
    try:
        return Date.fromisoformat(text)
    except ValueError:
        raise InputError("<text>", f"date must be YYYY-MM-DD, got {text[:40]!r}") from None


def open(path: str | Path) -> Database:
    """A newsevents database, opened read-only."""
    return Database(path)


class Database:
    """A stored database read as data frames (pandas by default, or polars).

    Filters are `EventFilter`'s: actor, source, target, country, cameo, root, plover, since,
    until, place, min_confidence, text, article. A bad value raises `QueryError`.
    """

    def __init__(self, path: str | Path) -> None:
        from newsevents.store import Store

        self.path = str(path)
        self._store = Store(self.path, read_only=True)
        self.db = self._store.db

    def __enter__(self) -> Database:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._store.close()

    def events(self, *, unique: bool = False, limit: int | None = None,
               frame: Frame = "pandas", **filters: Any) -> Any:
        """One flat row per event (or per event cluster with `unique`), oldest first."""
        sql, params = database.events_sql(EventFilter(**filters), unique, limit)
        return _frame(self.db.sql(sql, params=params), frame)

    def aggregate(self, by: str = "day", *, dyad: bool = False,
                  measures: tuple[str, ...] = database.MEASURES, all_mentions: bool = False,
                  frame: Frame = "pandas", **filters: Any) -> Any:
        """Counts and Goldstein series per period (and dyad); clusters count once."""
        rows = database.aggregate(self.db, by, dyad, measures, EventFilter(**filters),
                                  unique=not all_mentions)
        return _rows_frame(rows, frame)

    def actors(self, *, frame: Frame = "pandas", **filters: Any) -> Any:
        """Actor codes with how often each is source and target."""
        return _rows_frame(database.actors(self.db, EventFilter(**filters)), frame)

    def articles(self, *, frame: Frame = "pandas") -> Any:
        """Stored articles with their event counts."""
        return _rows_frame(database.articles(self.db).rows, frame)

    def event(self, event_id: str) -> dict[str, Any] | None:
        """One event with its evidence and its cluster's other reports."""
        return database.event(self.db, event_id)


def _frame(relation: Any, frame: Frame) -> Any:
    if frame == "polars":
        _need("polars")
        return relation.pl()
    if frame == "pandas":
        _need("pandas")
        return relation.df()
    raise NewsEventsError(f"frame must be \"pandas\" or \"polars\", not {frame!r}")


def _rows_frame(rows: list[dict[str, Any]], frame: Frame) -> Any:
    if frame == "polars":
        _need("polars")
        import polars

        return polars.DataFrame(rows, infer_schema_length=None)
    if frame == "pandas":
        _need("pandas")
        import pandas

        return pandas.DataFrame(rows)
    raise NewsEventsError(f"frame must be \"pandas\" or \"polars\", not {frame!r}")


def _need(module: str) -> None:
    import importlib.util

    if importlib.util.find_spec(module) is None:
        raise NewsEventsError(f"{module} is not installed: pip install 'newsevents[{module}]'")
