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
from typing import BinaryIO
from urllib.parse import urlsplit

import trafilatura
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from newsevents.clean.datelines import parse_date
from newsevents.clean.language import identify_language, recorded_language
from newsevents.clean.textpage import CleanedPage, clean_page
from newsevents.ingest.decode import UndecodableError, decode_text, looks_binary
from newsevents.ingest.sniff import Kind, gunzip, is_warc, text_kind
from newsevents.ingest.sources import RawDocument
from newsevents.records import Article, IngestFailure, PublishedSource

log = logging.getLogger(__name__)
Outcome = Article | IngestFailure
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
_HTML_CONTENT = re.compile(rb"text/html|application/xhtml", re.I)


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
    if data[:2] == b"\x1f\x8b":
        try:
            data = gunzip(data, max_bytes)
        except (OSError, ValueError, EOFError, zlib.error) as exc:
            yield IngestFailure(raw.path, f"bad gzip data: {_one_line(exc)}", content_sha=raw.sha)
            return
    if is_warc(data):
        yield from read_warc(raw.path, data, raw.records, max_bytes)
        return
    if looks_binary(data):
        yield IngestFailure(raw.path, "binary data, not text, HTML, JSONL or WARC",
                            content_sha=raw.sha)
        return
    try:
        text, _encoding = decode_text(data)
    except UndecodableError as exc:
        yield IngestFailure(raw.path, str(exc), content_sha=raw.sha)
        return
    kind = text_kind(text, raw.path)
    if kind is Kind.JSONL:
        yield from read_jsonl(raw.path, text, clean=clean_records, records=raw.records)
    elif kind is Kind.HTML:
        yield read_html(raw.path, text)
    else:
        yield read_text_page(raw.path, text)


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
    """An HTML page through trafilatura: body, title, author, date, canonical URL, site name."""
    document = trafilatura.bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    body = getattr(document, "text", None) if document is not None else None
    if not body or not body.strip():
        return IngestFailure(path, "no article text found in the HTML")
    published = _iso_date(getattr(document, "date", None))
    meta = Meta(
        url=getattr(document, "url", None) or url,
        outlet=getattr(document, "sitename", None),
        title=getattr(document, "title", None),
        author=getattr(document, "author", None),
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
    return CleanedPage(paragraphs, title, (), recorded_language(*identify_language(paragraphs)))


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
        if not line.strip():
            continue
        where = f"{path}#{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield IngestFailure(where, f"line {number}: invalid or truncated JSON ({exc.msg})")
            continue
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            yield IngestFailure(where, f"line {number}: no \"text\" string in the record")
            continue
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
            yield read_text_page(where, record["text"], meta)
        else:
            lines = [" ".join(x.split()) for x in record["text"].splitlines() if x.strip()]
            yield _article(where, _as_is(lines, meta.title), meta)


def read_warc(path: str, data: bytes | BinaryIO, records: tuple[int, int] | None = None,
              max_bytes: int | None = None) -> Iterator[Outcome]:
    """WARC responses (HTML) and WET conversions (text) with their target URI and crawl date.

    The crawl date is when the page was viewed, so it becomes `page_date`, never `published`.
    `data` is the archive's bytes or an open binary file, read record by record.
    `records` (first, last, counting HTML and text records from 1) reads only those: a shard.
    A record body over `max_bytes` is refused with a reason, never read whole.
    """
    first, last = records or (1, sys.maxsize)
    number = 0
    try:
        stream = io.BytesIO(data) if isinstance(data, bytes) else data
        for record in ArchiveIterator(stream):
            if record.rec_type not in ("response", "resource", "conversion"):
                continue
            content_type = (record.http_headers.get_header("Content-Type", "")
                            if record.http_headers else
                            record.rec_headers.get_header("Content-Type", ""))
            is_text = record.rec_type == "conversion"
            if not is_text and not _HTML_CONTENT.search(content_type.encode()):
                continue
            number += 1
            if number < first:
                continue
            if number > last:
                return
            where = f"{path}#{number}"
            url = record.rec_headers.get_header("WARC-Target-URI")
            crawled = _iso_date(record.rec_headers.get_header("WARC-Date"))
            limit = sys.maxsize if max_bytes is None else max_bytes
            body = record.content_stream().read(limit + 1)
            if len(body) > limit:
                yield IngestFailure(where, f"too large: record over {limit:,} bytes")
                continue
            yield _read_warc_body(where, body, url, crawled, is_text)
    except (ArchiveLoadFailed, gzip.BadGzipFile, OSError, ValueError, zlib.error) as exc:
        yield IngestFailure(f"{path}#{number + 1}", f"broken WARC record: {_one_line(exc)}")
        return
    if number == 0 and first == 1:
        yield IngestFailure(path, "no HTML or text records in the WARC file")


def _read_warc_body(where: str, body: bytes, url: str | None, crawled: str | None,
                    is_text: bool) -> Outcome:
    try:
        text, _ = decode_text(body)
    except UndecodableError as exc:
        return IngestFailure(where, str(exc))
    if is_text:
        return read_text_page(where, text, Meta(url=url, page_date=crawled))
    return read_html(where, text, url=url, page_date=crawled)


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
