"""Each input kind becomes Articles with the fields its source knows."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsevents.ingest.readers import read_document
from newsevents.ingest.sniff import Kind, text_kind
from newsevents.ingest.sources import RawDocument, expand_paths
from newsevents.records import Article, IngestFailure
from tests.conftest import article_text

LIMIT = 20_000_000


def _html(body_paragraphs: list[str], canonical: str | None = None) -> str:
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    paragraphs = "".join(f"<p>{p}</p>" for p in body_paragraphs)
    return (
        "<!DOCTYPE html><html><head><title>Council agrees budget | Daily Example</title>"
        f'{link}<meta name="author" content="Ada Reporter">'
        '<meta property="article:published_time" content="2023-06-14T09:00:00Z">'
        '<meta property="og:site_name" content="Daily Example">'
        "</head><body><nav><a href='/'>Home</a><a href='/world'>World</a></nav>"
        f"<article><h1>Council agrees budget</h1>{paragraphs}</article>"
        "<footer>© 2023 Daily Example</footer></body></html>"
    )


def _one(raw: RawDocument) -> Article | IngestFailure:
    outcomes = list(read_document(raw, LIMIT))
    assert len(outcomes) == 1
    return outcomes[0]


def test_html_through_trafilatura_with_metadata_and_canonical() -> None:
    body = [article_text(n) for n in range(3)]
    html = _html(body, canonical="https://example.org/news/budget")
    article = _one(RawDocument("page.html", html.encode()))
    assert isinstance(article, Article)
    assert article.url == "https://example.org/news/budget"
    assert article.article_id == Article.make_id("", "https://example.org/news/budget")
    assert article.title == "Council agrees budget"
    assert article.author == "Ada Reporter"
    assert (article.published, article.published_source) == ("2023-06-14", "metadata")
    assert article.outlet == "Daily Example"
    assert article.text.split("\n\n") == body
    assert "Home" not in article.text and "©" not in article.text


def test_html_is_recognised_by_content_whatever_the_name() -> None:
    html = _html([article_text(1)])
    assert text_kind(html, "page.txt") is Kind.HTML
    assert text_kind("Plain words about <b> and > signs\n" * 3, "page.html") is Kind.TEXT
    assert text_kind('{"text": "x"}\n', "dump.txt") is Kind.JSONL


def test_jsonl_records_each_become_an_article_with_their_fields() -> None:
    records = [
        {"text": article_text(1), "title": "One", "date": "2020-05-01", "url": "https://a/1",
         "outlet": "Wire"},
        {"text": article_text(2), "date": "June 3, 2021"},
        {"text": article_text(3), "date": "sometime"},
    ]
    data = "\n".join(json.dumps(r) for r in records).encode()
    first, second, third = list(read_document(RawDocument("feed.jsonl", data), LIMIT))
    assert isinstance(first, Article) and isinstance(second, Article)
    assert (first.path, first.title, first.published, first.outlet) == (
        "feed.jsonl#1", "One", "2020-05-01", "Wire")
    assert first.published_source == "metadata"
    assert isinstance(third, Article)
    assert (second.path, second.published, second.published_source) == (
        "feed.jsonl#2", "2021-06-03", "metadata")
    assert (third.published, third.published_source) == (None, "unknown")
    assert second.article_id == Article.make_id(article_text(2), None)


def test_truncated_jsonl_line_fails_alone_naming_file_and_line() -> None:
    good = json.dumps({"text": article_text(1)})
    data = f'{good}\n{{"text": "cut off in the mid\n{good.replace("1th", "9th")}\n'.encode()
    outcomes = list(read_document(RawDocument("feed.jsonl", data), LIMIT))
    assert [type(o).__name__ for o in outcomes] == ["Article", "IngestFailure", "Article"]
    failure = outcomes[1]
    assert isinstance(failure, IngestFailure)
    assert failure.message.startswith("feed.jsonl#2: line 2: invalid or truncated JSON")


def test_a_jsonl_text_of_nul_bytes_is_refused_and_a_stray_control_is_not() -> None:
    """UTF-16 stored as if it were UTF-8 text ("A\\u0000r\\u0000…") is bytes, not text:
    coding it would give garbage events and take gigabytes; one stray NUL in an article does
    not cost the article."""
    text = article_text(1)
    utf16 = text.encode("utf-16-le").decode("latin-1")
    stray = text[:40] + "\x00" + text[40:]
    data = "\n".join(json.dumps({"text": t}) for t in (text, utf16, stray)).encode()
    outcomes = list(read_document(RawDocument("feed.jsonl", data), LIMIT))
    assert [type(o).__name__ for o in outcomes] == ["Article", "IngestFailure", "Article"]
    failure = outcomes[1]
    assert isinstance(failure, IngestFailure)
    assert failure.message == ('feed.jsonl#2: line 2: the "text" is binary data (NUL or '
                               'control characters), not text')
    kept = outcomes[2]
    assert isinstance(kept, Article) and "\x00" not in kept.text


def test_hidden_folders_below_a_folder_are_not_walked(tmp_path: Path) -> None:
    """A news folder under version control holds .git; nothing below a hidden folder is
    news, and walking it can take long. A hidden folder named directly is read."""
    (tmp_path / ".git" / "objects").mkdir(parents=True)
    (tmp_path / ".git" / "objects" / "notes.txt").write_text(article_text(1))
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "two.txt").write_text(article_text(2))
    assert [Path(d.path).relative_to(tmp_path).as_posix()
            for d in expand_paths([str(tmp_path)], LIMIT)] == ["b/two.txt"]
    assert [Path(d.path).name for d in expand_paths([str(tmp_path / ".git")], LIMIT)] == [
        "notes.txt"]


def test_folder_is_read_recursively_in_a_stable_order(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "two.txt").write_text(article_text(2))
    (tmp_path / "one.txt").write_text(article_text(1))
    (tmp_path / "README.md").write_text("not news")
    (tmp_path / ".hidden.txt").write_text("not news either")
    docs = list(expand_paths([str(tmp_path)], LIMIT))
    assert [Path(d.path).name for d in docs] == ["two.txt", "one.txt"]


def test_gzipped_text_page_is_read() -> None:
    data = gzip.compress(("\n\n".join(article_text(n) for n in range(3))).encode())
    article = _one(RawDocument("page.txt.gz", data))
    assert isinstance(article, Article) and article.text.startswith("Members of the council")


def _warc(records: list[tuple[str, str, bytes, str]]) -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    for rec_type, url, payload, content_type in records:
        headers = None
        if rec_type == "response":
            headers = StatusAndHeaders("200 OK", [("Content-Type", content_type)],
                                       protocol="HTTP/1.0")
        record = writer.create_warc_record(
            url, rec_type, payload=io.BytesIO(payload), http_headers=headers,
            warc_headers_dict={"WARC-Date": "2024-02-03T10:00:00Z"},
        )
        if rec_type == "conversion":
            record.rec_headers.replace_header("Content-Type", "text/plain")
        writer.write_record(record)
    return buffer.getvalue()


def test_warc_and_wet_records_use_crawl_date_as_page_date() -> None:
    html = _html([article_text(n) for n in range(3)]).encode()
    wet_text = "\n".join(article_text(n, "the board") for n in range(3)).encode()
    data = _warc([
        ("response", "https://example.org/a", html, "text/html; charset=utf-8"),
        ("response", "https://example.org/logo.png", b"\x89PNG....", "image/png"),
        ("conversion", "https://example.org/b", wet_text, "text/plain"),
    ])
    outcomes = list(read_document(RawDocument("crawl.warc.gz", data), LIMIT))
    assert [o.path for o in outcomes] == ["crawl.warc.gz#1", "crawl.warc.gz#2"]
    html_article, wet_article = outcomes
    assert isinstance(html_article, Article) and isinstance(wet_article, Article)
    assert html_article.url == "https://example.org/a"
    assert wet_article.url == "https://example.org/b"
    assert wet_article.page_date == "2024-02-03" and wet_article.published is None
    assert "the board" in wet_article.text


def test_jsonl_records_are_cleaned_unless_told_not_to() -> None:
    text = "\n".join([article_text(1), "Advertisement", article_text(2), "Share this article"])
    data = json.dumps({"text": text, "url": "https://www.example.org/x"}).encode()
    (cleaned,) = read_document(RawDocument("f.jsonl", data), LIMIT)
    (whole,) = read_document(RawDocument("f.jsonl", data), LIMIT, clean_records=False)
    assert isinstance(cleaned, Article) and isinstance(whole, Article)
    assert cleaned.text.split("\n\n") == [article_text(1), article_text(2)]
    assert [d.line for d in cleaned.dropped] == ["Advertisement", "Share this article"]
    assert whole.text.split("\n\n") == text.split("\n") and whole.dropped == ()
    assert cleaned.outlet == whole.outlet == "example.org"
