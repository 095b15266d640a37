"""Sharded runs on Dask: equivalence with the plain run, speed-up from 1 to 2 workers, growth.

    .venv/bin/python bench/scale.py equivalence            # the demo corpus
    .venv/bin/python bench/scale.py speedup --articles 2072
    .venv/bin/python bench/scale.py growth --sizes 500,1000,2000,5000 --workers 2 [--repeat 3]

A corpus larger than the demo is made by repeating the demo's Wikinews records with new URLs
and a marked title and first line, so that every copy is a new article (new id, new text hash)
with the same work in it. Each run is a whole `newsevents run` process, timed from outside
(wall clock), into a fresh database and a fresh parts folder. With Dask, the LocalCluster's
start (workers loading their models) is inside the time.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[1]
DEMO = [str(ROOT / "examples"), str(ROOT.parent / "shared/data/seed/page.txt")]


def repeated_corpus(folder: Path, articles: int) -> str:
    """`articles` records: the demo's Wikinews records, copied with new URLs as needed."""
    records = [json.loads(x) for x in
               (ROOT / "examples/wikinews.jsonl").read_text("utf-8").splitlines() if x.strip()]
    path = folder / f"corpus-{articles}.jsonl"
    with path.open("w", encoding="utf-8") as out:
        for n in range(articles):
            record = dict(records[n % len(records)])
            copy = n // len(records)
            if copy:
                record["url"] = f"{record.get('url') or 'urn:x'}?copy={copy}"
                record["title"] = f"{record.get('title') or ''} (copy {copy})"
                record["text"] = f"Copy {copy} of this report.\n\n{record['text']}"
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return str(path)


def timed_run(inputs: list[str], folder: Path, label: str, extra: list[str]) -> dict[str, float]:
    """One whole run, timed; with the peak resident memory of the run's process and of its
    largest worker process, sampled every 0.2 s, and the largest worker's peak private
    memory (USS: its pages no other process maps, what one more worker adds), every 2 s."""
    import psutil

    db = folder / f"{label}.duckdb"
    start = time.perf_counter()
    run = subprocess.Popen([sys.executable, "-m", "newsevents", "run", *inputs, "--db", str(db),
                            "--out", str(folder / f"{label}.parts"), *extra],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    main_peak = worker_peak = worker_uss = tick = 0
    parent = psutil.Process(run.pid)
    while run.poll() is None:
        try:
            main_peak = max(main_peak, parent.memory_info().rss)
            for child in parent.children(recursive=True):
                worker_peak = max(worker_peak, child.memory_info().rss)
                if tick % 10 == 0:  # reading smaps costs CPU the run needs: every 2 s
                    worker_uss = max(worker_uss, child.memory_full_info().uss)
        except psutil.Error:
            pass
        time.sleep(0.2)
        tick += 1
    seconds = time.perf_counter() - start
    if run.returncode != 0:
        raise SystemExit(run.stderr.read().decode() if run.stderr else "run failed")
    with duckdb.connect(str(db), read_only=True) as con:
        articles = con.execute("SELECT count(*) FROM articles").fetchall()[0][0]
        events = con.execute("SELECT count(*) FROM events").fetchall()[0][0]
        loaded = con.execute("SELECT count(*) FROM loaded_shards").fetchall()[0][0]
    return {"seconds": round(seconds, 1), "articles": articles, "events": events,
            "articles_per_s": round(articles / seconds, 2), "shards": loaded,
            "peak_main_mib": main_peak >> 20, "peak_worker_mib": worker_peak >> 20,
            "peak_worker_uss_mib": worker_uss >> 20}


def load_only(corpus: str, folder: Path, label: str) -> float:
    """Fill a fresh database from a finished run's parts: every shard is finished, so the
    rerun codes nothing and only plans and loads (one transaction per shard)."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "newsevents", "run", corpus, "--db",
                    str(folder / f"{label}-load.duckdb"), "--out", str(folder / f"{label}.parts"),
                    "--executor", "local"], check=True, capture_output=True)
    return round(time.perf_counter() - start, 2)


def event_ids(db: Path) -> set[str]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {r[0] for r in con.execute("SELECT event_id FROM events").fetchall()}


def equivalence(folder: Path) -> dict[str, object]:
    plain = folder / "plain.duckdb"
    subprocess.run([sys.executable, "-m", "newsevents", "run", *DEMO, "--db", str(plain)],
                   check=True, capture_output=True)
    reference = event_ids(plain)
    report: dict[str, object] = {"plain_events": len(reference)}
    for workers in (1, 2):
        label = f"dask{workers}"
        timed_run(DEMO, folder, label, ["--executor", "dask", "--workers", str(workers)])
        found = event_ids(folder / f"{label}.duckdb")
        report[f"dask_{workers}_events"] = len(found)
        report[f"dask_{workers}_identical"] = found == reference
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("what", choices=["equivalence", "speedup", "growth"])
    parser.add_argument("--articles", type=int, default=2072)
    parser.add_argument("--sizes", default="500,1000,2000,5000")
    parser.add_argument("--repeat", type=int, default=1, help="growth: runs of each size")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--settings", help="A settings file for every run (e.g. encoder "
                                           "threads).")
    args = parser.parse_args()
    extra = ["--settings", args.settings] if args.settings else []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if args.what == "equivalence":
            report: dict[str, object] = equivalence(folder)
        elif args.what == "speedup":
            corpus = repeated_corpus(folder, args.articles)
            runs = {w: timed_run([corpus], folder, f"w{w}",
                                 ["--executor", "dask", "--workers", str(w), *extra])
                    for w in (1, 2)}
            report = {"runs": runs,
                      "speedup": round(runs[1]["seconds"] / runs[2]["seconds"], 2)}
        else:
            report = {}
            for rep in range(args.repeat):  # sizes interleaved: drift touches each alike
                for size in (int(s) for s in args.sizes.split(",")):
                    corpus = repeated_corpus(folder, size)
                    label = f"n{size}-{rep}"
                    figures = timed_run([corpus], folder, label,
                                        ["--executor", "dask", "--workers",
                                         str(args.workers), *extra])
                    figures["load_seconds"] = load_only(corpus, folder, label)
                    report.setdefault(str(size), []).append(figures)
            for size, runs in report.items():
                rates = sorted(run["articles_per_s"] for run in runs)
                report[size] = {"articles_per_s_median": rates[len(rates) // 2],
                                "runs": runs}
        print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
