"""Throughput and peak memory of `newsevents run` on the demo corpus: ingest only
(`--no-events`) and ingest with coding.

Machines here are noisy, so speed is also given as a ratio against a reference measured in the
same run: the same article texts through spaCy alone (the configured model and batch size),
which is the stage that follows ingest.

    .venv/bin/python bench/ingest.py [--repeat 3] [--json]
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared/data/seed/page.txt"
INPUTS = [str(ROOT / "examples"), *([str(SEED)] if SEED.exists() else [])]
_CHILD_SPACY = """
import json, sys, time
from newsevents.ingest.job import read_articles
from newsevents.nlp import get_nlp
from newsevents.records import Article
from newsevents.settings import load_settings
settings = load_settings()
texts = [a.text for a in read_articles(sys.argv[1:], settings) if isinstance(a, Article)]
nlp = get_nlp(settings.nlp)
start = time.perf_counter()
for _ in nlp.pipe(texts, batch_size=settings.nlp.batch_size):
    pass
print(json.dumps({"seconds": time.perf_counter() - start, "articles": len(texts),
                  "words": sum(len(t.split()) for t in texts)}))
"""


def _peak_kib_of(command: list[str]) -> tuple[float, int, str]:
    """Run a command in a fresh child; return (seconds, largest child peak RSS so far, stdout)."""
    start = time.perf_counter()
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, peak, done.stdout


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    exe = str(Path(sys.executable).with_name("newsevents"))
    run_seconds, spacy_seconds, peaks = [], [], []
    for _ in range(args.repeat):  # all runs first: ru_maxrss of children is a running maximum
        with tempfile.TemporaryDirectory() as tmp:
            seconds, peak, _ = _peak_kib_of([exe, "run", *INPUTS, "--db", f"{tmp}/b.duckdb",
                                             "--no-events"])
        run_seconds.append(seconds)
        peaks.append(peak)
    full_seconds = []
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as tmp:
            seconds, _, _ = _peak_kib_of([exe, "run", *INPUTS, "--db", f"{tmp}/b.duckdb"])
        full_seconds.append(seconds)
    full_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    spacy_report: dict[str, float] = {}
    for _ in range(args.repeat):
        _, _, out = _peak_kib_of([sys.executable, "-c", _CHILD_SPACY, *INPUTS])
        spacy_report = json.loads(out)
        spacy_seconds.append(spacy_report["seconds"])
    articles = int(spacy_report["articles"])
    run_s, spacy_s = statistics.median(run_seconds), statistics.median(spacy_seconds)
    report = {
        "inputs": INPUTS,
        "articles": articles,
        "words": int(spacy_report["words"]),
        "run_seconds_median": round(run_s, 2),
        "run_articles_per_s": round(articles / run_s, 1),
        "spacy_seconds_median": round(spacy_s, 2),
        "spacy_articles_per_s": round(articles / spacy_s, 1),
        "run_speed_vs_spacy": round(spacy_s / run_s, 2),
        "run_peak_rss_mib": round(max(peaks) / 1024, 1),
        "run_with_events_seconds_median": round(statistics.median(full_seconds), 2),
        "run_with_events_articles_per_s": round(articles / statistics.median(full_seconds), 1),
        "run_with_events_peak_rss_mib": round(full_peak / 1024, 1),
        "repeat": args.repeat,
    }
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        for key, value in report.items():
            print(f"{key:24} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
