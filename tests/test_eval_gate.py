"""The quality gate: every gold set is scored in CI and must stay above its pinned floor
(trafilatura's eval gate does the same). Floors live in tests/eval_floors.json."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from newsevents.coder.ranker import load_ranker
from newsevents.corpus import corpus_files
from newsevents.evaluation.runner import DEFAULT_FILES, evaluate
from newsevents.settings import load_settings
from tests.conftest import SHARED

GATES: dict[str, Any] = json.loads((Path(__file__).parent / "eval_floors.json").read_text())
GOLD = SHARED / "gold"
DATES_PLACES = Path(__file__).parent / "data" / "dates_places.tsv"
LEARNED_FROM = set(load_ranker().trained_on)  # the gold sets the shipped ranker learned from


OWN_SETS = {"dates": DATES_PLACES, "places": DATES_PLACES}  # ours, in tests/data
CORPUS = Path(__file__).parents[1] / "corpus"


def test_our_corpus_test_split_stays_above_its_floor() -> None:
    """The learned coder on the test split of our annotated corpus (never trained or tuned
    on), and its false alarms on pages with no political event."""
    gate = GATES["events"]
    files = [*corpus_files(CORPUS), CORPUS / "nonpolitical.tsv"]
    digest = hashlib.sha256(b"".join(hashlib.sha256(p.read_bytes()).digest()
                                     for p in files)).hexdigest()
    assert digest == gate["sha256"], "the corpus changed: re-measure and re-pin its floors"
    settings = load_settings().with_overrides(eval={
        "corpus": str(CORPUS), "nonpolitical": str(CORPUS / "nonpolitical.tsv"),
        "pages": str(SHARED / "bench/extraction/trafilatura/tests")})
    report = evaluate("events", settings, split="test")
    assert report["split"] == "test" and report["n"] > 300
    assert report["nonpolitical_pages"] >= 50
    for key, floor in gate["floors"].items():
        assert report[key] >= floor, f"events {key} {report[key]:.3f} fell below {floor}"
    for key, ceiling in gate.get("ceilings", {}).items():
        assert report[key] <= ceiling, f"events {key} {report[key]:.3f} rose above {ceiling}"


@pytest.mark.parametrize("name", sorted([*DEFAULT_FILES, *OWN_SETS]))
def test_gold_set_stays_above_its_floor(name: str) -> None:
    gate = GATES[name]
    path = OWN_SETS.get(name) or GOLD / DEFAULT_FILES[name]
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    assert digest == gate["sha256"], f"{path} changed: re-measure and re-pin its floors"
    settings = load_settings().with_overrides(eval={"gold_dir": str(GOLD)})
    report = evaluate(name, settings, file=path)
    assert report["n"] > 0
    if name in LEARNED_FROM and settings.coder.engine == "dictionary":
        # the dictionary engine's ranker learned from these sentences: figures by 5-fold CV
        assert report["ranker_cross_validated"] is True
    elif "ranker_cross_validated" in report:  # never saw them: scored as shipped
        assert report["ranker_cross_validated"] is False
    for key, floor in gate["floors"].items():
        assert report[key] >= floor, f"{name} {key} {report[key]:.3f} fell below {floor}"
    for key, ceiling in gate.get("ceilings", {}).items():
        assert report[key] <= ceiling, f"{name} {key} {report[key]:.3f} rose above {ceiling}"
