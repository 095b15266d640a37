"""The share of coding time each stage takes, one process (issue 10: "before and after").

    .venv/bin/python bench/stages.py [--articles 150] [--json]

Reads and cleans the demo corpus (untimed), warms the pipeline on three articles, then codes
the first N articles through the same step `run` uses, timing each stage with wall-clock
accumulators wrapped around the functions that implement it (the bench wraps them; the
product code is unchanged):

  spaCy            the pipeline minus newsevents' coder component
  candidates       the dictionary engine run for candidates, actors and roles
  encoder          the sentence encoder (ONNX)
  heads            the learned type and role heads and their features
  resolve+enrich   actor codes for the chosen roles, dates, places, attribution
  other            the rest of the coder component (records, quotes, bookkeeping)

Run it at another commit through a worktree (`PYTHONPATH=WORKTREE/src`) for the "before".
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TIMES: defaultdict[str, float] = defaultdict(float)


def _timed(owner: Any, name: str, stage: str) -> None:
    original: Callable[..., Any] = getattr(owner, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            TIMES[stage] += time.perf_counter() - start

    setattr(owner, name, wrapper)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=150)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    from newsevents.coder import components
    from newsevents.coder.events import EventCoder
    from newsevents.coder.job import CodeArticles
    from newsevents.ingest.job import read_articles
    from newsevents.learned import coder as learned
    from newsevents.learned.encoder import SentenceEncoder
    from newsevents.records import Article
    from newsevents.settings import load_settings

    settings = load_settings().with_overrides(nlp={"n_process": 1})
    articles = [a for a in read_articles([str(ROOT / "examples")], settings)
                if isinstance(a, Article)][:args.articles]
    list(CodeArticles(settings).run(articles[:3]))  # load everything once

    _timed(components.CoderComponent, "__call__", "coder")
    _timed(EventCoder, "code", "candidates")
    _timed(SentenceEncoder, "encode", "encoder")
    _timed(learned.LearnedCoder, "classify", "heads")
    _timed(learned.LearnedCoder, "roles", "heads")
    _timed(learned.LearnedCoder, "resolve", "resolve+enrich")
    TIMES.clear()
    start = time.perf_counter()
    events = sum(len(getattr(c, "events", ())) for c in CodeArticles(settings).run(articles))
    total = time.perf_counter() - start
    coder = TIMES.pop("coder")
    stages = {"spaCy": total - coder, **dict(TIMES)}
    stages["other"] = coder - sum(TIMES.values())
    report = {"articles": len(articles), "events": events, "seconds": round(total, 2),
              "shares": {k: round(v / total, 3) for k, v in stages.items()}}
    if args.json:
        print(json.dumps(report))
        return
    print(f"{len(articles)} articles, {events} events, {total:.1f} s")
    for stage, seconds in stages.items():
        print(f"  {stage:<15} {seconds:7.2f} s  {seconds / total:6.1%}")


if __name__ == "__main__":
    main()
