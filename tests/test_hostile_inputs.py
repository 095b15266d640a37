"""Hostile inputs (issue 11): every input gives its articles or a one-line reason, never a hang,
a crash, a silent loss or a full memory; and the run goes on.

Each test builds real damaged inputs (warcio's writer, then cut or altered bytes; a real FIFO,
`/dev/zero`, a folder nobody may read) and reads them with the library or `newsevents run`.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import random
import re
import shlex
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest
from warcio.bufferedreaders import BufferedReader
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsevents.ingest.job import read_articles
from newsevents.ingest.readers import HEADER_BUDGET
from newsevents.ingest.sniff import Kind, text_kind
from newsevents.ingest.sources import expand_paths
from newsevents.ingest.steps import ReadDocuments
from newsevents.records import Article, IngestFailure
from newsevents.scale.parts import shard_outcomes
from newsevents.scale.shards import plan_shards
from newsevents.settings import Settings
from tests.conftest import article_text
from tests.hostile import gzip_bomb

NEWSEVENTS = Path(sys.executable).with_name("newsevents")
ARTICLE = "article"
NOBODY = 65534
LIMIT = 20_000_000  # the default ingest.max_bytes, which `newsevents run` uses here
BOMB = 2 << 30  # 2 GiB once inflated: far past the memory a bounded reader may use
PEAK_RSS = 600 << 20


# --- helpers -------------------------------------------------------------------------------

def _outcomes(settings: Settings, *paths: Path | str) -> list[tuple[str, str]]:
    """(path, "article" or the failure's reason) for each outcome of a library read."""
    return [_row(o) for o in read_articles([str(p) for p in paths], settings)]


def _row(outcome: Article | IngestFailure) -> tuple[str, str]:
    if isinstance(outcome, IngestFailure):
        assert "\n" not in outcome.message, outcome.message
        return outcome.path, outcome.reason
    return outcome.path, ARTICLE


def _text(n: int) -> str:
    return "\n\n".join(article_text(n * 10 + k) for k in range(3))


@dataclass(slots=True, frozen=True)
class Run:
    """What `newsevents run --no-events` left: its exit status, stderr and the stored rows."""

    returncode: int
    stderr: str
    articles: list[str]
    errors: list[tuple[str, str]]


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "NEWSEVENTS_SETTINGS"}
    env.update(HOME=str(home), COLUMNS="1000")  # no user settings file; one line per message
    return env


Wrapper = Callable[[list[str]], list[str]]


def _run(home: Path, *paths: Path | str, as_user: Wrapper | None = None,
         timeout: float = 120) -> Run:
    db = home / "run.duckdb"
    command = [str(NEWSEVENTS), "run", *map(str, paths), "--db", str(db), "--no-events"]
    if as_user is not None:
        command = as_user(command)
    done = subprocess.run(command, capture_output=True, text=True, env=_env(home),
                          timeout=timeout, check=False)
    assert done.returncode == 0, done.stderr
    with duckdb.connect(str(db), read_only=True) as con:
        articles = [r[0] for r in con.execute("SELECT path FROM articles ORDER BY path").fetchall()]
        errors = [(r[0], r[1]) for r in con.execute(
            "SELECT path, reason FROM ingest_errors ORDER BY path").fetchall()]
    return Run(done.returncode, done.stderr, articles, errors)


# --- 1. UTF-16 and UTF-32 ------------------------------------------------------------------

def _with_bom(text: str, encoding: str) -> bytes:
    boms = {"utf-16-le": b"\xff\xfe", "utf-16-be": b"\xfe\xff", "utf-32-le": b"\xff\xfe\0\0",
            "utf-32-be": b"\0\0\xfe\xff"}
    return boms[encoding] + text.encode(encoding)


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_utf16_and_utf32_text_with_a_byte_order_mark_is_read(tmp_path: Path, settings: Settings,
                                                             encoding: str) -> None:
    page = tmp_path / "page.txt"
    page.write_bytes(_with_bom(f"Budget talks\n\n{_text(1)}\n", encoding))
    html = tmp_path / "page.html"
    html.write_bytes(_with_bom("<!DOCTYPE html><html><head><title>Budget talks</title></head>"
                               f"<body><article><p>{_text(2)}</p></article></body></html>",
                               encoding))
    records = tmp_path / "feed.jsonl"
    records.write_bytes(_with_bom("\n".join(json.dumps({"text": _text(n)}, ensure_ascii=False)
                                            for n in (3, 4)), encoding))
    outcomes = list(read_articles([str(page), str(html), str(records)], settings))
    assert [_row(o) for o in outcomes] == [
        (str(page), ARTICLE), (str(html), ARTICLE), (f"{records}#1", ARTICLE),
        (f"{records}#2", ARTICLE)]
    texts = [o.text for o in outcomes if isinstance(o, Article)]
    assert article_text(10) in texts[0] and article_text(20) in texts[1]
    assert texts[2].split("\n\n")[0] == article_text(30)


def test_utf16_without_a_byte_order_mark_is_refused_saying_so(tmp_path: Path,
                                                               settings: Settings) -> None:
    """…and binary data stays binary data, with NULs every other byte or after a mark."""
    le, be = tmp_path / "le.txt", tmp_path / "be.txt"
    le.write_bytes(_text(1).encode("utf-16-le"))
    be.write_bytes(_text(1).encode("utf-16-be"))
    controls, marked = tmp_path / "controls.txt", tmp_path / "marked.txt"
    controls.write_bytes(b"\0\x01" * 500)
    marked.write_bytes(b"\xff\xfe" + random.Random(1).randbytes(4000))
    reason = ("UTF-16 text without a byte-order mark: not read (save it as UTF-8, or as UTF-16 "
              "with a byte-order mark)")
    binary = "binary data, not text, HTML, JSONL or WARC"
    assert _outcomes(settings, le, be, controls, marked) == [
        (str(le), reason), (str(be), reason), (str(controls), binary), (str(marked), binary)]


# --- 2. damaged web archives ---------------------------------------------------------------

def _page(n: int) -> bytes:
    """An HTML page with a comment that does not compress, so that a cut at a share of a
    gzipped archive falls at that share of its text too."""
    noise = random.Random(n).randbytes(2000).hex()
    return (f"<!DOCTYPE html><html><head><title>Story {n}</title><!-- {noise} --></head><body>"
            f"<article><h1>Story {n}</h1><p>{_text(n)}</p></article></body></html>").encode()


def _warc(count: int, gzipped: bool, first: int = 1) -> tuple[bytes, list[int]]:
    """A web archive of `count` HTML responses (pages `first`, `first` + 1, …), and where each
    record starts (and the end)."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=gzipped)
    starts = []
    for n in range(first, first + count):
        starts.append(buffer.tell())
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(
            f"https://example.org/{n}", "response", payload=io.BytesIO(_page(n)),
            http_headers=http, warc_headers_dict={"WARC-Date": "2024-02-03T10:00:00Z"}))
    starts.append(buffer.tell())
    return buffer.getvalue(), starts


def _block(data: bytes, start: int) -> tuple[int, int]:
    """Where the block of the (plain) record at `start` begins, and its Content-Length."""
    begins = data.index(b"\r\n\r\n", start) + 4
    found = re.search(rb"Content-Length: (\d+)", data[start:begins])
    assert found is not None
    return begins, int(found.group(1))


def _truncated_warc(folder: Path) -> tuple[Path, str]:
    data, starts = _warc(3, gzipped=False)
    begins, length = _block(data, starts[2])
    kept = length // 2
    path = folder / "cut.warc"
    path.write_bytes(data[:begins + kept])
    return path, (f"record 3 is truncated: {length - kept:,} of its {length:,} bytes are missing "
                  "(the file ends first)")


def _truncated_warc_gz(folder: Path) -> Path:
    data, starts = _warc(3, gzipped=True, first=4)
    path = folder / "cut.warc.gz"
    path.write_bytes(data[:starts[3] - 1000])  # in the page of the third record
    return path


def _huge_content_length(folder: Path) -> Path:
    data, starts = _warc(3, gzipped=False, first=7)
    second = re.sub(rb"Content-Length: \d+", b"Content-Length: 999999999999",
                    data[starts[1]:starts[2]], count=1)
    path = folder / "huge-length.warc"
    path.write_bytes(data[:starts[1]] + second + data[starts[2]:])
    return path


def test_a_truncated_warc_keeps_its_whole_records_and_names_the_cut_one(
        tmp_path: Path, settings: Settings) -> None:
    path, reason = _truncated_warc(tmp_path)
    assert _outcomes(settings, path) == [
        (f"{path}#1", ARTICLE), (f"{path}#2", ARTICLE), (f"{path}#3", reason)]


def test_a_warc_cut_inside_headers_says_so(tmp_path: Path, settings: Settings) -> None:
    data, starts = _warc(3, gzipped=False)
    path = tmp_path / "headers.warc"
    path.write_bytes(data[:starts[2] + 40])  # inside the WARC headers of the third record
    assert _outcomes(settings, path) == [
        (f"{path}#1", ARTICLE), (f"{path}#2", ARTICLE),
        (str(path), "truncated: the file ends inside the headers of a record after record 2")]


def test_a_truncated_warc_gz_keeps_its_good_records(tmp_path: Path, settings: Settings) -> None:
    path = _truncated_warc_gz(tmp_path)
    assert _outcomes(settings, path) == [
        (f"{path}#1", ARTICLE), (f"{path}#2", ARTICLE),
        (f"{path}#3", "record 3 is truncated: the gzip data ends early")]


def test_a_warc_gzipped_whole_is_read_and_its_cut_named(tmp_path: Path,
                                                        settings: Settings) -> None:
    """`gzip crawl.warc` makes one member of the whole file, not one per record."""
    data, _ = _warc(3, gzipped=False)
    whole, cut = tmp_path / "whole.warc.gz", tmp_path / "whole-cut.warc.gz"
    packed = gzip.compress(data)
    whole.write_bytes(packed)
    cut.write_bytes(packed[:-1000])  # in the page of the third record
    assert _outcomes(settings, whole) == [(f"{whole}#{n}", ARTICLE) for n in (1, 2, 3)]
    assert _outcomes(settings, cut) == [
        (f"{cut}#1", ARTICLE), (f"{cut}#2", ARTICLE),
        (f"{cut}#3", "record 3 is truncated: the gzip data ends early")]


def test_a_content_length_past_the_end_of_the_file_is_a_failure(tmp_path: Path,
                                                                 settings: Settings) -> None:
    """The second record claims more bytes than the file holds: it swallows the third."""
    path = _huge_content_length(tmp_path)
    assert _outcomes(settings, path) == [
        (f"{path}#1", ARTICLE),
        (f"{path}#2", "record 2 runs past the end of the file: its Content-Length "
                      "(999,999,999,999) covers the record(s) after it")]


def test_http_content_encodings_are_decoded_or_named(tmp_path: Path, settings: Settings) -> None:
    """gzip and deflate bodies are decoded; a cut gzip body and an encoding warcio cannot decode
    (Brotli, without the brotli package) are failures that say so, not garbled articles."""
    cut = gzip.compress(_page(2))
    bodies = [(_page(1), "gzip", gzip.compress(_page(1))),
              (_page(2), "gzip", cut[:len(cut) // 2]),
              (_page(3), "deflate", zlib.compress(_page(3))),
              (_page(4), "br", random.Random(4).randbytes(3000))]
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=False)
    for n, (_, encoding, body) in enumerate(bodies, 1):
        writer.write_record(writer.create_warc_record(
            f"https://example.org/{n}", "response", payload=io.BytesIO(body),
            http_headers=_http_response(("Content-Encoding", encoding))))
    path = tmp_path / "encoded.warc"
    path.write_bytes(buffer.getvalue())
    br = ("record 4: HTTP Content-Encoding 'br' is not supported"
          if "br" not in BufferedReader.get_supported_decompressors() else
          "binary data, not text")  # random bytes are no Brotli stream either
    assert _outcomes(settings, path) == [
        (f"{path}#1", ARTICLE),
        (f"{path}#2", "record 2: its HTTP body (gzip) is cut short or damaged"),
        (f"{path}#3", ARTICLE), (f"{path}#4", br)]


def test_damaged_warcs_in_a_run_store_their_records_and_reasons(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    cut, reason = _truncated_warc(folder)
    cut_gz = _truncated_warc_gz(folder)
    huge = _huge_content_length(folder)
    run = _run(tmp_path, folder)
    assert run.articles == sorted([f"{cut}#1", f"{cut}#2", f"{cut_gz}#1", f"{cut_gz}#2",
                                   f"{huge}#1"])
    assert run.errors == sorted([
        (f"{cut}#3", reason),
        (f"{cut_gz}#3", "record 3 is truncated: the gzip data ends early"),
        (f"{huge}#2", "record 2 runs past the end of the file: its Content-Length "
                      "(999,999,999,999) covers the record(s) after it")])


# --- 3. folders and files that are not files -----------------------------------------------

@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A folder another user can reach (pytest's tmp_path is private to its owner)."""
    folder = Path(tempfile.mkdtemp(prefix="newsevents-hostile-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        for below, names, _files in os.walk(folder):
            for name in names:
                os.chmod(os.path.join(below, name), 0o755)
        shutil.rmtree(folder)


def _unprivileged() -> Wrapper | None:
    """How to run a command as a user whom file permissions bind: as it is when we are one,
    else through setpriv (or su) as `nobody`; None when root cannot drop its privileges here."""
    if os.geteuid() != 0:
        return lambda command: command
    if shutil.which("setpriv"):
        return lambda command: ["setpriv", f"--reuid={NOBODY}", f"--regid={NOBODY}",
                                "--clear-groups", *command]
    if shutil.which("su"):
        return lambda command: ["su", "nobody", "-s", "/bin/sh", "-c", shlex.join(command)]
    return None


def test_a_folder_that_cannot_be_read_is_a_failure_not_silence(shared_dir: Path) -> None:
    as_user = _unprivileged()
    if as_user is None:
        pytest.skip("running as root without setpriv or su: permissions do not bind")
    home = shared_dir / "home"
    home.mkdir(mode=0o777)
    home.chmod(0o777)  # the run, as nobody, writes its database here
    folder = shared_dir / "in"
    (folder / "locked").mkdir(parents=True)
    (folder / "good.txt").write_text(_text(1))
    (folder / "locked" / "secret.txt").write_text(_text(2))
    (folder / "locked").chmod(0)
    locked_alone = shared_dir / "alone"
    locked_alone.mkdir()
    locked_alone.chmod(0)
    run = _run(home, folder, locked_alone, as_user=as_user)
    assert run.articles == [str(folder / "good.txt")]
    assert run.errors == [
        (str(locked_alone), "cannot read folder: Permission denied"),
        (str(folder / "locked"), "cannot read folder: Permission denied")]
    assert f"skipped {folder / 'locked'}: cannot read folder: Permission denied" in run.stderr


def test_a_fifo_and_dev_zero_named_directly_are_refused_unopened(tmp_path: Path) -> None:
    """Opening a FIFO without a writer blocks; reading /dev/zero never ends: the run would hang
    (and the timeout fail the test) if either were opened or read."""
    fifo = tmp_path / "feed.jsonl"
    os.mkfifo(fifo)
    good = tmp_path / "good.txt"
    good.write_text(_text(1))
    run = _run(tmp_path, fifo, "/dev/zero", good, timeout=60)
    assert run.articles == [str(good)]
    assert run.errors == [("/dev/zero", "not a regular file (a character device): not read"),
                          (str(fifo), "not a regular file (a FIFO): not read")]


def test_special_files_in_a_folder_are_failures_and_its_files_are_read(
        tmp_path: Path, settings: Settings) -> None:
    """Inside a folder, an entry named like news input that is not a regular file is recorded;
    one named otherwise (`app.sock`) is passed over like any file that is not news input."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.txt").write_text(_text(1))
    os.mkfifo(folder / "pipe.txt")
    (folder / "gone.txt").symlink_to(folder / "missing.txt")
    listening = []
    for name in ("live.html", "app.sock"):
        server = socket.socket(socket.AF_UNIX)
        server.bind(str(folder / name))
        listening.append(server)
    try:
        assert stat.S_ISSOCK(os.stat(folder / "live.html").st_mode)
        assert _outcomes(settings, folder) == [
            (str(folder / "gone.txt"), "no such file (a broken link)"),
            (str(folder / "good.txt"), ARTICLE),
            (str(folder / "live.html"), "not a regular file (a socket): not read"),
            (str(folder / "pipe.txt"), "not a regular file (a FIFO): not read")]
    finally:
        for server in listening:
            server.close()


# --- 4. JSON Lines -------------------------------------------------------------------------

@pytest.mark.parametrize(("first", "reason"), [
    ("[1, 2]", "line 1: not a JSON object (an array)"),
    ('[{"text": "a record in an array"}]', "line 1: not a JSON object (an array)"),
    ("42", "line 1: not a JSON object (a number)"),
    ('"a string"', "line 1: not a JSON object (a string)"),
    ("null", "line 1: not a JSON object (null)"),
    ("true", "line 1: not a JSON object (true or false)"),
    ("not JSON at all", "line 1: invalid or truncated JSON (Expecting value)"),
])
@pytest.mark.parametrize("name", ["feed.jsonl", "feed.ndjson", "feed.jsonl.gz"])
def test_a_jsonl_file_is_read_as_json_lines_whatever_its_first_line(
        tmp_path: Path, settings: Settings, first: str, reason: str, name: str) -> None:
    lines = [first, json.dumps({"text": _text(1)}), "[3]", json.dumps({"text": _text(2)})]
    data = ("\n".join(lines) + "\n").encode()
    path = tmp_path / name
    path.write_bytes(gzip.compress(data) if name.endswith(".gz") else data)
    assert _outcomes(settings, path) == [
        (f"{path}#1", reason), (f"{path}#2", ARTICLE),
        (f"{path}#3", "line 3: not a JSON object (an array)"), (f"{path}#4", ARTICLE)]


def test_jsonl_records_holding_html_are_records_not_a_page(tmp_path: Path,
                                                           settings: Settings) -> None:
    records = [{"text": _text(n), "html": f"<div><p>{_text(n)}</p><br><a href='/'>x</a></div>"}
               for n in (1, 2)]
    text = "\n".join(json.dumps(r) for r in records)
    assert text_kind(text, "dump.txt") is Kind.JSONL
    assert text_kind("<html><body><p>a page</p></body></html>", "misnamed.jsonl") is Kind.JSONL
    path = tmp_path / "feed.jsonl"
    path.write_text(text)
    assert _outcomes(settings, path) == [(f"{path}#1", ARTICLE), (f"{path}#2", ARTICLE)]


def test_a_truncated_jsonl_gz_keeps_its_whole_lines(tmp_path: Path, settings: Settings) -> None:
    data = "".join(json.dumps({"text": _text(n)}) + "\n" for n in range(1, 4)).encode()
    packed = gzip.compress(data, compresslevel=0)  # stored: its offsets are the text's
    path = tmp_path / "feed.jsonl.gz"
    path.write_bytes(packed[:len(packed) - 100])  # the third line is cut
    assert _outcomes(settings, path) == [
        (f"{path}#1", ARTICLE), (f"{path}#2", ARTICLE),
        (f"{path}#3", "line 3: truncated (the gzip data ends early)")]


def test_a_sharded_run_reads_hostile_files_as_a_plain_run_does(tmp_path: Path,
                                                               settings: Settings) -> None:
    """Shards cut JSON Lines and web archives into record ranges; each range must give the
    records, and the failures, that reading the whole file gives."""
    folder = tmp_path / "in"
    folder.mkdir()
    _truncated_warc(folder)
    _truncated_warc_gz(folder)
    _huge_content_length(folder)
    whole_gz, _ = _warc(3, gzipped=False, first=10)
    (folder / "whole.warc.gz").write_bytes(gzip.compress(whole_gz))
    lines = ["[1]", json.dumps({"text": _text(1)}), json.dumps({"text": _text(2)})]
    (folder / "array-first.jsonl").write_text("\n".join(lines))
    (folder / "bom.jsonl").write_bytes(b"\xef\xbb\xbf" + "\n".join(lines[1:]).encode())
    (folder / "utf16.ndjson").write_bytes(_with_bom("\n".join(lines[1:]), "utf-16-le"))
    os.mkfifo(folder / "pipe.jsonl")
    limit = settings.ingest.max_bytes
    plain = [_row(o) for o in ReadDocuments(limit).run(expand_paths([str(folder)], limit))]
    shards = plan_shards([str(folder)], 1, 1)
    assert any(s.inputs[0].records == (3, 3) for s in shards)  # the archives are cut
    sharded = [_row(o) for shard in shards for o in shard_outcomes(shard, settings)]
    assert sharded == plain
    assert (str(folder / "pipe.jsonl"), "not a regular file (a FIFO): not read") in plain
    assert (f"{folder / 'bom.jsonl'}#1", ARTICLE) in plain


# --- 5. decompression bombs ----------------------------------------------------------------

def _http_response(*fields: tuple[str, str]) -> StatusAndHeaders:
    return StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8"), *fields],
                            protocol="HTTP/1.1")


def _bomb_txt_gz() -> tuple[bytes, list[tuple[str, str]]]:
    return gzip_bomb(BOMB, b"a"), [
        ("", f"bad gzip data: too large: over {LIMIT:,} bytes once decompressed")]


def _bomb_jsonl_gz() -> tuple[bytes, list[tuple[str, str]]]:
    return gzip_bomb(BOMB, b"a", prefix=b'{"text": "', suffix=b'"}\n'), [
        ("", f"bad gzip data: too large: over {LIMIT:,} bytes once decompressed")]


def _bomb_warc_gz() -> tuple[bytes, list[tuple[str, str]]]:
    """A record whose gzip member inflates to 2 GiB, then a good one."""
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"
    head = (b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:bomb>\r\n"
            b"WARC-Target-URI: https://bomb.example/\r\nWARC-Date: 2024-01-01T00:00:00Z\r\n"
            b"Content-Type: application/http; msgtype=response\r\n"
            + f"Content-Length: {len(http) + BOMB}\r\n\r\n".encode() + http)
    good, _ = _warc(1, gzipped=True, first=4)
    return gzip_bomb(BOMB, b" ", prefix=head, suffix=b"\r\n\r\n") + good, [
        ("#1", f"too large: record over {LIMIT:,} bytes"), ("#2", ARTICLE)]


def _bomb_content_encoding() -> tuple[bytes, list[tuple[str, str]]]:
    """A plain WARC whose first response is served gzip-encoded and inflates to 2 GiB."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=False)
    for url, body, fields in (("https://bomb.example/", gzip_bomb(BOMB, b" "),
                               (("Content-Encoding", "gzip"),)),
                              ("https://example.org/1", _page(1), ())):
        writer.write_record(writer.create_warc_record(
            url, "response", payload=io.BytesIO(body), http_headers=_http_response(*fields)))
    return buffer.getvalue(), [("#1", f"too large: record over {LIMIT:,} bytes"), ("#2", ARTICLE)]


def _bomb_warc_headers() -> tuple[bytes, list[tuple[str, str]]]:
    """A WARC header line that never ends: 2 GiB without a line break."""
    return gzip_bomb(BOMB, b"a", prefix=b"WARC/1.0\r\nWARC-Type: response\r\nX-Filler: "), [
        ("", f"broken WARC record before any HTML or text record: headers over "
             f"{HEADER_BUDGET:,} bytes: the rest of the file is not read")]


def test_the_bomb_builder_makes_valid_gzip() -> None:
    data = gzip_bomb(3 << 20, b"x", prefix=b"<", suffix=b">")
    assert len(data) < 20_000
    assert gzip.decompress(data) == b"<" + b"x" * (3 << 20) + b">"


_PEAK = """import json, resource, subprocess, sys
def cap():  # a reader that regresses fails here rather than take the machine's memory
    resource.setrlimit(resource.RLIMIT_AS, (6 << 30, 6 << 30))
done = subprocess.run(sys.argv[2:], capture_output=True, text=True, timeout=600, preexec_fn=cap,
                      env=json.loads(sys.argv[1]))
print(json.dumps({"rc": done.returncode, "stderr": done.stderr,
                  "peak": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024}))
"""


@pytest.mark.parametrize(("name", "build"), [
    ("bomb.txt.gz", _bomb_txt_gz), ("bomb.jsonl.gz", _bomb_jsonl_gz),
    ("bomb.warc.gz", _bomb_warc_gz), ("bomb-content-encoding.warc", _bomb_content_encoding),
    ("bomb-headers.warc.gz", _bomb_warc_headers)])
def test_a_decompression_bomb_gives_a_reason_in_bounded_memory(tmp_path: Path, name: str,
                                                               build: object) -> None:
    assert callable(build)
    data, expected = build()
    assert len(data) < 4 << 20  # a few MB on disk, 2 GiB inflated
    path = tmp_path / name
    path.write_bytes(data)
    db = tmp_path / "run.duckdb"
    command = [sys.executable, "-c", _PEAK, json.dumps(_env(tmp_path)), str(NEWSEVENTS), "run",
               str(path), "--db", str(db), "--no-events"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=900, check=True)
    report = json.loads(done.stdout)
    assert report["rc"] == 0, report["stderr"]
    assert report["peak"] < PEAK_RSS, f"peak RSS {report['peak'] >> 20} MiB"
    with duckdb.connect(str(db), read_only=True) as con:
        stored = [(p, ARTICLE) for (p,) in con.execute("SELECT path FROM articles").fetchall()]
        stored += con.execute("SELECT path, reason FROM ingest_errors").fetchall()
    assert sorted(stored) == sorted((f"{path}{where}", what) for where, what in expected)


# --- 6. GDELT rows -------------------------------------------------------------------------

def test_line_breaks_in_a_gdelt_row_cannot_split_it() -> None:
    from newsevents.gdelt import COLUMNS, write_gdelt

    breaks = "\r\n\r\u2028\u2029\x85\x0b\x0c\x1c\x1d\x1e"
    row = {"event_id": "0123456789abcdef", "date": "2024-01-02", "source_code": "FRA",
           "target_code": "IRNGOV", "cameo": "041", "cameo_root": "04", "quad_class": 1,
           "goldstein": 1.0, "sentence_index": 0, "sentence": f"He said{breaks}more",
           "url": f"https://example.org/a{breaks}b", "ingested_at": "2024-01-02T03:04:05"}
    out = io.StringIO(newline="")
    assert write_gdelt([row, row], out) == 2
    lines = out.getvalue().split("\n")
    assert lines[-1] == "" and len(lines) == 3
    assert all(len(line.split("\t")) == len(COLUMNS) for line in lines[:2])
    assert not any(char in out.getvalue() for char in breaks.replace("\n", ""))


def test_damaged_gzip_data_is_a_reason_not_a_crash(tmp_path: Path) -> None:
    """Found by `make stress`: corrupt deflate data made the WARC sniffing raise zlib.error,
    which ended the whole run."""
    from newsevents.ingest.job import read_articles
    from newsevents.records import IngestFailure
    from newsevents.settings import load_settings

    data = bytearray(gzip.compress(("Police arrested five protesters in Lagos on Monday, "
                                    "officials said. " * 200).encode()))
    for i in range(30, 60):
        data[i] ^= 0x55
    path = tmp_path / "bad.txt.gz"
    path.write_bytes(bytes(data))
    (outcome,) = list(read_articles([str(path)], load_settings()))
    assert isinstance(outcome, IngestFailure)
    assert outcome.reason.startswith("bad gzip data: Error -3 while decompressing data")


def test_a_content_length_of_non_ascii_digits_is_a_reason(tmp_path: Path) -> None:
    """Found by `make stress`: "20³1" passes str.isdigit() but not int()."""
    from newsevents.settings import load_settings

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=False)
    body = f"<html><body><article><p>{_text(1)}</p></article></body></html>".encode()
    writer.write_record(writer.create_warc_record(
        "https://a.example/1", "response", payload=io.BytesIO(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n" + body)))
    data = buffer.getvalue()
    length = re.search(rb"Content-Length: (\d+)", data)
    assert length is not None
    path = tmp_path / "x.warc"
    path.write_bytes(data.replace(length.group(0), "Content-Length: 20³1".encode(), 1))
    outcomes = list(read_articles([str(path)], load_settings()))
    assert all(isinstance(o, IngestFailure) for o in outcomes)
    assert any("Content-Length" in o.reason for o in outcomes if isinstance(o, IngestFailure))
