"""How right the confidence bands are on dev documents that neither the verifier nor its
calibration curve saw: the dev split's events in five folds by document, the verifier and
its curve fitted (as `make train` fits them) on four folds and applied to the fifth. The
training report's reliability table is on the same documents the curve was fitted on; this
is the honest dev figure to set beside the test split's. Needs the `train` extra.

    .venv/bin/python tools/calibration_cv.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from newsevents.corpus import corpus_files, load_corpus
from newsevents.dictionaries.lexicon import load_lexicon
from newsevents.learned.coder import LearnedCoder
from newsevents.learned.model import sigmoid
from newsevents.learned.train import FOLDS, fit_verifier, verifier_rows
from newsevents.settings import load_settings

BANDS = ((0.0, 0.3), (0.3, 0.4), (0.4, 0.6), (0.6, 0.8), (0.8, 1.01))


def main() -> int:
    settings = load_settings()
    dev = load_corpus(corpus_files(Path(settings.eval.corpus)), split="dev")
    coder = LearnedCoder(load_lexicon(settings.dictionaries), explain=True)
    rows, right, groups = verifier_rows(coder, dev)
    x, y, docs = np.vstack(rows), np.asarray(right), np.asarray(groups)
    order = np.random.RandomState(3).permutation(sorted(set(groups)))
    fold_of = {doc: n % FOLDS for n, doc in enumerate(order)}
    fold = np.asarray([fold_of[d] for d in groups])
    confidence = np.zeros(len(y))
    for k in range(FOLDS):
        seen = fold != k
        verifier, cx, cy = fit_verifier(list(x[seen]), list(y[seen]), list(docs[seen]))
        assert verifier is not None
        score = sigmoid(verifier.scores(x[~seen])[:, 0])
        confidence[~seen] = np.interp(score, cx, cy)
    print(f"dev: {len(y)} coded events, {len(set(groups))} documents; confidence from a "
          f"verifier and curve that did not see the document")
    print("confidence   events   share fully right")
    for low, high in BANDS:
        inside = (confidence >= low) & (confidence < high)
        share = f"{y[inside].mean():.3f}" if inside.any() else "-"
        print(f"{low:.1f}-{min(high, 1.0):.1f}   {int(inside.sum()):8}   {share}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
