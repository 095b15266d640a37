"""Reader for PETRARCH/TABARI verb-pattern dictionaries (the CAMEO.2.0.txt format).

The file has two parts. Synonym sets:

    &CURRENCY
    +DOLLAR
    +EURO

Verb blocks, each a header with the block's default code, the verbs that share it (a verb may
carry its own code), and patterns over the words around the verb:

    ---  DEMAND   [100]  ---
    DEMAND
    WANT [030]
    - * RELEASE (OF PRISONERS)        [0253]   # WANT
    - $ * (AS &NEGOTIATOR) (WITH +)   [045]

In a pattern `*` is the verb; words before it stand in the subject side, words after it in the
object side. `(PREP …)` is a prepositional phrase, `{A B}` a multi-word phrase, `&SET` any word
of a synonym set, `$` the source, `+` the target, `%` both (a compound actor), `^` any one
phrase. A code `[042:043]` codes the event and the reverse event between the same actors;
`[:173]` codes only the reverse; `[---]` means "no event".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from newsevents.dictionaries.phrases import without_xml_comments
from newsevents.errors import DictionaryError, raise_or_collect

_HEADER = re.compile(r"^---\s+(\S+)\s+\[([^\]]*)\]\s+---\s*$")
_CODE = re.compile(r"\[([^\]]*)\]")
_ONE_CODE = re.compile(r"^(?:---|\d{2,4})!?$")
_PATTERN_TOKEN = re.compile(r"\(|\)|\{[^}]*\}|[^\s(){}]+")


@dataclass(slots=True, frozen=True)
class Element:
    """One element of a pattern: a word, a synonym set, a phrase, a slot or a PP."""

    kind: str  # word | synset | phrase | source | target | compound | skip | prep
    value: str = ""
    children: tuple[Element, ...] = ()

    def to_json(self) -> list[object]:
        return [self.kind, self.value, [c.to_json() for c in self.children]]

    @staticmethod
    def from_json(data: list[object]) -> Element:
        kind, value, children = data
        return Element(str(kind), str(value),
                       tuple(Element.from_json(c) for c in children))  # type: ignore[attr-defined]


@dataclass(slots=True, frozen=True)
class Code:
    """What a verb or pattern codes: the event, and the reverse event between the same actors."""

    event: str | None
    reverse: str | None = None

    @property
    def is_null(self) -> bool:
        return self.event is None and self.reverse is None


@dataclass(slots=True, frozen=True)
class VerbPattern:
    block: str
    before: tuple[Element, ...]
    after: tuple[Element, ...]
    code: Code
    text: str
    origin: str  # file:line

    @property
    def specificity(self) -> int:
        return sum(_weight(e) for e in self.before + self.after)


@dataclass(slots=True, frozen=True)
class Verb:
    """A verb (lemma, or verb plus particle: "crack down") and the block it belongs to."""

    lemma: str
    block: str
    code: Code
    origin: str
    pattern_only: bool = False  # an overlay verb named only to carry patterns


@dataclass(slots=True)
class VerbDictionary:
    synsets: dict[str, frozenset[str]] = field(default_factory=dict)
    verbs: dict[str, Verb] = field(default_factory=dict)
    patterns: dict[str, list[VerbPattern]] = field(default_factory=dict)
    transformations: list[str] = field(default_factory=list)


def _weight(element: Element) -> int:
    if element.kind == "prep":
        return 1 + sum(_weight(c) for c in element.children)
    return 0 if element.kind == "skip" else 1


def parse_code(text: str, where: tuple[str, int]) -> Code:
    """`042`, `042:043`, `:173`, `---`; a trailing `!` (a TABARI flag) is ignored."""
    parts = text.strip().split(":")
    if len(parts) > 2 or not all(p == "" or _ONE_CODE.match(p) for p in parts) or parts == [""]:
        raise DictionaryError(*where, f"bad code [{text}]")
    codes = [None if p in ("", "---") else p.rstrip("!") for p in parts]
    return Code(codes[0], codes[1] if len(codes) == 2 else None)


def _words(text: str) -> str:
    """A dictionary spelling as lower-case words: `CRACK_DOWN` -> "crack down"."""
    return " ".join(w for w in text.strip("+").lower().replace("_", " ").split())


def parse_pattern(text: str, where: tuple[str, int], synsets: dict[str, frozenset[str]]
                  ) -> tuple[tuple[Element, ...], tuple[Element, ...]]:
    """Split a pattern on `*` into the elements before and after the verb."""
    tokens = [piece for token in _PATTERN_TOKEN.findall(text)
              for piece in _split_joined(token, synsets)]
    if tokens.count("*") != 1:
        raise DictionaryError(*where, f"a pattern needs exactly one '*': {text.strip()}")
    elements, rest = _elements(tokens, where, synsets, depth=0)
    if rest:
        raise DictionaryError(*where, f"unbalanced ')' in pattern: {text.strip()}")
    star = next(i for i, e in enumerate(elements) if e.kind == "verb")
    return tuple(elements[:star]), tuple(elements[star + 1:])


def _split_joined(token: str, synsets: dict[str, frozenset[str]]) -> list[str]:
    """`*_TO_PROVIDE` and `&TIETYPES_MEMOS` join words with `_`: split them, keeping synonym
    set names that contain `_` (`&FIGHT_OF_WORDS`) and a word's trailing `_` whole."""
    if "_" not in token.strip("_") or token.startswith("{"):
        return [token]
    if token.startswith("&"):
        known = sorted((s for s in synsets if token.startswith(s)), key=len, reverse=True)
        if known:
            rest = token[len(known[0]):].strip("_")
            return [known[0], *(w for w in rest.split("_") if w)]
        return [token]
    pieces = [w for w in token.split("_") if w]
    return pieces if "*" in pieces or (len(pieces) > 1 and "*" not in token) else [token]


def _elements(tokens: list[str], where: tuple[str, int], synsets: dict[str, frozenset[str]],
              depth: int) -> tuple[list[Element], list[str]]:
    out: list[Element] = []
    while tokens:
        token = tokens.pop(0)
        if token == ")":
            if depth == 0:
                return out, [token, *tokens]
            return out, tokens
        if token == "(":
            children, tokens = _elements(tokens, where, synsets, depth + 1)
            if not children or children[0].kind != "word":
                raise DictionaryError(*where, "a '(…)' group must start with a preposition")
            out.append(Element("prep", children[0].value, tuple(children[1:])))
            continue
        out.append(_element(token, where, synsets))
    if depth:
        raise DictionaryError(*where, "unclosed '(' in pattern")
    return out, []


def _element(token: str, where: tuple[str, int], synsets: dict[str, frozenset[str]]) -> Element:
    slots = {"*": "verb", "$": "source", "+": "target", "%": "compound", "^": "skip"}
    if token in slots:
        return Element(slots[token])
    if token.startswith("{"):
        return Element("phrase", _words(token.strip("{} ")))
    if token.startswith("&"):
        name = token.rstrip("_")
        if name not in synsets and token not in synsets:
            raise DictionaryError(*where, f"unknown synonym set {token}")
        return Element("synset", name if name in synsets else token)
    return Element("word", _words(token))


def _strip_comment(line: str) -> str:
    return line.split("#", 1)[0].rstrip()


def read_verb_dictionary(path: Path, errors: list[DictionaryError] | None = None
                         ) -> VerbDictionary:
    """Read a verb dictionary. Each bad line raises DictionaryError, unless `errors` is given:
    then it is appended there and reading goes on (for upstream files with known defects)."""
    name = path.name
    lines = without_xml_comments(path.read_text("utf-8", errors="replace").splitlines())
    result = VerbDictionary(synsets=_read_synsets(_synonym_lines(lines), name, errors))
    block: tuple[str, Code] | None = None
    for number, raw in _pattern_lines(lines):
        line = _strip_comment(raw)
        where = (name, number)
        if not line.strip():
            continue
        header = _HEADER.match(line)
        if header:
            found = _guard(errors, lambda h=header, w=where: (_words(h.group(1)),
                                                             parse_code(h.group(2), w)))
            block = found if found is not None else block
            continue
        if block is None:
            raise_or_collect(DictionaryError(*where, "verb or pattern before the first block"),
                             errors)
            continue
        _guard(errors, lambda t=line, w=where, b=block: _read_block_line(result, t, w, b))
    return result


def _patterns_start(lines: list[str]) -> int:
    """Index of the first pattern-part line: after a `####### VERB PATTERNS` marker, else the
    first block header (PETRARCH's validation dictionary has no marker)."""
    for index, line in enumerate(lines):
        if line.startswith("####### VERB PATTERNS"):
            return index + 1
        if _HEADER.match(_strip_comment(line)):
            return index
    return len(lines)


def _synonym_lines(lines: list[str]) -> Iterator[tuple[int, str]]:
    yield from enumerate(lines[:_patterns_start(lines)], 1)


def _pattern_lines(lines: list[str]) -> Iterator[tuple[int, str]]:
    start = _patterns_start(lines)
    yield from enumerate(lines[start:], start + 1)


def _read_synsets(lines: Iterator[tuple[int, str]], name: str,
                  errors: list[DictionaryError] | None) -> dict[str, frozenset[str]]:
    sets: dict[str, set[str]] = {}
    current: str | None = None
    for number, raw in lines:
        line = _strip_comment(raw).strip()
        if not line:
            continue
        if line.startswith("&"):
            current = line.split()[0].rstrip("_")
            sets.setdefault(current, set())
        elif line.startswith("+") and current is not None:
            sets[current].add(_words(line))
        else:
            raise_or_collect(DictionaryError(
                name, number, f"expected '&SET' or '+WORD' in synonym sets: {line}"), errors)
    return {key: frozenset(words) for key, words in sets.items()}


def _read_block_line(result: VerbDictionary, line: str, where: tuple[str, int],
                     block: tuple[str, Code]) -> None:
    block_name, block_code = block
    origin = f"{where[0]}:{where[1]}"
    if line.startswith("~"):
        result.transformations.append(line)
        return
    if line.startswith("-"):
        code_match = _CODE.search(line)
        if code_match is None:
            raise DictionaryError(*where, "pattern without a [code]")
        code = parse_code(code_match.group(1), where)
        body = line[1:code_match.start()]
        before, after = parse_pattern(body, where, result.synsets)
        pattern = VerbPattern(block_name, before, after, code, body.strip(), origin)
        result.patterns.setdefault(block_name, []).append(pattern)
        return
    code_match = _CODE.search(line)
    code = parse_code(code_match.group(1), where) if code_match else block_code
    head = re.sub(r"\{[^}]*\}|\[[^\]]*\]", " ", line).split()
    if len(head) != 1:
        raise DictionaryError(*where, f"expected one verb per line: {line.strip()}")
    lemma = _words(head[0])
    if not lemma:
        raise DictionaryError(*where, f"empty verb: {line.strip()}")
    result.verbs.setdefault(lemma, Verb(lemma, block_name, code, origin))


def _guard(errors: list[DictionaryError] | None, action):  # type: ignore[no-untyped-def]
    try:
        return action()
    except DictionaryError as exc:
        raise_or_collect(exc, errors)
        return None
