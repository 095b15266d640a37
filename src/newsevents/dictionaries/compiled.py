"""The compiled dictionary format: one gzipped JSON file of package data, loaded once.

`tools/build_dictionaries.py` writes it from the PETRARCH-2 dictionaries; `load_compiled` reads
it. Reading the compiled file takes a fraction of the time parsing the 80,000 source lines does.
"""

from __future__ import annotations

import gzip
import json
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from newsevents.dictionaries.actors import ActorEntry, Role
from newsevents.dictionaries.agents import Agent, Discard
from newsevents.dictionaries.verbs import Code, Element, Verb, VerbDictionary, VerbPattern

FORMAT_VERSION = 1
PACKAGE_FILE = "data/dictionaries/phoenix.json.gz"


@cache
def _day(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def to_json(actors: list[ActorEntry], agents: list[Agent], discards: list[Discard],
            verbs: VerbDictionary, sources: dict[str, str], problems: list[str]
            ) -> dict[str, Any]:
    return {
        "format": FORMAT_VERSION,
        "sources": sources,
        "problems": problems,
        "actors": [[a.name, list(a.phrases), [[r.code, _iso(r.start), _iso(r.end)]
                                             for r in a.roles], a.origin] for a in actors],
        "agents": [[a.phrase, a.code, a.before_country, a.origin] for a in agents],
        "discards": [[d.phrase, d.whole_story, d.origin] for d in discards],
        "synsets": {k: sorted(v) for k, v in sorted(verbs.synsets.items())},
        "verbs": [[v.lemma, v.block, v.code.event, v.code.reverse, v.origin]
                  for v in verbs.verbs.values()],
        "patterns": [[p.block, [e.to_json() for e in p.before], [e.to_json() for e in p.after],
                      p.code.event, p.code.reverse, p.text, p.origin]
                     for block in verbs.patterns.values() for p in block],
        "transformations": verbs.transformations,
    }


def write_compiled(data: dict[str, Any], path: Path) -> None:
    """Deterministic bytes: sorted keys, no timestamp in the gzip header."""
    raw = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    path.write_bytes(gzip.compress(raw.encode("utf-8"), compresslevel=9, mtime=0))


def read_compiled(path: Path | None = None) -> dict[str, Any]:
    if path is None:
        blob = resources.files("newsevents").joinpath(PACKAGE_FILE).read_bytes()
    else:
        blob = path.read_bytes()
    data: dict[str, Any] = json.loads(gzip.decompress(blob))
    if data.get("format") != FORMAT_VERSION:
        raise ValueError(f"compiled dictionaries are format {data.get('format')}, "
                         f"expected {FORMAT_VERSION}: rebuild with tools/build_dictionaries.py")
    return data


def actors_from(data: dict[str, Any]) -> list[ActorEntry]:
    return [ActorEntry(name, tuple(phrases),
                       tuple(Role(code, _day(start), _day(end)) for code, start, end in roles),
                       origin) for name, phrases, roles, origin in data["actors"]]


def agents_from(data: dict[str, Any]) -> list[Agent]:
    return [Agent(*row) for row in data["agents"]]


def discards_from(data: dict[str, Any]) -> list[Discard]:
    return [Discard(*row) for row in data["discards"]]


def verbs_from(data: dict[str, Any]) -> VerbDictionary:
    verbs = VerbDictionary(synsets={k: frozenset(v) for k, v in data["synsets"].items()})
    for lemma, block, event, reverse, origin in data["verbs"]:
        verbs.verbs[lemma] = Verb(lemma, block, Code(event, reverse), origin)
    for block, before, after, event, reverse, text, origin in data["patterns"]:
        pattern = VerbPattern(block, tuple(Element.from_json(e) for e in before),
                              tuple(Element.from_json(e) for e in after),
                              Code(event, reverse), text, origin)
        verbs.patterns.setdefault(block, []).append(pattern)
    verbs.transformations = list(data["transformations"])
    return verbs
