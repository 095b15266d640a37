"""Decide what kind of input a document is, by its content first and its name second."""

from __future__ import annotations

import gzip
import json
import re
import zlib
from enum import Enum

GZIP_MAGIC = b"\x1f\x8b"
WARC_MAGIC = b"WARC/"
_HTML_START = re.compile(r"^\s*(?:<!doctype\s+html|<html|<head|<body|<!--|<\?xml)", re.I)
_HTML_TAG = re.compile(
    r"<(?:html|head|body|div|p|span|article|section|a|meta|title|script|br|table|h[1-6])\b", re.I
)
_HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".shtml")
# A file named as JSON Lines is read as JSON Lines whatever its first line; a `.json` file is
# read as JSON Lines only when its first line is (or starts like) a JSON object.
_JSONL_NAMES = (".jsonl", ".ndjson")
_JSONL_SUFFIXES = (*_JSONL_NAMES, ".json")
_MIN_TAGS = 3


class Kind(Enum):
    HTML = "html"
    JSONL = "jsonl"
    TEXT = "text"


class TruncatedGzipError(gzip.BadGzipFile):
    """Gzip data that ends early; `partial` is what it holds up to the cut."""

    def __init__(self, partial: bytes) -> None:
        super().__init__("truncated gzip data")
        self.partial = partial


def gunzip(data: bytes, max_bytes: int) -> bytes:
    """Decompress gzip data, every member of it (WARC files are one member per record), refusing
    more than `max_bytes` of output: a zip bomb is an input too."""
    out = bytearray()
    rest = data
    while rest:
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        out += inflater.decompress(rest, max_bytes + 1 - len(out))
        if len(out) > max_bytes or inflater.unconsumed_tail:
            raise ValueError(f"too large: over {max_bytes:,} bytes once decompressed")
        if not inflater.eof:
            raise TruncatedGzipError(bytes(out))
        rest = inflater.unused_data.lstrip(b"\x00")
    return bytes(out)


def gunzip_head(data: bytes, size: int = 64) -> bytes:
    """The first `size` bytes of gzip data once decompressed (fewer when it is damaged)."""
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data[:4096], size)
    except zlib.error:
        return b""


def is_warc(data: bytes) -> bool:
    return data.lstrip()[:5] == WARC_MAGIC


def named_jsonl(name: str) -> bool:
    """True when a file's name says it holds JSON Lines (`.jsonl`, `.ndjson`, or either `.gz`)."""
    return name.lower().removesuffix(".gz").endswith(_JSONL_NAMES)


def text_kind(text: str, name: str) -> Kind:
    """JSONL if it is named so or its first record parses as a JSON object, HTML if it reads as
    markup, else TEXT.

    A `.jsonl` or `.ndjson` file is always JSON Lines (each line that is not a record is then
    reported alone, never read as a page). Otherwise the file name only breaks ties: an `.html`
    file without markup is read as a text page, and a `.txt` file full of markup as HTML.
    """
    if named_jsonl(name):
        return Kind.JSONL
    head = text[:20_000]
    lowered = name.lower().removesuffix(".gz")
    first = next((line for line in head.splitlines() if line.strip()), "")
    if first.lstrip().startswith("{"):
        # before the markup test: records may well hold HTML
        try:
            if isinstance(json.loads(first), dict):
                return Kind.JSONL
        except ValueError:
            if lowered.endswith(_JSONL_SUFFIXES):
                return Kind.JSONL  # a broken first record; the reader reports the line
    tags = len(_HTML_TAG.findall(head))
    if (_HTML_START.match(head) and tags >= 1) or tags >= _MIN_TAGS:
        return Kind.HTML
    if lowered.endswith(_HTML_SUFFIXES) and tags:
        return Kind.HTML
    return Kind.TEXT
