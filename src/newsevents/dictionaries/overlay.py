"""User overlays: add or override actors, agents and verbs without editing the shipped data.

Two forms are read:

* newsevents CSV files (UTF-8, header row), one kind per file, told apart by their header:

  actors:  name,aliases,code,start,end,note
           Ebrahim Raisi,Raisi|Ebrahim Raeisi,IRNGOV,2021-08-03,2024-05-19,President of Iran
  agents:  phrase,code,note
           riot police,~COP,
  verbs:   verb,pattern,code,note
           silence,,172,
           silence,* OPPONENTS,1722,pattern syntax as in CAMEO.2.0.txt

  `aliases` are separated by `|`; `start`/`end` are ISO dates or empty; one row per role (repeat
  the name for a second role). An agent `code` is `~ROLE` (after the country) or `ROLE~`.

* PETRARCH-format dictionaries (`*.txt`), the kind taken from the file name: `…verbs…`,
  `…actors…`, `…agents…`, `…discards…`.

Every malformed line is an error naming the file and line.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from newsevents.dictionaries.actors import ActorEntry, Role, read_actor_dictionary
from newsevents.dictionaries.agents import (
    Agent,
    Discard,
    read_agent_dictionary,
    read_discard_dictionary,
)
from newsevents.dictionaries.phrases import normalize_phrase
from newsevents.dictionaries.verbs import (
    Code,
    Verb,
    VerbDictionary,
    VerbPattern,
    parse_code,
    parse_pattern,
    read_verb_dictionary,
)
from newsevents.errors import DictionaryError

ACTOR_HEADER = ["name", "aliases", "code", "start", "end", "note"]
AGENT_HEADER = ["phrase", "code", "note"]
VERB_HEADER = ["verb", "pattern", "code", "note"]


@dataclass(slots=True)
class Overlay:
    """Entries read from overlay files, in the order given (later files win)."""

    actors: list[ActorEntry] = field(default_factory=list)
    agents: list[Agent] = field(default_factory=list)
    discards: list[Discard] = field(default_factory=list)
    verbs: VerbDictionary = field(default_factory=VerbDictionary)


def read_overlay(paths: list[Path], synsets: dict[str, frozenset[str]],
                 errors: list[DictionaryError] | None = None) -> Overlay:
    """Read overlay files. A bad line raises DictionaryError; with `errors`, PETRARCH-format
    lines are collected there instead (their validation files test bad lines on purpose)."""
    overlay = Overlay()
    overlay.verbs.synsets.update(synsets)
    for path in paths:
        if not path.is_file():
            raise DictionaryError(str(path), 0, "dictionary file not found")
        if path.suffix.lower() == ".csv":
            _read_csv(path, overlay)
        else:
            _read_petrarch(path, overlay, errors)
    return overlay


def _read_petrarch(path: Path, overlay: Overlay, errors: list[DictionaryError] | None) -> None:
    name = path.name.lower()
    if "verb" in name:
        verbs = read_verb_dictionary(path, errors)
        overlay.verbs.synsets.update(verbs.synsets)
        overlay.verbs.verbs.update(verbs.verbs)
        for block, patterns in verbs.patterns.items():
            overlay.verbs.patterns.setdefault(block, []).extend(patterns)
    elif "actor" in name:
        overlay.actors.extend(read_actor_dictionary(path, errors))
    elif "agent" in name:
        overlay.agents.extend(read_agent_dictionary(path, errors))
    elif "discard" in name:
        overlay.discards.extend(read_discard_dictionary(path))
    else:
        raise DictionaryError(str(path), 0, "cannot tell the dictionary kind from the name "
                              "(expected verbs, actors, agents or discards in it, or .csv)")


def _read_csv(path: Path, overlay: Overlay) -> None:
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")  # a spreadsheet's byte-order mark is not a header
    except UnicodeDecodeError as exc:
        read = bytes(exc.object)  # after the byte-order mark, if there is one
        line = read[:exc.start].count(b"\n") + 1
        raise DictionaryError(str(path), line, f"not UTF-8 text (byte 0x{read[exc.start]:02x}); "
                              "save the file as UTF-8") from None
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        raise DictionaryError(str(path), 1, "empty overlay file")
    header = [h.strip().lower() for h in rows[0]]
    readers: dict[tuple[str, ...], Callable[[list[str], tuple[str, int]], None]] = {
        tuple(ACTOR_HEADER): lambda r, w: _actor_row(r, w, overlay),
        tuple(AGENT_HEADER): lambda r, w: _agent_row(r, w, overlay),
        tuple(VERB_HEADER): lambda r, w: _verb_row(r, w, overlay),
    }
    reader = readers.get(tuple(header))
    if reader is None:
        raise DictionaryError(str(path), 1, "unknown header; expected one of: "
                              + " | ".join(",".join(h) for h in readers))
    for number, row in enumerate(rows[1:], 2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise DictionaryError(str(path), number,
                                  f"expected {len(header)} fields, found {len(row)}")
        reader([cell.strip() for cell in row], (str(path), number))


def _iso(text: str, where: tuple[str, int]) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise DictionaryError(*where, f"bad date '{text}' (expected YYYY-MM-DD)") from None


def _actor_row(row: list[str], where: tuple[str, int], overlay: Overlay) -> None:
    name, aliases, code, start, end, _note = row
    if not name or not code.isalnum() or not code.isupper() or len(code) < 3:
        raise DictionaryError(*where, f"an actor needs a name and a CAMEO code, got '{code}'")
    role = Role(code, _iso(start, where), _iso(end, where))
    if role.start and role.end and role.start > role.end:
        raise DictionaryError(*where, f"start {start} is after end {end}")
    names = [name, *(a for a in aliases.split("|") if a.strip())]
    phrases = tuple(dict.fromkeys(p for p in map(normalize_phrase, names) if p))
    origin = f"{Path(where[0]).name}:{where[1]}"
    previous = overlay.actors[-1] if overlay.actors else None
    if previous is not None and previous.name == name and previous.phrases == phrases:
        overlay.actors[-1] = ActorEntry(name, phrases, (*previous.roles, role), previous.origin)
    else:
        overlay.actors.append(ActorEntry(name, phrases, (role,), origin))


def _agent_row(row: list[str], where: tuple[str, int], overlay: Overlay) -> None:
    phrase, code, _note = row
    role = code.strip("~")
    if not normalize_phrase(phrase) or code.count("~") != 1 or not role.isalpha():
        raise DictionaryError(*where, f"an agent needs a phrase and a code like ~GOV, got '{code}'")
    origin = f"{Path(where[0]).name}:{where[1]}"
    overlay.agents.append(Agent(normalize_phrase(phrase), role.upper(), code.endswith("~"),
                                origin))


def _verb_row(row: list[str], where: tuple[str, int], overlay: Overlay) -> None:
    verb, pattern, code_text, _note = row
    lemma = " ".join(verb.lower().replace("_", " ").split())
    if not lemma:
        raise DictionaryError(*where, "a verb row needs a verb")
    code = parse_code(code_text, where)
    origin = f"{Path(where[0]).name}:{where[1]}"
    verbs = overlay.verbs
    block = verbs.verbs[lemma].block if lemma in verbs.verbs else lemma
    if not pattern:
        verbs.verbs[lemma] = Verb(lemma, block, code, origin)
        return
    before, after = parse_pattern(pattern, where, verbs.synsets)
    verbs.verbs.setdefault(lemma, Verb(lemma, block, Code(None), origin, pattern_only=True))
    verbs.patterns.setdefault(block, []).append(
        VerbPattern(block, before, after, code, pattern, origin))
