"""The cleaner's learned line scorer: two stacked logistic regressions over line features.

Stage one scores each line from its own shape and its neighbours'. Stage two adds the stage-one
scores of the surrounding lines, so that an article's lines hold together as one block. The
weights are package data, trained by `bench/train_cleaner.py`; inference is plain arithmetic.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from newsevents.clean.lines import FEATURES

CONTEXT_FEATURES = ("p_self", "p_prev", "p_next", "p_window", "p_before_max", "p_after_max")
_WINDOW = 3


@dataclass(slots=True, frozen=True)
class LineScorer:
    """Content probability for each line of a page."""

    stage1: tuple[float, ...]
    stage2: tuple[float, ...]
    threshold: float

    def score(self, rows: list[list[float]]) -> list[float]:
        first = [_logistic(self.stage1, row) for row in rows]
        return [_logistic(self.stage2, row) for row in stacked_rows(rows, first)]

    def to_json(self) -> dict[str, object]:
        return {
            "features": list(FEATURES),
            "context_features": list(CONTEXT_FEATURES),
            "stage1": list(self.stage1),
            "stage2": list(self.stage2),
            "threshold": self.threshold,
        }


def stacked_rows(rows: list[list[float]], first: list[float]) -> list[list[float]]:
    """Stage-two inputs: each line's features plus the stage-one scores around it."""
    n = len(first)
    out = []
    for i, row in enumerate(rows):
        window = first[max(i - _WINDOW, 0): i + _WINDOW + 1]
        before = first[max(i - _WINDOW, 0): i] or [0.0]
        after = first[i + 1: i + _WINDOW + 1] or [0.0]
        out.append([
            *row,
            first[i],
            first[i - 1] if i > 0 else 0.0,
            first[i + 1] if i + 1 < n else 0.0,
            sum(window) / len(window),
            max(before),
            max(after),
        ])
    return out


def _logistic(weights: tuple[float, ...], row: list[float]) -> float:
    z = sum(w * x for w, x in zip(weights, row, strict=True))
    return 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))


def scorer_from_json(data: dict[str, object], origin: str) -> LineScorer:
    if data.get("features") != list(FEATURES):
        raise ValueError(f"{origin}: made for other features; run bench/train_cleaner.py")
    stage1 = tuple(float(w) for w in data["stage1"])  # type: ignore[attr-defined]
    stage2 = tuple(float(w) for w in data["stage2"])  # type: ignore[attr-defined]
    return LineScorer(stage1, stage2, float(data["threshold"]))  # type: ignore[arg-type]


@cache
def default_scorer() -> LineScorer:
    """The scorer shipped in the package (loaded once per process)."""
    text = resources.files("newsevents").joinpath("data/cleaner_model.json").read_text("utf-8")
    return scorer_from_json(json.loads(text), "package cleaner_model.json")


def load_scorer(path: Path) -> LineScorer:
    return scorer_from_json(json.loads(path.read_text("utf-8")), str(path))
