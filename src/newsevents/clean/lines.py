"""Split a text page into lines and describe each line by its shape (the cleaner's features)."""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from newsevents.clean.vocab import furniture_terms, has_stoplist, stoplist, words

_SPACE = re.compile(r"\s+")
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*$")
_TRUNCATED = re.compile(r"(?:\.\.\.|…|\[…\]|\[\.\.\.\])[.\s]*$")
_BULLET = re.compile(r"^(?:[*•·▪►–-]|\d{1,2}[.)])\s")
_SEPARATORS = re.compile(r"\s[|»›>/·•]\s|\s[|»›]|[|»›]\s")
_URL = re.compile(r"https?://|www\.|\.(?:com|org|net|de)\b|@\w")
_LONG_WORDS = 30


@dataclass(slots=True)
class Line:
    """One non-empty line of the page, with its shape."""

    number: int  # 1-based line number in the input
    text: str  # whitespace-collapsed
    words: list[str]
    stop_share: float
    title_share: float
    digit_share: float
    punct_share: float
    sentence_end: bool
    truncated: bool
    bullet: bool
    separators: int
    url_like: bool
    repeated: int

    @property
    def n_words(self) -> int:
        return len(self.words)

    @property
    def is_long_prose(self) -> bool:
        """A line that reads like article prose: long, with function words, ending a sentence."""
        return self.n_words >= _LONG_WORDS and self.stop_share >= 0.2 and not self.truncated


def split_lines(text: str, language: str) -> list[Line]:
    """The page's non-empty lines with their features; `language` picks the stoplist."""
    stops = stoplist(language)
    raw = [(n, _SPACE.sub(" ", line).strip()) for n, line in enumerate(text.splitlines(), 1)]
    kept = [(n, t) for n, t in raw if t]
    counts = Counter(t.lower() for _, t in kept)
    return [_describe(n, t, stops, counts[t.lower()]) for n, t in kept]


def _describe(number: int, text: str, stops: frozenset[str], repeated: int) -> Line:
    tokens = words(text)
    raw_tokens = text.split()
    n = max(len(tokens), 1)
    return Line(
        number=number,
        text=text,
        words=tokens,
        stop_share=sum(1 for w in tokens if w in stops) / n,
        title_share=sum(1 for w in raw_tokens if w[:1].isupper()) / max(len(raw_tokens), 1),
        digit_share=sum(c.isdigit() for c in text) / len(text),
        punct_share=sum(not c.isalnum() and not c.isspace() for c in text) / len(text),
        sentence_end=bool(_SENTENCE_END.search(text)) and not _TRUNCATED.search(text),
        truncated=bool(_TRUNCATED.search(text)),
        bullet=bool(_BULLET.match(text)),
        separators=len(_SEPARATORS.findall(text)),
        url_like=bool(_URL.search(text)),
        repeated=repeated,
    )


FEATURES = (
    "bias", "log_words", "short", "stop_share", "title_share", "digit_share", "punct_share",
    "sentence_end", "truncated", "bullet", "separators", "url_like", "repeated",
    "prompt_term", "footer_term", "rel_position", "in_prose_span", "prose_distance",
    "prev_words", "next_words", "prev_prose", "next_prose", "window_prose", "in_main_block",
    "words_0_2", "words_3_5", "words_6_10", "words_11_20", "words_21_40",
    "stop_lt_10", "stop_10_20", "stop_20_30", "stop_30_40", "log_chars", "no_stoplist",
    "block_distance", "window_short", "window_stop",
)
_WORD_BINS = ((0, 2), (3, 5), (6, 10), (11, 20), (21, 40))
_STOP_BINS = ((0.0, 0.1), (0.1, 0.2), (0.2, 0.3), (0.3, 0.4))
_BLOCK_PENALTY = 4.0


def main_block(lines: list[Line]) -> tuple[int, int]:
    """The run of lines with the most prose, short lines counting against it (maximum subarray).

    Flat-text cousin of body-text extraction: an article is one dense block of prose, so every
    prose word counts for the block and every other line counts against it.
    """
    best, best_span = 0.0, (-1, -1)
    total, start = 0.0, 0
    for i, line in enumerate(lines):
        prose = line.n_words >= 8 and line.stop_share >= 0.2 and line.sentence_end
        total += line.n_words if prose else -_BLOCK_PENALTY
        if total <= 0:
            total, start = 0.0, i + 1
        elif total > best:
            best, best_span = total, (start, i)
    return best_span


def feature_rows(lines: list[Line], language: str) -> list[list[float]]:
    """One feature vector per line, in the order of FEATURES (the model's input)."""
    no_stoplist = float(not has_stoplist(language))
    terms = furniture_terms()
    prose = [i for i, line in enumerate(lines) if line.is_long_prose]
    first, last = (prose[0], prose[-1]) if prose else (-1, -1)
    block_start, block_end = main_block(lines)
    n = len(lines)
    rows = []
    for i, line in enumerate(lines):
        nearest = min((abs(i - p) for p in prose), default=n)
        window = lines[max(i - 3, 0): i + 4]
        prev_line = lines[i - 1] if i > 0 else None
        next_line = lines[i + 1] if i + 1 < n else None
        rows.append([
            1.0,
            math.log1p(line.n_words),
            float(line.n_words < 6),
            line.stop_share,
            line.title_share,
            line.digit_share,
            line.punct_share,
            float(line.sentence_end),
            float(line.truncated),
            float(line.bullet),
            float(min(line.separators, 5)),
            float(line.url_like),
            float(line.repeated > 1),
            float(line.n_words <= 14 and terms["prompt"].found_in(line.text)),
            float(terms["footer"].found_in(line.text)),
            i / max(n - 1, 1),
            float(first <= i <= last),
            math.log1p(nearest),
            math.log1p(prev_line.n_words) if prev_line else 0.0,
            math.log1p(next_line.n_words) if next_line else 0.0,
            float(prev_line is not None and prev_line.is_long_prose),
            float(next_line is not None and next_line.is_long_prose),
            sum(w.is_long_prose for w in window) / len(window),
            float(block_start <= i <= block_end),
            *(float(low <= line.n_words <= high) for low, high in _WORD_BINS),
            *(float(low <= line.stop_share < high) for low, high in _STOP_BINS),
            math.log1p(len(line.text)),
            no_stoplist,
            math.log1p(max(block_start - i, i - block_end, 0)) if block_start >= 0 else 3.0,
            sum(w.n_words < 6 for w in window) / len(window),
            sum(w.stop_share for w in window) / len(window),
        ])
    return rows
