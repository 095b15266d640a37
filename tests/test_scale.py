"""Sharded runs: shards, Parquet parts, the loader, the local and Dask executors, reruns and
faults. Every sharded run must store exactly what the plain single-process run stores."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from newsevents.cli import app
from newsevents.scale import executors
from newsevents.scale.shards import plan_shards
from tests.conftest import EXAMPLES, SEED

runner = CliRunner()
RECORDS = 24  # Wikinews records in the test corpus


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """A folder of 24 Wikinews records and the seed page, settings that cut it into five
    shards, and the database the plain run stores from it (the reference)."""
    folder = tmp_path_factory.mktemp("scale")
    inputs = folder / "in"
    inputs.mkdir()
    lines = (EXAMPLES / "wikinews.jsonl").read_text("utf-8").splitlines()[:RECORDS]
    (inputs / "wikinews.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    (inputs / "seed.txt").write_text(SEED.read_text("utf-8"), "utf-8")
    settings = folder / "small.toml"
    settings.write_text("[scale]\nshard_records = 6\nshard_files = 1\n")
    reference = str(folder / "reference.duckdb")
    result = runner.invoke(app, ["run", str(inputs), "--db", reference])
    assert result.exit_code == 0, result.output
    return {"inputs": str(inputs), "settings": str(settings), "reference": reference,
            "folder": str(folder)}


def _stored(db: str) -> dict[str, set[str]]:
    with duckdb.connect(db, read_only=True) as con:
        return {table: {row[0] for row in con.execute(f"SELECT {key} FROM {table}").fetchall()}
                for table, key in (("articles", "article_id"), ("events", "event_id"),
                                   ("quotes", "quote_id"), ("cluster_members", "event_id"))}


def _counts(db: str) -> tuple[int, ...]:
    with duckdb.connect(db, read_only=True) as con:
        return tuple(int(con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0])
                     for t in ("articles", "events", "quotes", "event_clusters"))


def test_shards_cover_every_record_once(corpus: dict[str, str], tmp_path: Path) -> None:
    shards = plan_shards([corpus["inputs"]], 6, 1)
    ranges = [i.records for s in shards for i in s.inputs if i.records]
    assert ranges == [(1, 6), (7, 12), (13, 18), (19, 24), (25, 30)]
    assert [i.path for s in shards for i in s.inputs if not i.records] == \
        [str(Path(corpus["inputs"]) / "seed.txt")]
    again = plan_shards([corpus["inputs"]], 6, 1)
    assert [s.shard_id for s in again] == [s.shard_id for s in shards]
    assert len({s.shard_id for s in shards}) == len(shards)


def test_chain_counts_what_each_step_forwards_and_drops() -> None:
    from newsevents.ingest.steps import FilterLength
    from newsevents.pipeline import StepCount, chain
    from newsevents.records import Article, IngestFailure

    items = [Article("a", "a", "one two three four five"), Article("b", "b", "one two"),
             IngestFailure("c", "empty file")]
    counts: dict[str, StepCount] = {}
    out = list(chain(items, [FilterLength(3)], counts=counts))
    assert [type(o).__name__ for o in out] == ["Article", "IngestFailure", "IngestFailure"]
    assert counts["FilterLength"].forwarded == 1
    assert dict(counts["FilterLength"].dropped) == {"no article text": 1}, \
        "the failure made upstream is passed on, not counted as this step's drop"


def test_exact_duplicates_are_dropped_before_nlp_with_a_reason(tmp_path: Path) -> None:
    from newsevents.ingest.steps import DropDuplicates
    from newsevents.records import Article, IngestFailure

    text = "Police arrested forty protesters outside parliament on Tuesday night."
    items = [Article(Article.make_id(text, "https://a.example/1"), "a#1", text,
                     url="https://a.example/1"),
             Article(Article.make_id(text, "https://a.example/1"), "a#2", text + " More.",
                     url="https://a.example/1"),
             Article(Article.make_id(text, "https://b.example/9"), "b#1", text,
                     url="https://b.example/9"),
             Article(Article.make_id("Other.", None), "c", "Other news entirely.")]
    out = list(DropDuplicates().run(items))
    assert [type(o).__name__ for o in out] == ["Article", "IngestFailure", "IngestFailure",
                                                "Article"]
    reasons = [o.reason for o in out if isinstance(o, IngestFailure)]
    assert reasons == ["exact duplicate (same URL) of a#1: skipped",
                       "exact duplicate (same text) of a#1: skipped"]
    (tmp_path / "one.txt").write_text(SEED.read_text("utf-8"), "utf-8")
    (tmp_path / "two.txt").write_text(SEED.read_text("utf-8"), "utf-8")
    result = runner.invoke(app, ["run", str(tmp_path), "--db", str(tmp_path / "d.duckdb"),
                                 "--no-events"])
    assert "Skipped 1 documents (exact duplicate 1)" in result.stdout, result.stdout
    assert f"skipped {tmp_path / 'two.txt'}: exact duplicate (same text) of " \
           f"{tmp_path / 'one.txt'}: skipped" in result.stderr


def test_local_executor_stores_what_the_plain_run_stores(corpus: dict[str, str],
                                                         tmp_path: Path) -> None:
    db = str(tmp_path / "local.duckdb")
    args = ["run", corpus["inputs"], "--db", db, "--executor", "local", "--out",
            str(tmp_path / "parts"), "--settings", corpus["settings"]]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "Ran 6 shards" in first.stdout and "0 failed" in first.stdout
    assert _stored(db) == _stored(corpus["reference"])
    assert _counts(db) == _counts(corpus["reference"])
    parts = sorted(p.name for p in (tmp_path / "parts" / "shards").iterdir())
    assert len(parts) == 6 and all((tmp_path / "parts/shards" / p / "_SUCCESS").is_file()
                                   for p in parts)
    markers = [json.loads((tmp_path / "parts/shards" / p / "_SUCCESS").read_text())
               for p in parts]
    coded = sum(m["steps"]["CodeArticles"]["forwarded"] for m in markers)
    assert coded == len(_stored(corpus["reference"])["articles"])
    assert sum(m["articles"] for m in markers) == coded
    again = runner.invoke(app, args)
    assert "0 coded, 6 finished before" in again.stdout
    assert "Loaded 0 shards: 0 new articles, 0 new events" in again.stdout
    assert _counts(db) == _counts(corpus["reference"])


def test_articles_stored_uncoded_are_coded_by_a_sharded_run(corpus: dict[str, str],
                                                            tmp_path: Path) -> None:
    """`run --no-events`, then a sharded run: the articles get their events, once."""
    db = str(tmp_path / "uncoded.duckdb")
    plain = runner.invoke(app, ["run", corpus["inputs"], "--db", db, "--no-events"])
    assert plain.exit_code == 0, plain.output
    with duckdb.connect(db, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM events").fetchall() == [(0,)]
    sharded = runner.invoke(app, ["run", corpus["inputs"], "--db", db, "--executor", "local",
                                  "--out", str(tmp_path / "parts"), "--settings",
                                  corpus["settings"]])
    assert sharded.exit_code == 0, sharded.output
    assert _stored(db) == _stored(corpus["reference"])
    assert _counts(db) == _counts(corpus["reference"])
    with duckdb.connect(db, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM uncoded_articles").fetchall() == [(0,)]


def test_a_failing_shard_is_reported_and_the_run_goes_on(
        corpus: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shards = plan_shards([corpus["inputs"]], 6, 1)
    doomed = shards[2].shard_id
    real = executors.process_shard

    def flaky(shard, *args, **kwargs):  # type: ignore[no-untyped-def]
        if shard.shard_id == doomed:
            raise RuntimeError("disk on fire")
        return real(shard, *args, **kwargs)

    monkeypatch.setattr(executors, "process_shard", flaky)
    db = str(tmp_path / "f.duckdb")
    result = runner.invoke(app, ["run", corpus["inputs"], "--db", db, "--executor", "local",
                                 "--out", str(tmp_path / "parts"), "--settings",
                                 corpus["settings"]])
    assert result.exit_code == 3
    assert f"shard {doomed} failed: RuntimeError: disk on fire" in result.stderr
    stored, reference = _stored(db), _stored(corpus["reference"])
    assert stored["articles"] < reference["articles"]
    assert len(reference["articles"] - stored["articles"]) == 6, "only the failed shard's six"
    monkeypatch.setattr(executors, "process_shard", real)
    rerun = runner.invoke(app, ["run", corpus["inputs"], "--db", db, "--executor", "local",
                                "--out", str(tmp_path / "parts"), "--settings",
                                corpus["settings"]])
    assert rerun.exit_code == 0 and "1 coded, 5 finished before" in rerun.stdout
    assert _stored(db) == reference


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def cluster() -> Iterator[tuple[str, list[subprocess.Popen[bytes]]]]:
    """A real `distributed` scheduler and two workers, each its own process."""
    dask = str(Path(sys.executable).with_name("dask"))
    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    scheduler = subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port),
                                  "--no-dashboard"], **quiet)  # type: ignore[call-overload]
    workers = [subprocess.Popen([dask, "worker", address, "--nworkers", "1", "--nthreads", "1",
                                 "--no-dashboard", "--host", "127.0.0.1"],
                                env={**os.environ, "OMP_NUM_THREADS": "1"}, **quiet)
               for _ in range(2)]  # type: ignore[call-overload]
    from distributed import Client

    with Client(address, timeout=60) as client:
        client.wait_for_workers(2, timeout=60)
    try:
        yield address, workers
    finally:
        for process in [*workers, scheduler]:
            process.kill()
            process.wait()


def test_dask_workers_store_what_the_plain_run_stores(
        corpus: dict[str, str], cluster: tuple[str, list[subprocess.Popen[bytes]]],
        tmp_path: Path) -> None:
    address, _ = cluster
    db = str(tmp_path / "dask.duckdb")
    result = runner.invoke(app, ["run", corpus["inputs"], "--db", db, "--executor", "dask",
                                 "--scheduler", address, "--out", str(tmp_path / "parts"),
                                 "--settings", corpus["settings"]])
    assert result.exit_code == 0, result.output
    assert _stored(db) == _stored(corpus["reference"])
    assert _counts(db) == _counts(corpus["reference"])


def test_a_local_cluster_of_two_workers_stores_what_the_plain_run_stores(
        corpus: dict[str, str], tmp_path: Path) -> None:
    db = str(tmp_path / "lc.duckdb")
    result = runner.invoke(app, ["run", corpus["inputs"], "--db", db, "--executor", "dask",
                                 "--workers", "2", "--out", str(tmp_path / "parts"),
                                 "--settings", corpus["settings"]])
    assert result.exit_code == 0, result.output
    assert "Ran 6 shards" in result.stdout and "0 failed" in result.stdout
    assert _stored(db) == _stored(corpus["reference"])


def test_killed_worker_then_killed_run_lose_and_duplicate_nothing(
        corpus: dict[str, str], cluster: tuple[str, list[subprocess.Popen[bytes]]],
        tmp_path: Path) -> None:
    """kill -9 a worker mid-run: its shard is retried on the other. Then kill -9 a whole run
    once two of its shards have finished, and rerun: everything once."""
    address, workers = cluster
    db, parts = str(tmp_path / "k.duckdb"), tmp_path / "parts"
    command = [sys.executable, "-m", "newsevents", "run", corpus["inputs"], "--db", db,
               "--executor", "dask", "--scheduler", address, "--out", str(parts),
               "--settings", corpus["settings"]]
    run = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _wait_for(lambda: any((parts / "shards").glob("*/_SUCCESS")), run)
    workers[0].send_signal(signal.SIGKILL)
    workers[0].wait()
    _, err = run.communicate(timeout=300)
    assert run.returncode == 0, err.decode()
    assert _stored(db) == _stored(corpus["reference"])
    # now the whole run, killed once two shards have finished (and so are being loaded)
    db2, parts2 = str(tmp_path / "k2.duckdb"), tmp_path / "parts2"
    command2 = [c if c not in (db, str(parts)) else {db: db2, str(parts): str(parts2)}[c]
                for c in command]
    run = subprocess.Popen(command2, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _wait_for(lambda: len(list((parts2 / "shards").glob("*/_SUCCESS"))) >= 2, run)
    run.send_signal(signal.SIGKILL)
    run.wait()
    rerun = subprocess.run(command2, capture_output=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr.decode()
    assert _stored(db2) == _stored(corpus["reference"])
    assert _counts(db2) == _counts(corpus["reference"])


def _wait_for(condition, process: subprocess.Popen[bytes], seconds: float = 240) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not condition():
        assert process.poll() is None, "the run ended before the moment to kill"
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.05)


def test_a_web_archive_is_read_record_by_record_whatever_its_size(tmp_path: Path) -> None:
    """A WARC larger than the size limit is read streaming; a record over the limit (here a
    gzip Content-Encoding bomb) is refused alone; a shard reads only its record range."""
    import gzip
    import hashlib
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    from newsevents.ingest.job import read_articles
    from newsevents.records import Article, IngestFailure
    from newsevents.scale.parts import shard_outcomes
    from newsevents.settings import load_settings
    from tests.conftest import article_text

    def page(n: int) -> bytes:
        paragraphs = "".join(f"<p>{article_text(n * 10 + k)}</p>" for k in range(4))
        return (f"<html><head><title>Story {n}</title></head><body><article>{paragraphs}"
                "</article></body></html>").encode()

    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True)
    bomb = gzip.compress(b"<html><body>" + b"a" * 3_000_000 + b"</body></html>")
    image = b"".join(hashlib.sha256(str(i).encode()).digest() for i in range(2000))
    bodies = [page(n) for n in range(5)]
    bodies.insert(2, bomb)
    bodies.insert(4, image)  # not an HTML record: skipped, not counted
    for n, body in enumerate(bodies):
        fields = [("Content-Type", "image/png" if body is image else "text/html")]
        if body is bomb:
            fields.append(("Content-Encoding", "gzip"))
        record = writer.create_warc_record(
            f"https://example.org/{n}", "response", payload=io.BytesIO(body),
            http_headers=StatusAndHeaders("200 OK", fields, protocol="HTTP/1.0"))
        writer.write_record(record)
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(buffer.getvalue())
    limit = 20_000
    assert path.stat().st_size > 3 * limit, "the archive is over the limit"
    assert len(bomb) < limit and all(len(b) < limit for b in bodies if b is not image)
    settings = load_settings(user=False).with_overrides(ingest={"max_bytes": limit})
    outcomes = list(read_articles([str(path)], settings))
    articles = [o for o in outcomes if isinstance(o, Article)]
    failures = [o for o in outcomes if isinstance(o, IngestFailure)]
    assert [a.url for a in articles] == [f"https://example.org/{n}" for n in (0, 1, 3, 5, 6)]
    assert [(f.path, f.reason) for f in failures] == [
        (f"{path}#3", f"too large: record over {limit:,} bytes")]
    shards = plan_shards([str(path)], 4, 20)
    assert [s.inputs[0].records for s in shards] == [(1, 4), (5, 8)]
    second = list(shard_outcomes(shards[1], settings))
    assert [o.path for o in second] == [f"{path}#5", f"{path}#6"]


def test_a_shard_of_json_lines_refuses_an_over_long_line_without_holding_it(
        tmp_path: Path) -> None:
    """A record range of a big JSON Lines file (gzip or not) is read line by line; a line over
    the size limit is refused alone, in memory of the limit, not of the line, and the lines
    after it keep their numbers."""
    import gzip
    import tracemalloc

    from newsevents.records import Article, IngestFailure
    from newsevents.scale.parts import shard_outcomes
    from newsevents.scale.shards import Shard, ShardInput
    from newsevents.settings import load_settings
    from tests.conftest import article_text

    limit = 100_000
    huge = b'{"text": "' + b"a" * 40_000_000 + b'"}'
    lines = [json.dumps({"text": article_text(n)}).encode() for n in range(4)]
    data = b"\n".join([lines[0], lines[1], huge, lines[2], lines[3]]) + b"\n"
    settings = load_settings(user=False).with_overrides(ingest={"max_bytes": limit})
    for name, payload in (("big.jsonl", data), ("big.jsonl.gz", gzip.compress(data, 1))):
        path = tmp_path / name
        path.write_bytes(payload)
        tracemalloc.start()
        try:
            outcomes = list(shard_outcomes(Shard("s", (ShardInput(str(path), (2, 4)),)),
                                           settings))
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert peak < 10_000_000, f"{name}: {peak:,} bytes held while reading"
        assert [(type(o).__name__, o.path) for o in outcomes] == [
            ("Article", f"{path}#2"), ("IngestFailure", f"{path}#3"), ("Article", f"{path}#4")]
        failure, after = outcomes[1], outcomes[2]
        assert isinstance(failure, IngestFailure)
        assert failure.reason == f"too large: line over {limit:,} bytes"
        assert isinstance(after, Article) and article_text(2)[:30] in after.text


def test_json_lines_break_at_newlines_only() -> None:
    """json.dumps(ensure_ascii=False) writes U+2028 and U+0085 as they are: they are inside
    the record, and str.splitlines() would cut it there."""
    from newsevents.ingest.readers import read_jsonl
    from newsevents.records import Article
    from tests.conftest import article_text

    records = [{"text": article_text(1) + "\u2028" + article_text(2), "title": "A\u0085B"},
               {"text": article_text(3)}]
    text = "\n".join(json.dumps(r, ensure_ascii=False) for r in records)
    outcomes = list(read_jsonl("f.jsonl", text))
    assert [type(o).__name__ for o in outcomes] == ["Article", "Article"]
    assert [o.path for o in outcomes] == ["f.jsonl#1", "f.jsonl#2"]
    assert isinstance(outcomes[0], Article) and "Members of the council" in outcomes[0].text
