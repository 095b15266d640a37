"""Time limits per document and stage, checked by the stage itself.

A stage that loops in Python (coding a parsed document, sentence by sentence) calls `check()`
at each step; past its limit, `check()` raises `StageTimeout` and the document is recorded as
failed at that stage. This works the same in the main process, spaCy's worker processes and
Dask worker threads: no signals. Stages that run foreign code that may never return (HTML
extraction) are bounded from outside instead (`newsevents.clean.watchdog`).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


class StageTimeout(Exception):
    """A document went past its stage's time limit; the message names the stage."""


@dataclass(slots=True, frozen=True)
class _Deadline:
    stage: str
    seconds: float
    ends: float


_CURRENT: ContextVar[_Deadline | None] = ContextVar("newsevents_deadline", default=None)


@contextmanager
def deadline(stage: str, seconds: float) -> Iterator[None]:
    """Within the block, `check()` raises once `seconds` have passed."""
    token = _CURRENT.set(_Deadline(stage, seconds, time.monotonic() + seconds))
    try:
        yield
    finally:
        _CURRENT.reset(token)


def remaining() -> tuple[float, float] | None:
    """The current stage's limit and the seconds it has left (None outside a stage)."""
    current = _CURRENT.get()
    if current is None:
        return None
    return current.seconds, max(0.0, current.ends - time.monotonic())


def check() -> None:
    """Raise `StageTimeout` if the current stage is past its limit (no-op outside one)."""
    current = _CURRENT.get()
    if current is not None and time.monotonic() > current.ends:
        raise StageTimeout(f"{current.stage} took longer than the {current.seconds:g} s limit "
                           "(ingest.stage_seconds)")
