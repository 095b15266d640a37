"""Hostile inputs and good articles for the fault-injection test and `make stress`.

Not a test module: seeded generators of the inputs a news crawl really holds, each a `Sample`
(a file name, its bytes, and what a run must leave for it in the database). The good articles
are real Wikinews texts from examples/wikinews.jsonl that the coder finds events in; the
hostile ones are built from other Wikinews texts, so that none is an exact duplicate of a
good one (a duplicate would be skipped, and the good copy could be the one skipped).
`run_measured` runs a command to its end and measures its peak memory and time.
"""

from __future__ import annotations

import io
import json
import os
import random
import re
import signal
import struct
import subprocess
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

import psutil
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

ROOT = Path(__file__).resolve().parents[1]
WIKINEWS = ROOT / "examples" / "wikinews.jsonl"

# Wikinews records in which `newsevents code examples/wikinews.jsonl` found 4 events or more
# (learned coder, default settings) and whose text is at most 6,000 characters: the first 50
# of the 91 such records, in file order. Four or more, so that a retrained coder still finds one.
GOOD_IDS: tuple[str, ...] = (
    "gum-GUM_news_iodine", "gum-GUM_news_sensitive", "gum-GUM_news_imprisoned",
    "gum-GUM_news_asylum", "gum-GUM_news_taxes", "gum-GUM_news_korea", "gum-GUM_news_clock",
    "gum-GUM_news_afghan", "vanatteveldt-2019-r000", "vanatteveldt-2019-r001",
    "vanatteveldt-2019-r006", "vanatteveldt-2019-r011", "vanatteveldt-2019-r014",
    "vanatteveldt-2019-r015", "vanatteveldt-2019-r016", "vanatteveldt-2019-r020",
    "vanatteveldt-2019-r021", "vanatteveldt-2019-r022", "vanatteveldt-2019-r024",
    "vanatteveldt-2019-r035", "vanatteveldt-2019-r037", "vanatteveldt-2019-r040",
    "vanatteveldt-2019-r041", "vanatteveldt-2019-r043", "vanatteveldt-2019-r045",
    "vanatteveldt-2019-r050", "vanatteveldt-2019-r055", "vanatteveldt-2019-r064",
    "vanatteveldt-2019-r067", "vanatteveldt-2019-r068", "vanatteveldt-2019-r070",
    "vanatteveldt-2019-r073", "vanatteveldt-2019-r081", "vanatteveldt-2019-r082",
    "vanatteveldt-2019-r085", "vanatteveldt-2019-r088", "vanatteveldt-2019-r089",
    "vanatteveldt-2019-r093", "vanatteveldt-2019-r096", "vanatteveldt-2019-r099",
    "vanatteveldt-2019-r104", "vanatteveldt-2019-r106", "vanatteveldt-2019-r108",
    "vanatteveldt-2019-r113", "vanatteveldt-2019-r114", "vanatteveldt-2019-r115",
    "vanatteveldt-2019-r117", "vanatteveldt-2019-r122", "vanatteveldt-2019-r125",
    "vanatteveldt-2019-r128",
)
GOOD_AS_JSONL = 10  # the last ten good articles are lines of one JSONL file, the rest .txt

GERMAN = (
    "Der Stadtrat hat am Dienstag nach langen Verhandlungen den Haushalt für das kommende Jahr "
    "beschlossen. Die Opposition kritisierte, dass die Mittel für Schulen und Straßen nicht "
    "ausreichen würden, und kündigte an, die Entscheidung vor Gericht prüfen zu lassen.",
    "Nach Angaben der Polizei versammelten sich am Samstag mehrere tausend Menschen vor dem "
    "Rathaus, um gegen die geplante Schließung des Krankenhauses zu protestieren. Die "
    "Kundgebung verlief weitgehend friedlich, zwei Personen wurden vorübergehend festgenommen.",
    "Die Bundesregierung will die Hilfen für die betroffenen Regionen bis zum Ende des Jahres "
    "verlängern. Der Wirtschaftsminister sagte, man werde die Lage in den kommenden Wochen "
    "genau beobachten und gegebenenfalls weitere Maßnahmen ergreifen.",
)
FRENCH = (
    "Le gouvernement a annoncé mardi un nouveau plan de soutien aux agriculteurs touchés par la "
    "sécheresse. Le ministre de l'Agriculture a précisé que les aides seraient versées avant la "
    "fin du mois et que les exploitations les plus fragiles seraient prioritaires.",
    "Plusieurs milliers de personnes ont manifesté samedi dans les rues de Lyon contre la "
    "réforme des retraites. Selon la préfecture, le cortège s'est dispersé dans le calme en fin "
    "d'après-midi, mais des heurts ont éclaté près de la place Bellecour.",
    "Le président de la République recevra la semaine prochaine son homologue allemand à "
    "l'Élysée pour évoquer la situation en Ukraine et l'avenir de la politique européenne de "
    "défense, a indiqué la présidence dans un communiqué.",
)

Outcome = Literal["article", "error", "any"]


@dataclass(slots=True, frozen=True)
class Expect:
    """What a run must store for one document: `where` is the file name, or `name#n` for the
    n-th record of a JSONL or WARC file. `error` must match `reason` (a regular expression)
    when given; an `article` with `events` must have at least one stored event."""

    where: str
    outcome: Outcome
    reason: str | None = None
    events: bool = False


@dataclass(slots=True, frozen=True)
class Sample:
    """One input file: its name in the folder, its bytes, and what must become of it."""

    name: str
    data: bytes
    expects: tuple[Expect, ...]
    good: bool = False
    note: str = ""


@dataclass(slots=True)
class Pool:
    """Wikinews records not among the good ones, each handed out once (no duplicates)."""

    records: list[dict[str, str]]
    used: int = 0

    def take(self) -> dict[str, str]:
        record = self.records[self.used]
        self.used += 1
        return record


@cache
def wikinews() -> tuple[dict[str, str], ...]:
    with WIKINEWS.open(encoding="utf-8") as handle:
        return tuple(json.loads(line) for line in handle if line.strip())


def good_records() -> list[dict[str, str]]:
    by_id = {r["id"]: r for r in wikinews()}
    return [by_id[i] for i in GOOD_IDS]


def other_records(rng: random.Random) -> Pool:
    good = set(GOOD_IDS)
    others = [r for r in wikinews() if r["id"] not in good and 800 < len(r["text"]) < 8000]
    rng.shuffle(others)
    return Pool(others)


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?])\s+", text) if len(s.split()) >= 4]


# --- good articles ---------------------------------------------------------------------------

def good_samples() -> list[Sample]:
    """The 50 good articles: 40 text files (headline, blank line, body) and one JSONL file of
    ten records with their URL, title and date."""
    records = good_records()
    split = len(records) - GOOD_AS_JSONL
    samples = []
    for n, record in enumerate(records[:split]):
        name = f"good-{n:02d}.txt"
        text = f"{record['title']}\n\n{record['text']}\n"
        samples.append(Sample(name, text.encode("utf-8"), (Expect(name, "article", events=True),),
                              good=True, note=record["id"]))
    lines = [json.dumps({k: record[k] for k in ("title", "date", "url", "text")})
             for record in records[split:]]
    expects = tuple(Expect(f"good-records.jsonl#{n}", "article", events=True)
                    for n in range(1, len(lines) + 1))
    samples.append(Sample("good-records.jsonl", ("\n".join(lines) + "\n").encode("utf-8"),
                          expects, good=True, note="ten good records"))
    return samples


# --- building blocks -------------------------------------------------------------------------

def gzip_bomb(size: int, fill: bytes = b"\0", prefix: bytes = b"", suffix: bytes = b"") -> bytes:
    """One valid gzip member that inflates to `prefix`, `size` bytes of `fill` (rounded to whole
    MiB), then `suffix`, about a thousandth of that compressed: a deflate block of one MiB is
    full-flushed, which resets the compressor, so its bytes can be repeated."""
    chunk = 1 << 20
    plain = fill * chunk
    count = max(1, size // chunk)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    head = compressor.compress(prefix) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(plain) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = compressor.compress(suffix) + compressor.flush()
    crc = zlib.crc32(prefix)
    for _ in range(count):
        crc = zlib.crc32(plain, crc)
    crc = zlib.crc32(suffix, crc)
    length = (len(prefix) + count * chunk + len(suffix)) & 0xFFFFFFFF
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    return header + head + block * count + tail + struct.pack("<II", crc, length)


def html_page(record: dict[str, str], body: str | None = None) -> str:
    paragraphs = body if body is not None else "".join(
        f"<p>{p}</p>\n" for p in record["text"].split("\n\n") if p.strip())
    return (f"<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{record['title']}"
            f"</title></head>\n<body><nav><a href=\"/\">Home</a> <a href=\"/world\">World</a>"
            f"</nav>\n<article><h1>{record['title']}</h1>\n{paragraphs}</article>\n"
            f"<footer>© News</footer></body></html>\n")


def warc_record(writer: WARCWriter, url: str, body: bytes, content_type: str = "text/html",
                encoding: str | None = None) -> None:
    fields = [("Content-Type", f"{content_type}; charset=utf-8")]
    if encoding:
        fields.append(("Content-Encoding", encoding))
    http = StatusAndHeaders("200 OK", fields, protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                  http_headers=http))


def warc_of(pages: list[tuple[str, bytes]], compress: bool) -> tuple[bytes, list[int]]:
    """A WARC of HTML responses, and the offset at which each record starts."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=compress)
    offsets = []
    for url, body in pages:
        offsets.append(buffer.tell())
        warc_record(writer, url, body)
    return buffer.getvalue(), offsets


def _pages(pool: Pool, count: int) -> list[tuple[str, bytes]]:
    return [(r["url"], html_page(r).encode("utf-8")) for r in (pool.take() for _ in range(count))]


def _paragraphs(records: list[dict[str, str]]) -> list[str]:
    return [p for r in records for p in r["text"].split("\n\n") if len(p.split()) >= 8]


# --- hostile inputs --------------------------------------------------------------------------

def empty(rng: random.Random, pool: Pool, limits: Limits) -> Sample:
    return Sample("empty.txt", b"", (Expect("empty.txt", "error", "^empty file$"),))


def binary(rng: random.Random, pool: Pool, limits: Limits) -> Sample:
    data = rng.randbytes(64 * 1024)
    return Sample("binary.txt", data, (Expect("binary.txt", "error", "binary"),))


def nul_filled(rng: random.Random, pool: Pool, limits: Limits) -> Sample:
    return Sample("nul.txt", b"\0" * 100_000, (Expect("nul.txt", "error", "binary"),))


def over_size_limit(rng: random.Random, pool: Pool, limits: Limits) -> Sample:
    text = "\n\n".join(_paragraphs([pool.take() for _ in range(3)]))
    data = (text + "\n\n").encode("utf-8")
    data = data * (limits.max_bytes // len(data) + 2)
    return Sample("over-limit.txt", data, (Expect("over-limit.txt", "error", "too large"),))


def gzip_bomb_file(rng: random.Random, pool: Pool, limits: Limits) -> Sample:
    return Sample("bomb.txt.gz", gzip_bomb(limits.bomb_bytes, b"a"),
                  (Expect("bomb.txt.gz", "error", "too large"),))


def gzip_bomb_in_warc_gz(rng: random.Random, pool: Pool, limits: Limits) -> Sample:
    """A .warc.gz whose first record is a member that inflates to `bomb_bytes`, followed by
    a good page: the bomb is refused alone and the page after it is read."""
    head = (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:{rng.getrandbits(64):x}"
            f">\r\nWARC-Target-URI: https://bomb.example/\r\nWARC-Date: 2024-01-01T00:00:00Z\r\n"
            f"Content-Type: application/http; msgtype=response\r\n")
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n"
    size = max(1, limits.bomb_bytes // (1 << 20)) * (1 << 20)
    header = (head + f"Content-Length: {len(http) + size}\r\n\r\n").encode() + http
    bomb = gzip_bomb(size, b" ", prefix=header, suffix=b"\r\n\r\n")
    rest, _ = warc_of(_pages(pool, 1), compress=True)
    name = "bomb.warc.gz"
    return Sample(name, bomb + rest, (Expect(f"{name}#1", "error", "too large"),
                                      Expect(f"{name}#2", "article")))


def content_encoding_bomb(rng: random.Random, pool: Pool, limits: Limits) -> Sample:
    """A plain .warc whose first response is served with Content-Encoding: gzip and inflates
    to `bomb_bytes`; a good page follows."""
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=False)
    warc_record(writer, "https://bomb.example/ce", gzip_bomb(limits.bomb_bytes, b" "),
                encoding="gzip")
    for url, body in _pages(pool, 1):
        warc_record(writer, url, body)
    name = "bomb-content-encoding.warc"
    return Sample(name, buffer.getvalue(), (Expect(f"{name}#1", "error", "too large"),
                                            Expect(f"{name}#2", "article")))


def billion_laughs(rng: random.Random, pool: Pool, limits: Limits) -> Sample:
    entities = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">'
        for n in range(1, 10)]
    record = pool.take()
    page = html_page(record).replace("<!DOCTYPE html>", "<!DOCTYPE html [\n" + "\n".join(
        entities) + "\n]>").replace("</article>", "<p>&lol9;</p></article>")
    return Sample("billion-laughs.html", page.encode("utf-8"),
                  (Expect("billion-laughs.html", "any"),))


def nested_divs(rng: random.Random, pool: Pool, limits: Limits, depth: int = 100_000
                ) -> Sample:
    record = pool.take()
    inner = "".join(f"<p>{p}</p>" for p in record["text"].split("\n\n"))
    page = html_page(record, "<div>" * depth + inner + "</div>" * depth)
    return Sample("nested-divs.html", page.encode("utf-8"), (Expect("nested-divs.html", "any"),))


def long_article(rng: random.Random, pool: Pool, limits: Limits) -> Sample:
    """About 1.5 MB of news text: paragraphs of three to five sentences drawn from the good
    articles (so every paragraph differs, and the text has events), a blank line between."""
    pieces = [s for r in good_records() for s in sentences(r["text"])]
    out: list[str] = ["Long report: a year of news in one page"]
    size = 0
    while size < limits.long_chars:
        paragraph = " ".join(rng.sample(pieces, rng.randint(3, 5)))
        out.append(paragraph)
        size += len(paragraph) + 2
    return Sample("long-article.txt", "\n\n".join(out).encode("utf-8"),
                  (Expect("long-article.txt", "article", events=True),))


def no_punctuation(rng: random.Random, pool: Pool, limits: Limits, chars: int = 178_000
                   ) -> Sample:
    words = [w for r in good_records() for w in re.sub(r"[^\w\s'-]", " ", r["text"]).split()]
    out, size = [], 0
    while size < chars:
        word = rng.choice(words)
        out.append(word)
        size += len(word) + 1
    text = " ".join(out)[:chars]
    return Sample("no-punctuation.txt", text.encode("utf-8"),
                  (Expect("no-punctuation.txt", "any"),))


def jsonl_with_line_separators(rng: random.Random, pool: Pool, limits: Limits) -> Sample:
    """JSON Lines whose strings hold raw U+2028, U+2029 and U+0085 (valid JSON)."""
    lines = []
    for separator in ("\u2028", "\u2029", "\u0085"):
        record = pool.take()
        text = record["text"].replace(". ", "." + separator, 3).replace("\n\n", separator, 1)
        lines.append(json.dumps({"title": record["title"] + separator, "url": record["url"],
                                 "text": text}, ensure_ascii=False))
    name = "line-separators.jsonl"
    return Sample(name, ("\n".join(lines) + "\n").encode("utf-8"),
                  tuple(Expect(f"{name}#{n}", "article") for n in range(1, 4)))


def utf16(rng: random.Random, pool: Pool, limits: Limits) -> Sample:
    record = pool.take()
    text = f"{record['title']}\n\n{record['text']}\n"
    return Sample("utf16.txt", text.encode("utf-16"), (Expect("utf16.txt", "article"),))


def truncated_warc(rng: random.Random, pool: Pool, limits: Limits, compress: bool = False
                   ) -> Sample:
    """Three HTML responses, cut in the middle of the second: the first is read, the second
    is recorded (as what is left of it, or as a broken record)."""
    data, offsets = warc_of(_pages(pool, 3), compress)
    cut = (offsets[1] + offsets[2]) // 2
    name = "truncated.warc.gz" if compress else "truncated.warc"
    return Sample(name, data[:cut], (Expect(f"{name}#1", "article"), Expect(f"{name}#2", "any")))


def truncated_warc_gz(rng: random.Random, pool: Pool, limits: Limits) -> Sample:
    return truncated_warc(rng, pool, limits, compress=True)


def huge_content_length(rng: random.Random, pool: Pool, limits: Limits) -> Sample:
    """A good record, then one whose header claims a petabyte that the file does not hold."""
    data, offsets = warc_of(_pages(pool, 2), compress=False)
    second = re.sub(rb"Content-Length: \d+", b"Content-Length: 999999999999999",
                    data[offsets[1]:], count=1)
    name = "huge-content-length.warc"
    return Sample(name, data[:offsets[1]] + second,
                  (Expect(f"{name}#1", "article"), Expect(f"{name}#2", "any")))


def jsonl_array_first(rng: random.Random, pool: Pool, limits: Limits) -> Sample:
    """JSON Lines whose first line is a JSON array of records, the next lines records."""
    first = pool.take()
    lines = [json.dumps([{"title": first["title"], "text": first["text"]}])]
    for _ in range(3):
        record = pool.take()
        lines.append(json.dumps({k: record[k] for k in ("title", "date", "url", "text")}))
    name = "array-first.jsonl"
    return Sample(name, ("\n".join(lines) + "\n").encode("utf-8"),
                  (Expect(f"{name}#1", "error"),
                   *(Expect(f"{name}#{n}", "article") for n in range(2, 5))))


def german(rng: random.Random, pool: Pool, limits: Limits) -> Sample:
    text = "Haushalt beschlossen\n\n" + "\n\n".join(GERMAN) + "\n"
    return Sample("german.txt", text.encode("utf-8"),
                  (Expect("german.txt", "error", "language is 'de'"),))


def french(rng: random.Random, pool: Pool, limits: Limits) -> Sample:
    text = "Aides aux agriculteurs\n\n" + "\n\n".join(FRENCH) + "\n"
    return Sample("french.txt", text.encode("latin-1"),
                  (Expect("french.txt", "error", "language is 'fr'"),))


def broken_html(rng: random.Random, pool: Pool, limits: Limits) -> Sample:
    """Tag soup: unclosed and mismatched tags, stray closers, no </body>, and a page that
    ends inside a tag. (Not an unclosed <title> or attribute: what follows one is not text.)"""
    record = pool.take()
    paragraphs = "".join(f"<p>{p}</span></div>\n<p><b><i>" for p in record["text"].split("\n\n"))
    page = (f"<html><head><title>{record['title']}</title><body><div><article><h1>"
            f"{record['title']}</h2>{paragraphs}<table><tr><td>unclosed <a href='")
    return Sample("broken.html", page.encode("utf-8"), (Expect("broken.html", "article"),))


def markup_and_escapes(rng: random.Random, pool: Pool, limits: Limits) -> Sample:
    """Rich console markup and terminal escapes in the text and title."""
    record = pool.take()
    text = record["text"].replace(". ", ". [/x] [bold red]\x1b[2J\x1b[31m ", 2)
    body = f"[/x]{record['title']} \x1b[2J\n\n{text}\n\x1b]0;owned\x07[/]\n"
    return Sample("markup-escapes.txt", body.encode("utf-8"),
                  (Expect("markup-escapes.txt", "article"),))


def markup_file_name(rng: random.Random, pool: Pool, limits: Limits) -> Sample:
    """A file whose name is console markup and a terminal escape; it fails, so it is printed."""
    name = "markup-[bold]-[link=x]\x1b[2J.txt"  # no "/" in a file name: no [/x] here
    return Sample(name, b"", (Expect(name, "error", "^empty file$"),))


@dataclass(slots=True, frozen=True)
class Limits:
    """Sizes the hostile inputs are built to: `max_bytes` is the run's ingest.max_bytes."""

    max_bytes: int = 2_000_000
    # 1.75 GiB: past the 1.5 GB memory ceiling if read whole, yet under 2 MB compressed
    bomb_bytes: int = 1792 << 20
    long_chars: int = 1_500_000


Generator = Callable[[random.Random, Pool, Limits], Sample]
HOSTILE: tuple[Generator, ...] = (
    empty, binary, nul_filled, over_size_limit, gzip_bomb_file, gzip_bomb_in_warc_gz,
    content_encoding_bomb, billion_laughs, nested_divs, long_article, no_punctuation,
    jsonl_with_line_separators, utf16, truncated_warc, truncated_warc_gz, huge_content_length,
    jsonl_array_first, german, french, broken_html, markup_and_escapes, markup_file_name,
)


def hostile_samples(seed: int = 11, limits: Limits | None = None) -> Iterator[Sample]:
    """Every hostile input, built from `seed` (the same seed gives the same bytes)."""
    rng = random.Random(seed)
    pool = other_records(random.Random(seed))
    for generate in HOSTILE:
        yield generate(rng, pool, limits or Limits())


def write_samples(folder: Path, samples: Iterator[Sample] | list[Sample]) -> list[Sample]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for sample in samples:
        (folder / sample.name).write_bytes(sample.data)
        written.append(sample)
    return written


def mixed_folder(folder: Path, seed: int = 11, limits: Limits | None = None) -> list[Sample]:
    """The 50 good articles and every hostile input, written into `folder`."""
    return write_samples(folder, [*good_samples(), *hostile_samples(seed, limits)])



# --- running the real command line, measured -------------------------------------------------

@dataclass(slots=True, frozen=True)
class Finished:
    """A finished command: its exit status (negative: killed by that signal), its output, its
    peak memory (bytes: the larger of the kernel's ru_maxrss for it and its reaped children,
    and the sampled resident size of its whole process tree) and its wall time."""

    returncode: int
    stdout: str
    stderr: str
    peak_rss: int
    seconds: float
    timed_out: bool
    over_memory: bool = False


def run_measured(args: list[str], timeout: float, cwd: Path | None = None,
                 max_rss: int | None = None) -> Finished:
    """Run `args` to its end, measuring its peak memory. It is killed after `timeout` seconds,
    or once its process tree holds more than `max_rss` bytes (so that a run that would fill
    the machine's memory is stopped before the kernel's OOM killer picks a victim)."""
    with tempfile.TemporaryDirectory() as tmp:
        out, err = Path(tmp, "out"), Path(tmp, "err")
        with out.open("wb") as stdout, err.open("wb") as stderr:
            start = time.monotonic()
            process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=stdout,
                                       stderr=stderr, cwd=cwd)
            sampled, timed_out, over_memory = 0, False, False
            while True:
                pid, status, usage = os.wait4(process.pid, os.WNOHANG)
                if pid:
                    break
                sampled = max(sampled, _tree_rss(process.pid))
                over = max_rss is not None and sampled > max_rss
                if not (timed_out or over_memory) and (over or time.monotonic() - start > timeout):
                    timed_out, over_memory = not over, over
                    _kill_tree(process.pid)
                time.sleep(0.1)
            seconds = time.monotonic() - start
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        return Finished(process.returncode, out.read_text("utf-8", errors="replace"),
                        err.read_text("utf-8", errors="replace"),
                        max(usage.ru_maxrss * 1024, sampled), seconds, timed_out, over_memory)


def _kill_tree(pid: int) -> None:
    """SIGKILL a process and its descendants (the run's watchdog child too)."""
    try:
        members = [*psutil.Process(pid).children(recursive=True), psutil.Process(pid)]
    except psutil.Error:
        return
    for member in members:
        try:
            member.send_signal(signal.SIGKILL)
        except psutil.Error:
            continue


def _tree_rss(pid: int) -> int:
    """The resident memory of a process and all its descendants, now (0 once it is gone)."""
    try:
        root = psutil.Process(pid)
        members = [root, *root.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for member in members:
        try:
            total += member.memory_info().rss
        except psutil.Error:
            continue
    return total
