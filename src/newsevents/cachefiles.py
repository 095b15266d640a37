"""newsevents' own cache files: data built once from installed packages, kept for later
processes under `$XDG_CACHE_HOME/newsevents` (else `~/.cache/newsevents`).

A cache file is only ever written by newsevents itself, atomically, and named by the version
of what it was built from, so a stale or half-written one is never read.
"""

from __future__ import annotations

import fcntl
import json
import logging
import mmap
import os
import struct
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def cache_dir() -> Path:
    root = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(root) / "newsevents"


# --- memory-mapped arrays -----------------------------------------------------------------
#
# Large read-only tables (the gazetteer) are kept as flat arrays in one file and read through
# `mmap`: every process on a machine that opens the file shares its pages in the page cache,
# so Dask workers and spaCy's worker processes hold one copy between them, not one each, and
# opening it costs no parsing. Layout: MAGIC, the header's length (8 bytes, little-endian),
# a JSON header listing each array's name, item type (a `struct` code), length and offset,
# then the arrays, each aligned to 64 bytes.

MAGIC = b"NEARRAY1"
_ALIGN = 64


def write_arrays(path: Path, arrays: Mapping[str, Any]) -> None:
    """Atomically write named arrays: anything with the buffer protocol (`array.array`,
    `bytes`, a C-contiguous numpy array), kept flat with its item type; a reader gives a
    numpy array its shape back."""
    views = {name: memoryview(values) for name, values in arrays.items()}
    entries: list[tuple[str, str, int, int]] = []
    offset = 0
    for name, view in views.items():
        entries.append((name, _native(view.format), view.nbytes // view.itemsize, offset))
        offset += -(-view.nbytes // _ALIGN) * _ALIGN
    header = json.dumps({"arrays": entries}).encode("ascii")
    start = -(-(len(MAGIC) + 8 + len(header)) // _ALIGN) * _ALIGN
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as handle:
            handle.write(MAGIC + len(header).to_bytes(8, "little") + header)
            for (_name, _code, _count, at), view in zip(entries, views.values(), strict=True):
                handle.write(b"\0" * (start + at - handle.tell()))
                handle.write(view.cast("B"))
        os.replace(handle.name, path)
    except OSError as exc:
        log.warning("%s: could not write the cache (%s); it will be rebuilt next time",
                    path, exc)


def _native(code: str) -> str:
    """A buffer's item format as the one-character native code `memoryview.cast` takes."""
    native = code.lstrip("@=<" if sys.byteorder == "little" else "@=>")
    if len(native) != 1:
        raise ValueError(f"cannot store items of format {code!r}")
    return native


def read_arrays(path: Path) -> dict[str, memoryview] | None:
    """The named arrays of a file `write_arrays` wrote, as read-only views of its memory map
    (typed by their item codes); None when there is no such file or it is not whole."""
    if not path.is_file():
        return None
    try:
        with path.open("rb") as handle:
            mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
        whole = memoryview(mapped)
        if bytes(whole[:len(MAGIC)]) != MAGIC:
            raise ValueError("not a newsevents array file")
        length = int.from_bytes(whole[len(MAGIC):len(MAGIC) + 8], "little")
        header = json.loads(bytes(whole[len(MAGIC) + 8:len(MAGIC) + 8 + length]))
        start = -(-(len(MAGIC) + 8 + length) // _ALIGN) * _ALIGN
        views = {}
        for name, code, count, at in header["arrays"]:
            size = struct.calcsize(code) * count
            if min(count, at) < 0 or start + at + size > len(mapped):
                raise ValueError(f"array {name} runs past the end of the file")
            views[name] = whole[start + at:start + at + size].cast(code)
        return views
    except (OSError, ValueError, TypeError, KeyError, struct.error) as exc:
        log.warning("%s: unreadable cache (%s); rebuilding", path, exc)
        return None


def mapped_arrays(path: Path, build: Callable[[], Mapping[str, Any]]) -> dict[str, memoryview]:
    """The arrays of a cache file, memory-mapped; built and written first when there is none.

    Processes that start together on a fresh machine (a Dask cluster's workers) build it one
    at a time, under a lock beside it, so that all of them map the same file and share it.
    When the cache cannot be written, the arrays are built and kept in memory.
    """
    views = read_arrays(path)
    if views is not None:
        return views
    with _build_lock(path):
        views = read_arrays(path)  # another process may have built it meanwhile
        if views is None:
            built = build()
            write_arrays(path, built)
            views = read_arrays(path) or {name: _flat(values) for name, values in built.items()}
    return views


def _flat(values: Any) -> memoryview:
    """A buffer as the flat typed view `read_arrays` would give of it."""
    view = memoryview(values)
    code: Any = _native(view.format)
    return view.cast("B").cast(code)


@contextmanager
def _build_lock(path: Path) -> Iterator[None]:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = path.with_name(path.name + ".lock").open("a")
    except OSError:
        yield  # no cache folder to write to: nothing to share, nothing to lock
        return
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
