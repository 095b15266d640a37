"""Steps over a stream of records. The executor only chains them, so the same steps can run in
one process, in a pool, or on a cluster."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Protocol


class Step(Protocol):
    """One stage: configured in __init__, then `run(stream) -> stream`."""

    def run(self, stream: Iterable[Any]) -> Iterator[Any]: ...


def chain(source: Iterable[Any], steps: Sequence[Step]) -> Iterator[Any]:
    """Feed `source` through every step in order."""
    stream: Iterable[Any] = source
    for step in steps:
        stream = step.run(stream)
    yield from stream
