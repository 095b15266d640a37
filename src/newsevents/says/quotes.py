"""Quotes: direct ("…" with quotation marks) and indirect (a clause a speech verb reports),
each with its speaker.

A direct quote's speaker is the subject of the speech verb of its sentence outside the quote
("…," *the letter* states), else of "according to X"; an indirect quote is the clause under a
speech verb ("*Raisi's office* said [he has accused …]"). A quote whose speaker phrase is
anonymous (see `attribution`) is flagged.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from newsevents import clauses
from newsevents.records import Actor
from newsevents.says.attribution import claim_type, claimant

_QUOTED = re.compile(r"[“\"”]([^“”\"]{12,}?)[”\"“]")


@dataclass(slots=True, frozen=True)
class FoundQuote:
    speaker: Actor | None
    text: str
    span: tuple[int, int]
    anonymous: bool
    kind: str  # "direct" | "indirect"


def find_quotes(doc: Doc, actor_of: Callable[[Token, Span], Actor],
                sentences: list[Span] | None = None) -> list[FoundQuote]:
    """Every quote of the document; `actor_of(head, phrase)` codes a speaker."""
    out: list[FoundQuote] = []
    for sentence in sentences if sentences is not None else doc.sents:
        direct = [(m.start(1), m.end(1)) for m in _QUOTED.finditer(sentence.text)]
        offset = sentence.start_char
        spans = [(offset + a, offset + b) for a, b in direct]
        speaker = claimant(_speech_verb(sentence, spans), sentence) if spans else None
        for start, end in spans:
            text = doc.text[start:end].strip()
            if len(text.split()) >= 3:
                out.append(_quote(speaker, text, (start, end), "direct", actor_of))
        for token in sentence:
            if token.dep_ != "ccomp":
                continue
            if token.head.lemma_.lower() in clauses.SPEECH_VERBS:
                clause = doc[token.left_edge.i: token.right_edge.i + 1]
                if any(a <= clause.start_char < b for a, b in spans):
                    continue  # already a direct quote
                who = claimant(token.head, sentence)
                if who is not None and len(clause) >= 3:
                    out.append(_quote(who, clause.text, (clause.start_char, clause.end_char),
                                      "indirect", actor_of))
    return out


def _quote(speaker: Span | None, text: str, span: tuple[int, int], kind: str,
           actor_of: Callable[[Token, Span], Actor]) -> FoundQuote:
    actor = actor_of(speaker.root, speaker) if speaker is not None else None
    anonymous = speaker is not None and claim_type(speaker) == "anonymous"
    return FoundQuote(actor, text, span, anonymous, kind)


def _speech_verb(sentence: Span, quoted: list[tuple[int, int]]) -> Token | None:
    if not quoted:
        return None
    for token in sentence:
        inside = any(a <= token.idx < b for a, b in quoted)
        if not inside and token.lemma_.lower() in clauses.SPEECH_VERBS | {"state", "write"}:
            return token
    return None
