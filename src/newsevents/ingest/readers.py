"""Readers: one per input kind, each turning a raw document into Articles or failures."""

from __future__ import annotations

import gzip
import io
import json
import logging
import re
import sys
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import BinaryIO, Literal
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.bufferedreaders import BufferedReader
from warcio.exceptions import ArchiveLoadFailed
from warcio.limitreader import LimitReader
from warcio.recordloader import ArcWarcRecord

from newsevents import limits
from newsevents.clean.datelines import parse_date
from newsevents.clean.language import identify_language, recorded_language
from newsevents.clean.textpage import CleanedPage, clean_page
from newsevents.clean.watchdog import ExtractionFailed, bounded_extract, extract
from newsevents.ingest.decode import (
    UndecodableError,
    binary_reason,
    binary_text,
    decode_text,
    without_controls,
)
from newsevents.ingest.sniff import (
    GZIP_MAGIC,
    Kind,
    TruncatedGzipError,
    gunzip,
    gunzip_head,
    is_warc,
    named_jsonl,
    text_kind,
)
from newsevents.ingest.sources import RawDocument
from newsevents.records import Article, IngestFailure, PublishedSource

log = logging.getLogger(__name__)
Outcome = Article | IngestFailure
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
_HTML_CONTENT = re.compile(rb"text/html|application/xhtml", re.I)
_WARC_START = re.compile(rb"\nWARC/1\.[01]\r?\n")  # a record header inside another's block
_DRAIN_BLOCK = 1 << 20
# warcio reads the archive in blocks of this size (its default, 16 KB, makes skipping a record
# that inflates to gigabytes slow). What may be read between two record bodies (WARC and HTTP
# headers, blank lines) is bounded: warcio builds a header line block by block, so a line
# without end would cost memory and quadratic time. The bound is well above a few blocks and
# above any real headers.
_BLOCK = 1 << 18
HEADER_BUDGET = 1 << 22
WarcDocument = Literal["html", "text"]
_CUT_IN_HEADERS = ("truncated: the file ends inside the headers of a record", "")


@dataclass(slots=True, frozen=True)
class Meta:
    """What a source says about an article besides its text."""

    url: str | None = None
    outlet: str | None = None
    title: str | None = None
    author: str | None = None
    published: str | None = None
    published_source: PublishedSource = "unknown"
    page_date: str | None = None


def read_document(raw: RawDocument, max_bytes: int, clean_records: bool = True
                  ) -> Iterator[Outcome]:
    """Every outcome of one input file: one per article or record, each an Article or a failure.

    `clean_records` runs the text-page cleaner on JSONL records' text as well.
    """
    if raw.streamed:
        with open(raw.path, "rb") as handle:
            yield from read_warc(raw.path, handle, raw.records, max_bytes)
        return
    data = raw.data
    if not data.strip():
        yield IngestFailure(raw.path, "empty file", content_sha=raw.sha)
        return
    if data[:2] == GZIP_MAGIC:
        if is_warc(gunzip_head(data)):  # read record by record, each bounded
            yield from read_warc(raw.path, data, raw.records, max_bytes)
            return
        try:
            data = gunzip(data, max_bytes)
        except TruncatedGzipError as cut:
            if named_jsonl(raw.path):  # its complete lines are good records
                yield from _read_cut_jsonl(raw, cut.partial, clean_records)
                return
            yield IngestFailure(raw.path, f"bad gzip data: {cut}", content_sha=raw.sha)
            return
        except (OSError, ValueError, EOFError, zlib.error) as exc:
            yield IngestFailure(raw.path, f"bad gzip data: {_one_line(exc)}", content_sha=raw.sha)
            return
    if is_warc(data):
        yield from read_warc(raw.path, data, raw.records, max_bytes)
        return
    yield from _read_text_bytes(raw, data, clean_records)


def _read_text_bytes(raw: RawDocument, data: bytes, clean_records: bool) -> Iterator[Outcome]:
    """Text, HTML or JSON Lines, by content (and by name for JSON Lines)."""
    reason = binary_reason(data)
    if reason is not None:
        yield IngestFailure(raw.path, reason, content_sha=raw.sha)
        return
    try:
        text, _encoding = decode_text(data)
    except UndecodableError as exc:
        yield IngestFailure(raw.path, str(exc), content_sha=raw.sha)
        return
    if not text.strip():  # a byte-order mark and nothing else
        yield IngestFailure(raw.path, "empty file", content_sha=raw.sha)
        return
    kind = text_kind(text, raw.path)
    if kind is Kind.JSONL:
        yield from read_jsonl(raw.path, text, clean=clean_records, records=raw.records)
    elif kind is Kind.HTML:
        yield read_html(raw.path, text)
    else:
        yield read_text_page(raw.path, text)


def _read_cut_jsonl(raw: RawDocument, partial: bytes, clean_records: bool) -> Iterator[Outcome]:
    """A gzipped JSON Lines file that ends early: its complete lines, then the cut line."""
    whole, _, _rest = partial.rpartition(b"\n")
    if whole.strip():
        yield from _read_text_bytes(raw, whole, clean_records)
    number = partial.count(b"\n") + 1
    yield IngestFailure(f"{raw.path}#{number}",
                        f"line {number}: truncated (the gzip data ends early)",
                        content_sha=raw.sha)


def read_text_page(path: str, text: str, meta: Meta | None = None) -> Outcome:
    """A scraped text page, furniture and all: the cleaner decides what is article."""
    meta = meta or Meta()
    page = clean_page(text, title=meta.title)
    return _article(path, page, meta)


def _article(path: str, page: CleanedPage, meta: Meta) -> Article:
    """The Article, preferring what the source says over what the page's text says."""
    published, source = meta.published, meta.published_source
    if published is None and page.published is not None:
        published, source = page.published, "dateline"
    return Article(
        article_id=Article.make_id(page.text, meta.url),
        path=path,
        text=page.text,
        url=meta.url,
        outlet=meta.outlet or _host(meta.url),
        title=meta.title or page.title,
        author=meta.author or page.author,
        published=published,
        published_source=source if published else "unknown",
        page_date=meta.page_date or page.page_date,
        language=page.language,
        dropped=page.dropped,
    )


def read_html(path: str, html: str, url: str | None = None, page_date: str | None = None
              ) -> Outcome:
    """An HTML page through trafilatura: body, title, author, date, canonical URL, site name.

    Inside a stage with a time limit (`newsevents.limits.deadline`, as `run` reads), the
    extraction runs in a watchdog process and is stopped at the limit."""
    budget = limits.remaining()
    try:
        document = extract(html, url) if budget is None else \
            bounded_extract(html, url, budget[1], budget[0])
    except (limits.StageTimeout, ExtractionFailed) as exc:
        return IngestFailure(path, str(exc))
    body = document.get("text") if document is not None else None
    if not isinstance(body, str) or not body.strip():
        return IngestFailure(path, "no article text found in the HTML")
    assert document is not None
    published = _iso_date(document.get("date"))
    meta = Meta(
        url=_str_or_none(document.get("url")) or url,
        outlet=_str_or_none(document.get("sitename")),
        title=_str_or_none(document.get("title")),
        author=_str_or_none(document.get("author")),
        published=published,
        published_source="metadata" if published else "unknown",
        page_date=page_date,
    )
    lines = [" ".join(p.split()) for p in body.splitlines() if p.strip()]
    if meta.title and lines and lines[0].casefold() == " ".join(meta.title.split()).casefold():
        lines = lines[1:]  # the headline is the title, not the first paragraph
    return _article(path, _as_is(lines, meta.title), meta)


def _as_is(lines: list[str], title: str | None) -> CleanedPage:
    """Text that needs no cleaning, one paragraph per line."""
    paragraphs = "\n\n".join(lines)
    return CleanedPage(paragraphs, title, (),
                       recorded_language(*identify_language(paragraphs), paragraphs))


def read_jsonl(path: str, text: str, clean: bool = True,
               records: tuple[int, int] | None = None, offset: int = 0) -> Iterator[Outcome]:
    """JSON Lines, one article per line: `text`, and optionally `title`, `date`, `url`, `outlet`.

    Each record's path is `file#n` with n its line number; a broken line fails alone. With
    `clean`, each record's text goes through the text-page cleaner; without, it is kept whole.
    `records` (first, last line number) reads only those lines: one shard of a big file;
    `offset` is the number of lines before `text` when it is such a shard's lines alone.
    Lines end at "\n" only: U+2028 and U+0085 are valid inside a JSON string.
    """
    first, last = records or (1, sys.maxsize)
    for number, line in enumerate(text.split("\n"), offset + 1):
        if number < first:
            continue
        if number > last:
            break
        if number == 1:
            line = line.removeprefix("\ufeff")  # a byte-order mark a decoder left
        if not line.strip():
            continue
        where = f"{path}#{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield IngestFailure(where, f"line {number}: invalid or truncated JSON ({exc.msg})")
            continue
        if not isinstance(record, dict):
            yield IngestFailure(where, f"line {number}: not a JSON object ({_json_kind(record)})")
            continue
        if not isinstance(record.get("text"), str):
            yield IngestFailure(where, f"line {number}: no \"text\" string in the record")
            continue
        if binary_text(record["text"]):
            yield IngestFailure(where, f"line {number}: the \"text\" is binary data (NUL or "
                                       f"control characters), not text")
            continue
        text = without_controls(record["text"])  # a stray NUL is not worth the article
        published = _iso_date(record.get("date"))
        meta = Meta(
            url=_str_or_none(record.get("url")),
            outlet=_str_or_none(record.get("outlet")),
            title=_str_or_none(record.get("title")),
            author=_str_or_none(record.get("author")),
            published=published,
            published_source="metadata" if published else "unknown",
        )
        if clean:
            yield read_text_page(where, text, meta)
        else:
            lines = [" ".join(x.split()) for x in text.splitlines() if x.strip()]
            yield _article(where, _as_is(lines, meta.title), meta)


def read_warc(path: str, data: bytes | BinaryIO, records: tuple[int, int] | None = None,
              max_bytes: int | None = None) -> Iterator[Outcome]:
    """WARC responses (HTML) and WET conversions (text) with their target URI and crawl date.

    The crawl date is when the page was viewed, so it becomes `page_date`, never `published`.
    `data` is the archive's bytes or an open binary file (plain, gzipped record by record, or
    gzipped whole), read record by record. `records` (first, last, counting HTML and text records
    from 1) reads only those: a shard. A record body over `max_bytes` is refused with a reason,
    never read whole. A record that ends before its Content-Length (a cut file, damaged gzip
    data, a length that runs over the records after it) is a failure; the records before it are
    read.
    """
    first, last = records or (1, sys.maxsize)
    limit = sys.maxsize if max_bytes is None else max_bytes
    stream = _WarcStream(io.BytesIO(data) if isinstance(data, bytes) else data)
    number = 0
    failed = False
    for record in _archive_records(stream):
        kind = warc_document(record)
        number += kind is not None
        if number > last:
            return
        if kind is not None and number >= first:
            outcome = _read_warc_record(f"{path}#{number}", number, record, stream, limit)
            failed = failed or isinstance(outcome, IngestFailure)
            yield outcome
            continue
        problem = _drain_unread(record, stream)
        if problem and kind is None and number >= first - 1:
            failed = True
            name = (f"a WARC {record.rec_type} record" if record.rec_type and
                    _declared_length(record) is not None else "a WARC record")  # cut headers
            yield IngestFailure(path, f"{name} after record {number} {problem}")
    after = f"after record {number}" if number else "before any HTML or text record"
    if stream.broken:
        head, detail = stream.broken
        yield IngestFailure(path, f"{head} {after}{': ' if detail else ''}{detail}")
    elif stream.damage and not stream.noted:
        yield IngestFailure(path, f"{stream.damage} {after}: the rest of the file is lost")
    elif number == 0 and first == 1 and not failed:
        yield IngestFailure(path, "no HTML or text records in the WARC file")


def count_warc_documents(source: BinaryIO) -> int | None:
    """The HTML and text records of a web archive, counted as `read_warc` numbers them, or None
    when it cannot be parsed to its end (then it is better read whole, as one shard)."""
    stream = _WarcStream(source)
    count = 0
    for record in _archive_records(stream):
        count += warc_document(record) is not None
        _drain(record, stream)
    return None if stream.broken else count


def warc_document(record: ArcWarcRecord) -> WarcDocument | None:
    """What a WARC record holds for the coder: an HTML page, a text (a WET conversion), or
    nothing (requests, metadata, images, …)."""
    length = _declared_length(record)
    if length is None or length < 0:
        return None  # not a whole record (a cut file): its block would run to the end
    if record.rec_type == "conversion":
        return "text"
    if record.rec_type not in ("response", "resource"):
        return None
    headers = record.http_headers if record.http_headers else record.rec_headers
    content_type = headers.get_header("Content-Type", "") or ""
    return "html" if _HTML_CONTENT.search(content_type.encode()) else None


class _HeadersTooLarge(ValueError):
    """More than the limit read between two records' bodies: a header line without end."""


class _WarcStream:
    """A web archive's bytes for warcio, plain or gzipped (per record or whole).

    Damaged gzip data ends the stream as a cut would, and is noted in `damage`; `noted` says a
    failure has named it. Outside a record's body reads are bounded by `budget`, so that a
    header line without end cannot fill the memory; `broken` says why parsing stopped.
    """

    def __init__(self, source: BinaryIO) -> None:
        gzipped = _peek(source, 2) == GZIP_MAGIC
        self._gzip = gzip.GzipFile(fileobj=source) if gzipped else None
        self._source = source
        self.damage: str | None = None
        self.noted = False
        self.broken: tuple[str, str] | None = None  # a reason, and its particulars
        self.budget: int | None = None
        self.ended = False  # the end of the data was reached

    def read(self, size: int = -1) -> bytes:
        if self.damage is not None:
            return b""
        try:
            # one step at a time: a read that fills its size would lose what it had at a cut
            chunk = self._gzip.read1(size) if self._gzip else self._source.read(size)
        except EOFError:
            self.damage = "the gzip data ends early"
            self.ended = True
            return b""
        except (gzip.BadGzipFile, zlib.error) as exc:
            self.damage = f"damaged gzip data ({_one_line(exc)})"
            return b""
        except OSError as exc:
            self.damage = f"cannot read ({exc.strerror or exc})"
            return b""
        self.ended = self.ended or not chunk
        if self.budget is not None:
            self.budget -= len(chunk)
            if self.budget < 0:
                raise _HeadersTooLarge
        return chunk

    def tell(self) -> int:
        return self._gzip.tell() if self._gzip else self._source.tell()


def _peek(source: BinaryIO, size: int) -> bytes:
    if hasattr(source, "peek"):
        return bytes(source.peek(size)[:size])
    position = source.tell()
    head = source.read(size)
    source.seek(position)
    return head


def _archive_records(stream: _WarcStream) -> Iterator[ArcWarcRecord]:
    """The records of an archive. Each must be drained (`_drain`) before the next is asked for,
    so that only headers are read while the budget holds."""
    archive = ArchiveIterator(stream, block_size=_BLOCK)
    count = 0
    while True:
        stream.budget = HEADER_BUDGET
        try:
            record = next(archive)
        except StopIteration:
            # warcio ends quietly at a cut inside headers: a line it read but made no record of
            if archive.next_line or count == 0:
                stream.broken = _CUT_IN_HEADERS
            return
        except _HeadersTooLarge:
            stream.broken = ("broken WARC record", f"headers over {HEADER_BUDGET:,} bytes: the "
                                                   "rest of the file is not read")
            return
        except (ArchiveLoadFailed, ValueError, AttributeError, IndexError, TypeError) as exc:
            # warcio on headers it cannot parse; at the end of the data, they were cut
            stream.broken = (_CUT_IN_HEADERS if stream.ended else
                             ("broken WARC record", _one_line(exc)))
            return
        finally:
            stream.budget = None
        count += 1
        yield record


def _drain(record: ArcWarcRecord, stream: _WarcStream, seen: bytes = b"") -> str | None:
    """Read what is left of a record's block. When the block ends before its Content-Length,
    say how (a predicate: "is truncated: …"); `seen` is the part of it already read."""
    raw = record.raw_stream
    swallowed = False
    tail = seen[-16:]
    while chunk := raw.read(_DRAIN_BLOCK):
        swallowed = swallowed or _WARC_START.search(tail + chunk) is not None
        tail = chunk[-16:]
    missing = raw.limit if isinstance(raw, LimitReader) else 0
    if missing <= 0:
        return None
    swallowed = swallowed or _WARC_START.search(seen) is not None
    length = record.length or 0
    if stream.damage is not None:
        stream.noted = True
        if stream.damage.startswith("damaged"):
            return f"is cut short by {stream.damage}"
        return f"is truncated: {stream.damage}"
    if swallowed:
        return (f"runs past the end of the file: its Content-Length ({length:,}) covers the "
                "record(s) after it")
    return f"is truncated: {missing:,} of its {length:,} bytes are missing (the file ends first)"


def _drain_unread(record: ArcWarcRecord, stream: _WarcStream) -> str | None:
    """Read past a record that is not read, and say what is wrong with it, if anything."""
    in_headers = stream.ended  # its headers reached the end of the data
    problem = _drain(record, stream)
    length = _declared_length(record)
    if length is not None and length >= 0:
        return problem
    stream.noted = True
    if in_headers:  # the last thing in the file: said at its end, as warcio's own stops are
        stream.broken = _CUT_IN_HEADERS
        return None
    if length is None:
        return "has no Content-Length: the rest of the file is lost in it"
    value = record.rec_headers.get_header("Content-Length")
    return f"has an invalid Content-Length ({value!r})"


def _declared_length(record: ArcWarcRecord) -> int | None:
    """A WARC record's Content-Length: None when missing, -1 when not a length."""
    if record.format != "warc":
        return record.length if isinstance(record.length, int) else None
    value = record.rec_headers.get_header("Content-Length")
    if value is None:
        return None
    value = value.strip()
    return int(value) if value.isascii() and value.isdigit() else -1  # not "20³1"


def _read_warc_record(where: str, number: int, record: ArcWarcRecord, stream: _WarcStream,
                      limit: int) -> Outcome:
    """One HTML or text record, its body bounded by `limit` once decoded."""
    content = record.content_stream()
    body = content.read(limit + 1)
    problem = _drain(record, stream, body)
    if problem:
        return IngestFailure(where, f"record {number} {problem}")
    if len(body) > limit:
        return IngestFailure(where, f"too large: record over {limit:,} bytes")
    encoding = _content_encoding(record)
    decompressor = getattr(content, "decompressor", None)
    if body and decompressor is not None and not getattr(decompressor, "eof", True):
        return IngestFailure(where, f"record {number}: its HTTP body ({encoding}) is cut short "
                                    "or damaged")
    url = record.rec_headers.get_header("WARC-Target-URI")
    crawled = _iso_date(record.rec_headers.get_header("WARC-Date"))
    try:
        text, _ = decode_text(body)
    except UndecodableError as exc:
        if encoding and encoding not in BufferedReader.get_supported_decompressors():
            return IngestFailure(where, f"record {number}: HTTP Content-Encoding '{encoding}' "
                                        "is not supported")
        return IngestFailure(where, str(exc))
    if warc_document(record) == "text":
        return read_text_page(where, text, Meta(url=url, page_date=crawled))
    return read_html(where, text, url=url, page_date=crawled)


def _content_encoding(record: ArcWarcRecord) -> str | None:
    if not record.http_headers:
        return None
    encoding = record.http_headers.get_header("Content-Encoding")
    return encoding.strip().lower() if encoding else None


def _iso_date(value: object) -> str | None:
    """An ISO date from an ISO date or timestamp, or from a written full date ("14 June 2023")."""
    if not isinstance(value, str):
        return None
    if not _ISO_DATE.match(value.strip()):
        written = parse_date(value, "en")
        return written.isoformat() if written else None
    try:
        return date.fromisoformat(value.strip()[:10]).isoformat()
    except ValueError:
        return None


def _json_kind(value: object) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "true or false"
    return "null" if value is None else "a number"


def _str_or_none(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _host(url: str | None) -> str | None:
    """The site a URL belongs to, as the outlet when the source names none."""
    if not url:
        return None
    host = urlsplit(url).hostname
    return host.removeprefix("www.") if host else None


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())[:300]
