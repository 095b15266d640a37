"""The text-page cleaner: classify each line of a scraped page, keep the article, drop the rest.

Three kinds of evidence are combined:
  - rules that name furniture (ad markers, prompts, footers, navigation, related-article lists),
  - a learned line scorer over shape features (length, punctuation, stop words, position,
    repetition, the neighbours' scores),
  - the page head (viewing date, publication date, byline, headline).
Every dropped line is kept with its reason.
"""

from __future__ import annotations

from dataclasses import dataclass

from newsevents.clean import furniture
from newsevents.clean.datelines import read_head
from newsevents.clean.language import identify_language, recorded_language
from newsevents.clean.lines import Line, feature_rows, split_lines
from newsevents.clean.model import LineScorer, default_scorer
from newsevents.clean.teasers import teaser_reasons
from newsevents.records import DroppedLine

_SUBHEAD_WORDS = 15
_TITLE_WORDS = (3, 30)
_BIO_TAIL = 0.5  # a bio is looked for in the last half of the page only


@dataclass(slots=True, frozen=True)
class CleanedPage:
    """The article left when the furniture is gone, and what the page's head said."""

    text: str
    title: str | None
    dropped: tuple[DroppedLine, ...]
    language: str
    page_date: str | None = None
    published: str | None = None
    author: str | None = None


def clean_page(
    text: str,
    *,
    title: str | None = None,
    language: str | None = None,
    scorer: LineScorer | None = None,
) -> CleanedPage:
    """Clean a scraped text page. `title` is given when the source already knows it.

    `language` (ISO 639-1) picks the stop-word list; by default it is identified from the text,
    and `CleanedPage.language` is "und" when the identification is not confident.
    """
    if language is None:
        guess, probability = identify_language(text)
        language, recorded = guess, recorded_language(guess, probability, text)
    else:
        recorded = language
    lines = split_lines(text, language)
    if not lines:
        return CleanedPage("", title, (), recorded)
    scorer = scorer or default_scorer()
    first_prose = next((i for i, line in enumerate(lines) if line.is_long_prose), -1)
    head = read_head(lines, language, first_prose)
    reasons: dict[int, str] = dict(head.reasons or {})
    for i, line in enumerate(lines):
        if i not in reasons and (reason := furniture.rule_reason(line)):
            reasons[i] = reason
    for i, reason in teaser_reasons(lines).items():
        reasons.setdefault(i, reason)
    scores = scorer.score(feature_rows(lines, language))
    keep = [i not in reasons and scores[i] >= scorer.threshold for i in range(len(lines))]
    _rescue_subheads(lines, keep, reasons)
    _drop_bios(lines, keep, reasons)
    if not any(keep):
        keep = _keep_lone_text(lines, reasons)
    title_index = _find_title(lines, keep, reasons, title)
    if title_index is not None:
        title = title or lines[title_index].text
        keep[title_index] = False
    dropped = _dropped(lines, keep, reasons, scores, title_index)
    body = "\n\n".join(line.text for i, line in enumerate(lines) if keep[i])
    return CleanedPage(body, title, dropped, recorded, head.page_date, head.published, head.author)


def _keep_lone_text(lines: list[Line], reasons: dict[int, str]) -> list[bool]:
    """A text with no page around it (a pasted paragraph, a sentence on stdin) gives the scorer
    nothing to tell it from: keep its sentences that no rule names as furniture."""
    free = [i not in reasons for i in range(len(lines))]
    sentences = [free[i] and (line.sentence_end or line.n_words >= 8)
                 for i, line in enumerate(lines)]
    return sentences if any(sentences) else free


def _rescue_subheads(lines: list[Line], keep: list[bool], reasons: dict[int, str]) -> None:
    """Keep a short heading that sits between two kept paragraphs of prose."""
    for i in range(1, len(lines) - 1):
        line = lines[i]
        if keep[i] or i in reasons or line.n_words > _SUBHEAD_WORDS or line.sentence_end:
            continue
        before, after = lines[i - 1], lines[i + 1]
        if keep[i - 1] and keep[i + 1] and before.is_long_prose and after.is_long_prose:
            keep[i] = True


def _drop_bios(lines: list[Line], keep: list[bool], reasons: dict[int, str]) -> None:
    """Drop an author bio: a bio-like paragraph in the tail, next to other furniture."""
    start = int(len(lines) * _BIO_TAIL)
    for i in range(start, len(lines)):
        if not keep[i] or not furniture.looks_like_bio(lines[i]):
            continue
        near = range(max(i - 2, 0), min(i + 3, len(lines)))
        last_kept = not any(keep[j] for j in range(i + 1, len(lines)))
        if last_kept or any(j in reasons for j in near if j != i):
            keep[i] = False
            reasons[i] = furniture.AUTHOR_BIO


def _find_title(lines: list[Line], keep: list[bool], reasons: dict[int, str],
                given: str | None) -> int | None:
    """Index of the headline: the last headline-like line before the body starts."""
    first_body = next((i for i, k in enumerate(keep) if k and lines[i].is_long_prose), None)
    if first_body is None:
        return None
    if given is not None:
        wanted = " ".join(given.split()).lower()
        return next((i for i in range(first_body) if lines[i].text.lower() == wanted), None)
    low, high = _TITLE_WORDS
    candidates = [
        i for i in range(first_body)
        if i not in reasons and low <= lines[i].n_words <= high and not lines[i].truncated
    ]
    return candidates[-1] if candidates else None


def _dropped(lines: list[Line], keep: list[bool], reasons: dict[int, str], scores: list[float],
             title_index: int | None) -> tuple[DroppedLine, ...]:
    kept = [i for i, k in enumerate(keep) if k]
    first, last = (kept[0], kept[-1]) if kept else (len(lines), -1)
    out = []
    for i, line in enumerate(lines):
        if keep[i] or i == title_index:
            continue
        reason = reasons.get(i)
        if reason is None:
            where = "header" if i < first else "footer" if i > last else "boilerplate"
            reason = f"{where} (content score {scores[i]:.2f})"
        out.append(DroppedLine(line.text, reason))
    return tuple(out)
