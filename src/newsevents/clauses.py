"""The arguments of a predicate in a dependency parse: subjects, objects, flags."""

from __future__ import annotations

from spacy.tokens import Token

SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj"})
OBJECT_DEPS = frozenset({"dobj", "obj", "iobj"})
TARGET_PREPS = ("with", "to", "against", "on", "from", "at", "toward", "towards", "into",
                "over", "upon", "for")
INHERIT_SUBJECT = frozenset({"xcomp", "advcl", "conj", "pcomp", "acomp"})
MODALS = frozenset({"will", "would", "may", "might", "could", "should", "can", "must", "shall"})
INTENT_VERBS = frozenset({"threaten", "plan", "intend", "want", "seek", "hope", "vow",
                          "promise", "propose", "consider", "aim", "try", "attempt", "prepare",
                          "offer", "agree", "refuse", "decide", "expect", "pledge", "demand",
                          "urge", "ask", "call", "order", "need", "float", "wish"})
CONDITIONAL_MARKS = frozenset({"if", "unless", "whether"})
# Verbs that carry out the act their noun names ("*hold* talks", "*carried out* strikes",
# "*impose* sanctions", "talks *resumed*"): the noun's event is as negated or hypothetical as
# they are. Not verbs that act on an event ("*condemned* the attack", "*denied* the strikes"),
# which say nothing of whether it happened.
SUPPORT_VERBS = frozenset({"hold", "have", "conduct", "carry", "launch", "stage", "mount",
                           "wage", "make", "impose", "sign", "begin", "start", "resume",
                           "continue", "open", "commit", "perpetrate", "give", "grant",
                           "issue", "announce", "host", "join", "take", "undertake",
                           "deliver", "provide", "send", "deploy", "file", "bring", "level",
                           "lodge", "organise", "organize", "lead", "extend",
                           "introduce", "adopt", "pass", "reach", "strike", "seal", "place",
                           "occur", "happen", "break", "erupt"})
SPEECH_VERBS = frozenset({"say", "tell", "state", "add", "claim", "announce", "report",
                          "declare", "insist", "note", "explain", "write", "comment", "allege",
                          "argue", "point", "confirm", "reveal", "quote"})
NOMINAL = frozenset({"NOUN", "PROPN", "PRON"})


def with_conjuncts(token: Token) -> list[Token]:
    """A noun and the nouns conjoined with it ("the US, UK and EU")."""
    out = [token]
    for child in token.children:
        if child.dep_ == "conj" and child.pos_ in NOMINAL:
            out.extend(with_conjuncts(child))
    return out


def is_passive(verb: Token) -> bool:
    return any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children)


def subjects(verb: Token, depth: int = 0) -> list[Token]:
    """Grammatical subjects, inherited through xcomp, participles and conjoined verbs."""
    own = [c for c in verb.children if c.dep_ in SUBJECT_DEPS]
    if own:
        return with_conjuncts(own[0])
    if depth > 4 or verb.head.i == verb.i:
        return []
    if verb.dep_ in ("relcl", "acl") and verb.head.pos_ in NOMINAL:
        return [verb.head]
    if verb.dep_ in INHERIT_SUBJECT or (verb.dep_ == "pcomp" and verb.head.dep_ == "prep"):
        head = verb.head.head if verb.head.dep_ == "prep" else verb.head
        return subjects(head, depth + 1)
    return []


def passive_agents(verb: Token) -> list[Token]:
    """The "by X" of a passive verb."""
    for child in verb.children:
        if child.dep_ == "agent":
            return [t for c in child.children if c.dep_ == "pobj" for t in with_conjuncts(c)]
    return []


def objects(verb: Token) -> list[Token]:
    """Direct objects, then recipients, then the first prepositional object that can be one."""
    for child in verb.children:
        if child.dep_ in OBJECT_DEPS and child.pos_ in NOMINAL:
            return with_conjuncts(child)
    for child in verb.children:
        if child.dep_ == "dative":
            pobj = [c for c in child.children if c.dep_ == "pobj"]
            return with_conjuncts(pobj[0]) if pobj else with_conjuncts(child)
    preps = [c for c in verb.children if c.dep_ == "prep" and c.lower_ in TARGET_PREPS]
    for prep in sorted(preps, key=lambda p: TARGET_PREPS.index(p.lower_)):
        pobj = [c for c in prep.children if c.dep_ == "pobj" and c.pos_ in NOMINAL]
        if pobj:
            return with_conjuncts(pobj[0])
    return []


def governing_path(token: Token, skip: range = range(0), limit: int = 8) -> list[Token]:
    """The words `token` may modify, nearest first: its heads, through prepositions (not
    listed) and nouns, up to and including the first verb or clause head, leaving out those in
    `skip` (the rest of its own phrase). "a court in Antwerp *in 2021*" -> court, sentenced."""
    out: list[Token] = []
    node = token
    for _ in range(limit):
        if node.head.i == node.i:
            break
        node = node.head
        if node.i in skip or node.pos_ == "ADP":
            continue
        out.append(node)
        if node.pos_ in ("VERB", "AUX") or node.dep_ in ("ccomp", "relcl", "acl", "advcl"):
            break
    return out


FUTURE_AUX = frozenset({"will", "shall", "'ll"})


def future_aux(verb: Token) -> bool:
    """The verb has a future auxiliary: "*will* meet"."""
    return any(c.dep_ == "aux" and c.lower_ in FUTURE_AUX for c in verb.children)


def negated(verb: Token) -> bool:
    if any(c.dep_ == "neg" for c in verb.children):
        return True
    return verb.dep_ in ("xcomp", "conj") and any(c.dep_ == "neg" for c in verb.head.children)


def hypothetical(verb: Token) -> bool:
    """Modal, conditional, intended, threatened or demanded rather than done."""
    if any(c.dep_ in ("aux", "auxpass") and c.lemma_.lower() in MODALS for c in verb.children):
        return True
    if any(c.dep_ == "mark" and c.lower_ in CONDITIONAL_MARKS for c in verb.children):
        return True
    head = verb.head
    if verb.dep_ in ("xcomp", "ccomp") and head.lemma_.lower() in INTENT_VERBS:
        return True
    if purpose_infinitive(verb) and hypothetical(head):
        return True  # "will visit Kyiv *to meet* the president": the meeting is not done yet
    return verb.dep_ == "conj" and head.i != verb.i and hypothetical(head)


def purpose_infinitive(verb: Token) -> bool:
    """"… *to meet* the president": an infinitive clause of purpose or complement."""
    return verb.dep_ in ("advcl", "xcomp") and verb.head.i != verb.i and any(
        c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)


def reporting_verb(verb: Token) -> Token | None:
    """The "said" that reports this clause, if any."""
    node = verb
    for _ in range(3):
        if node.dep_ not in ("ccomp", "conj", "parataxis") or node.head.i == node.i:
            return None
        node = node.head
        if node.lemma_.lower() in SPEECH_VERBS:
            return node
    return None


def particle(verb: Token) -> str | None:
    for child in verb.children:
        if child.dep_ == "prt":
            return child.lower_
    return None
