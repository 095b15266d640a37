"""Read-only, time-limited access to a newsevents database for the HTTP server.

One read-only connection is opened when the app is made; each request gets its own cursor
(DuckDB connections are not shared across threads) and runs its queries in a worker thread.
A request that outlives `serve.time_limit` is interrupted and answered with 503.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import suppress
from typing import TypeVar

import duckdb

from newsevents.errors import NewsEventsError
from newsevents.store import Store

log = logging.getLogger(__name__)
T = TypeVar("T")
WORKERS = 8
_CANCEL_GRACE = 5.0  # seconds to wait for an interrupted query to give its thread back


class ServeError(NewsEventsError):
    """The server cannot start (e.g. its address is in use)."""


class QueryTimeout(NewsEventsError):
    """A request ran longer than serve.time_limit and was interrupted."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"the query took longer than the time limit of {seconds:g} s "
                         "(serve.time_limit) and was stopped; narrow the filters or raise "
                         "the limit")
        self.seconds = seconds


class ReadOnlyDatabase:
    """A newsevents database opened read-only, queried with a time limit per request."""

    def __init__(self, path: str, time_limit: float) -> None:
        self.path = path
        self.time_limit = time_limit
        self._store = Store(path, read_only=True)
        self._pool = ThreadPoolExecutor(max_workers=WORKERS,
                                        thread_name_prefix="newsevents-query")

    def run(self, work: Callable[[duckdb.DuckDBPyConnection], T]) -> T:
        """`work(cursor)` in a worker thread; QueryTimeout if it is not done in time."""
        cursor = self._store.db.cursor()
        future = self._pool.submit(_closing, work, cursor)
        try:
            return future.result(timeout=self.time_limit)
        except FutureTimeout:
            self._cancel(future, cursor)
            raise QueryTimeout(self.time_limit) from None
        except duckdb.InterruptException:
            raise QueryTimeout(self.time_limit) from None

    def _cancel(self, future: Future[T], cursor: duckdb.DuckDBPyConnection) -> None:
        """Stop the query: interrupt until the worker gives up (a work function may run
        several queries, and an interrupt between two of them is not remembered)."""
        if future.cancel():
            cursor.close()
            return
        waited = 0.0
        while not future.done() and waited < _CANCEL_GRACE:
            with suppress(duckdb.Error):  # closed meanwhile: the worker is finishing
                cursor.interrupt()
            try:
                future.exception(timeout=0.05)
            except FutureTimeout:
                waited += 0.05
        if not future.done():
            log.warning("a query did not stop %g s after it was interrupted", _CANCEL_GRACE)

    def close(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._store.close()


def _closing(work: Callable[[duckdb.DuckDBPyConnection], T],
             cursor: duckdb.DuckDBPyConnection) -> T:
    try:
        return work(cursor)
    finally:
        cursor.close()
