"""Steps over a stream of records. The executor only chains them, so the same steps can run in
one process, in a pool, or on a cluster.

A step is configured in `__init__` and then `run(stream, rank, world_size) -> stream`: `rank`
is this worker's number among `world_size` (0 of 1 in one process). Failures travel down the
stream as `IngestFailure` records; `chain` counts, for each step, the records it forwarded and
the documents it dropped (the failures it made itself), by reason.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from newsevents.records import IngestFailure


class Step(Protocol):
    """One stage: configured in __init__, then `run(stream, rank, world_size) -> stream`."""

    def run(self, stream: Iterable[Any], rank: int = 0, world_size: int = 1
            ) -> Iterator[Any]: ...


@dataclass(slots=True)
class StepCount:
    """What one step forwarded, and what it dropped and why."""

    forwarded: int = 0
    dropped: Counter[str] = field(default_factory=Counter)

    def to_dict(self) -> dict[str, Any]:
        return {"forwarded": self.forwarded, "dropped": dict(self.dropped)}


def chain(source: Iterable[Any], steps: Sequence[Step], rank: int = 0, world_size: int = 1,
          counts: dict[str, StepCount] | None = None) -> Iterator[Any]:
    """Feed `source` through every step in order, counting into `counts` when given."""
    stream: Iterable[Any] = source
    for step in steps:
        if counts is None:
            stream = step.run(stream, rank, world_size)
        else:
            count = counts.setdefault(type(step).__name__, StepCount())
            stream = _counted(step, stream, rank, world_size, count)
    yield from stream


def _counted(step: Step, stream: Iterable[Any], rank: int, world_size: int,
             count: StepCount) -> Iterator[Any]:
    from newsevents.ingest.job import failure_kind

    passing: set[int] = set()  # failures made upstream, passing through this step

    def feed() -> Iterator[Any]:
        for item in stream:
            if isinstance(item, IngestFailure):
                passing.add(id(item))
            yield item

    for item in step.run(feed(), rank, world_size):
        if isinstance(item, IngestFailure):
            if id(item) in passing:
                passing.discard(id(item))
            else:
                count.dropped[failure_kind(item.reason)] += 1
        else:
            count.forwarded += 1
        yield item
