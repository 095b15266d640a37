"""The learned coder's weights: linear heads over the features, a calibration curve, and the
CAMEO codes each type takes. One `.npz` file, written by `make train`, read once."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from newsevents.errors import ModelError
from newsevents.learned.features import LABELS

MODEL_FILE = "data/learned/coder.npz"


def softmax(scores: np.ndarray) -> np.ndarray:
    shifted = scores - scores.max(axis=-1, keepdims=True)
    exp = np.exp(shifted)
    return np.asarray(exp / exp.sum(axis=-1, keepdims=True))


def sigmoid(scores: np.ndarray) -> np.ndarray:
    return np.asarray(1.0 / (1.0 + np.exp(-scores)))


@dataclass(slots=True, frozen=True)
class Linear:
    """A standardised linear model: scores = ((x - mean) / scale) @ weights.T + bias."""

    weights: np.ndarray
    bias: np.ndarray
    mean: np.ndarray
    scale: np.ndarray

    def scores(self, rows: np.ndarray) -> np.ndarray:
        if rows.shape[1] != self.mean.shape[0]:
            raise ModelError(f"the learned coder's weights expect {self.mean.shape[0]} features "
                             f"and this version makes {rows.shape[1]}: run `make train`")
        return np.asarray(((rows - self.mean) / self.scale) @ self.weights.T + self.bias)


@dataclass(slots=True, frozen=True)
class CoderModel:
    family: str
    trigger: Linear
    source: Linear
    target: Linear
    calibration_x: np.ndarray
    calibration_y: np.ndarray
    meta: dict[str, Any]
    verifier: Linear | None = None  # P(the event is fully right) from `confidence_features`

    @property
    def none_max(self) -> float:
        """A candidate is an event when P(no event) is at most this (tuned on dev)."""
        return float(self.meta.get("none_max", 0.5))

    @property
    def source_threshold(self) -> float:
        """The best candidate is the source when P(source) is at least this (tuned on dev)."""
        return float(self.meta.get("source_threshold", 0.5))

    @property
    def dictionary_backoff(self) -> bool:
        """Take the dictionary's source or target where the learned heads choose none."""
        return bool(self.meta.get("dictionary_backoff", False))

    @property
    def target_threshold(self) -> float:
        return float(self.meta.get("target_threshold", 0.5))

    @property
    def nouns(self) -> frozenset[str]:
        return frozenset(self.meta["nouns"])

    def trigger_probabilities(self, rows: np.ndarray) -> np.ndarray:
        """(n, 17) probabilities over NONE and the 16 types."""
        return softmax(self.trigger.scores(rows))

    def role_probabilities(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """P(source), P(target) for each candidate actor."""
        return (sigmoid(self.source.scores(rows)[:, 0]),
                sigmoid(self.target.scores(rows)[:, 0]))

    def calibrated(self, raw: float) -> float:
        if self.calibration_x.size == 0:
            return raw
        return float(np.interp(raw, self.calibration_x, self.calibration_y))

    def confidence(self, features: np.ndarray) -> float:
        """The probability that an event is fully right, from its `confidence_features`: the
        verifier's score mapped by the calibration curve; without a verifier, the product of
        the type's and the two roles' probabilities (the first three features are their
        logarithms)."""
        if self.verifier is None:
            raw = float(np.exp(features[:3].sum()))
        else:
            raw = float(sigmoid(self.verifier.scores(features[None, :])[0, 0]))
        return self.calibrated(raw)

    def cameo_for(self, event_type: str, lemma: str) -> str:
        table = self.meta["cameo"]
        return str(table.get(f"{event_type}|{lemma}") or table[event_type])

    def save(self, path: Path) -> None:
        arrays: dict[str, Any] = {"meta": np.array(json.dumps(self.meta, sort_keys=True)),
                                  "calibration_x": self.calibration_x,
                                  "calibration_y": self.calibration_y}
        for name in ("trigger", "source", "target", "verifier"):
            linear: Linear | None = getattr(self, name)
            if linear is None:
                continue
            for part in ("weights", "bias", "mean", "scale"):
                arrays[f"{name}_{part}"] = np.asarray(getattr(linear, part), dtype=np.float32)
        np.savez_compressed(path, **arrays)


def read_model(source: Any) -> CoderModel:
    try:
        with np.load(source, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            heads = {name: Linear(*(np.asarray(data[f"{name}_{part}"])
                                    for part in ("weights", "bias", "mean", "scale")))
                     for name in ("trigger", "source", "target", "verifier")
                     if f"{name}_weights" in data.files}
            model = CoderModel(meta["family"], heads["trigger"], heads["source"],
                               heads["target"], np.asarray(data["calibration_x"]),
                               np.asarray(data["calibration_y"]), meta,
                               heads.get("verifier"))
    except (OSError, KeyError, ValueError) as exc:
        raise ModelError(f"{source}: not a newsevents coder model ({exc})") from exc
    if tuple(meta.get("labels", ())) != LABELS:
        raise ModelError(f"{source}: the model's labels do not match this version's types")
    return model


@cache
def load_model() -> CoderModel:
    """The shipped model (src/newsevents/data/learned/coder.npz)."""
    resource = resources.files("newsevents").joinpath(MODEL_FILE)
    if not resource.is_file():
        raise ModelError("the learned coder's weights are missing: run `make train`, or set "
                         "coder.engine = \"dictionary\"")
    with resources.as_file(resource) as path:
        return read_model(path)
