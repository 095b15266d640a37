"""Issue 11, fault injection: one `newsevents run` over a folder of 50 good articles and every
hostile input (tests/hostile.py) stores every good article with its events (as many as a run
over the good articles alone stores), records every bad input with a one-line reason, exits
0 and stays under the memory ceiling of docs/reliability.md. The run is the real command
line, in its own process, measured."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import duckdb

from tests.hostile import Expect, Limits, mixed_folder, run_measured, write_samples

CEILING = 1_500_000_000  # bytes of peak resident memory (docs/reliability.md)
MAX_BYTES = 2_000_000  # ingest.max_bytes for this run: the hostile files stay small
TIMEOUT = 1800.0  # seconds; far more than the run needs, so that a hang fails, not blocks
KILL_RSS = 4 * CEILING  # past this the run is killed, before it can fill the machine's memory


def _stored(db: Path) -> tuple[dict[str, int], dict[str, list[str]]]:
    """Stored articles (path → number of events) and ingest errors (path → reasons)."""
    with duckdb.connect(str(db), read_only=True) as con:
        articles = dict(con.execute(
            "SELECT a.path, count(e.event_id) FROM articles a "
            "LEFT JOIN events e USING (article_id) GROUP BY a.path").fetchall())
        errors: dict[str, list[str]] = {}
        for path, reason in con.execute("SELECT path, reason FROM ingest_errors").fetchall():
            errors.setdefault(path, []).append(reason)
    return articles, errors


def _problems(folder: Path, expect: Expect, articles: dict[str, int],
              errors: dict[str, list[str]], alone: int | None = None) -> list[str]:
    """What is wrong with what the run stored for one expected document (nothing: []).
    `alone`: the events a run over the good articles alone stored for it."""
    path = f"{folder}/{expect.where}"
    label = repr(expect.where)
    reasons = errors.get(path, [])
    found = [f"article with {articles[path]} events"] if path in articles else []
    found += [f"error {r!r}" for r in reasons]
    problems: list[str] = []
    if expect.outcome == "article" and path not in articles:
        problems.append(f"{label}: no article stored (found: {found or 'nothing'})")
    elif expect.outcome == "error" and not reasons:
        problems.append(f"{label}: no ingest_errors row (found: {found or 'nothing'})")
    elif expect.outcome == "any" and not found:
        problems.append(f"{label}: neither an article nor an ingest_errors row")
    if alone is not None and path in articles and articles[path] != alone:
        problems.append(f"{label}: {articles[path]} events stored among hostile inputs, "
                        f"{alone} alone")
    elif alone is None and expect.events and articles.get(path, 0) < 1 and path in articles:
        problems.append(f"{label}: stored without events")
    if expect.reason and reasons and not any(re.search(expect.reason, r) for r in reasons):
        problems.append(f"{label}: reason {reasons!r} does not match {expect.reason!r}")
    return problems


def test_one_run_over_good_and_hostile_inputs_loses_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    samples = mixed_folder(folder, limits=Limits(max_bytes=MAX_BYTES))
    assert sum(len(s.expects) for s in samples if s.good) == 50
    assert all(len(s.data) < MAX_BYTES for s in samples if s.name.startswith("bomb")), \
        "a bomb must pass the file-size check, to be caught decompressing"
    settings = tmp_path / "settings.toml"
    settings.write_text(f"[ingest]\nmax_bytes = {MAX_BYTES}\n", "utf-8")
    db = tmp_path / "mixed.duckdb"

    run = run_measured([sys.executable, "-m", "newsevents", "run", str(folder), "--db", str(db),
                        "--settings", str(settings)], timeout=TIMEOUT, max_rss=KILL_RSS)

    problems = [f"the run was killed after {TIMEOUT:g} s"] if run.timed_out else []
    if run.over_memory:
        problems.append(f"the run was killed holding over {KILL_RSS / 1e9:g} GB")
    if run.returncode != 0 or "Traceback" in run.stderr:
        problems.append(f"the run exited {run.returncode}: {run.stderr[-3000:]}")
    if run.peak_rss > CEILING:
        problems.append(f"peak RSS {run.peak_rss / 1e9:.2f} GB, over {CEILING / 1e9:g} GB")
    assert db.exists(), "\n".join([*problems, "no database was written"])
    articles, errors = _stored(db)
    # the good articles alone, for the events each must keep among the hostile inputs
    clean = tmp_path / "good"
    write_samples(clean, [s for s in samples if s.good])
    alone_db = tmp_path / "good.duckdb"
    alone_run = run_measured([sys.executable, "-m", "newsevents", "run", str(clean), "--db",
                              str(alone_db), "--settings", str(settings)], timeout=TIMEOUT)
    assert alone_run.returncode == 0, alone_run.stderr[-3000:]
    alone, _ = _stored(alone_db)
    good = {e.where: alone.get(f"{clean}/{e.where}", 0)
            for sample in samples if sample.good for e in sample.expects}
    assert sum(good.values()) >= len(good), "the good articles alone gave too few events"
    problems += [problem for sample in samples for expect in sample.expects
                 for problem in _problems(folder, expect, articles, errors,
                                          good.get(expect.where) if sample.good else None)]
    problems += [f"reason is not one line: {r!r}" for reasons in errors.values()
                 for r in reasons if "\n" in r]
    assert not problems, "\n".join(problems)
    # the figures docs/reliability.md gives (pytest -s shows them)
    print(f"\nfault injection: exit {run.returncode}, peak RSS {run.peak_rss / 1e9:.2f} GB, "
          f"{len(articles)} articles, {sum(articles.values())} events, "
          f"{sum(len(r) for r in errors.values())} ingest errors")
