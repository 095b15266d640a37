"""Where an event happened: the place attached to its predicate, else the sentence's place,
else the country of the actor who acts.

A place is a name used as a location: the object of a locative preposition ("in Antwerp",
"near Khan Younis", "north of Paris") or of a verb of going or striking ("visit Beijing",
"shelled Kharkiv"), whether or not spaCy tagged it as an entity, and not a name used as an
actor ("Tehran demanded", "France agreed"). A following ", Texas" or ", Pakistan" qualifies
it. Names are looked up in the gazetteer, preferring places in the countries of the event's
and the sentence's actors ("Paris" with French actors is Paris, France; "Tripoli" with Lebanese
ones is Tripoli, Lebanon).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from spacy.tokens import Span, Token

from newsevents import clauses
from newsevents.records import Actor
from newsevents.where.gazetteer import Gazetteer, Place

PLACE_ENTITIES = frozenset({"GPE", "LOC", "FAC"})
LOCATIVE = frozenset({"in", "at", "near", "outside", "inside", "across", "throughout", "around",
                      "within", "into", "off", "along"})  # not "on": "called on the West"
DIRECTIONS = frozenset({"north", "south", "east", "west", "northeast", "northwest", "southeast",
                        "southwest", "outskirts", "suburbs", "centre", "center", "heart",
                        "streets", "capital", "city", "town", "province", "region", "border",
                        "village", "port"})
UNTAGGED_FLOOR = 1_000
LOC_FLOOR = 100_000
UNTAGGED_OBJECT_FLOOR = 100_000  # "visit Kyiv" yes, "attacked Smith" no
PLACE_VERBS = frozenset({"visit", "tour", "enter", "invade", "reach", "shell", "bomb",
                         "strike", "attack", "storm", "capture", "seize", "besiege", "raid"})


@dataclass(slots=True, frozen=True)
class Located:
    place: Place
    how: str  # "predicate" | "sentence" | "place name's country" | "actor country"


@dataclass(slots=True, frozen=True)
class SentencePlaces:
    """What a sentence says about places, worked out once for all its events."""

    names: list[PlaceName]
    countries: frozenset[str]  # of its actors and of the countries and states it names
    coded: Mapping[int, str]  # the country the dictionaries give each coded head token


def sentence_places(sentence: Span, gazetteer: Gazetteer,
                    sentence_countries: Mapping[int, str] | None = None) -> SentencePlaces:
    """`sentence_countries` maps the head token of each coded actor of the sentence to its
    country (the place names themselves do not count: the dictionaries read "Tripoli" as
    Libya)."""
    names = place_names(sentence)
    inside = {i for name in names for i in range(name.span.start, name.span.end)}
    countries = {c for i, c in (sentence_countries or {}).items() if i not in inside}
    for name in names:
        if gazetteer.is_state_or_country(name.span.text):
            countries.update(gazetteer.qualifier_countries(name.span.text))
    return SentencePlaces(names, frozenset(countries), dict(sentence_countries or {}))


def event_place(trigger: Token, source: Actor | None, target: Actor | None,
                gazetteer: Gazetteer, known: SentencePlaces) -> Located | None:
    """The event's place (see the module docstring); `known` is its sentence's
    `sentence_places`."""
    names = known.names
    countries = {a.country for a in (source, target) if a is not None and a.country}
    countries.update(known.countries)
    attached = [(hops, name) for name in names
                for hops in [_hops(name.span, trigger)] if hops is not None]
    ranked = [name for _, name in sorted(attached, key=lambda pair: (
        pair[0], abs(pair[1].span.start - trigger.i)))]
    rest = sorted(names, key=lambda name: abs(name.span.start - trigger.i))
    for group, how in ((ranked, "predicate"), (rest, "sentence")):
        for name in group:
            found = _find(name, countries, gazetteer, known.coded)
            if found is not None:
                return Located(found, how)
    for name in [*ranked, *rest]:  # a region the gazetteer lacks: its country
        coded = known.coded.get(name.span.root.i)
        country = gazetteer.country(coded) if coded else None
        if country is not None:
            return Located(country, "place name's country")
    if source is not None and source.country:
        country = gazetteer.country(source.country)
        if country is not None:
            return Located(country, "actor country")
    return None


@dataclass(slots=True, frozen=True)
class PlaceName:
    span: Span
    qualifier: Span | None  # "Paris, *Texas*"
    min_population: int  # a name spaCy did not tag as a place must be a town at least


def place_names(sentence: Span) -> list[PlaceName]:
    """The names used as places in the sentence, each with its qualifier (", Texas")."""
    doc = sentence.doc
    spans: dict[int, tuple[Span, int]] = {}
    for ent in sentence.ents:
        if ent.label_ in PLACE_ENTITIES and _is_place_use(ent.root):
            # spaCy's LOC is a sea, a range, a region: "the eastern *Pacific*" is not the
            # small town of that name (Pacific, Missouri); a city it so tags is a big one
            spans[ent.root.i] = (ent, LOC_FLOOR if ent.label_ == "LOC" else 0)
    for token in sentence:
        if token.pos_ == "PROPN" and token.i not in spans and token.ent_type_ != "DATE" \
                and token.ent_type_ not in PLACE_ENTITIES and _is_place_use(token):
            start = min((c.i for c in token.lefts if c.dep_ == "compound"
                         and c.pos_ == "PROPN"), default=token.i)
            # spaCy's small model often calls a city a person ("near Mytilene")
            floor = UNTAGGED_OBJECT_FLOOR if token.dep_ == "dobj" else UNTAGGED_FLOOR
            spans[token.i] = (doc[start: token.i + 1], floor)
    qualifiers = {}
    for root, (span, _) in spans.items():
        after = span.end
        if after + 1 < sentence.end and doc[after].text == ",":
            qualifier = next((e for e in sentence.ents if e.start == after + 1
                              and e.label_ == "GPE"), None)
            if qualifier is not None:
                qualifiers[root] = qualifier
    used = {q.start for q in qualifiers.values()}
    return [PlaceName(span, qualifiers.get(root), floor)
            for root, (span, floor) in sorted(spans.items()) if span.start not in used]


def _find(name: PlaceName, countries: set[str], gazetteer: Gazetteer,
          coded: Mapping[int, str]) -> Place | None:
    if gazetteer.is_us_state(name.span.text):
        return None  # the index has no states: "Texas" would find a hamlet of that name
    found = None
    if name.qualifier is not None:
        # the dictionaries know "Scotland" is British; the index only has a Scotland, PA
        qualifier = coded.get(name.qualifier.root.i)
        within = {qualifier} if qualifier else gazetteer.qualifier_countries(
            name.qualifier.text)
        found = gazetteer.lookup_in(name.span.text, within) if within else None
        if found is not None:  # "Kurmuk, Sudan": the qualifier vouches for a small town
            return found
    found = gazetteer.lookup(name.span.text, countries)
    if found is None or (found.feature != "country" and found.population < name.min_population):
        return None
    return found


def _is_place_use(root: Token) -> bool:
    """Used as a place: the object of a locative preposition, directly or through "north
    of" or "the outskirts of", or of a verb of going or striking."""
    if root.dep_ == "dobj":
        return root.head.lemma_.lower() in PLACE_VERBS
    if root.dep_ != "pobj":
        return False
    prep = root.head
    if prep.lower_ in LOCATIVE:
        return True
    return prep.lower_ == "of" and prep.head.lower_ in DIRECTIONS


def _hops(name: Span, trigger: Token) -> int | None:
    """How many words up from the place the trigger is (prepositions not counted), or None
    when the place does not modify it or the verb above it: "arrested a man *in Paris*" is
    1, "police *in Texas* arrested" 2 (the place describes the police)."""
    chain = {trigger.i}
    if trigger.dep_ in ("dobj", "obj", "nsubj", "nsubjpass", "pobj") and trigger.pos_ == "NOUN":
        chain.add(trigger.head.i)  # "experienced an uprising *in Iran*"
    path = clauses.governing_path(name.root, range(name.start, name.end))
    return next((n + 1 for n, node in enumerate(path) if node.i in chain), None)
