"""The learned event coder, in stages over one parsed document:

  candidates  dictionary verb patterns and nominal events (the old engine run for its
              candidates, actors and enrichment), verbs and event nouns;
  classify    is the candidate an event, and of which PLOVER type (a learned head);
  roles       which noun phrase is the source and which the target (learned heads);
  resolve     phrase to CAMEO actor code (dictionaries, dated roles, context in the paragraph);
  enrich      date, place, attribution (shared with the dictionary engine);
  calibrate   confidence as a probability that the event is right (learned on dev).

Each stage's result is immutable; `code` returns a `CodingResult` with the events, the actors,
the quotes, the inferred publication date and the count of what was dropped and why.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

import numpy as np
from spacy.tokens import Doc, Span, Token

from newsevents import clauses, limits
from newsevents.cameo import Codebook, UnknownCameoCode, load_codebook
from newsevents.coder.events import (
    Candidate,
    EventCoder,
    coded_inside,
    doers_own,
    unique_events,
)
from newsevents.coder.geography import AFFILIATIONS, affiliation, split_code
from newsevents.dictionaries.lexicon import Lexicon
from newsevents.dictionaries.verbs import Code
from newsevents.learned.encoder import load_encoder
from newsevents.learned.features import (
    LABELS,
    SentenceView,
    confidence_features,
    is_trigger_candidate,
    role_candidates,
    role_features,
    trigger_features,
)
from newsevents.learned.model import CoderModel, load_model
from newsevents.records import Actor, Event, Quote
from newsevents.when.published import InferredPublication


@dataclass(slots=True, frozen=True)
class CodingResult:
    """Everything coding one document gives; nothing is returned through attributes."""

    events: tuple[Event, ...]
    actors: dict[int, Actor]
    quotes: tuple[Quote, ...]
    published: InferredPublication | None
    dropped: tuple[tuple[str, int], ...] = ()
    # with `LearnedCoder(explain=True)`: each event's id and what its confidence was read from
    features: tuple[tuple[str, tuple[float, ...]], ...] = ()


@dataclass(slots=True, frozen=True)
class Analysis:
    """The candidates stage: the dictionary engine's view of the document, per sentence."""

    views: tuple[SentenceView, ...]
    candidates: tuple[tuple[int, ...], ...]  # per sentence: trigger token indices
    dictionary_events: tuple[Event, ...]


def analyse(doc: Doc, engine: EventCoder, article_id: str, day: date | None,
            page_date: date | None, nouns: frozenset[str], family: str,
            threads: int = 1) -> Analysis:
    """What the heads read, sentence by sentence. Unlike the dictionary engine, the
    dictionaries' sentence discard phrases ("football", "typhoon", "ebola") do not drop a
    sentence here: on dev they would drop 21 annotated events in 17 of the 91 sentences
    they match (a typhoon's evacuation orders, an Ebola clinic set on fire, a goalkeeper
    killed in Gaza), and the heads, trained on sport and disaster entries as negatives,
    already print almost nothing on non-political pages (docs/accuracy.md)."""
    events = engine.code(doc, article_id, day, page_date, enrich=False)
    fired: dict[int, set[str]] = {}
    roles: dict[int, tuple[set[int], set[int]]] = {}
    heads_by_span = {a.span: i for i, a in engine.last_actors.items() if a.span}
    for event in events:
        token = doc.char_span(event.trigger_span[0], event.trigger_span[0] + 1,
                              alignment_mode="expand")
        if token is not None and event.cameo_root.isdigit():
            fired.setdefault(token[0].i, set()).add(event.cameo_root)
            sources, targets = roles.setdefault(token[0].i, (set(), set()))
            for actor, bucket in ((event.source, sources), (event.target, targets)):
                if actor is not None and actor.span in heads_by_span:
                    bucket.add(heads_by_span[actor.span])
    sentences = list(doc.sents)
    fired_at = set(fired)
    actors = engine.last_actors
    locals_: list[dict[int, Actor]] = []
    chosen: list[tuple[int, ...]] = []
    for sentence in sentences:
        limits.check()
        if engine.too_long(sentence):  # not coded, and counted by the engine
            chosen.append(())
            locals_.append({})
            continue
        local = {i: a for i, a in actors.items() if sentence.start <= i < sentence.end}
        found = tuple(t.i for t in sentence if is_trigger_candidate(t, fired_at, nouns))
        if found:
            local.update(modifier_actors(sentence, engine, local))
        # no event without a coded actor: a sentence with none is not encoded at all
        chosen.append(found if any(a.code for a in local.values()) else ())
        locals_.append(local)
    texts = [s.text for s, found in zip(sentences, chosen, strict=True) if found]
    encoded = iter(load_encoder(threads).encode(texts) if family == "minilm" and texts
                   else [])
    views = []
    for sentence, found, local in zip(sentences, chosen, locals_, strict=True):
        vector = next(encoded) if found and family == "minilm" else None
        inside = range(sentence.start, sentence.end)
        views.append(SentenceView(sentence, vector, local,
                                  {i: frozenset(r) for i, r in fired.items() if i in inside},
                                  {i: (frozenset(s), frozenset(t))
                                   for i, (s, t) in roles.items() if i in inside}))
    return Analysis(tuple(views), tuple(chosen), tuple(events))


LONG_SENTENCE = "sentence too long to code (coder.max_sentence_tokens)"
LESS_SPECIFIC = "a less specific copy of another event in its sentence"
MODIFIER_DEPS = frozenset({"amod", "compound", "nmod", "poss"})
CONTEXT_ENTITIES = frozenset({"PERSON", "ORG", "NORP"})


def modifier_actors(sentence: Span, engine: EventCoder, known: dict[int, Actor]
                    ) -> dict[int, Actor]:
    """Names and country words modifying a noun, as role candidates: the source of "Russian
    drone strikes" is the adjective."""
    out = {}
    for token in sentence:
        if token.i in known or token.dep_ not in MODIFIER_DEPS or \
                token.pos_ not in ("ADJ", "PROPN"):
            continue
        actor = engine.modifier_actor(token)
        if actor is not None and actor.code:
            out[token.i] = actor
    return out


@dataclass(slots=True, frozen=True)
class Classified:
    """The classify stage's result for one trigger."""

    trigger: int
    sentence: int
    event_type: str
    probability: float


@dataclass(slots=True, frozen=True)
class Roles:
    source: int | None
    target: int | None
    source_probability: float
    target_probability: float


class LearnedCoder:
    """Codes one parsed document with the learned heads (`coder.engine = "learned"`)."""

    def __init__(self, lexicon: Lexicon, model: CoderModel | None = None,
                 min_confidence: float = 0.0, codebook: Codebook | None = None,
                 threads: int = 1, max_sentence_tokens: int | None = None,
                 explain: bool = False) -> None:
        """`threads`: the sentence encoder's threads (its results do not depend on them).
        `max_sentence_tokens`: longer sentences are not coded (counted in `dropped`).
        `explain`: the result also gives each event's confidence features (for training the
        verifier)."""
        self.model = model or load_model()
        self.threads = threads
        self.codebook = codebook or load_codebook()
        self.engine = EventCoder(lexicon, self.codebook, intents=False, rank=False,
                                 max_sentence_tokens=max_sentence_tokens)
        self.min_confidence = min_confidence
        self.explain = explain

    def code(self, doc: Doc, article_id: str, day: date | None,
             page_date: date | None = None) -> CodingResult:
        model = self.model
        analysis = analyse(doc, self.engine, article_id, day, page_date, model.nouns,
                           model.family, self.threads)
        dropped: Counter[str] = Counter()
        events: list[Event] = []
        features: dict[str, tuple[float, ...]] = {}
        if self.engine.long_sentences:
            dropped[LONG_SENTENCE] += self.engine.long_sentences
        for item in self.classify(doc, analysis):
            limits.check()
            view = analysis.views[item.sentence]
            trigger = doc[item.trigger]
            roles = self.roles(trigger, item.event_type, view)
            made = self.resolve(trigger, item, roles, view, article_id, dropped,
                                analysis.dictionary_events)
            for event, row in made:
                if event.confidence < self.min_confidence:
                    dropped["below the confidence threshold"] += 1
                    continue
                events.append(event)
                if self.explain:  # the first of equal ids is the one `unique_events` keeps
                    features.setdefault(event.event_id, tuple(float(v) for v in row))
        engine = self.engine
        kept = specific_events(events)
        if len(kept) < len(events):
            dropped[LESS_SPECIFIC] += len(events) - len(kept)
        return CodingResult(tuple(unique_events(kept)), dict(engine.last_actors),
                            tuple(engine.last_quotes), engine.last_published,
                            tuple(sorted(dropped.items())), tuple(sorted(features.items())))

    def classify(self, doc: Doc, analysis: Analysis) -> list[Classified]:
        rows, where = [], []
        for index, (view, found) in enumerate(zip(analysis.views, analysis.candidates,
                                                  strict=True)):
            for i in found:
                rows.append(trigger_features(doc[i], view, self.model.family))
                where.append((index, i))
        if not rows:
            return []
        probabilities = self.model.trigger_probabilities(np.vstack(rows))
        none_max = self.model.none_max
        out = []
        for (index, i), row in zip(where, probabilities, strict=True):
            if row[0] > none_max:
                continue
            label = int(row[1:].argmax()) + 1
            out.append(Classified(i, index, LABELS[label], float(row[label])))
        return out

    def roles(self, trigger: Token, event_type: str, view: SentenceView) -> Roles:
        heads = role_candidates(trigger, view)
        if not heads:
            return Roles(None, None, 1.0, 1.0)
        rows = np.vstack([role_features(trigger, h, event_type, view, self.model.family)
                          for h in heads])
        p_source, p_target = self.model.role_probabilities(rows)
        best = int(p_source.argmax())
        source = heads[best] if p_source[best] >= self.model.source_threshold else None
        p_target = np.where(np.asarray(heads) == source, 0.0, p_target)
        best_target = int(p_target.argmax())
        target = heads[best_target] if p_target[best_target] >= self.model.target_threshold \
            else None
        if self.model.dictionary_backoff:  # the dictionary's own roles where the heads abstain
            sources, targets = view.dictionary_roles.get(trigger.i, (frozenset(), frozenset()))
            if source is None and sources:
                source = min(sources)
            if target is None and targets and min(targets) != source:
                target = min(targets)
        sure_source = float(p_source.max()) if source is not None else 1 - float(p_source.max())
        sure_target = float(p_target.max()) if target is not None else 1 - float(p_target.max())
        return Roles(source, target, sure_source, sure_target)

    def resolve(self, trigger: Token, item: Classified, roles: Roles, view: SentenceView,
                article_id: str, dropped: Counter[str],
                dictionary: Sequence[Event] = ()) -> list[tuple[Event, np.ndarray]]:
        """The trigger's events, one per source and target (conjuncts each give one), each
        with the features its confidence was read from."""
        doc = trigger.doc
        actors = view.actors
        context = self.engine.context_country(item.sentence)
        sources = self._side(doc, roles.source, actors, context, as_doer=True)
        targets = self._side(doc, roles.target, actors, context, as_doer=False)
        named = self.engine.named_place_country(trigger, view.sentence) if any(
            _bare(a) for a in (*sources, *targets)) else None  # only a bare role needs it
        code = self._cameo(trigger, item.event_type, dictionary)
        kind = "nominal" if trigger.pos_ == "NOUN" else "verb"
        out = []
        for source in sources:
            for target in targets:
                if source is not None and target is not None and (
                        target.span == source.span or doers_own(source, target,
                                                                view.sentence)):
                    target = None
                candidate = Candidate(trigger, Code(code), [], [],
                                      f"learned: {item.event_type} p={item.probability:.2f}",
                                      kind, clauses.reporting_verb(trigger))
                event = self.engine.record(candidate, code, source, target, article_id,
                                           item.sentence, view.sentence)
                if event is None:
                    continue
                event = _placed_roles(event, article_id, item.sentence, trigger.idx, named,
                                      context)
                if _affiliation(event.source) is None and _affiliation(event.target) is None:
                    dropped["no coded political actor"] += 1
                    continue
                row = confidence_features(item.probability, roles.source_probability,
                                          roles.target_probability, trigger, view,
                                          event.cameo_root, event.source, event.target)
                confidence = round(self.model.confidence(row), 3)
                out.append((replace(event, confidence=confidence), row))
        return out

    def _side(self, doc: Doc, head: int | None, actors: dict[int, Actor],
              context: str | None, as_doer: bool) -> list[Actor | None]:
        if head is None:
            return [None]
        out: list[Actor | None] = []
        for token in clauses.with_conjuncts(doc[head]):
            if token.i not in actors:
                continue
            for actor in coded_inside(token, actors):
                actor = _in_context(token, actor, context)
                out.append(self.engine.resolver_as_doer(token, actor) if as_doer else actor)
        return out or [None]

    def _cameo(self, trigger: Token, event_type: str, dictionary: Sequence[Event]) -> str:
        """The dictionary's own code when it fired here with this type, else the code the
        training data gives this type (and this word)."""
        for event in dictionary:
            if event.trigger_span[0] == trigger.idx and self._plover(event.cameo) == event_type:
                return event.cameo
        return self.model.cameo_for(event_type, trigger.lemma_.lower())

    def _plover(self, code: str) -> str | None:
        try:
            return self.codebook.plover(code).get("event")
        except UnknownCameoCode:
            return None


def specific_events(events: Sequence[Event]) -> list[Event]:
    """Drop an event when its sentence has another of the same PLOVER type (and the same
    negation and modality) that agrees with it on every side it gives a country for and
    gives one where it gives none: "Fighting broke out … as rebels attacked the army" is
    one act, rebels against the army, not also fighting with no doer."""
    keys = [(e.sentence_index, (e.plover or {}).get("event"), e.negated, e.hypothetical,
             _affiliation(e.source), _affiliation(e.target)) for e in events]
    out = []
    for n, (event, key) in enumerate(zip(events, keys, strict=True)):
        covered = any(m != n and other[:4] == key[:4] and other[4:] != key[4:]
                      and all(mine is None or mine == theirs
                              for mine, theirs in zip(key[4:], other[4:], strict=True))
                      for m, other in enumerate(keys))
        if not covered:
            out.append(event)
    return out


def _in_context(token: Token, actor: Actor, context: str | None) -> Actor:
    """A person or body named but in no dictionary ("Ratcliffe claimed…") takes the country
    its paragraph gives it (`context`; the guide: null only when the text gives no way to
    know)."""
    if actor.code or token.ent_type_ not in CONTEXT_ENTITIES or context is None:
        return actor
    return replace(actor, code=context, country=context,
                   rule=f"{actor.rule}; country from context")


def _affiliation(actor: Actor | None) -> str | None:
    return None if actor is None else affiliation(actor.code)


def _bare(actor: Actor | None) -> bool:
    """A role with no country: "police" (COP), "protesters" (OPP); not a region ("the
    West", WST: a country of the sentence's place would make it that country's) nor an
    IGO, NGO or MNC."""
    if actor is None or not actor.code or len(actor.code) != 3:
        return False
    country, sector = split_code(actor.code)
    return country is None and sector is not None and sector not in AFFILIATIONS


def _placed(actor: Actor | None, named: str | None, context: str | None) -> Actor | None:
    """A role with no country ("police", "protesters": code COP, CVL) takes the country of
    the place the sentence names for the event (`named`: "police in Lagos" -> NGACOP; not
    the other side's own country, which the event's place falls back to), else the country
    its paragraph gives it (`context`)."""
    if actor is None or not _bare(actor):
        return actor
    country, rule = named, "country from the event's place"
    if country is None:
        country, rule = context, "country from context"
    if country is None:
        return actor
    return replace(actor, code=f"{country}{actor.code}", country=country,
                   rule=f"{actor.rule}; {rule}")


def _placed_roles(event: Event, article_id: str, index: int, start: int, named: str | None,
                  context: str | None) -> Event:
    source = _placed(event.source, named, context)
    target = _placed(event.target, named, context)
    if source is event.source and target is event.target:
        return event
    return replace(event, source=source, target=target, event_id=Event.make_id(
        article_id, index, event.cameo, source.code if source else None,
        target.code if target else None, start))
