"""The dictionaries the coder uses: shipped data, dated updates and user overlays, merged.

Precedence, lowest first: the compiled PETRARCH-2/Phoenix dictionaries, newsevents' dated
updates (`data/dictionaries/updates/*.csv`), then the user's overlays in the order given. For a
phrase known to several sources the later source wins.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path

from newsevents.dictionaries.actors import ActorEntry
from newsevents.dictionaries.agents import Agent, Discard
from newsevents.dictionaries.compiled import (
    actors_from,
    agents_from,
    discards_from,
    read_compiled,
    verbs_from,
)
from newsevents.dictionaries.overlay import Overlay, read_overlay
from newsevents.dictionaries.verbs import Verb, VerbDictionary, VerbPattern
from newsevents.errors import DictionaryError
from newsevents.settings import DictionarySettings


@dataclass(slots=True)
class Lexicon:
    """Phrase-indexed actors and agents, verbs with their patterns, synonym sets, discards."""

    actors: dict[str, ActorEntry] = field(default_factory=dict)
    agents: dict[str, Agent] = field(default_factory=dict)
    discards: dict[str, Discard] = field(default_factory=dict)
    verbs: dict[str, Verb] = field(default_factory=dict)
    patterns: dict[str, list[VerbPattern]] = field(default_factory=dict)
    synsets: dict[str, frozenset[str]] = field(default_factory=dict)
    max_actor_words: int = 1
    max_agent_words: int = 1
    max_discard_words: int = 1
    discard_first_words: set[str] = field(default_factory=set)

    def actor_code(self, phrase: str, day: date | None) -> tuple[ActorEntry, str | None] | None:
        entry = self.actors.get(phrase)
        return (entry, entry.code_on(day)) if entry else None

    def add_actors(self, entries: list[ActorEntry]) -> None:
        """Add entries. For a name already known from an earlier source, the new entry's roles
        replace the old dated ones (the update knows better when a term ended) and the old
        undated default stays as the fallback (Phoenix's Obama: USAGOV 2009-2017, then ELI)."""
        for entry in entries:
            for phrase in entry.phrases:
                known = self.actors.get(phrase)
                if known is not None and known.origin.split(":")[0] != entry.origin.split(":")[0]:
                    kept = tuple(r for r in known.roles if not r.dated)
                    self.actors[phrase] = replace(entry, roles=kept + entry.roles)
                else:
                    self.actors[phrase] = entry
                self.max_actor_words = max(self.max_actor_words, phrase.count(" ") + 1)

    def add_agents(self, agents: list[Agent]) -> None:
        for agent in agents:
            self.agents[agent.phrase] = agent
            self.max_agent_words = max(self.max_agent_words, agent.phrase.count(" ") + 1)

    def add_discards(self, discards: list[Discard]) -> None:
        for discard in discards:
            self.discards[discard.phrase] = discard
            self.max_discard_words = max(self.max_discard_words, discard.phrase.count(" ") + 1)
            self.discard_first_words.add(discard.phrase.split(" ", 1)[0])

    def add_verbs(self, verbs: VerbDictionary) -> None:
        """Merge verbs; a pattern for a verb already known joins that verb's block."""
        self.synsets.update(verbs.synsets)
        renamed: dict[str, str] = {}
        for lemma, verb in verbs.verbs.items():
            known = self.verbs.get(lemma)
            if known is not None and verb.block == lemma and known.block != lemma:
                renamed[verb.block] = known.block
                verb = Verb(lemma, known.block, verb.code, verb.origin, verb.pattern_only)
            if known is not None and verb.pattern_only:
                continue  # the overlay only adds patterns to a verb we already know
            self.verbs[lemma] = verb
        for name, patterns in verbs.patterns.items():
            target = renamed.get(name, name)
            for pattern in patterns:
                self.patterns.setdefault(target, []).append(pattern)
        for block in self.patterns.values():
            # most specific first; for equal specificity the later source (an overlay) first
            order = {id(p): n for n, p in enumerate(block)}
            block.sort(key=lambda p: (-p.specificity, -order[id(p)]))

    def add_overlay(self, overlay: Overlay) -> None:
        self.add_actors(overlay.actors)
        self.add_agents(overlay.agents)
        self.add_discards(overlay.discards)
        self.add_verbs(overlay.verbs)


def update_files() -> list[Path]:
    """The dated update CSVs shipped in the package, in name order."""
    folder = resources.files("newsevents").joinpath("data/dictionaries/updates")
    return sorted(Path(str(p)) for p in folder.iterdir() if p.name.endswith(".csv"))


@cache
def _builtin() -> tuple[list[ActorEntry], list[Agent], list[Discard], VerbDictionary]:
    data = read_compiled()
    return actors_from(data), agents_from(data), discards_from(data), verbs_from(data)


def build_lexicon(settings: DictionarySettings,
                  errors: list[DictionaryError] | None = None) -> Lexicon:
    """Merge the dictionaries the settings name; `errors` collects bad lines of PETRARCH-format
    overlays instead of raising (CSV overlays are always strict)."""
    lexicon = Lexicon()
    if settings.use_builtin:
        actors, agents, discards, verbs = _builtin()
        lexicon.add_actors(actors)
        lexicon.add_agents(agents)
        lexicon.add_discards(discards)
        lexicon.add_verbs(verbs)
        lexicon.add_overlay(read_overlay(update_files(), lexicon.synsets))
    if settings.overlays:
        paths = [Path(p).expanduser() for p in settings.overlays]
        lexicon.add_overlay(read_overlay(paths, lexicon.synsets, errors))
    return lexicon


@cache
def load_lexicon(settings: DictionarySettings) -> Lexicon:
    """The lexicon for these settings, built once per process."""
    return build_lexicon(settings)
