"""Who says an event happened: named, anonymous, official media, or nobody.

The claimant is the subject of the verb that reports the event's clause ("*Raisi's office*
said he has accused …"), or the object of "according to" in the sentence. Its phrase decides
the type:
- `official_media`: state or official outlets ("state TV", "the state-run IRNA news agency");
- `anonymous`: unnamed sources ("some diplomatic sources privately say", "a veteran observer
  who declined to be identified", "sources familiar with", an official with no name);
- `named`: a person, an organisation or an office named ("Raisi's office", "the UN").
"""

from __future__ import annotations

import re

from spacy.tokens import Span, Token

from newsevents import clauses

_MEDIA = re.compile(r"\b(?:state[- ](?:run|owned|controlled|affiliated|backed)?\s*(?:tv|"
                    r"television|media|radio|press|papers?|newspapers?|news agency|"
                    r"broadcaster|outlets?)|state[- ](?:run|owned|controlled)|official "
                    r"(?:news agency|media|newspaper|press)|(?:irna|kcna|xinhua|tass|sana|"
                    r"tasnim|fars|mehr|press tv|ria novosti|cctv|global times|rodong sinmun)"
                    r")\b", re.I)
_ANONYMOUS = re.compile(r"\b(?:sources?|declined to be (?:identified|named)|asked not to be "
                        r"(?:identified|named)|on condition of anonymity|speaking anonymously|"
                        r"unnamed|anonymous|familiar with|insiders?)\b", re.I)
_PEOPLE = frozenset({"official", "officials", "diplomat", "diplomats", "observer", "observers",
                     "analyst", "analysts", "person", "people", "aide", "aides", "activist",
                     "activists", "witness", "witnesses", "resident", "residents", "source",
                     "sources", "insider", "insiders", "expert", "experts", "officer",
                     "officers"})
# not "minister" or "spokesman": "the Iranian foreign minister" is one identifiable office
_NAMED_ENTITIES = frozenset({"PERSON", "ORG", "GPE", "NORP", "FAC"})


def claimant(reported_by: Token | None, sentence: Span) -> Span | None:
    """The phrase of whoever the sentence says claims what it reports: the speaker of the
    reporting verb, else the object of "according to"."""
    if reported_by is not None:
        found = speaker_phrase(reported_by)
        if found is not None:
            return found
    for token in sentence[:-1]:
        if token.lower_ == "according" and token.nbor().lower_ == "to":
            objects = [c for c in token.nbor().children if c.dep_ == "pobj"]
            if objects:
                return _phrase(objects[0])
    return None


def speaker_phrase(verb: Token) -> Span | None:
    """Who a speech verb says spoke: its subject, else the noun phrase right before it (a
    misparsed subject: "…, Raisi's office said he …" read as a conjunct)."""
    subjects = clauses.subjects(verb)
    if subjects:
        return _phrase(subjects[0])
    before = verb.doc[verb.i - 1] if verb.i > 0 else None
    if before is None or before.pos_ not in ("NOUN", "PROPN", "PRON"):
        return None
    lefts = list(before.lefts)
    return before.doc[(lefts[0].left_edge.i if lefts else before.i): before.i + 1]


def attribution_of(reported_by: Token | None, sentence: Span) -> dict[str, str | None]:
    """The event's `attribution` field: `{type, text}`."""
    phrase = claimant(reported_by, sentence)
    if phrase is None:
        return {"type": "none", "text": None}
    return {"type": claim_type(phrase), "text": phrase.text}


def claim_type(phrase: Span) -> str:
    text = phrase.text
    if _MEDIA.search(text):
        return "official_media"
    if _ANONYMOUS.search(text):
        return "anonymous"
    named = any(t.ent_type_ in _NAMED_ENTITIES and t.ent_type_ != "NORP" for t in phrase) or \
        any(t.pos_ == "PROPN" for t in phrase)
    if named:
        return "named"
    if phrase.root.lower_ in _PEOPLE or phrase.root.lemma_.lower() in _PEOPLE:
        return "anonymous"  # "a senior official", "an Iranian activist": no name given
    return "named"  # "the ministry", "the court": an office that can be held to its word


def _phrase(head: Token) -> Span:
    """The claimant with its modifiers and relative clause ("a veteran observer from Europe,
    who declined to be identified")."""
    return head.doc[head.left_edge.i: head.right_edge.i + 1]
