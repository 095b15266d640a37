"""What two workers on one machine hold of their own, and what they share.

    .venv/bin/python bench/shared_memory.py [--workers 2] [--articles 50]

Each worker is a fresh process that does what a Dask worker does: it codes a shard of the
demo's Wikinews articles with `process_shard` (spaCy, the dictionaries, the gazetteer, the
language identifier, the sentence encoder and the heads, all loaded in that process), then
waits. While every worker is alive and waiting, the parent reads each one's
`/proc/PID/smaps_rollup` and `/proc/PID/smaps`:

- RSS: the memory the process has resident, shared pages included;
- USS (private): pages no other process has, what a second worker really adds;
- PSS: RSS with each shared page divided among the processes that map it;
- by file: the resident pages mapped from the cache folder (gazetteer, language model) and
  from the encoder's weights, with how much of each is shared with the other workers.

Run it on the code before and after a change with `PYTHONPATH=OTHER/src` to compare.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "examples" / "wikinews.jsonl"
_WORKER = """
import sys
from newsevents.scale.parts import process_shard
from newsevents.scale.shards import plan_shards
from newsevents.settings import load_settings
corpus, out = sys.argv[1], sys.argv[2]
settings = load_settings().with_overrides(nlp={"n_process": 1})
(shard,) = plan_shards([corpus], 10**6, 1)
result = process_shard(shard, settings, out)
print(result.articles, result.events, flush=True)
sys.stdin.read()
"""
_MAPPED = ("newsevents/", "minilm-q8")  # the cache folder's files, the encoder's weights


def rollup(pid: int) -> dict[str, int]:
    """MiB per field of /proc/PID/smaps_rollup."""
    fields = {}
    with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) == 3 and parts[2] == "kB":
                fields[parts[0].rstrip(":")] = int(parts[1])
    return {"rss": fields["Rss"] >> 10, "pss": fields["Pss"] >> 10,
            "uss": (fields["Private_Clean"] + fields["Private_Dirty"]) >> 10}


def mapped_files(pid: int) -> dict[str, dict[str, int]]:
    """kB resident and kB shared, per mapped data file of ours."""
    found: dict[str, dict[str, int]] = {}
    current = None
    with open(f"/proc/{pid}/smaps", encoding="utf-8", errors="replace") as handle:
        for line in handle:
            head = line.split()
            if "-" in head[0] and len(head) >= 5 and ":" in head[3]:
                path = head[5] if len(head) > 5 else ""
                current = (Path(path).name if any(m in path for m in _MAPPED)
                           and not path.endswith(".so") else None)
                if current:
                    found.setdefault(current, {"rss_kb": 0, "shared_kb": 0})
            elif current and head[0] == "Rss:":
                found[current]["rss_kb"] += int(head[1])
            elif current and head[0] in ("Shared_Clean:", "Shared_Dirty:"):
                found[current]["shared_kb"] += int(head[1])
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--articles", type=int, default=50)
    args = parser.parse_args()
    lines = CORPUS.read_text("utf-8").splitlines()[:args.articles]
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        corpus.write_text("\n".join(lines) + "\n", "utf-8")
        workers = [subprocess.Popen([sys.executable, "-c", _WORKER, str(corpus),
                                     str(Path(tmp) / f"out{n}")], stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, text=True)
                   for n in range(args.workers)]
        report = []
        try:
            coded = [worker.stdout.readline().split() for worker in workers]  # type: ignore[union-attr]
            for worker, (articles, events) in zip(workers, coded, strict=True):
                report.append({"articles": int(articles), "events": int(events),
                               **rollup(worker.pid), "files": mapped_files(worker.pid)})
        finally:
            for worker in workers:
                worker.communicate("")
    print(json.dumps({"workers": report}, indent=1))


if __name__ == "__main__":
    main()
