"""Readers for PETRARCH agent and discard dictionaries.

Agents are generic actors that take their country from context:

    !MINIST! = MINISTER, MINISTERS, MINISTRY, MINISTRIES
    FARMER [~AGR]                       "Iranian farmers" -> IRN + AGR
    !MINIST! OF_DEFENCE [~GOVMIL]       "Iran's defence minister" -> IRN + GOVMIL
    CHAMBER_OF_COMMERCE {CHAMBERS_OF_COMMERCE} [~BUS]
    PEACEKEEPING_TROOPS {} [IGO~]       the code goes before the country

Discards are phrases that mark a sentence (or, with `+`, a whole story) as not political:
sports results, anniversaries, film awards.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import product
from pathlib import Path

from newsevents.dictionaries.phrases import normalize_phrase, without_xml_comments
from newsevents.errors import DictionaryError, raise_or_collect

_SUBSTITUTION = re.compile(r"^(![A-Z]+!)\s*=\s*(.+)$")
_AGENT = re.compile(r"^(?P<phrase>[^\[{]+?)\s*(?:\{(?P<plurals>[^}]*)\})?\s*"
                    r"\[(?P<code>~[A-Z]{3,}|[A-Z]{3,}~)\]\s*$")
_MARKER = re.compile(r"![A-Z]+!")


@dataclass(slots=True, frozen=True)
class Agent:
    """`code` is the role part; `before_country` says it goes first ([IGO~] -> IGO + IRN)."""

    phrase: str
    code: str
    before_country: bool
    origin: str


@dataclass(slots=True, frozen=True)
class Discard:
    phrase: str
    whole_story: bool
    origin: str


def read_agent_dictionary(path: Path, errors: list[DictionaryError] | None = None
                          ) -> list[Agent]:
    """Read an agent dictionary; bad lines raise, or go to `errors` when it is given."""
    substitutions: dict[str, list[str]] = {}
    agents: list[Agent] = []
    for number, raw in enumerate(
            without_xml_comments(path.read_text("utf-8", errors="replace").splitlines()), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        where = (path.name, number)
        definition = _SUBSTITUTION.match(line)
        if definition:
            substitutions[definition.group(1)] = [
                w.strip() for w in definition.group(2).split(",") if w.strip()]
            continue
        match = _AGENT.match(re.sub(r"\[\s*([^\]]*?)\s*\]", r"[\1]", line))
        if match is None:
            raise_or_collect(DictionaryError(*where, f"expected 'PHRASE [~CODE]': {line}"), errors)
            continue
        code = match.group("code")
        forms = [match.group("phrase"), *(match.group("plurals") or "").split()]
        try:
            expanded = [p for form in forms for p in _expand(form, substitutions, where)]
        except DictionaryError as exc:
            raise_or_collect(exc, errors)
            continue
        for phrase in dict.fromkeys(filter(None, map(normalize_phrase, expanded))):
            agents.append(Agent(phrase, code.strip("~"), code.endswith("~"),
                                f"{path.name}:{number}"))
    return agents


def _expand(form: str, substitutions: dict[str, list[str]], where: tuple[str, int]
            ) -> list[str]:
    markers = _MARKER.findall(form)
    unknown = [m for m in markers if m not in substitutions]
    if unknown:
        raise DictionaryError(*where, f"unknown substitution {unknown[0]}")
    if not markers:
        return [form]
    pieces = _MARKER.split(form)
    out = []
    for choice in product(*(substitutions[m] for m in markers)):
        text = pieces[0]
        for word, piece in zip(choice, pieces[1:], strict=True):
            text += word + piece
        out.append(text)
    return out


def read_discard_dictionary(path: Path) -> list[Discard]:
    """Every line is a phrase; `+` marks a whole-story discard."""
    discards = []
    for number, raw in enumerate(
            without_xml_comments(path.read_text("utf-8", errors="replace").splitlines()), 1):
        line = raw.split("#", 1)[0].split(";", 1)[0].strip()
        if not line:
            continue
        phrase = normalize_phrase(line.lstrip("+"))
        if phrase:
            discards.append(Discard(phrase, line.startswith("+"), f"{path.name}:{number}"))
    return discards
