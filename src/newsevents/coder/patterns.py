"""Matching PETRARCH verb patterns against a verb's dependency neighbourhood.

The words after `*` are looked for, in order, among the tokens that follow the verb inside its
own clause (objects, complements, prepositional phrases; not its subject, not conjoined
verbs). The words before `*` are looked for in its subject. A `(PREP …)` group must match a
prepositional phrase headed by that preposition. `$`, `+` and `%` bind the source, the target or
both to the noun phrase found there; `^` passes over one noun phrase.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.tokens import Token

from newsevents.dictionaries.verbs import Element, VerbPattern

_CLAUSE_DEPS = frozenset({"dobj", "dative", "prep", "agent", "xcomp", "ccomp", "attr", "oprd",
                          "acomp", "prt", "advmod", "npadvmod", "pcomp", "iobj", "obj", "advcl"})
_NOMINAL = frozenset({"NOUN", "PROPN", "PRON", "NUM"})


@dataclass(slots=True)
class Match:
    pattern: VerbPattern
    source: Token | None = None
    target: Token | None = None
    matched: list[int] = field(default_factory=list)


def clause_after(verb: Token) -> list[Token]:
    """Tokens after the verb in its own clause, in order."""
    tokens: list[Token] = []
    for child in verb.rights:
        if child.dep_ in _CLAUSE_DEPS:
            tokens.extend(child.subtree)
    return sorted(tokens, key=lambda t: t.i)


def clause_before(verb: Token, subjects: Sequence[Token]) -> list[Token]:
    tokens = [t for s in subjects for t in s.subtree]
    tokens.extend(t for child in verb.lefts if child.dep_ in ("npadvmod", "advmod")
                  for t in child.subtree)
    return sorted(set(tokens), key=lambda t: t.i)


def phrase_head(token: Token) -> Token:
    """The noun a modifier belongs to: "Gondor" in "Gondor's government" -> "government"."""
    while token.dep_ in ("poss", "compound", "amod", "nmod", "det", "nummod", "case") and \
            token.head.i != token.i and token.head.pos_ in _NOMINAL:
        token = token.head
    return token


class Words:
    """Tokens in order with their matching forms (as written, and the lemma of a noun),
    worked out once: every pattern of a verb is tried against the same words."""

    __slots__ = ("forms", "tokens")

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.forms = [_forms(t) for t in tokens]

    def __len__(self) -> int:
        return len(self.tokens)


def match_pattern(pattern: VerbPattern, before: Words, after: Words,
                  synsets: dict[str, frozenset[str]]) -> Match | None:
    match = Match(pattern)
    if not _match_sequence(pattern.before, before, 0, synsets, match):
        return None
    if not _match_sequence(pattern.after, after, 0, synsets, match):
        return None
    return match


def _match_sequence(elements: Sequence[Element], tokens: Words, start: int,
                    synsets: dict[str, frozenset[str]], match: Match) -> bool:
    position = start
    for element in elements:
        found = _find(element, tokens, position, synsets, match)
        if found is None:
            return False
        position = found
    return True


def _find(element: Element, tokens: Words, start: int,
          synsets: dict[str, frozenset[str]], match: Match) -> int | None:
    """Index just past the first place `element` matches at or after `start`, else None."""
    first = _first_word(element)
    forms = tokens.forms
    for i in range(start, len(forms)):
        if first is not None and first not in forms[i]:
            continue  # cheap test: a word element must start with its first word
        end = _match_at(element, tokens, i, synsets, match)
        if end is not None:
            return end
    return None


def _first_word(element: Element) -> str | None:
    if element.kind in ("word", "phrase", "prep"):
        return element.value.split(" ", 1)[0]
    return None


def _forms(token: Token) -> tuple[str, str]:
    lemma = token.lemma_.lower() if token.pos_ in ("NOUN", "PROPN") else token.lower_
    return token.lower_, lemma


def _match_at(element: Element, seq: Words, i: int,
              synsets: dict[str, frozenset[str]], match: Match) -> int | None:
    tokens = seq.tokens
    token = tokens[i]
    kind = element.kind
    if kind in ("word", "phrase"):
        return _words_at(element.value.split(), seq, i)
    if kind == "synset":
        single, by_first = _synset_forms(synsets.get(element.value, frozenset()))
        lower, lemma = seq.forms[i]
        starting = by_first.get(lower, ())
        if lemma != lower and lemma in by_first:  # both forms start members: longest first
            starting = tuple(sorted((*starting, *by_first[lemma]), key=lambda m: m[0]))
        for _, words in starting:
            end = _words_at(words, seq, i)
            if end is not None:
                return end
        return i + 1 if lower in single or lemma in single else None
    if kind in ("source", "target", "compound", "skip"):
        if token.pos_ not in _NOMINAL:
            return None
        head = phrase_head(token)  # "Gondor's government": the slot holds the government
        if kind in ("source", "compound"):
            match.source = match.source or head
        if kind in ("target", "compound"):
            match.target = match.target or head
        end = max(i + 1, *(k + 1 for k in range(i, len(tokens)) if tokens[k].i <= head.i))
        return end
    if kind == "prep":
        if token.dep_ not in ("prep", "agent", "dative") or token.lower_ != element.value:
            return None
        inside = Words(sorted((t for t in token.subtree if t.i != token.i),
                              key=lambda t: t.i))
        if not _match_sequence(element.children, inside, 0, synsets, match):
            return None
        last = token.right_edge.i
        return next((k for k in range(i, len(tokens)) if tokens[k].i > last), len(tokens))
    return None


@lru_cache(maxsize=1024)
def _synset_forms(words: frozenset[str]
                  ) -> tuple[frozenset[str], dict[str, tuple[tuple[int, tuple[str, ...]], ...]]]:
    """One-word members as a set; longer ones as word tuples under their first word, each
    with its rank among all of them, longest first (a match can only start at a token one
    of whose forms is the first word, so only those are tried there)."""
    single = frozenset(w for w in words if " " not in w)
    multi = sorted((tuple(w.split()) for w in words if " " in w), key=len, reverse=True)
    by_first: dict[str, list[tuple[int, tuple[str, ...]]]] = {}
    for rank, member in enumerate(multi):
        by_first.setdefault(member[0], []).append((rank, member))
    return single, {first: tuple(members) for first, members in by_first.items()}


def _words_at(words: Sequence[str], tokens: Words, i: int) -> int | None:
    forms = tokens.forms
    if i + len(words) > len(forms):
        return None
    for offset, word in enumerate(words):
        # nouns match by lemma (plurals); other words as written: "according" is not "accord"
        if word not in forms[i + offset]:
            return None
    return i + len(words)


@lru_cache(maxsize=65536)
def _required_words(pattern: VerbPattern) -> frozenset[str]:
    """Words the pattern cannot match without (a cheap test before the real match)."""
    needed: set[str] = set()
    stack = list(pattern.before + pattern.after)
    while stack:
        element = stack.pop()
        if element.kind in ("word", "phrase"):
            needed.update(element.value.split())
        elif element.kind == "prep":
            needed.add(element.value)
            stack.extend(element.children)
    return frozenset(needed)


def best_match(patterns: Sequence[VerbPattern], before_tokens: list[Token],
               after_tokens: list[Token], synsets: dict[str, frozenset[str]]) -> Match | None:
    """The most specific pattern that matches (patterns come sorted most specific first)."""
    before, after = Words(before_tokens), Words(after_tokens)
    available = {form for forms in (*before.forms, *after.forms) for form in forms}
    for pattern in patterns:
        if not pattern.before and not pattern.after:
            continue
        if not _required_words(pattern) <= available:
            continue
        found = match_pattern(pattern, before, after, synsets)
        if found is not None:
            return found
    return None
