"""Which of a sentence's events is its main one: a small logistic model over event features.

The coder often finds several events in one sentence ("X said it would meet Y after Z
attacked …"). The ranker scores each event's chance of being the event the sentence reports;
the score becomes the event's `confidence`. It is trained by `tools/train_ranker.py` on the
events the coder finds in the plover-gsr gold set (an event is a positive example when its
PLOVER type is the sentence's gold type), so `newsevents eval plover-gsr` reports that set by
5-fold cross-validation, retraining on the other folds (see docs/accuracy.md). The ConfliBERT
sets are kept out of training (licence, see NOTICE) and measure it out of sample.

The model is plain data (`data/coder/ranker.json`: feature name -> weight, and a bias), and
the trainer is a few lines of numpy, so training needs no extra dependency and is
deterministic.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import numpy as np
from spacy.tokens import Token

from newsevents.records import Event

Features = dict[str, float]
MODEL_PATH = "data/coder/ranker.json"
_DEPS = frozenset({"ROOT", "ccomp", "xcomp", "advcl", "conj", "relcl", "acl", "pcomp", "dobj",
                   "pobj", "nsubj", "nsubjpass", "parataxis"})


def features(event: Event, trigger: Token, kind: str) -> Features:
    """What the ranker knows about one event (all 0/1)."""
    dep = trigger.dep_ if trigger.dep_ in _DEPS else "other"
    source, target = event.source, event.target
    out: Features = {
        f"kind={kind}": 1.0,
        f"root={event.cameo_root}": 1.0,
        f"code={event.cameo}": 1.0,
        f"lemma={trigger.lemma_.lower()}": 1.0,
        f"dep={dep}": 1.0,
        f"kind={kind}&dep={dep}": 1.0,
        "negated": float(event.negated),
        "hypothetical": float(event.hypothetical),
        "reported": float(event.reported_by is not None),
        "source_coded": float(bool(source and source.code)),
        "target_coded": float(bool(target and target.code)),
        "no_target": float(target is None),
        "same_code": float(bool(source and target and source.code == target.code)),
    }
    if event.hypothetical:
        out[f"hypothetical&root={event.cameo_root}"] = 1.0
    return out


def with_order(rows: Sequence[Features], starts: Sequence[int]) -> list[Features]:
    """Adds each event's rank, in text order, among its sentence's events."""
    order = sorted(range(len(rows)), key=lambda n: starts[n])
    out = [dict(row) for row in rows]
    for rank, n in enumerate(order):
        out[n][f"order={min(rank, 3)}"] = 1.0
        if len(rows) == 1:
            out[n]["only"] = 1.0
    return out


@dataclass(slots=True, frozen=True)
class Ranker:
    weights: Mapping[str, float]
    bias: float
    trained_on: Mapping[str, str] = field(default_factory=dict)  # gold set -> file sha256

    def score(self, row: Features) -> float:
        z = self.bias + sum(self.weights.get(k, 0.0) * v for k, v in row.items())
        return float(1.0 / (1.0 + np.exp(-z)))

    def to_json(self) -> str:
        return json.dumps({"trained_on": dict(sorted(self.trained_on.items())),
                           "bias": round(self.bias, 6),
                           "weights": {k: round(v, 6) for k, v in sorted(self.weights.items())
                                       if abs(v) > 1e-9}}, indent=1) + "\n"


def train(rows: Sequence[Features], labels: Sequence[bool], l2: float = 1.0,
          steps: int = 40) -> Ranker:
    """L2-regularised logistic regression fitted by Newton's method (deterministic)."""
    names = sorted({k for row in rows for k in row})
    index = {k: n for n, k in enumerate(names)}
    x = np.zeros((len(rows), len(names) + 1))
    x[:, -1] = 1.0
    for n, row in enumerate(rows):
        for k, v in row.items():
            x[n, index[k]] = v
    y = np.asarray(labels, dtype=float)
    w = np.zeros(x.shape[1])
    penalty = np.full(x.shape[1], l2)
    penalty[-1] = 0.0  # the bias is not shrunk
    for _ in range(steps):
        p = 1.0 / (1.0 + np.exp(-(x @ w)))
        gradient = x.T @ (p - y) + penalty * w
        hessian = (x.T * (p * (1 - p))) @ x + np.diag(penalty + 1e-9)
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if float(np.abs(step).max()) < 1e-8:
            break
    return Ranker({k: float(w[index[k]]) for k in names}, float(w[-1]))


@cache
def load_ranker() -> Ranker:
    data = json.loads(resources.files("newsevents").joinpath(MODEL_PATH).read_text("utf-8"))
    return Ranker(data["weights"], data["bias"], data.get("trained_on", {}))
