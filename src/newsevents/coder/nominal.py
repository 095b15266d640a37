"""Nominal events: "a phone conversation with Raisi", "a severe crackdown", "protests"."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources

from spacy.tokens import Token

from newsevents.clauses import NOMINAL, subjects, with_conjuncts
from newsevents.dictionaries.verbs import Code

_PHONE_WORDS = frozenset({"phone", "telephone"})
_TARGET_PREPS = ("with", "against", "on", "toward", "towards", "to")
_SOURCE_PREPS = ("by", "from")
_NEEDS_WITH = frozenset({"call"})  # "a call with X" is talk; "a call for X" is an appeal
_ONE_WAY = frozenset({"042", "043"})  # a visit is made by one side and hosted by the other


@dataclass(slots=True, frozen=True)
class NominalTrigger:
    noun: str
    code: str
    origin: str


@cache
def nominal_triggers() -> dict[str, NominalTrigger]:
    text = resources.files("newsevents").joinpath("data/coder/nominal_events.csv").read_text(
        "utf-8")
    rows = csv.DictReader(text.splitlines())
    return {row["noun"]: NominalTrigger(row["noun"], row["code"], f"nominal_events.csv:{n}")
            for n, row in enumerate(rows, 2)}


def trigger_for(noun: Token) -> NominalTrigger | None:
    if noun.pos_ != "NOUN":
        return None
    triggers = nominal_triggers()
    compound = " ".join([*(c.lower_ for c in noun.lefts if c.dep_ == "compound"), noun.lower_])
    found = triggers.get(compound) or triggers.get(noun.lower_) or triggers.get(noun.lemma_)
    if found is None:
        return None
    if found.noun in _NEEDS_WITH and not _prep_objects(noun, ("with",)):
        return None
    if found.code == "041" and found.noun == "conversation" and not any(
            c.lower_ in _PHONE_WORDS for c in noun.lefts):
        return NominalTrigger(found.noun, "040", found.origin)
    return found


def code_of(trigger: NominalTrigger) -> Code:
    """Talks go both ways: a consultation (04, but not a visit) is coded in both directions,
    as CAMEO.2.0.txt does for its verbs (CALL [041:041])."""
    mutual = trigger.code.startswith("04") and trigger.code not in _ONE_WAY
    return Code(trigger.code, trigger.code if mutual else None)


def _prep_objects(noun: Token, preps: tuple[str, ...]) -> list[Token]:
    for child in noun.children:
        if child.dep_ == "prep" and child.lower_ in preps:
            pobj = [c for c in child.children if c.dep_ == "pobj" and c.pos_ in NOMINAL]
            if pobj:
                return with_conjuncts(pobj[0])
    return []


def nominal_sources(noun: Token) -> list[Token]:
    """The possessor ("Macron's conversation"), "by X", else the governing verb's subject."""
    for child in noun.children:
        if child.dep_ == "poss":
            return with_conjuncts(child)
    by = _prep_objects(noun, _SOURCE_PREPS)
    if by:
        return by
    head = noun.head
    if noun.dep_ == "pobj" and head.dep_ == "prep":
        head = head.head
    if head.pos_ in ("VERB", "AUX") and noun.dep_ in ("dobj", "pobj", "obj", "attr"):
        return subjects(head)
    return []


def nominal_targets(noun: Token) -> list[Token]:
    return _prep_objects(noun, _TARGET_PREPS)


def country_modifiers(noun: Token) -> list[Token]:
    """Adjectives and compounds that say whose the event is ("Iranian protests")."""
    return [c for c in noun.lefts if c.dep_ in ("amod", "compound", "nmod") and
            c.pos_ in ("ADJ", "PROPN")]
