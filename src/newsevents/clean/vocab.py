"""Word lists the cleaner reads: stoplists (from jusText) and furniture vocabulary (ours)."""

from __future__ import annotations

import importlib.util
import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*", re.UNICODE)
# Scripts written without spaces between words: count two characters as a word.
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\u0e00-\u0e7f]")
_CHARS_PER_UNSPACED_WORD = 2


def words(text: str) -> list[str]:
    """Lower-cased alphabetic words, apostrophes and hyphens kept inside a word."""
    out: list[str] = []
    for word in _WORD.findall(text):
        if _UNSPACED.search(word):
            step = _CHARS_PER_UNSPACED_WORD
            out.extend(word[i: i + step] for i in range(0, len(word), step))
        else:
            out.append(word.lower())
    return out


def has_stoplist(language: str) -> bool:
    return language in _stoplist_names()


@cache
def _stoplist_names() -> dict[str, str]:
    table = resources.files("newsevents").joinpath("data/stoplists.tsv").read_text("utf-8")
    return dict(
        line.split("\t") for line in table.splitlines() if line and not line.startswith("#")
    )


@cache
def stoplist(language: str) -> frozenset[str]:
    """The jusText stoplist for an ISO 639-1 code; English when the language is unknown.

    Read from jusText's data files without importing jusText, whose import pulls in
    lxml.html: a tenth of a second of every run that cleans a text page."""
    spec = importlib.util.find_spec("justext")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("jusText is not installed")
    folder = Path(next(iter(spec.submodule_search_locations))) / "stoplists"
    data = (folder / f"{_stoplist_names().get(language, 'English')}.txt").read_bytes()
    return frozenset(word.decode("utf-8").lower() for word in data.splitlines())


@dataclass(slots=True, frozen=True)
class TermSet:
    """One furniture category: its phrases, and how they must appear to count."""

    reason: str
    terms: frozenset[str]
    whole_line: bool
    max_words: int
    pattern: re.Pattern[str]

    def matches_whole(self, text: str) -> bool:
        return " ".join(words(text)) in self.terms or text.strip().lower() in self.terms

    def found_in(self, text: str) -> bool:
        return self.pattern.search(text) is not None


@cache
def furniture_terms() -> dict[str, TermSet]:
    raw = tomllib.loads(
        resources.files("newsevents").joinpath("data/furniture.toml").read_text("utf-8")
    )
    sets = {}
    for reason, section in raw.items():
        terms = frozenset(t.lower() for t in section["terms"])
        alternatives = "|".join(sorted((re.escape(t) for t in terms), key=len, reverse=True))
        pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
        sets[reason] = TermSet(
            reason=reason,
            terms=terms,
            whole_line=bool(section.get("whole_line", False)),
            max_words=int(section.get("max_words", 10_000)),
            pattern=pattern,
        )
    return sets
