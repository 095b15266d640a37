"""One normal form for phrases, shared by dictionary entries and the text they are matched in."""

from __future__ import annotations

import re
from functools import lru_cache

_PIECE = re.compile(r"[^\W_]+", re.UNICODE)


@lru_cache(maxsize=65536)  # the same words are looked up again and again while coding
def normalize_phrase(text: str) -> str:
    """Lower-case word pieces joined by single spaces.

    Dictionary spellings (`MAZAR-I-SHARIF_`, `U.N._`) and text spellings ("Mazar-i-Sharif",
    "U.N.") meet in the same form ("mazar i sharif", "u n"), whatever the tokeniser did.
    """
    return " ".join(piece.lower() for piece in _PIECE.findall(text))


def without_xml_comments(lines: list[str]) -> list[str]:
    """The lines with `<!-- … -->` comments blanked (PETRARCH's validation dictionaries use
    them, sometimes over several lines, sometimes written `<! -- …`). Line numbers are kept."""
    out: list[str] = []
    inside = False
    for line in lines:
        text = line
        if inside:
            end = text.find("-->")
            if end < 0:
                out.append("")
                continue
            text, inside = text[end + 3:], False
        while True:
            start = min((i for i in (text.find("<!--"), text.find("<! --")) if i >= 0),
                        default=-1)
            if start < 0:
                break
            end = text.find("-->", start)
            if end < 0:
                text, inside = text[:start], True
                break
            text = text[:start] + text[end + 3:]
        out.append(text)
    return out
