"""Which time expression belongs to an event: the one attached to its predicate or clause.

"Assadi was sentenced by a court in Antwerp *in 2021* for planning an attack in Paris *in June
2018*": the sentencing is dated 2021, the attack 2018. An expression is spaCy DATE entity; it
belongs to the word it modifies (through "in", "on", "between" … or directly, "last month");
an event takes the expression of its trigger, else of the verb whose object or clause the
trigger is ("experienced an uprising *in September*", "threatened *on Monday* to strike").
"""

from __future__ import annotations

from spacy.tokens import Span, Token

from newsevents import clauses

_CLAUSE_LINKS = frozenset({"xcomp", "conj", "advcl", "dobj", "obj", "nsubj", "nsubjpass",
                           "attr", "pobj"})


def attached_expressions(trigger: Token, sentence: Span | None = None) -> list[Span]:
    """The DATE entities attached to the trigger, nearest first; if none, those of the
    predicates above it (up to two levels: an object's verb, an infinitive's or a conjunct's
    governor). Durations ("to 20 years") are among them; the resolver skips them."""
    dates = [ent for ent in (sentence if sentence is not None else trigger.sent).ents
             if ent.label_ == "DATE"]
    if not dates:
        return []
    chains = [(ent, _chain(ent)) for ent in dates]
    node = trigger
    for _ in range(3):
        found = [ent for ent, chain in chains if node.i in chain]
        if found:
            return sorted(found, key=lambda ent: abs(ent.start - trigger.i))
        if node.dep_ not in _CLAUSE_LINKS or node.head.i == node.i:
            return []
        node = node.head
    return []


def _chain(ent: Span) -> set[int]:
    """The words the expression may modify, up to the first verb ("by a court *in 2021*"
    reaches "sentenced": a date rarely modifies the court)."""
    return {t.i for t in clauses.governing_path(ent.root, range(ent.start, ent.end))}
