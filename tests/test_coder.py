"""The coder on sentences written for the purpose, with small dictionaries of our own: each test
ties a dictionary line to the code it must produce, and a sentence to the event it must give."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from newsevents.coder.events import EventCoder
from newsevents.dictionaries.lexicon import build_lexicon
from newsevents.nlp import get_nlp
from newsevents.records import Event
from newsevents.settings import DictionarySettings, load_settings

VERBS = """\
####### VERB PATTERNS #######
---  ATTACK   [190]  ---
ATTACK
STRIKE
---  THREATEN   [130]  ---
THREATEN
---  RESTORE   [---]  ---
RESTORE
- * TIES (WITH +)                    [064]
---  SAY   [010]  ---
SAY
---  ACCUSE   [112]  ---
ACCUSE
"""

ACTORS = """name,aliases,code,start,end,note
Arnor,Arnorian,ARN,,,
Gondor,Gondorian,GON,,,
Rohan,,ROH,,,
Aragorn Elessar,Aragorn,ARNGOV,2019-01-01,2022-12-31,king of Arnor
Aragorn Elessar,Aragorn,ARNELI,2023-01-01,,former king
"""

AGENTS = """phrase,code,note
troops,~MIL,
king,~GOV,
"""


@pytest.fixture(scope="module")
def coder(tmp_path_factory: pytest.TempPathFactory) -> EventCoder:
    folder = tmp_path_factory.mktemp("dicts")
    (folder / "test.verbs.txt").write_text(VERBS)
    (folder / "actors.csv").write_text(ACTORS)
    (folder / "agents.csv").write_text(AGENTS)
    settings = DictionarySettings(use_builtin=False, overlays=tuple(
        str(folder / name) for name in ("test.verbs.txt", "actors.csv", "agents.csv")))
    return EventCoder(build_lexicon(settings))


def _code(coder: EventCoder, text: str, day: date | None = None) -> list[Event]:
    doc = get_nlp(load_settings().nlp)(text)
    return coder.code(doc, "test", day)


def _triples(events: list[Event]) -> set[tuple[str | None, str | None, str]]:
    return {(e.source.code if e.source else None, e.target.code if e.target else None, e.cameo)
            for e in events}


def test_a_verb_line_codes_its_verb(coder: EventCoder) -> None:
    (event,) = _code(coder, "Arnor attacked Gondor on Monday.")
    assert (event.source.code, event.target.code, event.cameo) == ("ARN", "GON", "190")
    assert event.trigger == "attacked" and event.rule.startswith("test.verbs.txt:3")
    assert event.sentence == "Arnor attacked Gondor on Monday."
    assert event.quad_class == 4 and event.cameo_root == "19"
    text = "Arnor attacked Gondor on Monday."
    assert text[event.trigger_span[0]:event.trigger_span[1]] == "attacked"


def test_a_pattern_line_beats_the_verb_default(coder: EventCoder) -> None:
    events = _code(coder, "Arnor restored full diplomatic ties with Gondor.")
    assert _triples(events) == {("ARN", "GON", "064")}
    assert events[0].rule.endswith("* TIES (WITH +)")
    assert _code(coder, "Arnor restored the old bridge.") == []  # [---]: no event


def test_passive_takes_the_source_from_by(coder: EventCoder) -> None:
    assert _triples(_code(coder, "Gondor was attacked by Arnor.")) == {("ARN", "GON", "190")}


def test_conjoined_actors_give_one_event_per_pair(coder: EventCoder) -> None:
    assert _triples(_code(coder, "Arnor and Rohan attacked Gondor.")) == {
        ("ARN", "GON", "190"), ("ROH", "GON", "190")}


def test_negation_and_modality_are_flagged(coder: EventCoder) -> None:
    (negated,) = _code(coder, "Arnor did not attack Gondor.")
    assert negated.negated and not negated.hypothetical
    events = _code(coder, "Arnor threatened to attack Gondor.")
    threat = [e for e in events if e.cameo == "130"]
    attack = [e for e in events if e.cameo == "190"]
    assert threat and not threat[0].hypothetical
    assert attack and attack[0].hypothetical
    events = _code(coder, "Arnor may attack Gondor.")
    assert [e.hypothetical for e in events if e.cameo == "190"] == [True]


def test_a_future_attack_is_coded_as_the_threat_it_is(coder: EventCoder) -> None:
    events = _code(coder, "Arnor will attack Gondor.")
    attack = [e for e in events if e.cameo == "190"]
    threat = [e for e in events if e.cameo == "138"]
    assert attack and attack[0].hypothetical
    assert threat and not threat[0].hypothetical and threat[0].rule.startswith("intent (138)")
    assert (threat[0].source.code, threat[0].target.code) == ("ARN", "GON")
    # "threatened to attack" is already a threat: no second one
    assert [e.cameo for e in _code(coder, "Arnor threatened to attack Gondor.")
            if e.cameo.startswith("13")] == ["130"]


def test_reported_speech_codes_the_report_not_the_saying(coder: EventCoder) -> None:
    events = _code(coder, "Rohan said Arnor attacked Gondor.")
    assert _triples(events) == {("ARN", "GON", "190")}
    assert events[0].reported_by == "Rohan"


def test_agents_take_their_country_from_the_phrase(coder: EventCoder) -> None:
    assert _triples(_code(coder, "Arnorian troops attacked Gondor.")) == {
        ("ARNMIL", "GON", "190")}


def test_dated_roles_follow_the_article_date(coder: EventCoder) -> None:
    text = "Aragorn accused Gondor."
    (during,) = _code(coder, text, date(2021, 5, 1))
    (after,) = _code(coder, text, date(2024, 5, 1))
    assert (during.source.code, after.source.code) == ("ARNGOV", "ARNELI")


def test_pronouns_take_the_most_recent_compatible_actor(coder: EventCoder) -> None:
    events = _code(coder, "The Arnorian king met reporters. He accused Gondor of lying.")
    assert ("ARNGOV", "GON", "112") in _triples(events)


def test_an_unknown_actor_is_kept_with_its_text(coder: EventCoder) -> None:
    doc = get_nlp(load_settings().nlp)("Zorblax attacked Gondor.")
    coder.code(doc, "test", None)
    actors = {a.text: a for a in coder.last_actors.values()}
    assert actors["Zorblax"].code is None and actors["Gondor"].code == "GON"


def test_ids_are_stable(coder: EventCoder) -> None:
    first = _code(coder, "Arnor attacked Gondor.")
    second = _code(coder, "Arnor attacked Gondor.")
    assert [e.event_id for e in first] == [e.event_id for e in second]
    assert first[0].event_id != _code(coder, "Rohan attacked Gondor.")[0].event_id


def test_a_nominal_event_goes_both_ways_for_talks(tmp_path: Path) -> None:
    settings = load_settings().dictionaries
    coder = EventCoder(build_lexicon(settings))
    events = _code(coder, "Iran's president held a phone conversation with France's president.")
    triples = _triples(events)
    assert ("IRNGOV", "FRAGOV", "041") in triples and ("FRAGOV", "IRNGOV", "041") in triples


def test_a_capital_acting_is_its_government() -> None:
    coder = EventCoder(build_lexicon(load_settings().dictionaries))
    events = _code(coder, "Tehran accused Paris of interference.")
    assert ("IRNGOV", "FRA", "112") in _triples(events) or \
        ("IRNGOV", "FRAGOV", "112") in _triples(events)


def test_a_target_inside_an_object_phrase_keeps_its_conjuncts(coder: EventCoder) -> None:
    events = _code(coder, "Arnor restored full diplomatic ties with Gondor and Rohan.")
    assert _triples(events) == {("ARN", "GON", "064"), ("ARN", "ROH", "064")}
    # the head of the phrase before its possessor: "Gondor's troops", not "Gondor"
    events = _code(coder, "Arnor attacked the bases of Gondor's troops.")
    assert _triples(events) == {("ARN", "GONMIL", "190")}


def test_the_doers_own_pronoun_is_not_a_target(coder: EventCoder) -> None:
    events = _code(coder, "Arnor attacked its own capital.")
    assert _triples(events) == {("ARN", None, "190")}
    # nor are its own people: "its troops" in the doer's country
    real = EventCoder(build_lexicon(load_settings().dictionaries))
    assert _triples(_code(real, "Syria offered its troops.")) == {("SYR", None, "030")}
    assert _triples(_code(real, "Syria offered Lebanese troops.")) == {("SYR", "LBNMIL", "030")}
    # a pronoun for someone else still is
    events = _code(coder, "The Gondorian king spoke. Arnor attacked him.")
    assert ("ARN", "GONGOV", "190") in _triples(events)


def test_saying_that_someone_must_act_is_a_demand(coder: EventCoder) -> None:
    events = _code(coder, "Rohan said Gondor must restore the old bridge.")
    assert ("ROH", "GON", "100") in _triples(events)
    demand = next(e for e in events if e.cameo == "100")
    assert demand.trigger == "said" and not demand.hypothetical
    # a prediction is not a demand, nor is a denied obligation
    for text in ("Rohan said Gondor will restore the old bridge.",
                 "Rohan said Gondor must not restore the old bridge."):
        assert all(e.cameo != "100" for e in _code(coder, text)), text


def test_petrarch_compatible_mode_follows_petrarch_conventions(tmp_path: Path) -> None:
    folder = tmp_path
    (folder / "test.verbs.txt").write_text(VERBS)
    (folder / "actors.csv").write_text(ACTORS)
    settings = DictionarySettings(use_builtin=False, overlays=(
        str(folder / "test.verbs.txt"), str(folder / "actors.csv")))
    lexicon = build_lexicon(settings)
    ours, petrarch = EventCoder(lexicon), EventCoder(lexicon, petrarch_compatible=True)
    unknown = "Zorblax attacked Gondor."
    assert _triples(_code(ours, unknown)) == {(None, "GON", "190")}
    assert _code(petrarch, unknown) == []
    assert [e.cameo for e in _code(petrarch, "Arnor will attack Gondor.")] == ["190"]


def test_a_named_group_before_a_generic_noun_is_the_actor() -> None:
    coder = EventCoder(build_lexicon(load_settings().dictionaries))
    events = _code(coder, "The pro-Iranian Hezbollah group attacked Israeli troops.")
    assert ("LBNREB", "ISRMIL", "190") in _triples(events)
    # a country name there still combines with the agent
    events = _code(coder, "French troops attacked Mali rebels.")
    assert ("FRAMIL", "MLIREB", "190") in _triples(events)


@pytest.mark.parametrize(("text", "code"), [
    ("The United States Navy attacked a boat.", "USAMIL"),
    ("The United States Coast Guard seized a tanker.", "USAMIL"),
    ("The United Arab Emirates army shelled the town.", "AREMIL"),
    ("The Central African Republic army attacked the town.", "CAFMIL"),
])
def test_a_country_named_in_several_words_before_the_agent_is_its_country(
        text: str, code: str) -> None:
    """Each word of "the United States Navy" alone names no country; together they do."""
    coder = EventCoder(build_lexicon(load_settings().dictionaries))
    (event,) = [e for e in _code(coder, text) if e.source is not None]
    assert event.source.code == code


def test_an_agent_with_no_country_says_so(coder: EventCoder) -> None:
    (event,) = _code(coder, "Troops attacked Gondor.")
    assert event.source.code == "MIL" and event.source.country is None
    assert event.source.rule == "agent, no country found"


def test_a_year_in_the_sentence_no_longer_discards_it() -> None:
    lexicon = build_lexicon(load_settings().dictionaries)
    text = "A Dutch court sentenced a Syrian man for war crimes committed in 2012."
    ours = _code(EventCoder(lexicon), text)
    assert ("NLDJUD", "SYRPPL", "172") in _triples(ours)
    # Phoenix's discard file drops sentences naming 1914-2013; PETRARCH's mode still does
    assert _code(EventCoder(lexicon, petrarch_compatible=True), text) == []
    # other discards still apply
    assert any(not d.phrase[:1].isdigit() for d in lexicon.discards.values())
