"""One normal form for phrases, shared by dictionary entries and the text they are matched in."""

from __future__ import annotations

import re

_PIECE = re.compile(r"[^\W_]+", re.UNICODE)


def normalize_phrase(text: str) -> str:
    """Lower-case word pieces joined by single spaces.

    Dictionary spellings (`MAZAR-I-SHARIF_`, `U.N._`) and text spellings ("Mazar-i-Sharif",
    "U.N.") meet in the same form ("mazar i sharif", "u n"), whatever the tokeniser did.
    """
    return " ".join(piece.lower() for piece in _PIECE.findall(text))
