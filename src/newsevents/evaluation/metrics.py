"""Scores for `newsevents eval`: pure functions over plain Python values.

A ratio whose denominator is zero (no items, a class never predicted or never in the gold, no
spans at all) counts as 0.0 rather than raising, like scikit-learn's `zero_division=0`.
Gold and predicted sequences of different lengths raise ValueError.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Collection, Hashable, Iterable, Sequence
from typing import TypedDict, TypeVar

logger = logging.getLogger(__name__)

L = TypeVar("L", bound=Hashable)
Span = tuple[int, int]


class ClassScore(TypedDict):
    """Precision, recall and F1 of one label, and its support (count in the gold)."""

    precision: float
    recall: float
    f1: float
    support: int


class SpanScore(TypedDict):
    """Precision, recall and F1 of exactly matching spans, pooled over sentences."""

    precision: float
    recall: float
    f1: float


def accuracy(gold: Sequence[L], predicted: Sequence[L]) -> float:
    """Share of items whose prediction equals the gold; 0.0 for no items."""
    _check_lengths(gold, predicted)
    return _ratio(sum(g == p for g, p in zip(gold, predicted, strict=True)), len(gold))


def confusion(gold: Sequence[L], predicted: Sequence[L]) -> dict[tuple[L, L], int]:
    """Counts of (gold, predicted) pairs; pairs that never occur are absent."""
    _check_lengths(gold, predicted)
    return dict(Counter(zip(gold, predicted, strict=True)))


def per_class(
    gold: Sequence[L], predicted: Sequence[L], labels: Iterable[L] | None = None
) -> dict[L, ClassScore]:
    """Scores of each label.

    Args:
        gold: The gold label of each item.
        predicted: The predicted label of each item, in the same order.
        labels: The labels to score; by default every label in gold or predicted, sorted when
            the labels can be sorted.
    """
    _check_lengths(gold, predicted)
    pairs = Counter(zip(gold, predicted, strict=True))
    in_gold, in_predicted = Counter(gold), Counter(predicted)
    scores: dict[L, ClassScore] = {}
    for label in _labels(gold, predicted) if labels is None else dict.fromkeys(labels):
        hits = pairs[(label, label)]
        false_pos, false_neg = in_predicted[label] - hits, in_gold[label] - hits
        scores[label] = ClassScore(
            precision=_ratio(hits, hits + false_pos),
            recall=_ratio(hits, hits + false_neg),
            f1=_ratio(2 * hits, 2 * hits + false_pos + false_neg),
            support=in_gold[label],
        )
    return scores


def macro_f1(
    gold: Sequence[L], predicted: Sequence[L], labels: Iterable[L] | None = None
) -> float:
    """Unweighted mean of the per-label F1 (see `per_class` for `labels`)."""
    scores = per_class(gold, predicted, labels)
    return _ratio(sum(score["f1"] for score in scores.values()), len(scores))


def weighted_f1(
    gold: Sequence[L], predicted: Sequence[L], labels: Iterable[L] | None = None
) -> float:
    """Mean of the per-label F1 weighted by support (see `per_class` for `labels`)."""
    scores = per_class(gold, predicted, labels)
    total = sum(score["support"] for score in scores.values())
    return _ratio(sum(score["f1"] * score["support"] for score in scores.values()), total)


def span_f1(
    gold_spans: Sequence[Collection[Span]], predicted_spans: Sequence[Collection[Span]]
) -> SpanScore:
    """Exact-match span scores, pooled over sentences (micro-averaged).

    Args:
        gold_spans: For each sentence, its gold spans (duplicates count once).
        predicted_spans: For each sentence, in the same order, its predicted spans.
    """
    _check_lengths(gold_spans, predicted_spans)
    hits = n_gold = n_predicted = 0
    for gold, predicted in zip(gold_spans, predicted_spans, strict=True):
        gold_set, predicted_set = set(gold), set(predicted)
        hits += len(gold_set & predicted_set)
        n_gold += len(gold_set)
        n_predicted += len(predicted_set)
    return SpanScore(
        precision=_ratio(hits, n_predicted),
        recall=_ratio(hits, n_gold),
        f1=_ratio(2 * hits, n_gold + n_predicted),
    )


def _check_lengths(gold: Sequence[object], predicted: Sequence[object]) -> None:
    if len(gold) != len(predicted):
        raise ValueError(f"gold has {len(gold)} items but predicted has {len(predicted)}")


def _ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else 0.0


def _labels(gold: Sequence[L], predicted: Sequence[L]) -> list[L]:
    """Every label seen, sorted if the labels allow it, else in order of first appearance."""
    seen = list(dict.fromkeys([*gold, *predicted]))
    try:
        return sorted(seen)  # type: ignore[type-var]
    except TypeError:
        return seen
