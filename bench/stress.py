"""`make stress` (issue 11): thousands of mutated inputs through the real command line.

Seeded mutants of the good articles and of the hostile inputs of tests/hostile.py (byte flips,
truncation, NULs, control characters, BOMs and U+2028 put in, lines duplicated or deleted,
other encodings, wrapped as .gz, .jsonl, .warc or .html, extremely long lines), mixed with
known good documents that must all be stored, are run through `newsevents run` in a few runs
of a few hundred files each (most with --no-events, some coding events too, so that the NLP
stage is stressed as well). Counted: inputs tried, crashes (a run that exits non-zero, is
killed, or prints a traceback), lost good documents (one missing from `articles`), documents
with neither an article nor an ingest_errors row, and each run's peak memory (against the
1.5 GB ceiling) and time. The exit status is 1 when any of these is not zero.

    .venv/bin/python bench/stress.py [--seed 11] [--inputs 10000] [--runs 20]
        [--event-runs 3] [--event-inputs 200] [--jobs 2] [--out FILE] [--work DIR] [--keep]

Each run's inputs come from its own generator, seeded by the seed and the run's number, so a
run can be replayed alone and runs can go two at a time (`--jobs`, one per core) with the
same inputs. Each run writes a database of its own, so that every file can be accounted for
by its path (in one shared database, an article already stored by an earlier run leaves no
row for the later copy). A run's folder is kept when it crashed or lost anything, for replay
with `newsevents run FOLDER/in --db X --settings FOLDER/settings.toml` (FOLDER/recipes.json
says how each mutant was made).
"""

from __future__ import annotations

import argparse
import codecs
import gzip
import json
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import duckdb

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.hostile import (  # noqa: E402
    Limits,
    Sample,
    good_samples,
    hostile_samples,
    html_page,
    run_measured,
    warc_of,
)

MAX_BYTES = 2_000_000  # ingest.max_bytes of every run
# Smaller hostile seeds than the fault-injection test's, so that thousands of mutants stay
# quick: the bombs still inflate 30 times past the limit, the long text still needs chunks.
LIMITS = Limits(max_bytes=MAX_BYTES, bomb_bytes=64 << 20, long_chars=300_000)
GOOD_FILES_PER_RUN = 25
RUN_TIMEOUT = 1200.0  # seconds; a run killed then counts as a crash (and as timed out)
CEILING = 1_500_000_000  # bytes: the documented peak memory of a run (docs/reliability.md)
# A run is killed past this (a crash, "over memory"): far past the ceiling already, and two
# runs at a time must not fill the machine's memory and let the kernel kill something else.
MAX_RSS = 6_000_000_000
CONTROL = [b"\x00", b"\x01", b"\x07", b"\x08", b"\x0b", b"\x1b[2J", b"\x7f", b"\r", b"\x0c"]
MARKS = ["\u2028", "\u2029", "\u0085", "\ufeff", "\u200b", "\x00", "[/x]", "\x1b]0;t\x07"]
BOMS = [codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE]
ENCODINGS = ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "latin-1", "cp1252", "cp1251",
             "koi8-r", "shift_jis", "gb18030", "big5", "iso-8859-7", "utf-8-sig", "mac_roman"]


@dataclass(slots=True)
class Mutant:
    """One stress input: its file name, bytes, and the mutations that made it."""

    name: str
    data: bytes
    recipe: list[str] = field(default_factory=list)


# --- mutations: bytes in, bytes out ----------------------------------------------------------

def flip_bytes(rng: random.Random, data: bytes) -> bytes:
    if not data:
        return data
    out = bytearray(data)
    for _ in range(rng.choice([1, 3, 10, 100])):
        out[rng.randrange(len(out))] ^= 1 << rng.randrange(8)
    return bytes(out)


def truncate(rng: random.Random, data: bytes) -> bytes:
    return data[:rng.randrange(len(data) + 1)]


def insert_junk(rng: random.Random, data: bytes) -> bytes:
    out = data
    for _ in range(rng.randint(1, 20)):
        junk = rng.choice([rng.choice(CONTROL), rng.choice(BOMS),
                           rng.choice(MARKS).encode("utf-8"), b"\x00" * rng.randint(1, 5000)])
        at = rng.randrange(len(out) + 1)
        out = out[:at] + junk + out[at:]
    return out


def shuffle_lines(rng: random.Random, data: bytes) -> bytes:
    lines = data.split(b"\n")
    for _ in range(rng.randint(1, 10)):
        at = rng.randrange(len(lines))
        if rng.random() < 0.5:
            lines.insert(at, lines[at])
        elif len(lines) > 1:
            del lines[at]
    return b"\n".join(lines)


def reencode(rng: random.Random, data: bytes) -> bytes:
    text = data.decode("utf-8", errors="replace")
    return text.encode(rng.choice(ENCODINGS), errors="replace")


def long_line(rng: random.Random, data: bytes) -> bytes:
    if rng.random() < 0.5:
        return data.replace(b"\n", b" ")  # the whole document on one line
    word = rng.choice([b"news ", b"a", b"<b>", b"\xc3\xa9", b"-- "])
    at = rng.randrange(len(data) + 1)
    return data[:at] + word * (rng.randint(100_000, 1_500_000) // len(word)) + data[at:]


MUTATIONS: dict[str, Callable[[random.Random, bytes], bytes]] = {
    "flip": flip_bytes, "truncate": truncate, "junk": insert_junk, "lines": shuffle_lines,
    "encoding": reencode, "long-line": long_line,
}
# How often each is drawn: a long line makes a big input, slow to code; one in twenty is plenty.
WEIGHTS = {"flip": 6, "truncate": 4, "junk": 6, "lines": 4, "encoding": 4, "long-line": 1}


# --- wrappers: a mutant as another kind of file ----------------------------------------------

def wrap(rng: random.Random, data: bytes, suffix: str) -> tuple[bytes, str, str]:
    """The data as is, or wrapped as .gz, .jsonl, .warc or .html: (bytes, suffix, how)."""
    how = rng.choice(["none", "none", "gz", "jsonl", "warc", "html"])
    text = data.decode("utf-8", errors="replace")
    if how == "gz":  # a .gz of a .gz keeps its name: the reader unpacks one layer only
        return gzip.compress(data, 1), suffix if suffix.endswith(".gz") else suffix + ".gz", how
    if how == "jsonl":
        records = [json.dumps({"title": "Stress", "url": f"https://stress.example/{rng.random()}",
                               "text": text}, ensure_ascii=rng.random() < 0.5)
                   for _ in range(rng.randint(1, 3))]
        return "\n".join(records).encode("utf-8"), ".jsonl", how
    if how == "warc":
        body = data if suffix in (".html", ".htm") else html_page(
            {"title": "Stress", "text": text}).encode("utf-8", errors="replace")
        archive, _ = warc_of([(f"https://stress.example/{rng.random()}", body)],
                             compress=rng.random() < 0.5)
        return archive, ".warc.gz" if archive[:2] == b"\x1f\x8b" else ".warc", how
    if how == "html":
        return html_page({"title": "Stress", "text": text}).encode("utf-8", errors="replace"), \
            ".html", how
    return data, suffix, how


def suffix_of(name: str) -> str:
    for suffix in (".warc.gz", ".txt.gz", ".warc", ".jsonl", ".html", ".txt"):
        if name.endswith(suffix):
            return suffix
    return ".txt"


def mutate(rng: random.Random, seed: Sample, number: int) -> Mutant:
    data, recipe = seed.data, [seed.name]
    for _ in range(rng.randint(1, 3)):
        (op,) = rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))
        data = MUTATIONS[op](rng, data)
        recipe.append(op)
    data = data[:3 * MAX_BYTES]  # some stay over the limit, none fill the disk
    data, suffix, how = wrap(rng, data, suffix_of(seed.name))
    recipe.append(f"wrap:{how}")
    return Mutant(f"m{number:05d}{suffix}", data, recipe)


# --- runs ------------------------------------------------------------------------------------

@dataclass(slots=True)
class RunReport:
    run: int
    events: bool
    inputs: int
    good_documents: int
    returncode: int
    crashed: bool
    timed_out: bool
    over_memory: bool
    seconds: float
    peak_rss: int
    articles: int = 0
    ingest_errors: int = 0
    stored_events: int = 0
    lost_good: list[str] = field(default_factory=list)
    good_without_events: list[str] = field(default_factory=list)
    unaccounted: list[str] = field(default_factory=list)
    stderr_tail: str = ""
    crash_line: str | None = None  # the last line the run printed, when it crashed
    kept: str | None = None


def build_run(rng: random.Random, folder: Path, goods: list[Sample], seeds: list[Sample],
              count: int) -> tuple[list[str], list[str]]:
    """Write one run's inputs: known good files in `in/0-good` (read first, so that a mutant
    equal to a good article is the one skipped as a duplicate) and mutants in `in/1-mutants`.
    Returns the good documents' and the mutants' paths."""
    good_dir, mutant_dir = folder / "in" / "0-good", folder / "in" / "1-mutants"
    good_dir.mkdir(parents=True)
    mutant_dir.mkdir()
    good_paths: list[str] = []
    chosen = rng.sample(goods, min(GOOD_FILES_PER_RUN, len(goods), count))
    for sample in chosen:
        (good_dir / sample.name).write_bytes(sample.data)
        good_paths += [f"{good_dir}/{e.where}" for e in sample.expects]
    mutant_paths, recipes = [], {}
    for number in range(count - len(chosen)):
        seed = rng.choice(goods) if rng.random() < 0.5 else rng.choice(seeds)
        mutant = mutate(rng, seed, number)
        (mutant_dir / mutant.name).write_bytes(mutant.data)
        mutant_paths.append(str(mutant_dir / mutant.name))
        recipes[mutant.name] = mutant.recipe
    (folder / "recipes.json").write_text(json.dumps(recipes, indent=1), "utf-8")
    return good_paths, mutant_paths


def account(db: Path, report: RunReport, good_paths: list[str], mutant_paths: list[str]
            ) -> None:
    with duckdb.connect(str(db), read_only=True) as con:
        articles = dict(con.execute(
            "SELECT a.path, count(e.event_id) FROM articles a "
            "LEFT JOIN events e USING (article_id) GROUP BY a.path").fetchall())
        errors = {row[0] for row in con.execute("SELECT path FROM ingest_errors").fetchall()}
        report.stored_events = int(con.execute("SELECT count(*) FROM events").fetchall()[0][0])
    report.articles, report.ingest_errors = len(articles), len(errors)
    report.lost_good = [p for p in good_paths if p not in articles]
    if report.events:
        report.good_without_events = [p for p in good_paths if articles.get(p, 1) == 0]
    seen = {p.split("#", 1)[0] for p in [*articles, *errors]}
    report.unaccounted = [p for p in mutant_paths if p not in seen]


def one_run(number: int, events: bool, count: int, args: argparse.Namespace, work: Path,
            goods: list[Sample], seeds: list[Sample]) -> RunReport:
    rng = random.Random(args.seed * 1000 + number)
    folder = work / f"run-{number:02d}"
    good_paths, mutant_paths = build_run(rng, folder, goods, seeds, count)
    settings = folder / "settings.toml"
    settings.write_text(f"[ingest]\nmax_bytes = {MAX_BYTES}\n", "utf-8")
    db = folder / "stress.duckdb"
    command = [sys.executable, "-m", "newsevents", "run", str(folder / "in"), "--db", str(db),
               "--settings", str(settings)]
    finished = run_measured(command + ([] if events else ["--no-events"]), RUN_TIMEOUT,
                            max_rss=MAX_RSS)
    crashed = (finished.returncode != 0 or finished.timed_out or finished.over_memory
               or "Traceback" in finished.stderr or "Traceback" in finished.stdout)
    report = RunReport(number, events, count, len(good_paths), finished.returncode, crashed,
                       finished.timed_out, finished.over_memory, round(finished.seconds, 1),
                       finished.peak_rss)
    try:
        account(db, report, good_paths, mutant_paths)
    except duckdb.Error:  # no database, or one a killed run left unreadable: nothing is stored
        report.lost_good, report.unaccounted = good_paths, mutant_paths
    if crashed:
        report.crash_line = crash_line(finished.stderr, finished.timed_out,
                                       finished.over_memory)
    if crashed or report.lost_good or report.unaccounted or args.keep:
        report.stderr_tail = finished.stderr[-2000:]
        report.kept = str(folder)
    else:
        shutil.rmtree(folder)
    print(f"run {number:2d} ({'events' if events else 'no events'}): {count} inputs, "
          f"exit {report.returncode}, {report.seconds:.0f} s, "
          f"peak {report.peak_rss / 1e6:.0f} MB, lost {len(report.lost_good)}, "
          f"unaccounted {len(report.unaccounted)}", file=sys.stderr, flush=True)
    return report


def crash_line(stderr: str, timed_out: bool, over_memory: bool) -> str:
    """What a crashed run died of: the kill, the exception under its last traceback, or its
    last line (`newsevents: error: …`)."""
    if timed_out:
        return f"killed after {RUN_TIMEOUT:g} s"
    if over_memory:
        return f"killed over {MAX_RSS / 1e9:g} GB"
    lines = [line for line in stderr.splitlines() if line.strip()]
    starts = [n for n, line in enumerate(lines) if line.startswith("Traceback")]
    if starts:
        after = lines[starts[-1] + 1:]
        raised = next((line for line in after if not line.startswith(" ")), None)
        if raised:
            return f"traceback: {raised.strip()}"[:300]
    return lines[-1].strip()[:300] if lines else "no output"


def plan(args: argparse.Namespace) -> list[tuple[int, bool, int]]:
    """(run, codes events, inputs) for each run: the event runs spread evenly among the others,
    `--event-inputs` each; the rest of `--inputs` shared among the --no-events runs."""
    step = args.runs / max(args.event_runs, 1)
    with_events = {int(k * step) for k in range(min(args.event_runs, args.runs))}
    plain = args.runs - len(with_events)
    rest = args.inputs - args.event_inputs * len(with_events)
    if plain == 0 or rest < plain:
        raise SystemExit("--inputs too small for these runs")
    runs, given = [], 0
    for number in range(args.runs):
        if number in with_events:
            runs.append((number, True, args.event_inputs))
            continue
        share = rest * (given + 1) // plain - rest * given // plain
        given += 1
        runs.append((number, False, share))
    return runs


def summarise(reports: list[RunReport], args: argparse.Namespace, seconds: float
              ) -> dict[str, Any]:
    return {
        "command": "make stress  # " + " ".join(["bench/stress.py", *sys.argv[1:]]),
        "seed": args.seed,
        "inputs_tried": sum(r.inputs for r in reports),
        "runs": len(reports),
        "runs_with_events": sum(r.events for r in reports),
        "inputs_in_event_runs": sum(r.inputs for r in reports if r.events),
        "crashes": sum(r.crashed for r in reports),
        "runs_timed_out": sum(r.timed_out for r in reports),
        "runs_killed_over_memory": sum(r.over_memory for r in reports),
        "runs_over_memory_ceiling": sum(r.peak_rss > CEILING for r in reports),
        "crash_lines": dict(Counter(r.crash_line for r in reports if r.crash_line)),
        # exit 0 and no traceback, yet documents missing: a silent loss, worse than a crash
        "runs_exit_0_with_losses": sum(not r.crashed and bool(r.lost_good or r.unaccounted)
                                       for r in reports),
        "good_documents": sum(r.good_documents for r in reports),
        "lost_good_documents": sum(len(r.lost_good) for r in reports),
        "good_without_events_in_event_runs": sum(len(r.good_without_events) for r in reports),
        "documents_without_article_or_error_row": sum(len(r.unaccounted) for r in reports),
        "peak_rss_bytes": max((r.peak_rss for r in reports), default=0),
        "peak_rss_bytes_no_events": max((r.peak_rss for r in reports if not r.events),
                                        default=0),
        "peak_rss_bytes_events": max((r.peak_rss for r in reports if r.events), default=0),
        "seconds_total": round(seconds, 1),
        "articles_stored": sum(r.articles for r in reports),
        "ingest_errors_stored": sum(r.ingest_errors for r in reports),
        "events_stored": sum(r.stored_events for r in reports),
        "per_run": [asdict(r) for r in reports],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--inputs", type=int, default=10_000, help="files in all runs")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--event-runs", type=int, default=3,
                        help="how many of the runs code events (the others --no-events)")
    parser.add_argument("--event-inputs", type=int, default=200,
                        help="files in each run that codes events")
    parser.add_argument("--jobs", type=int, default=2, help="runs at a time")
    parser.add_argument("--out", type=Path, help="write the JSON summary here too")
    parser.add_argument("--work", type=Path, help="folder for the runs (default: a temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep every run's folder")
    args = parser.parse_args(argv)
    goods = good_samples()
    seeds = list(hostile_samples(args.seed, LIMITS))
    work = args.work or Path(tempfile.mkdtemp(prefix="newsevents-stress-"))
    work.mkdir(parents=True, exist_ok=True)
    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = [pool.submit(one_run, number, events, count, args, work, goods, seeds)
                   for number, events, count in plan(args)]
        reports = [future.result() for future in futures]
    summary = summarise(reports, args, time.monotonic() - start)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(summary, indent=2) + "\n", "utf-8")
    print(json.dumps({k: v for k, v in summary.items() if k != "per_run"}, indent=2))
    if args.work is None and not any(r.kept for r in reports):
        shutil.rmtree(work)
    failed = summary["crashes"] or summary["lost_good_documents"] or \
        summary["documents_without_article_or_error_row"] or summary["runs_over_memory_ceiling"]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
