"""Score the text-page cleaner on trafilatura's evaluation set, as a naive scraper would feed it.

Each page is flattened to plain text with no markup (inscriptis on the whole page), then:
  raw             the flat text, uncleaned
  newsevents-cv   our cleaner on the flat text, 5-fold cross-validated: the line scorer learns
                  from this set, so each page is cleaned by a scorer trained on the other folds
                  (the honest figure)
  newsevents      our shipped cleaner, whose scorer was trained on all of these pages
                  (in-sample: shown for reference, not a quality claim)
  trafilatura     trafilatura on the original HTML (the reference), comments excluded as in
                  newsevents' HTML reader
Each page's `with` snippets found in the output are true positives (else false negatives); its
`without` snippets found are false positives (else true negatives). Counts are pooled over pages.

    .venv/bin/python bench/cleaner.py [--bench DIR] [--limit N] [--json]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_BENCH = Path(__file__).resolve().parents[1] / "../shared/bench/extraction/trafilatura"
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


@dataclass(slots=True)
class Page:
    url: str
    html: str
    with_snippets: list[str]
    without_snippets: list[str]


@dataclass(slots=True)
class Counts:
    tp: int = 0
    fn: int = 0
    fp: int = 0
    tn: int = 0
    pages: int = 0
    seconds: float = 0.0
    per_page: list[tuple[str, int, int, int, int]] = field(default_factory=list)

    def add(self, page: Page, output: str) -> None:
        flat = normalise(output)
        tp = sum(1 for s in page.with_snippets if normalise(s) in flat)
        fp = sum(1 for s in page.without_snippets if normalise(s) in flat)
        fn, tn = len(page.with_snippets) - tp, len(page.without_snippets) - fp
        self.tp, self.fn, self.fp, self.tn = self.tp + tp, self.fn + fn, self.fp + fp, self.tn + tn
        self.pages += 1
        self.per_page.append((page.url, tp, fn, fp, tn))

    def scores(self) -> dict[str, float]:
        precision = self.tp / max(self.tp + self.fp, 1)
        recall = self.tp / max(self.tp + self.fn, 1)
        f1 = 2 * precision * recall / max(precision + recall, 1e-9)
        return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
                "pages": self.pages, "seconds": round(self.seconds, 1)}


def load_pages(bench: Path, limit: int | None = None) -> Iterator[Page]:
    evaldata = json.loads((bench / "tests/evaldata.json").read_text("utf-8"))
    for n, (url, item) in enumerate(sorted(evaldata.items())):
        if limit is not None and n >= limit:
            return
        for folder in ("eval", "cache"):
            path = bench / "tests" / folder / (item["file"] + ".gz")
            if path.exists():
                html = gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")
                yield Page(url, html, item.get("with", []), item.get("without", []))
                break


def flatten(html: str) -> str:
    """The whole page as plain text with no markup, as a naive scraper gives it."""
    from inscriptis import get_text

    return get_text(html)


def run_newsevents(flat: str) -> str:
    from newsevents.clean.textpage import clean_page

    page = clean_page(flat)
    return "\n".join(filter(None, [page.title, page.text]))


def run_trafilatura(html: str) -> str:
    import trafilatura

    return trafilatura.extract(html, include_comments=False) or ""


def _cross_validated(bench: Path, limit: int | None) -> Counts:
    from train_cleaner import build, cross_validate

    start = time.perf_counter()
    pages = build(bench)[:limit]
    counts = cross_validate(pages)
    counts.seconds = time.perf_counter() - start
    return counts


def measure(pages: list[Page], flats: list[str], systems: dict[str, Callable[[int], str]]
            ) -> dict[str, Counts]:
    results: dict[str, Counts] = {}
    for name, system in systems.items():
        counts = Counts()
        start = time.perf_counter()
        for i, page in enumerate(pages):
            counts.add(page, system(i))
        counts.seconds = time.perf_counter() - start
        results[name] = counts
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bench", type=Path, default=DEFAULT_BENCH)
    parser.add_argument("--limit", type=int)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--systems", default="raw,newsevents-cv,newsevents,trafilatura")
    parser.add_argument("--errors", type=Path, help="write per-page counts of ours here (TSV)")
    args = parser.parse_args()
    pages = list(load_pages(args.bench.resolve(), args.limit))
    flats = [flatten(p.html) for p in pages]
    available: dict[str, Callable[[int], str]] = {
        "raw": lambda i: flats[i],
        "newsevents": lambda i: run_newsevents(flats[i]),
        "trafilatura": lambda i: run_trafilatura(pages[i].html),
    }
    names = args.systems.split(",")
    chosen = {name: available[name] for name in names if name in available}
    results = measure(pages, flats, chosen)
    if "newsevents-cv" in names:
        results["newsevents-cv"] = _cross_validated(args.bench.resolve(), args.limit)
    results = {name: results[name] for name in names}
    report = {name: counts.scores() for name, counts in results.items()}
    if args.errors and "newsevents" in results:
        rows = ["\t".join(map(str, row)) for row in results["newsevents"].per_page]
        args.errors.write_text("url\ttp\tfn\tfp\ttn\n" + "\n".join(rows) + "\n", "utf-8")
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        for name, scores in report.items():
            print(f"{name:14} P={scores['precision']:.3f} R={scores['recall']:.3f} "
                  f"F1={scores['f1']:.3f}  ({scores['pages']} pages, {scores['seconds']} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
