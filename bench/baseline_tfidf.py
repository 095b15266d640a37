"""The plain baseline for `conflibert-class`: TF-IDF + logistic regression, 5-fold CV.

    .venv/bin/python bench/baseline_tfidf.py [--file PATH]

The baseline learns from the ConfliBERT train split, so its figure is cross-validated (each
fold predicted by a model trained on the other four). newsevents' coder does not learn from
this set; its figure is `newsevents eval conflibert-class` on the same file.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict
from sklearn.pipeline import make_pipeline

from newsevents.evaluation import gold, metrics

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
DEFAULT = SHARED / "gold/conflibert/cameo_class/train.tsv"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--file", type=Path, default=DEFAULT)
    args = parser.parse_args()
    records = gold.read_conflibert_class(args.file)
    texts = [r.sentence for r in records]
    labels = [r.label for r in records]
    model = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True),
                          LogisticRegression(max_iter=2000, C=4.0))
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=0)
    predicted = list(cross_val_predict(model, texts, labels, cv=folds))
    report = {"n": len(records), "macro_f1": round(metrics.macro_f1(labels, predicted), 4),
              "accuracy": round(metrics.accuracy(labels, predicted), 4),
              "method": "TF-IDF (1-2 grams) + logistic regression, 5-fold stratified CV"}
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
