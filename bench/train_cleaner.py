"""Train the text-page cleaner's line scorer on trafilatura's evaluation pages, with honest CV.

Labels: each line of a page flattened with inscriptis is content (1) when trafilatura keeps it from
the HTML, and boilerplate (0) otherwise; lines that hold one of the page's must-have snippets are
content and lines that hold a must-not snippet are boilerplate, whatever trafilatura did.

The figure to quote is the 5-fold cross-validated one: pages are split into five folds, and each
fold is cleaned by a scorer trained on the other four. The shipped model is then trained on all
pages, so its score on this same set is not an honest figure and is not reported.

    .venv/bin/python bench/train_cleaner.py [--out src/newsevents/data/cleaner_model.json]
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from cleaner import DEFAULT_BENCH, Counts, Page, flatten, load_pages, normalise, run_trafilatura
from newsevents.clean.language import identify_language
from newsevents.clean.lines import feature_rows, split_lines
from newsevents.clean.model import LineScorer, stacked_rows
from newsevents.clean.textpage import clean_page

CACHE = Path(__file__).resolve().parent / ".cache" / "cleaner_pages.json"
FOLDS = 5
SNIPPET_WEIGHT = 10.0
MODEL = Path(__file__).resolve().parents[1] / "src/newsevents/data/cleaner_model.json"


@dataclass(slots=True)
class PageData:
    page: Page
    flat: str
    language: str
    rows: list[list[float]]
    labels: list[int]
    lines: list[str]

    @property
    def weights(self) -> list[float]:
        """Lines that hold a snippet are the real target, so they weigh more than the rest."""
        snippets = [normalise(s) for s in self.page.with_snippets + self.page.without_snippets]
        return [SNIPPET_WEIGHT if any(s in line for s in snippets) else 1.0 for line in self.lines]


def _prepared(bench: Path) -> list[tuple[Page, str, str]]:
    pages = list(load_pages(bench))
    if CACHE.exists():
        cached = json.loads(CACHE.read_text("utf-8"))
        if len(cached) == len(pages):
            return [(p, c["flat"], c["reference"]) for p, c in zip(pages, cached, strict=True)]
    out = [(p, flatten(p.html), run_trafilatura(p.html)) for p in pages]
    CACHE.parent.mkdir(exist_ok=True)
    CACHE.write_text(json.dumps([{"flat": f, "reference": r} for _, f, r in out]), "utf-8")
    return out


def _labels(page: Page, lines: list[str], reference: str) -> list[int]:
    ref_flat = normalise(reference)
    ref_lines = {normalise(x).lower() for x in reference.splitlines() if x.strip()}
    labels = []
    for text in lines:
        norm = normalise(text)
        label = int(norm.lower() in ref_lines or (len(norm) >= 40 and norm in ref_flat))
        if any(normalise(s) in norm for s in page.with_snippets):
            label = 1
        elif any(normalise(s) in norm for s in page.without_snippets):
            label = 0
        labels.append(label)
    return labels


def build(bench: Path) -> list[PageData]:
    data = []
    for page, flat, reference in _prepared(bench):
        language, _ = identify_language(flat)
        lines = split_lines(flat, language)
        if not lines:
            continue
        labels = _labels(page, [line.text for line in lines], reference)
        texts = [line.text for line in lines]
        data.append(PageData(page, flat, language, feature_rows(lines, language), labels, texts))
    return data


def _fit(x: np.ndarray, y: np.ndarray, weight: np.ndarray | None = None) -> tuple[float, ...]:
    """Logistic regression on standardised features, folded back into raw-feature weights."""
    mean, std = x.mean(axis=0), x.std(axis=0)
    mean[0], std[0] = 0.0, 1.0  # the bias column stays as it is
    std[std == 0] = 1.0
    model = LogisticRegression(C=1.0, max_iter=2000, fit_intercept=False)
    model.fit((x - mean) / std, y, sample_weight=weight)
    w = model.coef_[0] / std
    w[0] -= float((model.coef_[0] * mean / std).sum())
    return tuple(float(v) for v in w)


def _out_of_fold(x: np.ndarray, y: np.ndarray, groups: np.ndarray, weight: np.ndarray
                 ) -> np.ndarray:
    scores = np.zeros(len(y))
    for fit_idx, pred_idx in GroupKFold(n_splits=FOLDS).split(x, y, groups):
        w = np.array(_fit(x[fit_idx], y[fit_idx], weight[fit_idx]))
        scores[pred_idx] = 1 / (1 + np.exp(-(x[pred_idx] @ w)))
    return scores


def _stack(pages: list[PageData], first: np.ndarray) -> np.ndarray:
    rows, start = [], 0
    for p in pages:
        rows.extend(stacked_rows(p.rows, list(first[start: start + len(p.rows)])))
        start += len(p.rows)
    return np.array(rows)


def _best_threshold(pages: list[PageData], scores: np.ndarray) -> float:
    """The threshold that best keeps snippet lines: must-have lines kept, must-not lines dropped."""
    wanted, unwanted, start = [], [], 0
    for p in pages:
        for i, line in enumerate(p.lines):
            if any(normalise(s) in line for s in p.page.with_snippets):
                wanted.append(scores[start + i])
            elif any(normalise(s) in line for s in p.page.without_snippets):
                unwanted.append(scores[start + i])
        start += len(p.rows)
    best, best_f1 = 0.5, -1.0
    for threshold in np.arange(0.2, 0.61, 0.025):
        tp = sum(s >= threshold for s in wanted)
        fp = sum(s >= threshold for s in unwanted)
        f1 = 2 * tp / max(2 * tp + fp + (len(wanted) - tp), 1)
        if f1 > best_f1:
            best, best_f1 = float(threshold), f1
    return round(best, 3)


def train(pages: list[PageData]) -> LineScorer:
    """Fit both stages; stage two and the threshold only ever see out-of-fold scores."""
    x1 = np.array([row for p in pages for row in p.rows])
    y = np.array([label for p in pages for label in p.labels])
    groups = np.array([n for n, p in enumerate(pages) for _ in p.rows])
    weight = np.array([w for p in pages for w in p.weights])
    x2 = _stack(pages, _out_of_fold(x1, y, groups, weight))
    threshold = _best_threshold(pages, _out_of_fold(x2, y, groups, weight))
    return LineScorer(_fit(x1, y, weight), _fit(x2, y, weight), threshold=threshold)


def cross_validate(pages: list[PageData]) -> Counts:
    counts = Counts()
    order = np.arange(len(pages))
    for k in range(FOLDS):
        held = [p for n, p in zip(order, pages, strict=True) if n % FOLDS == k]
        scorer = train([p for n, p in zip(order, pages, strict=True) if n % FOLDS != k])
        for p in held:
            cleaned = clean_page(p.flat, language=p.language, scorer=scorer)
            counts.add(p.page, "\n".join(filter(None, [cleaned.title, cleaned.text])))
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bench", type=Path, default=DEFAULT_BENCH)
    parser.add_argument("--out", type=Path, default=MODEL)
    parser.add_argument("--no-cv", action="store_true")
    args = parser.parse_args()
    pages = build(args.bench.resolve())
    lines = sum(len(p.rows) for p in pages)
    print(f"{len(pages)} pages, {lines} lines, {sum(sum(p.labels) for p in pages)} content lines")
    if not args.no_cv:
        cv = cross_validate(pages).scores()
        print(f"{FOLDS}-fold CV: P={cv['precision']:.3f} R={cv['recall']:.3f} F1={cv['f1']:.3f}")
    scorer = train(pages)
    payload = {"trained_on": "trafilatura evaluation pages flattened by inscriptis",
               "pages": len(pages), "lines": lines, **scorer.to_json()}
    args.out.write_text(json.dumps(payload, indent=1) + "\n", "utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
