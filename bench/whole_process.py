"""Coding N Wikinews articles as a whole process against spaCy alone, in the same run.

    .venv/bin/python bench/whole_process.py [--articles 150] [--repeat 3]

Issue 10's cost figure as it was filed: both sides are whole processes, start-up included,
and the figure is their CPU seconds (user + system, from the kernel's accounting of the
child), so that a second core's noise counts less than in wall-clock time.

- spaCy alone: a Python process that imports spaCy, loads the configured model and runs
  `nlp.pipe` over the articles' texts (read from the same JSON Lines file).
- newsevents: `newsevents code FILE --format jsonl`, which also reads, cleans and
  language-checks each article, and prints its events.

The two run interleaved, `--repeat` times each; the medians are compared. The ratio is
spaCy/newsevents: the share of spaCy's speed the whole tool keeps (issue 10's target ≥ 0.6).
`bench/throughput.py` measures the same ratio with loading left out.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "examples" / "wikinews.jsonl"
SPACY = """
import json, sys, spacy
from newsevents.settings import load_settings
settings = load_settings()
nlp = spacy.load(settings.nlp.model)
texts = [json.loads(line)["text"] for line in open(sys.argv[1], encoding="utf-8")]
for _ in nlp.pipe(texts, batch_size=settings.nlp.batch_size):
    pass
"""


def measured(command: list[str]) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one whole process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    stderr = process.stderr.read().decode() if process.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{command[:3]} failed: {stderr[-500:]}")
    return usage.ru_utime + usage.ru_stime, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--articles", type=int, default=150)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    lines = CORPUS.read_text("utf-8").splitlines()[:args.articles]
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "articles.jsonl"
        corpus.write_text("\n".join(lines) + "\n", "utf-8")
        commands = {
            "spacy": [sys.executable, "-c", SPACY, str(corpus)],
            "newsevents": [sys.executable, "-m", "newsevents", "code", str(corpus),
                           "--format", "jsonl"],
        }
        for command in commands.values():
            measured(command)  # warm the page cache and newsevents' own caches
        runs: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for _ in range(args.repeat):
            for name, command in commands.items():
                runs[name].append(measured(command))
    cpu = {name: statistics.median(r[0] for r in rs) for name, rs in runs.items()}
    wall = {name: statistics.median(r[1] for r in rs) for name, rs in runs.items()}
    report = {"articles": len(lines), "repeat": args.repeat,
              "cpu_seconds": {k: round(v, 2) for k, v in cpu.items()},
              "wall_seconds": {k: round(v, 2) for k, v in wall.items()},
              "ratio_cpu": round(cpu["spacy"] / cpu["newsevents"], 3),
              "ratio_wall": round(wall["spacy"] / wall["newsevents"], 3)}
    if args.json:
        print(json.dumps(report))
        return
    print(f"{report['articles']} articles, median of {args.repeat} whole processes each")
    for name in commands:
        print(f"  {name:<11} CPU {cpu[name]:6.2f} s   wall {wall[name]:6.2f} s")
    print(f"  ratio (spaCy / newsevents): CPU {report['ratio_cpu']:.3f}, "
          f"wall {report['ratio_wall']:.3f}")


if __name__ == "__main__":
    main()
