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
_JSONL_SUFFIXES = (".jsonl", ".ndjson", ".json")
_MIN_TAGS = 3


class Kind(Enum):
    HTML = "html"
    JSONL = "jsonl"
    TEXT = "text"


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
            raise gzip.BadGzipFile("truncated gzip data")
        rest = inflater.unused_data.lstrip(b"\x00")
    return bytes(out)


def is_warc(data: bytes) -> bool:
    return data.lstrip()[:5] == WARC_MAGIC


def text_kind(text: str, name: str) -> Kind:
    """HTML if it reads as markup, JSONL if its first record parses as a JSON object, else TEXT.

    The file name only breaks ties: an `.html` file without markup is read as a text page, and a
    `.txt` file full of markup is read as HTML.
    """
    head = text[:20_000]
    lowered = name.lower().removesuffix(".gz")
    tags = len(_HTML_TAG.findall(head))
    if (_HTML_START.match(head) and tags >= 1) or tags >= _MIN_TAGS:
        return Kind.HTML
    first = next((line for line in head.splitlines() if line.strip()), "")
    if first.lstrip().startswith("{"):
        try:
            if isinstance(json.loads(first), dict):
                return Kind.JSONL
        except ValueError:
            if lowered.endswith(_JSONL_SUFFIXES):
                return Kind.JSONL  # a broken first record; the reader reports the line
    if lowered.endswith(_HTML_SUFFIXES) and tags:
        return Kind.HTML
    return Kind.TEXT
