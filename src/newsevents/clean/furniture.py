"""Rules that name the kind of page furniture a line is. Each returns a drop reason or None."""

from __future__ import annotations

import re

from newsevents.clean.lines import Line
from newsevents.clean.vocab import furniture_terms

AD_MARKER = "ad marker"
PROMPT = "prompt (subscribe, newsletter, share, comment, cookie or login)"
FOOTER = "footer"
NAVIGATION = "navigation"
RELATED_HEADING = "related-article list heading"
TEASER = "related-article teaser"
AUTHOR_BIO = "author bio"

_STRONG_FOOTER = re.compile(r"©|\ball rights reserved\b|\bcopyright\b.{0,20}\d{4}", re.I)
_BIO_SUBJECT = re.compile(
    r"^(?:(?:mr|mrs|ms|dr)\.?\s)?[A-Z][\w.'’-]+(?:\s[A-Z][\w.'’-]+){0,3}\s(?:is|was|has been)\s"
    r"(?:an?|the)\s|^(?:[\w’'-]+\s){0,6}(?:of|at)\s[A-Z]",
)
_BIO_CAREER = re.compile(
    r"\b(?:has|having)\s(?:spent|written|worked|covered|reported|served|contributed|been)\b", re.I
)


def rule_reason(line: Line) -> str | None:
    """The furniture a line is by its own words and shape alone, or None."""
    terms = furniture_terms()
    if line.n_words <= 5 and terms["ad_marker"].matches_whole(line.text):
        return AD_MARKER
    if line.n_words <= 6 and terms["related_heading"].matches_whole(line.text):
        return RELATED_HEADING
    if _is_prompt(line):
        return PROMPT
    if line.n_words <= terms["footer"].max_words and _STRONG_FOOTER.search(line.text):
        return FOOTER
    if line.n_words <= 8 and not line.sentence_end and terms["footer"].found_in(line.text):
        return FOOTER
    if line.separators >= 2 and line.n_words <= 3 * (line.separators + 1) and not line.sentence_end:
        return NAVIGATION
    return None


def _is_prompt(line: Line) -> bool:
    prompt = furniture_terms()["prompt"]
    if line.n_words > prompt.max_words or not prompt.found_in(line.text):
        return False
    # A prompt is a few words, or leads with its call ("Subscribe to …", "Share this …"); a
    # sentence of prose that merely mentions "comments" or "Twitter" is not a prompt.
    if line.sentence_end and line.n_words >= 7 and line.stop_share >= 0.35:
        return False
    return line.n_words <= 6 or prompt.found_in(" ".join(line.text.split()[:3]))


def looks_like_bio(line: Line) -> bool:
    """A paragraph that introduces the author: an occupation plus a bio's phrasing."""
    occupations = furniture_terms()["bio"]
    hits = len(occupations.pattern.findall(line.text))
    if hits == 0 or line.n_words > 90:
        return False
    first = re.split(r"(?<=[.!?])\s", line.text, maxsplit=1)[0]
    phrased = bool(_BIO_SUBJECT.search(first) or _BIO_CAREER.search(line.text))
    return phrased and (hits >= 2 or occupations.found_in(first))
