"""Find related-article lists: a heading, then titles each followed by a cut-off teaser."""

from __future__ import annotations

from newsevents.clean.furniture import RELATED_HEADING, TEASER
from newsevents.clean.lines import Line, main_block

_MAX_GAP = 3  # lines between two teasers of one list (a title, sometimes a date or an author)
_HEADING_WORDS = 6


def teaser_reasons(lines: list[Line]) -> dict[int, str]:
    """Map line index -> reason for every line in a related-article list.

    A list is two or more truncated teaser lines ("...", "…") at most a few lines apart. The short
    lines between and just before them are the teaser titles; a short line just before the first
    title is the list's heading.
    """
    # Inside the article's main block of prose, such a list is the article's own content.
    block_start, block_end = main_block(lines)
    truncated = [
        i for i, line in enumerate(lines)
        if line.truncated and not line.is_long_prose and not block_start <= i <= block_end
    ]
    reasons: dict[int, str] = {}
    for run in _runs(truncated):
        if len(run) < 2:
            continue
        gap = run[1] - run[0]
        start = max(run[0] - (gap - 1), 0)
        for i in range(start, run[-1] + 1):
            reasons[i] = TEASER
        heading = start - 1
        if heading >= 0 and _is_heading(lines[heading]):
            reasons[heading] = RELATED_HEADING
    return reasons


def _runs(indices: list[int]) -> list[list[int]]:
    runs: list[list[int]] = []
    for i in indices:
        if runs and i - runs[-1][-1] <= _MAX_GAP + 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def _is_heading(line: Line) -> bool:
    return line.n_words <= _HEADING_WORDS and not line.sentence_end and not line.truncated
