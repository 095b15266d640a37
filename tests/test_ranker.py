"""The event ranker: its trainer, its shipped model, and the cross-validation that keeps the
gold-set figures honest."""

from __future__ import annotations

import json
from dataclasses import replace
from importlib import resources

from newsevents.coder.ranker import Ranker, load_ranker, train
from newsevents.evaluation.runner import Coded, cross_validated, primary, text_key
from newsevents.records import Event


def _rows() -> tuple[list[dict[str, float]], list[bool]]:
    rows, labels = [], []
    for n in range(60):
        plain = n % 3 != 0
        rows.append({"kind=verb": 1.0, "hypothetical": float(not plain), f"noise={n % 7}": 1.0})
        labels.append(plain if n % 10 else not plain)  # mostly: plain events are right
    return rows, labels


def test_the_trainer_learns_which_feature_predicts_the_label() -> None:
    rows, labels = _rows()
    model = train(rows, labels)
    assert model.weights["hypothetical"] < 0
    assert model.score({"kind=verb": 1.0}) > model.score({"kind=verb": 1.0, "hypothetical": 1.0})
    assert 0.0 < model.score({}) < 1.0


def test_training_is_deterministic_and_round_trips_through_json() -> None:
    rows, labels = _rows()
    first, second = train(rows, labels), train(rows, labels)
    assert first == second
    data = json.loads(replace(first, trained_on={"x": "abc"}).to_json())
    back = Ranker(data["weights"], data["bias"], data["trained_on"])
    assert abs(back.score(rows[0]) - first.score(rows[0])) < 1e-4


def test_the_shipped_model_records_the_gold_files_it_learned_from() -> None:
    model = load_ranker()
    assert set(model.trained_on) == {"plover-gsr"}  # CC BY-SA 4.0 data only (see NOTICE)
    assert all(len(digest) == 64 for digest in model.trained_on.values())
    text = resources.files("newsevents").joinpath("data/coder/ranker.json").read_text()
    assert json.loads(text)["weights"]


def _sentence(n: int, event: Event, features: dict[str, float]) -> Coded:
    return Coded(f"Sentence number {n}.", (event,), (features,))


def test_a_sentences_score_never_depends_on_its_own_label() -> None:
    event = Event(event_id="e", article_id="a", sentence_index=0, sentence="s", trigger="t",
                  trigger_span=(0, 1), source=None, target=None, cameo="190",
                  cameo_root="19", quad_class=4, goldstein=-10.0,
                  plover={"event": "ASSAULT", "mode": None})
    coded = [_sentence(n, event, {f"f={n % 4}": 1.0, "g": 1.0}) for n in range(20)]
    examples = [(text_key(c.text), c.features[0], n % 2 == 0) for n, c in enumerate(coded)]
    flipped = [(key, row, not label) if key == text_key(coded[3].text) else (key, row, label)
               for key, row, label in examples]
    before = cross_validated(coded, examples)[3].events[0].confidence
    after = cross_validated(coded, flipped)[3].events[0].confidence
    assert before == after
    # while another fold's sentence does move it
    moved = [(key, row, not label) for key, row, label in examples]
    assert cross_validated(coded, moved)[3].events[0].confidence != before


def test_the_primary_event_is_the_most_confident_plain_one() -> None:
    base = Event(event_id="e", article_id="a", sentence_index=0, sentence="s", trigger="t",
                 trigger_span=(0, 1), source=None, target=None, cameo="190", cameo_root="19",
                 quad_class=4, goldstein=-10.0, plover={"event": "ASSAULT", "mode": None})
    low = replace(base, event_id="low", confidence=0.2)
    high = replace(base, event_id="high", trigger_span=(5, 6), confidence=0.9)
    maybe = replace(base, event_id="maybe", confidence=0.99, hypothetical=True)
    assert primary([low, high, maybe]) is high
    assert primary([maybe]) is maybe
    assert primary([]) is None
    tie = replace(high, event_id="tie", trigger_span=(9, 10))
    assert primary([tie, high]) is high  # the earliest on a tie
