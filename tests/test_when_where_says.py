"""Dates, places and sourcing, one behaviour per test, on sentences written for the purpose."""

from __future__ import annotations

import logging
import os
from datetime import date
from pathlib import Path

import pytest

from newsevents.coder.events import Candidate, EventCoder
from newsevents.dictionaries.lexicon import load_lexicon
from newsevents.dictionaries.verbs import Code
from newsevents.export import flat_event
from newsevents.gdelt import COLUMNS, gdelt_cells
from newsevents.nlp import get_nlp
from newsevents.records import Article, Event
from newsevents.says.attribution import attribution_of, claim_type
from newsevents.settings import load_settings
from newsevents.when.expressions import resolve_expression
from newsevents.when.published import infer_published
from newsevents.where import gazetteer as gazetteer_module
from newsevents.where.gazetteer import load_gazetteer, normalize_place

THURSDAY = date(2023, 6, 15)


@pytest.mark.parametrize(("text", "future", "expected"), [
    ("on June 10", False, ("2023-06-10", "day")),
    ("on June 20", False, ("2022-06-20", "day")),  # news prefers the past
    ("on June 20", True, ("2023-06-20", "day")),
    ("last month", False, ("2023-05-01", "month")),
    ("in September", False, ("2022-09-01", "month")),
    ("in 2021", False, ("2021-01-01", "year")),
    ("between 2021 and 2022", False, ("2021-01-01", "year")),
    ("in June 2018", False, ("2018-06-01", "month")),
    ("on March 3, 2020", False, ("2020-03-03", "day")),
    ("yesterday", False, ("2023-06-14", "day")),
    ("earlier this month", False, ("2023-06-01", "month")),
    ("on Saturday", False, ("2023-06-10", "day")),
    ("on Thursday", False, ("2023-06-15", "day")),  # Thursday's paper: today
    ("on Monday", True, ("2023-06-19", "day")),
])
def test_time_expressions_resolve_against_the_article_date(
        text: str, future: bool, expected: tuple[str, str]) -> None:
    value = resolve_expression(text, THURSDAY, future)
    assert value is not None and (value.iso(), value.precision) == expected


@pytest.mark.parametrize("text", ["for months", "the past four decades", "last week",
                                  "the weekend", "20 years"])
def test_durations_and_vague_periods_are_not_dates(text: str) -> None:
    assert resolve_expression(text, THURSDAY) is None


@pytest.mark.parametrize("text", ["0645 UTC", "at 0900 hours", "resolution 2259",
                                  "Flight 370", "2259"])
def test_clock_times_and_numbers_are_never_years(text: str) -> None:
    assert resolve_expression(text, THURSDAY) is None


def test_a_clock_time_does_not_hide_the_day_beside_it() -> None:
    value = resolve_expression("at 1430 GMT on Monday", THURSDAY)
    assert value is not None and (value.iso(), value.precision) == ("2023-06-12", "day")


@pytest.mark.parametrize(("text", "trigger", "expected"), [
    # an undated act the sentence places earlier is flagged, not given the article's date
    ("Soldiers previously arrested the opposition leader in the capital.", "arrested",
     (None, "background")),
    ("The army had arrested the opposition leader before the vote.", "arrested",
     (None, "background")),
    ("Police arrested the opposition leader in the capital.", "arrested",
     ("2023-06-15", "article")),
    ("Police arrested the opposition leader in 2019.", "arrested", ("2019-01-01", "year")),
])
def test_background_events_keep_their_own_date_or_are_flagged(
        text: str, trigger: str, expected: tuple[str | None, str]) -> None:
    coder = EventCoder(load_lexicon(load_settings().dictionaries))
    doc = get_nlp(load_settings().nlp)(text)
    events = [e for e in coder.code(doc, "a", THURSDAY) if e.trigger == trigger]
    assert events and {(e.date, e.date_precision) for e in events} == {expected}


@pytest.mark.parametrize(("text", "expected"), [
    # an event whose sentence names no time takes the day an earlier sentence gave the story
    ("On Tuesday, soldiers attacked a village in the north. Police arrested the opposition "
     "leader in the capital.", ("2023-06-13", "story")),
    # ... unless its own sentence names a time, attached to the event or not
    ("On Tuesday, soldiers attacked a village in the north. Police arrested the opposition "
     "leader in the capital in 2019.", ("2019-01-01", "year")),
    ("On Tuesday, soldiers attacked a village in the north. Police arrested the opposition "
     "leader, who was elected in 2019.", ("2023-06-15", "article")),
    # ... or it is an indefinite past ("have arrested"), or the earlier day is still to come,
    # said in the future or in the present
    ("On Tuesday, soldiers attacked a village in the north. Police have arrested the "
     "opposition leader in the capital.", ("2023-06-15", "article")),
    ("The parliament will vote on June 20. Police arrested the opposition leader in the "
     "capital.", ("2023-06-15", "article")),
    ("The election is on June 20. Police arrested the opposition leader in the capital.",
     ("2023-06-15", "article")),
    # the last day named before the event's sentence is the story's
    ("On June 1, rebels attacked a base. On Tuesday, soldiers attacked a village. Police "
     "arrested the opposition leader in the capital.", ("2023-06-13", "story")),
    # a day named on the story's first act, whatever the words between ("the attack *on*
    # Tuesday killed", "Tuesday's attack killed")
    ("The attack on Tuesday killed five soldiers in the north. Police arrested the "
     "opposition leader in the capital.", ("2023-06-13", "story")),
    ("Tuesday's attack killed five soldiers in the north. Police arrested the opposition "
     "leader in the capital.", ("2023-06-13", "story")),
    # a time of the event's own that cannot be read as a day is not the story's day ...
    ("On Tuesday, soldiers attacked a village in the north. In the 1990s, police arrested "
     "the opposition leader in the capital.", ("2023-06-15", "article")),
    ("On Tuesday, soldiers attacked a village in the north. For decades, police arrested "
     "opposition leaders in the capital.", ("2023-06-15", "article")),
    # ... but a length of time names no time
    ("On Tuesday, soldiers attacked a village in the north. Police arrested the opposition "
     "leader after a search of two weeks.", ("2023-06-13", "story")),
])
def test_an_undated_event_takes_the_day_of_its_story(text: str,
                                                     expected: tuple[str, str]) -> None:
    coder = EventCoder(load_lexicon(load_settings().dictionaries))
    doc = get_nlp(load_settings().nlp)(text)
    events = [e for e in coder.code(doc, "a", THURSDAY) if e.trigger == "arrested"]
    assert events and {(e.date, e.date_precision) for e in events} == {expected}


@pytest.mark.parametrize(("text", "noun", "expected"), [
    # an event noun's tense and flags are its verb's when the verb carries the act out ...
    ("Iran had held talks with France in Paris.", "talks", (None, "background", False, False)),
    ("Iran will hold talks with France in Paris.", "talks", ("2023-06-15", "article", False,
                                                             True)),
    ("Iran did not hold talks with France in Paris.", "talks", ("2023-06-15", "article", True,
                                                                False)),
    ("Russia carried out strikes on Kyiv.", "strikes", ("2023-06-15", "article", False, False)),
    ("Talks between Iran and France will resume in Paris.", "Talks",
     ("2023-06-15", "article", False, True)),
    # ... not when it acts on an event that happened anyway
    ("France did not condemn the strikes on Kyiv.", "strikes", ("2023-06-15", "article", False,
                                                                False)),
    ("France will condemn the strikes on Kyiv.", "strikes", ("2023-06-15", "article", False,
                                                             False)),
])
def test_an_event_noun_takes_tense_negation_and_modality_from_the_verb_doing_it(
        text: str, noun: str, expected: tuple[str | None, str, bool, bool]) -> None:
    coder = EventCoder(load_lexicon(load_settings().dictionaries))
    doc = _doc(text)
    coder.code(doc, "a", THURSDAY)  # the document's dates and actors
    (trigger,) = [t for t in doc if t.text == noun]
    candidate = Candidate(trigger, Code("040"), [], [], "test", "nominal")
    event = coder.record(candidate, "040", None, None, "a", 0, next(iter(doc.sents)))
    assert event is not None
    assert (event.date, event.date_precision, event.negated, event.hypothetical) == expected


def test_a_story_day_is_carried_when_the_publication_date_is_inferred() -> None:
    """With no publication date, the article is dated by its latest reference (June 2023);
    the day that reference names is still the story's."""
    coder = EventCoder(load_lexicon(load_settings().dictionaries))
    doc = get_nlp(load_settings().nlp)("On June 10, soldiers attacked a village in the north. "
                                       "Police arrested the opposition leader in the capital.")
    events = [e for e in coder.code(doc, "a", None, date(2023, 12, 7))
              if e.trigger == "arrested"]
    assert events and {(e.date, e.date_precision) for e in events} == {("2023-06-10", "story")}


def test_without_an_article_date_only_dates_with_a_year_resolve() -> None:
    assert resolve_expression("on June 10", None) is None
    value = resolve_expression("June 10, 2021", None)
    assert value is not None and value.iso() == "2021-06-10"


def _doc(text: str):  # type: ignore[no-untyped-def]
    return get_nlp(load_settings().nlp)(text)


def test_the_publication_date_comes_from_the_latest_past_reference() -> None:
    text = ("Officials met in Paris on June 10, two weeks after the vote of 2022. "
            "A newspaper reported on June 11 that the talks were recent.")
    found = infer_published(_doc(text), date(2023, 12, 7))
    assert found is not None
    assert (found.claim.iso(), found.claim.precision) == ("2023-06-01", "month")
    assert found.base == date(2023, 6, 11)
    # a date the text looks forward to is not evidence of when it was written
    text = "The parliament will vote on November 20, officials said on June 11."
    found = infer_published(_doc(text), date(2023, 12, 7))
    assert found is not None and found.base == date(2023, 6, 11)
    assert infer_published(_doc("Officials met and talked about the weather."), None) is None


def test_only_years_give_a_year() -> None:
    found = infer_published(_doc("The 2019 agreement was signed by both sides in 2021."), None)
    assert found is not None and (found.claim.iso(), found.claim.precision) == (
        "2021-01-01", "year")


def _events(text: str, day: date = THURSDAY) -> list[Event]:
    coder = EventCoder(load_lexicon(load_settings().dictionaries))
    return coder.code(_doc(text), "t", day)


def test_each_event_takes_its_own_time_expression_not_the_sentences() -> None:
    events = _events("A Belgian court sentenced the diplomat in 2021, three years after "
                     "Iranian agents attacked a rally in June 2018.")
    dated = {e.trigger: (e.date, e.date_precision) for e in events}
    assert dated["sentenced"] == ("2021-01-01", "year")
    assert dated["attacked"] == ("2018-06-01", "month")


def test_the_future_takes_the_next_day_and_no_time_takes_the_article_date() -> None:
    visits = [e for e in _events("The French president will visit Iran on Monday.")
              if e.trigger == "visit"]
    assert visits and {(e.date, e.date_precision) for e in visits} == {("2023-06-19", "day")}
    (attack,) = [e for e in _events("Israeli forces attacked Hamas positions.")
                 if e.trigger == "attacked"]
    assert (attack.date, attack.date_precision) == ("2023-06-15", "article")


def test_places_are_geocoded_from_what_the_predicate_says() -> None:
    (event,) = [e for e in _events("Lebanese soldiers arrested five men in Tripoli.")
                if e.trigger == "arrested"]
    assert event.location is not None and event.location["geonameid"] == 266826  # Lebanon
    (event,) = [e for e in _events("Libyan forces arrested five men in Tripoli.")
                if e.trigger == "arrested"]
    assert event.location is not None and event.location["geonameid"] == 2210247  # Libya
    (event,) = [e for e in _events("Police arrested a man in Paris, Texas.")
                if e.trigger == "arrested"]
    assert event.location is not None and event.location["country"] == "USA"
    # spaCy does not tag every town; a locative phrase still names a place
    events = _events("Israeli aircraft attacked targets near Khan Younis.")
    assert events[0].location is not None and events[0].location["country"] == "PSE"


@pytest.mark.parametrize(("text", "name", "country"), [
    ("Police arrested a man in Perth, Scotland.", "Perth", "GBR"),
    ("Police arrested a man in Aberdeen, Scotland.", "Aberdeen", "GBR"),
    ("Police arrested a man in Birmingham, England.", "Birmingham", "GBR"),
    ("Police arrested a man in Paris, Texas.", "Paris", "USA"),
    ("Police arrested two men in Hyderabad, Pakistan.", "Hyderabad", "PAK"),
])
def test_a_qualifier_the_index_lacks_is_read_as_the_dictionaries_read_it(
        text: str, name: str, country: str) -> None:
    """GeoNames' cities hold a Scotland in Pennsylvania and no nation of that name; the
    dictionaries know Scotland is British."""
    (event,) = [e for e in _events(text) if e.trigger == "arrested"]
    assert event.location is not None
    assert (event.location["name"], event.location["country"]) == (name, country)


@pytest.mark.parametrize(("text", "country"), [
    ("Israeli soldiers arrested two men in North Gaza Governorate.", "PSE"),
    ("Russian forces shelled villages in Donetsk Oblast.", "UKR"),
    ("Police arrested five protesters in Idlib Governorate.", "SYR"),
])
def test_a_region_the_index_lacks_places_the_event_in_its_country_not_the_doers(
        text: str, country: str) -> None:
    (event,) = _events(text)
    assert event.location is not None and event.location["country"] == country
    assert event.location["lat"] is None  # a country, not a made-up point


def test_with_no_place_the_event_is_in_its_doers_country() -> None:
    (event,) = _events("Iranian forces attacked Kurdish rebels.")
    assert event.location is not None
    assert (event.location["country"], event.location["lat"]) == ("IRN", None)


@pytest.mark.parametrize("text", [
    "The United States Navy attacked a boat in the eastern Pacific.",  # Pacific, Missouri
    "Iranian forces seized a tanker in the Atlantic.",  # Atlantic, Iowa
    "Indian troops killed two militants in Kashmir.",  # Cashmere, Washington
])
def test_a_sea_or_region_is_not_the_small_town_of_its_name(text: str) -> None:
    """spaCy tags seas and regions LOC; a LOC name must be a big city to be one."""
    (event,) = _events(text)
    assert event.location is not None
    assert event.location["country"] != "USA" or event.source.country == "USA"
    assert event.location["lat"] is None  # the doer's country, not a made-up point


def test_a_qualifier_vouches_for_a_small_town_spacy_tags_loc() -> None:
    (event,) = _events("Police arrested two men in Malapatan, Philippines.")
    assert event.location is not None
    assert (event.location["name"], event.location["country"]) == ("Malapatan", "PHL")


def test_the_place_a_sentence_names_is_not_the_doers_country_fallback() -> None:
    """What a bare role ("protesters", "a tanker") may take its country from: a place the
    sentence names, never the other side's country that the event's place falls back to."""
    coder = EventCoder(load_lexicon(load_settings().dictionaries))
    for text, named, located in (("Police in Lagos arrested protesters.", "NGA", "NGA"),
                                 ("Israeli forces seized a tanker.", None, "ISR")):
        doc = _doc(text)
        (event,) = coder.code(doc, "t", THURSDAY)
        trigger = next(t for t in doc if t.idx == event.trigger_span[0])
        assert coder.named_place_country(trigger, next(iter(doc.sents))) == named
        assert event.location is not None and event.location["country"] == located


def test_gdelt_action_geo_columns_carry_the_place() -> None:
    (event,) = [e for e in _events("Lebanese soldiers arrested five men in Tripoli on Monday.")
                if e.trigger == "arrested"]
    cells = gdelt_cells(flat_event(event.to_dict(), Article("t", "t", "")))
    assert cells is not None
    row = dict(zip(COLUMNS, cells, strict=True))
    assert row["SQLDATE"] == "20230612"
    assert (row["ActionGeo_Type"], row["ActionGeo_CountryCode"]) == ("4", "LE")  # FIPS
    assert row["ActionGeo_FeatureID"] == "266826"


def test_gazetteer_names_fold_accents_and_letters() -> None:
    assert normalize_place("Białystok") == normalize_place("Bialystok") == "bialystok"
    assert load_gazetteer().lookup("Białystok") is not None


def test_an_unreadable_gazetteer_cache_is_rebuilt(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    folder = tmp_path / "newsevents"
    folder.mkdir()
    broken = gazetteer_module.cache_path()
    assert broken.parent == folder
    broken.write_bytes(b"not an array file")
    with caplog.at_level(logging.WARNING):
        rebuilt = gazetteer_module.load_gazetteer.__wrapped__()
    assert "rebuilding" in caplog.text
    assert rebuilt.lookup("Antwerp") is not None
    assert broken.stat().st_size > 1_000_000 and os.access(broken, os.R_OK)


@pytest.mark.parametrize(("sentence", "expected"), [
    ("Some diplomatic sources privately say that Tehran attacked France.", "anonymous"),
    ("A senior official said that Tehran attacked France.", "anonymous"),
    ("An observer, who declined to be identified, said that Tehran attacked France.",
     "anonymous"),
    ("State TV said that Tehran attacked France.", "official_media"),
    ("The state-run IRNA news agency said that Tehran attacked France.", "official_media"),
    ("Raisi's office said that Tehran attacked France.", "named"),
    ("Emmanuel Macron said that Tehran attacked France.", "named"),
])
def test_attribution_types(sentence: str, expected: str) -> None:
    events = [e for e in _events(sentence) if e.trigger == "attacked"]
    assert events and events[0].attribution["type"] == expected, events[0].attribution


def test_an_event_nobody_is_said_to_report_has_no_attribution() -> None:
    doc = _doc("Tehran attacked France.")
    attacked = next(t for t in doc if t.text == "attacked")
    assert attacked.text == "attacked"
    assert attribution_of(None, doc[:]) == {"type": "none", "text": None}
    assert claim_type(doc[0:1]) == "named"


def test_quotes_are_found_with_their_speakers() -> None:
    coder = EventCoder(load_lexicon(load_settings().dictionaries))
    coder.code(_doc("“We will never accept these demands from Paris,” the Iranian foreign "
                    "minister said. Some sources said that talks had collapsed."), "q", None)
    quotes = {q.kind: q for q in coder.last_quotes}
    assert quotes["direct"].text.startswith("We will never accept")
    assert quotes["direct"].speaker is not None
    assert quotes["direct"].speaker.code == "IRNGOV" and not quotes["direct"].anonymous
    assert quotes["indirect"].anonymous and "talks had collapsed" in quotes["indirect"].text
