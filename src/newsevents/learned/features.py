"""What the learned coder looks at: candidate triggers, and candidate actors for each role.

A *trigger* candidate is a verb, a participle used as a predicate, an event noun (the nominal
dictionary's, or one seen as a trigger in training), or any token the dictionary coder fired
on. Its features are the encoder's state of the trigger and of the sentence (family
`minilm`), or hashed words around it (family `sparse`), plus what the parse and the
dictionaries say of it. A *role* candidate is a noun-phrase head of the same sentence; its
features say how it hangs on the trigger in the parse and what the actor coder made of it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from spacy.tokens import Span, Token

from newsevents import clauses
from newsevents.coder import nominal
from newsevents.learned.encoder import DIM, Encoded
from newsevents.records import Actor

TYPES = ("AGREE", "CONSULT", "SUPPORT", "COOPERATE", "AID", "CONCEDE", "RETREAT", "REQUEST",
         "ACCUSE", "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT")
LABELS = ("NONE", *TYPES)
ROOTS = tuple(f"{n:02d}" for n in range(1, 21))
TRIGGER_DEPS = ("ROOT", "ccomp", "xcomp", "conj", "advcl", "relcl", "acl", "pcomp", "pobj",
                "dobj", "nsubj", "nsubjpass", "amod", "compound")
ROLE_DEPS = ("nsubj", "nsubjpass", "dobj", "dative", "attr", "poss", "compound", "amod",
             "appos", "npadvmod", "nmod", "conj")
PREPS = ("by", "against", "with", "to", "on", "from", "in", "at", "of", "for", "over", "into",
         "toward", "towards", "after", "between", "about")
SECTORS = ("GOV", "MIL", "COP", "REB", "CVL", "JUD", "OPP", "LEG", "IGO", "NGO", "MED", "BUS",
           "PTY", "ACT", "SPY", "ELI", "REL", "CRM")
ENTITIES = ("GPE", "ORG", "PERSON", "NORP", "LOC", "FAC")
HASH_DIM = 4096
ROLE_VECTORS = 2  # a role row starts with the actor's vector and its product with the trigger's


def is_trigger_candidate(token: Token, fired: set[int], nouns: frozenset[str]) -> bool:
    if token.i in fired:
        return True
    if token.pos_ == "VERB":
        return True
    if token.pos_ == "ADJ" and token.dep_ == "acomp" and token.lower_.endswith("ed"):
        return True
    if token.pos_ == "NOUN":
        return token.lemma_.lower() in nouns or nominal.trigger_for(token) is not None
    return False


def _one_hot(value: str | None, names: Sequence[str]) -> list[float]:
    return [1.0 if value == name else 0.0 for name in names]


def _bucket(value: int, edges: Sequence[int]) -> list[float]:
    return [1.0 if value <= edge else 0.0 for edge in edges]


def _hash(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=4).digest(),
                          "little") % HASH_DIM


def sparse_words(token: Token, sentence: Span) -> np.ndarray:
    """Hashed lemma, lemma with its dependency, neighbours and the lemmas of its children."""
    vector = np.zeros(HASH_DIM, dtype=np.float32)
    words = [f"l={token.lemma_.lower()}", f"ld={token.lemma_.lower()}|{token.dep_}",
             f"h={token.head.lemma_.lower()}"]
    words += [f"c={c.dep_}|{c.lemma_.lower()}" for c in token.children]
    if token.i > sentence.start:
        words.append(f"p={token.doc[token.i - 1].lower_}")
    if token.i + 1 < sentence.end:
        words.append(f"n={token.doc[token.i + 1].lower_}")
    for word in words:
        vector[_hash(word)] = 1.0
    return vector


@dataclass(slots=True, frozen=True)
class SentenceView:
    """One sentence with what the learned stages need of it."""

    sentence: Span
    encoded: Encoded | None
    actors: dict[int, Actor]  # noun-phrase head index -> resolved actor
    fired: dict[int, frozenset[str]]  # token index -> CAMEO roots the dictionary gave it
    # trigger index -> the heads the dictionary made source and target of its events there
    dictionary_roles: dict[int, tuple[frozenset[int], frozenset[int]]]

    def span_vector(self, token: Token) -> np.ndarray:
        if self.encoded is None:
            return np.zeros(DIM, dtype=np.float32)
        start = token.idx - self.sentence.start_char
        return self.encoded.span_vector(start, start + len(token.text))


def hand_features(token: Token, view: SentenceView) -> np.ndarray:
    """What the parse and the dictionaries say of a trigger candidate."""
    sentence = view.sentence
    coded = [a for i, a in view.actors.items() if a.code and sentence.start <= i < sentence.end]
    subjects = clauses.subjects(token) if token.pos_ in ("VERB", "ADJ") else []
    hand = (_one_hot_roots(view.fired.get(token.i, frozenset()))
            + _one_hot(token.pos_, ("VERB", "NOUN", "ADJ", "PROPN"))
            + _one_hot(token.dep_, TRIGGER_DEPS)
            + [float(clauses.negated(token)), float(clauses.hypothetical(token)),
               float(clauses.reporting_verb(token) is not None),
               float(any(view.actors.get(s.i) is not None and view.actors[s.i].code
                         for s in subjects)),
               float(nominal.trigger_for(token) is not None) if token.pos_ == "NOUN" else 0.0]
            + _bucket(len(coded), (0, 1, 2)))
    return np.asarray(hand, dtype=np.float32)


def trigger_features(token: Token, view: SentenceView, family: str) -> np.ndarray:
    if family == "sparse":
        body = sparse_words(token, view.sentence)
    else:
        assert view.encoded is not None
        body = np.concatenate([view.span_vector(token), view.encoded.pooled])
    return np.concatenate([body, hand_features(token, view)])


def _one_hot_roots(roots: frozenset[str]) -> list[float]:
    return [1.0 if root in roots else 0.0 for root in ROOTS]


def _path(a: Token, b: Token) -> int:
    """Edges between two tokens of one tree (99 when they do not meet within 8)."""
    up_a = [a, *list(a.ancestors)[:8]]
    up_b = [b, *list(b.ancestors)[:8]]
    index_b = {t.i: n for n, t in enumerate(up_b)}
    for n, t in enumerate(up_a):
        if t.i in index_b:
            return n + index_b[t.i]
    return 99


def _preposition(head: Token, trigger: Token) -> str | None:
    """The preposition through which `head` hangs on the trigger ("attacked *by* X")."""
    parent = head.head
    if head.dep_ in ("pobj", "pcomp") and parent.dep_ in ("prep", "agent") and \
            parent.head.i == trigger.i:
        return parent.lower_
    return None


LIGHT_DEPS = frozenset({"dobj", "attr", "nsubjpass", "nsubj"})


def _noun_governor_roles(head: Token, trigger: Token) -> list[float]:
    """For an event noun, how `head` relates to the verb that carries it: the subject of
    "*Trump* had a conversation", "*Israel* launched strikes"; the agent of "an airstrike
    carried out by *the Navy*", "the attack was claimed by *X*"; or an object of that verb."""
    if trigger.pos_ != "NOUN":
        return [0.0, 0.0, 0.0]
    verbs = [c for c in trigger.children if c.dep_ == "acl" and c.pos_ == "VERB"]
    if trigger.dep_ in LIGHT_DEPS and trigger.head.pos_ in ("VERB", "AUX"):
        verbs.append(trigger.head)
    subject = agent = other = False
    for verb in verbs:
        subject |= trigger.dep_ != "nsubj" and head.i in {s.i for s in clauses.subjects(verb)}
        agent |= head.i in {a.i for a in clauses.passive_agents(verb)}
        other |= head.i != trigger.i and head.head.i == verb.i and head.dep_ in (
            "dobj", "dative", "attr")
    return [float(subject), float(agent), float(other)]


def role_candidates(trigger: Token, view: SentenceView) -> list[int]:
    sentence = view.sentence
    return [i for i in sorted(view.actors) if sentence.start <= i < sentence.end
            and i != trigger.i]


def role_features(trigger: Token, head_index: int, event_type: str, view: SentenceView,
                  family: str) -> np.ndarray:
    doc = trigger.doc
    head = doc[head_index]
    actor = view.actors[head_index]
    direct = head.head.i == trigger.i
    prep = _preposition(head, trigger)
    passive = clauses.is_passive(trigger)
    distance = abs(head.i - trigger.i)
    rule = actor.rule or ""
    hand = ([float(direct)] + (_one_hot(head.dep_, ROLE_DEPS) if direct else [0.0] *
                               len(ROLE_DEPS))
            + _one_hot(prep, PREPS) + [float(prep is not None and prep not in PREPS)]
            + [float(trigger.i in [t.i for t in head.ancestors]),
               float(head.i in [t.i for t in trigger.ancestors]),
               float(head.i < trigger.i), float(passive), float(passive and prep == "by"),
               float(head.i in {s.i for s in clauses.subjects(trigger)})
               if trigger.pos_ in ("VERB", "ADJ") else 0.0,
               float(head.i in {o.i for o in clauses.objects(trigger)})
               if trigger.pos_ in ("VERB", "ADJ") else 0.0]
            + _bucket(_path(head, trigger), (1, 2, 3, 4))
            + _bucket(distance, (2, 5, 10, 20))
            + [float(actor.code is not None), float(actor.country is not None),
               float(head.pos_ == "PRON"), float(rule.startswith("pronoun")),
               float(rule.startswith("agent")), float(rule == "unknown")]
            + _one_hot(actor.sector, SECTORS) + _one_hot(head.ent_type_ or None, ENTITIES)
            + _one_hot(event_type, TYPES) + [float(trigger.pos_ == "NOUN")]
            + _noun_governor_roles(head, trigger))
    sources, targets = view.dictionary_roles.get(trigger.i, (frozenset(), frozenset()))
    hand += [float(head_index in sources), float(head_index in targets),
             float(trigger.i in view.dictionary_roles)]
    hand_vector = np.asarray(hand, dtype=np.float32)
    if family == "sparse":
        words = np.zeros(256, dtype=np.float32)
        words[_hash(f"a={head.lemma_.lower()}") % 256] = 1.0
        return np.concatenate([words, hand_vector])
    actor_vector = view.span_vector(head)
    return np.concatenate([actor_vector, actor_vector * view.span_vector(trigger),
                           hand_vector])


def _side_features(actor: Actor | None) -> list[float]:
    if actor is None:
        return [1.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    rule = actor.rule or ""
    return [0.0, float(actor.country is not None), float(actor.sector is not None),
            float(rule.startswith("pronoun")), float("context" in rule),
            float(len(actor.text.split()) > 3)]


def confidence_features(probability: float, sure_source: float, sure_target: float,
                        trigger: Token, view: SentenceView, root: str,
                        source: Actor | None, target: Actor | None) -> np.ndarray:
    """What the verifier reads to say how likely an event is fully right: the logarithms of
    the type's and the two roles' probabilities (first, in that order), the trigger, whether
    the dictionary gave this trigger this CAMEO root, the sentence's and document's length,
    and how each side was resolved."""
    fired = view.fired.get(trigger.i, frozenset())
    head = [float(np.log(max(p, 1e-4))) for p in (probability, sure_source, sure_target)]
    return np.asarray(
        [*head, float(trigger.pos_ == "NOUN"), float(bool(fired)), float(root in fired),
         float(np.log(len(view.sentence))), float(np.log1p(len(trigger.doc))),
         *_side_features(source), *_side_features(target)], dtype=np.float32)
