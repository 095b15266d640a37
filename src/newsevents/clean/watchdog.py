"""HTML extraction bounded in time: trafilatura runs in a child process that is killed when a
page takes longer than `ingest.stage_seconds`.

An HTML parser that never returns cannot be stopped from inside its own process without
signals, and signals are not available in worker threads (Dask). So the page goes to a child
process (started once, reused for every page, started again after a kill) over a pipe, and
the caller waits for the answer at most the limit. The child is a plain subprocess, which a
daemonic Dask worker may start (multiprocessing would refuse).

    python -m newsevents.clean.watchdog     # the child: length-prefixed pickles on stdin/out
"""

from __future__ import annotations

import atexit
import os
import pickle
import select
import struct
import subprocess
import sys
import threading
import time
from typing import IO, Any

from newsevents.limits import StageTimeout

FIELDS = ("text", "date", "url", "sitename", "title", "author")
_HEADER = struct.Struct(">Q")
STARTUP_SECONDS = 120.0  # importing trafilatura on a loaded machine


def extract(html: str, url: str | None) -> dict[str, Any] | None:
    """trafilatura's extraction of one page, as plain values (what the child runs)."""
    import trafilatura

    document = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if document is None:
        return None
    return {name: getattr(document, name, None) for name in FIELDS}


def _send(stream: IO[bytes], value: object) -> None:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _read_exactly(fd: int, size: int, ends: float | None) -> bytes:
    chunks, left = [], size
    while left:
        if ends is not None:
            wait = ends - time.monotonic()
            if wait <= 0 or not select.select([fd], [], [], wait)[0]:
                raise TimeoutError
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


class BoundedExtractor:
    """One child process doing the extraction, restarted after a kill or a crash."""

    def __init__(self) -> None:
        self._child: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()  # one page at a time per child

    def extract(self, html: str, url: str | None, seconds: float,
                limit: float | None = None) -> dict[str, Any] | None:
        """The page's fields, or StageTimeout past `seconds` (what is left of the stage's
        `limit`, which the message names); a crash of the parser is an ExtractionFailed."""
        limit = seconds if limit is None else limit
        with self._lock:
            child = self._started()
            assert child.stdin is not None and child.stdout is not None
            try:
                _send(child.stdin, (html, url))
                ends = time.monotonic() + seconds
                fd = child.stdout.fileno()
                size = _HEADER.unpack(_read_exactly(fd, _HEADER.size, ends))[0]
                ok, value = pickle.loads(_read_exactly(fd, size, ends))
            except TimeoutError:
                self._stop()
                raise StageTimeout(f"extracting the HTML took longer than the {limit:g} s "
                                   "limit (ingest.stage_seconds)") from None
            except (EOFError, BrokenPipeError, OSError) as exc:
                self._stop()
                raise ExtractionFailed(f"the HTML parser process died ({type(exc).__name__})"
                                       ) from None
            if not ok:
                raise ExtractionFailed(f"the HTML parser failed: {value}")
            return value

    def _started(self) -> subprocess.Popen[bytes]:
        """The child, started and ready (its start does not count against a page's limit)."""
        if self._child is None or self._child.poll() is not None:
            child = subprocess.Popen(
                [sys.executable, "-m", "newsevents.clean.watchdog"],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
            assert child.stdout is not None
            try:
                fd, ends = child.stdout.fileno(), time.monotonic() + STARTUP_SECONDS
                size = _HEADER.unpack(_read_exactly(fd, _HEADER.size, ends))[0]
                pickle.loads(_read_exactly(fd, size, ends))
            except (TimeoutError, EOFError, OSError):
                child.kill()
                child.wait()
                raise ExtractionFailed("the HTML parser process did not start") from None
            self._child = child
        return self._child

    def _stop(self) -> None:
        if self._child is not None:
            self._child.kill()
            self._child.wait()
            self._child = None

    def close(self) -> None:
        with self._lock:
            self._stop()


class ExtractionFailed(Exception):
    """The extraction raised or its process died; the message is one line."""


_EXTRACTOR: BoundedExtractor | None = None


def bounded_extract(html: str, url: str | None, seconds: float,
                    limit: float | None = None) -> dict[str, Any] | None:
    """`extract` in this process's watchdog child, at most `seconds` (of `limit`)."""
    global _EXTRACTOR
    if _EXTRACTOR is None:
        _EXTRACTOR = BoundedExtractor()
        atexit.register(_EXTRACTOR.close)
    return _EXTRACTOR.extract(html, url, seconds, limit)


def _serve() -> None:
    """The child: read (html, url), answer (True, fields) or (False, reason), forever."""
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    fd = stdin.fileno()
    import trafilatura  # noqa: F401  (loaded before the first page's clock starts)

    _send(stdout, "ready")
    while True:
        try:
            size = _HEADER.unpack(_read_exactly(fd, _HEADER.size, None))[0]
            html, url = pickle.loads(_read_exactly(fd, size, None))
        except EOFError:
            return
        try:
            answer: tuple[bool, object] = (True, extract(html, url))
        except Exception as exc:  # the parser's failure is this page's, not the child's
            text = str(exc).strip().splitlines()
            answer = (False, f"{type(exc).__name__}: {text[0][:200] if text else ''}")
        _send(stdout, answer)


if __name__ == "__main__":
    _serve()
