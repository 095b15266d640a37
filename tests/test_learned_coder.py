"""The learned coder: its stages on sentences written for the purpose, its model file, its
settings, the actor fixes it relies on, and that training is deterministic."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from newsevents.coder.engines import code_document
from newsevents.coder.events import EventCoder
from newsevents.corpus import GoldActor, GoldDocument, GoldEvent
from newsevents.dictionaries.lexicon import load_lexicon
from newsevents.errors import ModelError, SettingsError
from newsevents.learned.coder import LearnedCoder
from newsevents.learned.encoder import load_encoder
from newsevents.learned.features import LABELS
from newsevents.learned.model import load_model, read_model
from newsevents.nlp import get_nlp
from newsevents.records import Event
from newsevents.settings import load_settings

DAY = date(2024, 3, 14)


def _code(text: str, min_confidence: float = 0.0) -> tuple[list[Event], dict[str, int]]:
    settings = load_settings()
    doc = get_nlp(settings.nlp)(text)
    result = code_document(doc, load_lexicon(settings.dictionaries), "learned",
                           min_confidence, "a", DAY, None)
    return list(result.events), dict(result.dropped)


def test_the_shipped_model_loads_with_its_labels() -> None:
    model = load_model()
    assert model.family in ("minilm", "sparse")
    assert model.trigger.weights.shape[0] == len(LABELS)
    assert 0.0 < model.none_max <= 1.0
    assert all(0.0 <= model.calibrated(x) <= 1.0 for x in (0.0, 0.3, 0.9, 1.0))


def test_a_damaged_model_file_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "coder.npz"
    path.write_bytes(b"not a model")
    with pytest.raises(ModelError) as caught:
        read_model(path)
    assert str(caught.value).startswith(f"{path}: not a newsevents coder model")
    assert "\n" not in str(caught.value)


def test_the_encoder_gives_states_aligned_with_characters() -> None:
    (encoded,) = load_encoder().encode(["Police arrested five protesters."])
    assert encoded.states.shape[1] == 384 == encoded.pooled.shape[0]
    assert abs(float(np.linalg.norm(encoded.pooled)) - 1.0) < 1e-4
    arrested = encoded.span_vector(7, 15)
    assert not np.allclose(arrested, encoded.span_vector(0, 6))


def test_a_sentence_encodes_the_same_whatever_is_encoded_with_it() -> None:
    """Activations are quantised per call: a sentence must not depend on its neighbours."""
    alone, = load_encoder().encode(["Police arrested five protesters."])
    _, among, _ = load_encoder().encode(["A much longer sentence about the weather in Oslo, "
                                         "with numbers like 1,234,567 in it.",
                                         "Police arrested five protesters.", "Yes."])
    assert np.array_equal(alone.states, among.states)
    assert np.array_equal(alone.pooled, among.pooled)


def test_the_quantiser_gives_the_same_bytes_every_time(tmp_path: Path) -> None:
    """`make encoder` ends with this step; here from the PyPI model (fine-tuning needs torch,
    which CI does not install)."""
    from newsevents.learned.quantize import build

    first = build(tmp_path / "a" / "minilm-q8.onnx")
    second = build(tmp_path / "b" / "minilm-q8.onnx")
    assert first == second
    assert (tmp_path / "a" / "minilm-q8.weights").read_bytes() == \
        (tmp_path / "b" / "minilm-q8.weights").read_bytes()


def test_the_shipped_encoder_is_the_one_make_encoder_last_wrote() -> None:
    """The committed int8 encoder is the file `make encoder` reported (its fine-tuning run,
    with its settings and losses, is in docs/encoder-report.json)."""
    import hashlib
    import json
    from importlib import resources

    report = json.loads((Path(__file__).parents[1] / "docs" / "encoder-report.json")
                        .read_text("utf-8"))
    shipped = resources.files("newsevents").joinpath("data/learned")
    graph, weights = (shipped.joinpath(f"minilm-q8.{part}").read_bytes()
                      for part in ("onnx", "weights"))
    assert report["sha256"] == hashlib.sha256(graph + weights).hexdigest()
    assert report["epochs"] >= 1 and len(report["mean_loss_by_epoch"]) == report["epochs"]


def test_an_arrest_is_coded_with_its_actors_and_a_probability() -> None:
    events, _ = _code("Nigerian police arrested five opposition activists in Lagos on Monday.")
    arrests = [e for e in events if e.trigger.startswith("arrest")]
    assert arrests, events
    (arrest,) = arrests
    assert arrest.plover["event"] == "COERCE" and arrest.cameo.startswith("17")
    assert arrest.source is not None and (arrest.source.code or "").startswith("NGA")
    assert 0.0 <= arrest.confidence <= 1.0
    assert arrest.rule.startswith("learned: COERCE")
    assert arrest.date == "2024-03-11" and arrest.date_precision == "day"


def test_the_same_text_gives_the_same_events_and_ids() -> None:
    text = "Russia expelled two French diplomats. France condemned the decision."
    assert _code(text) == _code(text)


def test_the_threshold_keeps_unsure_events_out_and_counts_them() -> None:
    text = "Russia expelled two French diplomats on Tuesday."
    everything, _ = _code(text)
    assert everything
    kept, dropped = _code(text, min_confidence=1.0)
    assert kept == [] and dropped["below the confidence threshold"] >= len(everything)


@pytest.mark.parametrize("text", [
    "The storm killed three people and destroyed hundreds of homes.",
    "LeBron James hit a three-pointer as the Lakers beat the Celtics.",
])
def test_no_event_without_a_coded_political_actor(text: str) -> None:
    events, _ = _code(text)
    assert events == []


def test_the_dictionary_engine_stays_selectable() -> None:
    settings = load_settings().with_overrides(coder={"engine": "dictionary"})
    doc = get_nlp(settings.nlp)("Iran accused France of harbouring terrorists.")
    result = code_document(doc, load_lexicon(settings.dictionaries), settings.coder.engine,
                           settings.coder.min_confidence, "a", DAY, None)
    assert result.events and all(not e.rule.startswith("learned") for e in result.events)
    with pytest.raises(SettingsError, match=r"coder\.engine"):
        load_settings().with_overrides(coder={"engine": "oracle"})


def _actors_by_text(text: str) -> dict[str, str | None]:
    coder = EventCoder(load_lexicon(load_settings().dictionaries))
    coder.code(get_nlp(load_settings().nlp)(text), "a", DAY)
    return {a.text: a.code for a in coder.last_actors.values()}


def test_a_pronoun_does_not_reach_into_another_paragraph() -> None:
    same = _actors_by_text("The Iranian president arrived in Paris. He met students.")
    other = _actors_by_text("The Iranian president arrived in Paris.\n\nHe met students.")
    assert (same["He"] or "").startswith("IRN")
    assert other.get("He") is None


def test_no_country_leaks_from_another_story_in_the_article() -> None:
    actors = _actors_by_text("Israeli troops raided a camp near Jenin on Monday.\n\n"
                             "Gunmen killed three villagers in central Mali.")
    assert not (actors.get("Gunmen") or "").startswith("ISR")
    assert not (actors.get("three villagers") or "").startswith("ISR")


def test_a_country_adjective_is_the_source_of_an_attack() -> None:
    events, _ = _code("A Russian missile strike hit a hotel in Kryvyi Rih, killing four "
                      "Ukrainian civilians.")
    assert any(e.plover["event"] == "ASSAULT" and e.source is not None and
               (e.source.code or "").startswith("RUS") for e in events), events


def _tiny_corpus() -> Sequence[GoldDocument]:
    rows = [("Police arrested the protest leaders in Cairo.", "arrested", "COERCE", "173",
             ("Police", "EGY", "COP"), ("the protest leaders", "EGY", "CVL")),
            ("Israel bombed Hamas positions in Gaza.", "bombed", "ASSAULT", "195",
             ("Israel", "ISR", None), ("Hamas", "PSE", "REB")),
            ("The Lakers beat the Celtics in Boston.", "", "", "", None, None),
            ("Kenya's president met Ethiopia's prime minister.", "met", "CONSULT", "040",
             ("Kenya's president", "KEN", "GOV"), ("Ethiopia's prime minister", "ETH", "GOV"))]
    out = []
    for n, (text, trigger, plover, cameo, source, target) in enumerate(rows * 3):
        events = () if not trigger else (GoldEvent(
            text, trigger, plover, (), cameo, GoldActor(*source) if source else None,
            GoldActor(*target) if target else None, False, False, "none", None, None, False,
            0),)
        out.append(GoldDocument(f"t{n}", text, None, "", "T", 1, events, False, "t", n))
    return out


def test_training_is_deterministic() -> None:
    from newsevents.learned.train import train_family

    documents = _tiny_corpus()
    first, report = train_family("minilm", documents[:8], documents[8:], 0.1, 0.1)
    second, _ = train_family("minilm", documents[:8], documents[8:], 0.1, 0.1)
    for head in ("trigger", "source", "target"):
        assert np.array_equal(getattr(first, head).weights, getattr(second, head).weights)
    assert (first.verifier is None) == (second.verifier is None)
    if first.verifier is not None and second.verifier is not None:
        assert np.array_equal(first.verifier.weights, second.verifier.weights)
    assert np.array_equal(first.calibration_y, second.calibration_y)
    assert first.meta == second.meta
    assert report["n"] == 4
    coder = LearnedCoder(load_lexicon(load_settings().dictionaries), first)
    doc = get_nlp(load_settings().nlp)("Police arrested the protest leaders in Cairo.")
    assert [e.plover["event"] for e in coder.code(doc, "x", DAY).events] == ["COERCE"]


def test_fine_tuning_sees_the_candidates_and_labels_the_heads_train_on() -> None:
    """The encoder is fine-tuned on the same trigger candidates, labels and hand features
    as the type head (the part of `make encoder` that needs no torch)."""
    from newsevents.coder.events import EventCoder
    from newsevents.learned.features import LABELS
    from newsevents.learned.finetune import candidate_rows
    from newsevents.learned.train import analyse_all, collect, parse_documents, trigger_nouns

    documents = _tiny_corpus()
    rows = candidate_rows(documents)
    docs = parse_documents(documents)
    engine = EventCoder(load_lexicon(load_settings().dictionaries), intents=False, rank=False)
    examples = collect(documents, analyse_all(documents, docs, engine,
                                              trigger_nouns(documents, docs), "minilm"),
                       "minilm")
    assert rows.labels == examples.trigger_labels
    assert {LABELS[y] for y in rows.labels} == {"NONE", "COERCE", "ASSAULT", "CONSULT"}
    for row, (sentence, start, end), hand in zip(examples.trigger_rows, rows.where, rows.hand,
                                                strict=True):
        assert np.array_equal(row[-len(hand):], hand)  # the hand features, after the states
        assert 0 <= start < end <= len(rows.sentences[sentence])
    triggers = {rows.sentences[s][a:b] for (s, a, b), y in zip(rows.where, rows.labels,
                                                                strict=True) if y}
    assert triggers == {"arrested", "bombed", "met"}


CONTEXTS = [
    ("The Kenyan government announced new measures on Monday.",
     "Jorvik Tallan accused the opposition of fraud.", "KEN"),
    ("Brazil's president met ministers in Brasilia.",
     "Mara Quillfeather condemned the protesters for the violence.", "BRA"),
    ("Police in Pakistan detained two journalists on Tuesday.",
     "Dashiel Okonkwo-Ferris demanded their release.", "PAK"),
]


def _resolved(text: str) -> tuple[list[Event], dict[str, int]]:
    """Every trigger candidate coded as an event of its likeliest type (P(NONE) ignored):
    what the resolve stage makes of the actors, whatever the type head thinks."""
    from dataclasses import replace

    model = load_model()
    every = replace(model, meta={**model.meta, "none_max": 1.0})
    coder = LearnedCoder(load_lexicon(load_settings().dictionaries), every)
    result = coder.code(get_nlp(load_settings().nlp)(text), "a", DAY)
    return list(result.events), dict(result.dropped)


@pytest.mark.parametrize(("context", "act", "country"), CONTEXTS)
def test_a_name_in_no_dictionary_takes_its_paragraphs_country(context: str, act: str,
                                                              country: str) -> None:
    """The guide codes an actor's country from the text around it ("null only when the
    text gives no way to know")."""
    doer = act.split(" ")[0]
    events, _ = _resolved(f"{context} {act}")
    sources = {e.source.code for e in events if e.source and e.source.text.startswith(doer)}
    assert sources == {country}, events


@pytest.mark.parametrize(("context", "act", "country"), [CONTEXTS[0], CONTEXTS[2]])
def test_another_paragraph_naming_a_country_once_gives_a_name_no_country(
        context: str, act: str, country: str) -> None:
    """A new paragraph is another context; only a country that dominates the whole
    article (named three times and by half its actors) reaches across paragraphs."""
    doer = act.split(" ")[0]
    events, _ = _resolved(f"{context}\n\n{act}")
    assert not [e for e in events if e.source and e.source.text.startswith(doer)
                and e.source.country], events


@pytest.mark.parametrize(("text", "trigger", "actor", "flags"), [
    ("Trump had a phone conversation with Erdogan.", "conversation", "Trump", [1.0, 0.0, 0.0]),
    ("The airstrike was carried out by the United States Navy.", "airstrike", "Navy",
     [0.0, 1.0, 0.0]),
    ("Israel launched an offensive against Hamas.", "offensive", "Israel", [1.0, 0.0, 0.0]),
    ("Israel launched an offensive against Hamas.", "launched", "Israel", [0.0, 0.0, 0.0]),
])
def test_an_event_nouns_doer_is_seen_through_the_verb_that_carries_it(
        text: str, trigger: str, actor: str, flags: list[float]) -> None:
    """Role features for event nouns: the light verb's subject, the passive agent of the
    verb describing the noun (a verb trigger has its own subject features instead)."""
    from newsevents.learned.features import _noun_governor_roles

    doc = get_nlp(load_settings().nlp)(text)
    (noun,) = [t for t in doc if t.text == trigger]
    (head,) = [t for t in doc if t.text == actor]
    assert _noun_governor_roles(head, noun) == flags


def test_a_less_specific_copy_of_an_event_in_its_sentence_is_dropped() -> None:
    """Same sentence, type, negation and modality; agrees where it names a country and
    names none where the other does: a copy. Anything else is another event."""
    from dataclasses import replace

    from newsevents.learned.coder import specific_events

    events, _ = _code("Sudanese rebels attacked the army in Kurmuk, Sudan.")
    (full,) = [e for e in events if e.trigger == "attacked"]
    assert full.source is not None and full.source.country and full.target is not None
    no_doer = replace(full, source=None, event_id="b")
    other_target = replace(no_doer, target=replace(full.target, code="ETHMIL"), event_id="c")
    denied = replace(no_doer, negated=True, event_id="d")
    other_type = replace(no_doer, plover={**full.plover, "event": "COERCE"}, event_id="e")
    other_sentence = replace(no_doer, sentence_index=full.sentence_index + 1, event_id="f")
    assert specific_events([no_doer, full]) == [full]
    kept = [other_target, denied, other_type, other_sentence]
    assert specific_events([full, *kept]) == [full, *kept]
    assert specific_events([full, replace(full, event_id="g")]) == [full, replace(
        full, event_id="g")]  # equals are left to the merge of duplicates
    for text in ("Fighting broke out in Kurmuk, Sudan, as rebels attacked the army.",
                 "Clashes erupted in Khartoum after Sudanese troops shelled rebel positions.",
                 "Police arrested protesters in Lagos as arrests spread across Nigeria."):
        printed, _ = _code(text)  # what the coder prints holds no less specific copy
        assert printed and specific_events(printed) == printed


def test_an_events_confidence_is_read_from_the_features_it_explains() -> None:
    settings = load_settings()
    doc = get_nlp(settings.nlp)("Russia expelled two French diplomats on Tuesday. Police in "
                                "Lagos arrested five opposition activists.")
    lexicon = load_lexicon(settings.dictionaries)
    model = load_model()
    explained = LearnedCoder(lexicon, model, explain=True).code(doc, "a", DAY)
    plain = LearnedCoder(lexicon, model).code(doc, "a", DAY)
    assert explained.events == plain.events and len(plain.events) >= 2
    assert plain.features == ()
    rows = dict(explained.features)
    for event in explained.events:
        assert round(model.confidence(np.asarray(rows[event.event_id])), 3) == event.confidence


def test_the_verifier_travels_with_the_model_file(tmp_path: Path) -> None:
    from dataclasses import replace

    from newsevents.learned.model import Linear

    model = load_model()
    settings = load_settings()
    doc = get_nlp(settings.nlp)("Police in Lagos arrested five opposition activists.")
    coded = LearnedCoder(load_lexicon(settings.dictionaries), model, explain=True).code(
        doc, "a", DAY)
    width = len(coded.features[0][1])  # confidence_features' length
    weights = np.zeros((1, width), dtype=np.float32)
    weights[0, 5] = 3.0  # the dictionary gave the trigger this root
    verifier = Linear(weights, np.zeros(1, np.float32), np.zeros(width, np.float32),
                      np.ones(width, np.float32))
    flat = np.linspace(0, 1, 11, dtype=np.float32)
    mine = replace(model, verifier=verifier, calibration_x=flat, calibration_y=flat)
    mine.save(tmp_path / "coder.npz")
    back = read_model(tmp_path / "coder.npz")
    assert back.verifier is not None
    assert np.array_equal(back.verifier.weights, weights)
    agreed, other = np.zeros(width, np.float32), np.zeros(width, np.float32)
    agreed[5] = 1.0
    assert back.confidence(agreed) == pytest.approx(1 / (1 + np.exp(-3.0)), abs=1e-6)
    assert back.confidence(other) == pytest.approx(0.5)
    without = replace(model, verifier=None, calibration_x=flat[:0], calibration_y=flat[:0])
    logs = np.log(np.asarray([0.9, 0.5, 0.8], np.float32))
    assert without.confidence(np.concatenate([logs, other[3:]])) == pytest.approx(0.36)


def test_the_verifier_learns_which_events_are_right() -> None:
    """A feature that marks right events raises the confidence, and the curve is fitted on
    scores from verifiers that did not see the document: noise features gain nothing."""
    from newsevents.learned.train import fit_verifier

    rng = np.random.default_rng(3)
    rows, right, groups = [], [], []
    for n in range(600):
        row = rng.normal(size=20).astype(np.float32)
        good = rng.random() < 0.4
        row[5] = float(good if rng.random() < 0.85 else not good)
        rows.append(row)
        right.append(int(good))
        groups.append(f"d{n // 3}")
    verifier, x, y = fit_verifier(rows, right, groups)
    assert verifier is not None and x.size == y.size > 0
    assert np.all(np.diff(y) >= -1e-6)  # a curve that never goes down
    scores = 1 / (1 + np.exp(-verifier.scores(np.vstack(rows))[:, 0]))
    marked = np.asarray([r[5] for r in rows]) == 1.0
    assert scores[marked].mean() > scores[~marked].mean() + 0.3
    mapped = np.interp(scores, x, y)
    truth = np.asarray(right, dtype=float)
    for band in (marked, ~marked):  # the calibrated share matches the share right
        assert abs(mapped[band].mean() - truth[band].mean()) < 0.08


def test_a_region_is_not_given_the_country_of_the_place_or_paragraph() -> None:
    from newsevents.coder.geography import CAMEO_REGIONS
    from newsevents.learned.coder import _placed
    from newsevents.records import Actor

    for region in sorted(CAMEO_REGIONS):  # "the West" in a sentence placed in Russia
        actor = Actor("x", region)
        assert _placed(actor, "RUS", "RUS") is actor
    for body in ("IGO", "NGO", "MNC"):
        assert _placed(Actor("x", body), "RUS", "RUS").code == body  # type: ignore[union-attr]
    police = _placed(Actor("police", "COP"), "RUS", None)
    assert police is not None and (police.code, police.country) == ("RUSCOP", "RUS")
    events, _ = _code("Western countries condemned the Russian attack on Kyiv. European "
                      "leaders criticized Moscow after the strike in Ukraine.")
    for event in events:
        for actor in (event.source, event.target):
            code = actor.code if actor is not None else None
            assert not (code and len(code) >= 6 and code[3:6] in CAMEO_REGIONS), event


def test_what_a_kept_event_s_confidence_was_read_from_is_its_own() -> None:
    """Conjoined actors with one code give events with one id; the one kept is the first,
    and so are the features the verifier is trained on."""
    settings = load_settings()
    coder = LearnedCoder(load_lexicon(settings.dictionaries), explain=True)
    nlp = get_nlp(settings.nlp)
    checked = 0
    for text in ("President Joe Biden and Secretary of State Antony Blinken condemned Iran on "
                 "Monday.",
                 "Joe Biden and Kamala Harris criticized the Iranian government on Monday.",
                 "Russian soldiers and Russian troops attacked Ukrainian positions near "
                 "Bakhmut on Monday."):
        result = coder.code(nlp(text), "a", DAY)
        features = dict(result.features)
        for event in result.events:
            row = np.asarray(features[event.event_id], dtype=np.float32)
            assert round(coder.model.confidence(row), 3) == event.confidence, text
            checked += 1
    assert checked >= 3

