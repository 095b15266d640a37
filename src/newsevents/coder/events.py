"""The event coder: predicates and nominal triggers to CAMEO events between actors."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import cache
from importlib import resources

from spacy.tokens import Doc, Span, Token

from newsevents import clauses, limits
from newsevents.cameo import Codebook, UnknownCameoCode, load_codebook
from newsevents.coder import nominal
from newsevents.coder.actors import NOMINAL, ActorResolver
from newsevents.coder.patterns import best_match, clause_after, clause_before
from newsevents.coder.ranker import Features, Ranker, load_ranker, with_order
from newsevents.coder.ranker import features as ranker_features
from newsevents.dictionaries.lexicon import Lexicon
from newsevents.dictionaries.phrases import normalize_phrase
from newsevents.dictionaries.verbs import Code
from newsevents.records import Actor, Event, Quote
from newsevents.says.attribution import attribution_of
from newsevents.says.quotes import find_quotes
from newsevents.when.attached import attached_expressions
from newsevents.when.expressions import resolve_expression
from newsevents.when.published import InferredPublication, infer_published
from newsevents.where.gazetteer import load_gazetteer
from newsevents.where.places import SentencePlaces, event_place, sentence_places

log = logging.getLogger(__name__)

CONFIDENCE = {"pattern": 0.8, "verb": 0.65, "nominal": 0.55, "intent": 0.5, "obligation": 0.5}
OBLIGATION_MODALS = frozenset({"must", "should"})
POSSESSIVE_PRONOUNS = frozenset({"its", "their", "his", "her", "our"})
DEMAND = "100"
# Phoenix discards every sentence naming a year from 1914 to 2013, or "months later", "years
# ago": its way of not coding history as today's news. We date each event instead (issue 4),
# so these discards would only lose events ("sentenced him for war crimes committed in 2012");
# the PETRARCH-compatible mode keeps them.
DATED_DISCARD = re.compile(r"^(?:1[89]\d\d|20\d\d|(?:days|weeks|months|years) (?:ago|later))$",
                           re.I)


@cache
def intent_codes() -> dict[str, str]:
    """Root of an intended event -> CAMEO code of the intent (data/coder/intents.tsv)."""
    text = resources.files("newsevents").joinpath("data/coder/intents.tsv").read_text("utf-8")
    rows = [line.split("\t") for line in text.splitlines()
            if line and not line.startswith(("#", "root"))]
    return {root: intent for root, intent, _name in rows}


@dataclass(slots=True)
class Candidate:
    """An event before it becomes a record: what fired, on which tokens."""

    trigger: Token
    code: Code
    sources: list[Token]
    targets: list[Token]
    rule: str
    kind: str
    reported_by: Token | None = None


class EventCoder:
    """Codes the sentences of one parsed article."""

    def __init__(self, lexicon: Lexicon, codebook: Codebook | None = None,
                 intents: bool = True, petrarch_compatible: bool = False,
                 ranker: Ranker | None = None, rank: bool = True,
                 max_sentence_tokens: int | None = None) -> None:
        """`intents`: also code a future or intended event as the intent or threat it
        expresses (CAMEO 03/13).

        `petrarch_compatible`: follow PETRARCH-2's conventions, for its unit tests: no intent
        events, no event whose source and target have the same code, and no event with an
        actor the dictionaries do not know.

        `ranker` (default: the shipped model) sets each event's `confidence`, its learned
        chance of being the sentence's event as coded; with `rank=False` the confidence is a
        fixed value per kind of rule (what the ranker is trained from)."""
        self.lexicon = lexicon
        self.ranker = (ranker or load_ranker()) if rank else None
        self.max_sentence_tokens = max_sentence_tokens
        self.long_sentences = 0  # sentences of the last document too long to code
        self.last_features: dict[str, Features] = {}  # event id -> ranker features
        self.last_published: InferredPublication | None = None
        self.last_quotes: list[Quote] = []
        self._places: dict[int, SentencePlaces] = {}  # sentence start -> its places
        self._time = _TimeContext.of(None, None)
        self.codebook = codebook or load_codebook()
        self.intents = intents and not petrarch_compatible
        self.petrarch_compatible = petrarch_compatible
        self.last_actors: dict[int, Actor] = {}  # the actors of the last document coded
        self.last_events: list[Event] = []
        self._resolver: ActorResolver | None = None
        self._enrich = True

    def code(self, doc: Doc, article_id: str, day: date | None,
             page_date: date | None = None, enrich: bool = True) -> list[Event]:
        """The document's events. `day` is its publication date when known; otherwise it is
        inferred from the text (with `page_date`, the day the page was viewed, as the upper
        bound) and kept in `last_published`.

        `enrich=False` gives candidates only: each event's trigger, code and actors, without
        its date, place, attribution or ranker features (the learned coder reads no more
        from them, and enriches the events it keeps through `record`)."""
        self._enrich = enrich
        self.last_published = None if day is not None else infer_published(doc, page_date)
        self._time = _TimeContext.of(day, self.last_published, doc)
        resolver = ActorResolver(self.lexicon, self._time.base)
        self._resolver = resolver
        self.last_events = []
        self.last_quotes = []
        self.last_actors = {}
        self.last_features = {}
        self._places = {}
        self.long_sentences = 0
        if self._story_discarded(doc):
            return []
        events: list[Event] = []
        sentences = list(doc.sents)
        resolver.set_paragraphs(sentences)
        for index, sentence in enumerate(sentences):
            limits.check()
            if self.too_long(sentence):
                self.long_sentences += 1
                continue
            actors = {t.i: resolver.resolve(t, index) for t in sentence if is_np_head(t)}
            self.last_actors.update(actors)
            if self._sentence_discarded(sentence):
                continue
            found = [(event, candidate) for candidate in self._candidates(sentence)
                     for event in self._events(candidate, actors, resolver, article_id, index,
                                               sentence)]
            events.extend(self._ranked(found))
        self.last_quotes = [
            Quote(Quote.make_id(article_id, q.span), article_id, q.speaker, q.text, q.span,
                  q.anonymous, q.kind) for q in find_quotes(doc, self._speaker, sentences)]
        self.last_events = unique_events(events)
        return self.last_events

    def too_long(self, sentence: Span) -> bool:
        """A sentence over `max_sentence_tokens` is not coded (a text without sentence
        punctuation would otherwise be one "sentence" of thousands of candidates)."""
        return self.max_sentence_tokens is not None and len(sentence) > self.max_sentence_tokens

    def modifier_actor(self, token: Token) -> Actor | None:
        """The actor a modifier names ("Russian" in "Russian drone strikes")."""
        assert self._resolver is not None, "code() a document first"
        return self._resolver.resolve_modifier(token)

    def resolver_as_doer(self, head: Token, actor: Actor) -> Actor:
        """The actor as the doer of an act ("Tehran demanded" -> IRNGOV)."""
        assert self._resolver is not None, "code() a document first"
        return self._resolver.as_agent_of_act(head, actor)

    def context_country(self, sentence: int) -> str | None:
        """The country the text gives an actor of sentence number `sentence` that it names
        without one (see ArticleMemory)."""
        assert self._resolver is not None, "code() a document first"
        return self._resolver.memory.context_country(sentence)

    def record(self, candidate: Candidate, code: str, source: Actor | None,
               target: Actor | None, article_id: str, index: int, sentence: Span
               ) -> Event | None:
        """An event record with its date, place and attribution (enrichment), for a
        candidate another stage has typed and given roles."""
        return self._record(candidate, code, source, target, article_id, index, sentence,
                            enrich=True)

    def named_place_country(self, trigger: Token, sentence: Span) -> str | None:
        """The country of the place the sentence names for an event at `trigger`; unlike
        the event's place, never an actor's own country."""
        where = event_place(trigger, None, None, load_gazetteer(),
                            self._sentence_places(sentence))
        return where.place.country if where is not None else None

    def _sentence_places(self, sentence: Span) -> SentencePlaces:
        """Worked out once per sentence, for all its events."""
        if sentence.start not in self._places:
            countries = {i: a.country for i, a in self.last_actors.items()
                         if sentence.start <= i < sentence.end and a.country}
            self._places[sentence.start] = sentence_places(sentence, load_gazetteer(),
                                                           countries)
        return self._places[sentence.start]

    def _speaker(self, head: Token, phrase: Span) -> Actor:
        known = self.last_actors.get(head.i)
        if known is not None:
            return known
        return Actor(phrase.text, None, None, None, (phrase.start_char, phrase.end_char),
                     head.ent_type_ or None, "unknown")

    def _ranked(self, found: list[tuple[Event, Candidate]]) -> list[Event]:
        if not self._enrich:
            return [event for event, _ in found]
        rows = with_order([ranker_features(e, c.trigger, c.kind) for e, c in found],
                          [e.trigger_span[0] for e, _ in found])
        out = []
        for (event, _), row in zip(found, rows, strict=True):
            self.last_features[event.event_id] = row
            if self.ranker is not None:
                event = replace(event, confidence=round(self.ranker.score(row), 3))
            out.append(event)
        return out

    def _candidates(self, sentence: Span) -> list[Candidate]:
        verbal = [c for t in sentence if _is_predicate(t) for c in [self._verb(t)] if c]
        coded_heads = {c.trigger.i for c in verbal}
        nominal_ones = [c for t in sentence for c in [self._nominal(t, coded_heads)] if c]
        found = verbal + nominal_ones + self._obligations(sentence)
        embedded = {c.reported_by.i for c in found if c.reported_by is not None}
        kept = [c for c in found if not (c.kind != "nominal" and c.trigger.i in embedded
                                         and c.code.event and c.code.event.startswith("01"))]
        return kept + self._intents(kept) if self.intents else kept

    def _obligations(self, sentence: Span) -> list[Candidate]:
        """"Russia said Sudan must return the helicopter": saying that someone must or should
        act is a demand (CAMEO 100) on them, whatever the act; the act itself stays a flagged
        hypothetical event when the dictionary codes it. Off in PETRARCH-compatible mode."""
        if self.petrarch_compatible:
            return []
        out = []
        for verb in sentence:
            if verb.dep_ != "ccomp" or verb.head.pos_ not in ("VERB", "AUX") or \
                    clauses.negated(verb):
                continue
            modal = next((c for c in verb.children if c.dep_ == "aux"
                          and c.lemma_.lower() in OBLIGATION_MODALS), None)
            speaker, obliged = clauses.subjects(verb.head), clauses.subjects(verb)
            if modal is None or not speaker or not obliged:
                continue
            out.append(Candidate(verb.head, Code(DEMAND), speaker, obliged,
                                 f"obligation: '{modal.text}' under '{verb.head.text}'",
                                 "obligation"))
        return out

    def _intents(self, candidates: list[Candidate]) -> list[Candidate]:
        """"Hungary will support the resolution": what happened is an intent (03) or a threat
        (13); the supporting itself stays a flagged hypothetical event."""
        coded = {c.trigger.i for c in candidates
                 if c.code.event and not c.code.event.startswith("01")}
        out = []
        for candidate in candidates:
            trigger, event = candidate.trigger, candidate.code.event
            if candidate.kind == "nominal" or not event or event not in self.codebook \
                    or not clauses.hypothetical(trigger):
                continue
            intent = intent_codes().get(event[:2])
            governor = trigger.head if trigger.dep_ in ("xcomp", "ccomp", "conj") else None
            if intent is None or (governor is not None and governor.i in coded):
                continue
            out.append(replace(candidate, code=Code(intent), kind="intent",
                               rule=f"intent ({intent}) of {candidate.rule}"))
        return out

    def _verb(self, verb: Token) -> Candidate | None:
        prt = clauses.particle(verb)
        entry = None
        for lemma in _lemmas(verb):
            entry = (self.lexicon.verbs.get(f"{lemma} {prt}") if prt else None) or \
                self.lexicon.verbs.get(lemma)
            if entry is not None:
                break
        if entry is None:
            return None
        passive = clauses.is_passive(verb)
        sources = clauses.passive_agents(verb) if passive else clauses.subjects(verb)
        targets = clauses.subjects(verb) if passive else clauses.objects(verb)
        after = clause_after(verb)
        match = best_match(self.lexicon.patterns.get(entry.block, ()),
                           clause_before(verb, sources), after, self.lexicon.synsets)
        if match is not None:
            pattern = match.pattern
            code, rule, kind = pattern.code, f"{pattern.origin}: {pattern.text}", "pattern"
            if match.source is not None:
                sources = clauses.with_conjuncts(match.source)
            if match.target is not None:
                targets = clauses.with_conjuncts(match.target)
        else:
            code, rule, kind = entry.code, f"{entry.origin}: {entry.lemma}", "verb"
        if code.is_null:
            return None
        return Candidate(verb, code, sources, targets, rule, kind, clauses.reporting_verb(verb))

    def _nominal(self, noun: Token, coded_heads: set[int]) -> Candidate | None:
        trigger = nominal.trigger_for(noun)
        if trigger is None:
            return None
        if noun.dep_ in ("dobj", "obj", "attr") and noun.head.i in coded_heads:
            return None  # "held talks": the verb's own pattern has coded it
        sources = nominal.nominal_sources(noun) or nominal.country_modifiers(noun)
        code = nominal.code_of(trigger)
        targets = nominal.nominal_targets(noun)
        if code.reverse is not None and not targets:
            return None  # "a meeting" with nobody named is not a consultation we can code
        return Candidate(noun, code, sources, targets, f"{trigger.origin}: {trigger.noun}",
                         "nominal")

    def _events(self, candidate: Candidate, actors: dict[int, Actor], resolver: ActorResolver,
                article_id: str, index: int, sentence: Span) -> list[Event]:
        sources = [resolver.as_agent_of_act(t, _coded(t, actors)) for t in candidate.sources
                   if t.i in actors]
        own = {a.code for a in sources if a.code}
        targets: list[Actor | None] = [
            a for t in _targets(candidate, actors, own) if t.i in actors
            for a in _coded_all(t, actors, own)] or [None]
        out = []
        for source in sources:
            for target in targets:
                # An event needs a coded actor, or a named one the dictionaries do not know
                # yet ("Zorblax attacked Gondor"): that one keeps its text and entity type.
                if source.code is None and (target is None or target.code is None) \
                        and source.entity_type is None:
                    continue
                if target is not None and target.span == source.span:
                    continue  # one phrase cannot act on itself: a misparse
                if self.petrarch_compatible and (
                        source.code is None or (target is not None and target.code is None)
                        or (target is not None and target.code == source.code)):
                    continue
                if target is not None and _doers_own(source, target, sentence):
                    target = None  # "held *their* first meeting", "offered *its* troops"
                for code, src, tgt in _directions(candidate.code, source, target):
                    event = self._record(candidate, code, src, tgt, article_id, index, sentence)
                    if event is not None:
                        out.append(event)
        return out

    def _record(self, candidate: Candidate, code: str, source: Actor | None,
                target: Actor | None, article_id: str, index: int, sentence: Span,
                enrich: bool | None = None) -> Event | None:
        try:
            facts = self.codebook.get(code)
            root, quad, goldstein = facts.root, facts.quad_class, self.codebook.goldstein(code)
            plover = self.codebook.plover(code)
        except UnknownCameoCode:
            # a user dictionary may use its own codes (PETRARCH's validation set uses WEIS):
            # keep the code, leave what the CAMEO tables would say empty
            log.debug("code %s from %s is not in the CAMEO codebook", code, candidate.rule)
            root, quad, goldstein = code[:2], None, None
            plover = {"event": None, "mode": None}
        trigger = candidate.trigger
        prt = next((c for c in trigger.children if c.dep_ == "prt" and c.i > trigger.i), None)
        words = trigger.doc[trigger.i: (prt.i if prt is not None else trigger.i) + 1]
        end = words.end_char
        reported = candidate.reported_by
        reporter = _subject_text(reported) if reported is not None else None
        if self._enrich if enrich is None else enrich:
            when = self._time.event_date(trigger, candidate.kind, sentence)
            where = event_place(trigger, source, target, load_gazetteer(),
                                self._sentence_places(sentence))
            attribution = attribution_of(reported, sentence)
        else:
            when, where, attribution = (None, None), None, {"type": "none", "text": None}
        # an event noun's negation and modality are those of the verb carrying it out
        flagged = trigger if candidate.kind != "nominal" else _support_verb(trigger)
        return Event(
            event_id=Event.make_id(article_id, index, code, source.code if source else None,
                                   target.code if target else None, trigger.idx),
            article_id=article_id,
            sentence_index=index,
            sentence=sentence.text.strip(),
            trigger=words.text,
            trigger_span=(trigger.idx, end),
            source=source,
            target=target,
            cameo=code,
            cameo_root=root,
            quad_class=quad,
            goldstein=goldstein,
            plover=plover,
            negated=flagged is not None and clauses.negated(flagged),
            hypothetical=flagged is not None and candidate.kind in ("verb", "pattern", "nominal")
            and clauses.hypothetical(flagged),
            confidence=_confidence(candidate, source, target),
            rule=candidate.rule,
            reported_by=reporter,
            date=when[0],
            date_precision=when[1],
            location=where.place.to_location() if where is not None else None,
            attribution=attribution,
        )

    def _story_discarded(self, doc: Doc) -> bool:
        return self._discarded(doc.text, whole_story=True)

    def _sentence_discarded(self, sentence: Span) -> bool:
        return self._discarded(sentence.text, whole_story=False)

    def _discarded(self, text: str, whole_story: bool) -> bool:
        """Whether any discard phrase of the kind occurs in the text (as whole words)."""
        words = normalize_phrase(text).split()
        discards = self.lexicon.discards
        longest = self.lexicon.max_discard_words
        starts = self.lexicon.discard_first_words
        for start in range(len(words)):
            if words[start] not in starts:
                continue
            for end in range(start + 1, min(start + longest, len(words)) + 1):
                found = discards.get(" ".join(words[start:end]))
                if found is not None and found.whole_story == whole_story and not (
                        not self.petrarch_compatible and DATED_DISCARD.match(found.phrase)):
                    return True
        return False


@dataclass(slots=True, frozen=True)
class _TimeContext:
    """The article's dates for one document: `base` reads relative expressions,
    `article_day` is the fallback date of an event (precision "article"), `story` the times
    the article's sentences name, in order (`story_days`)."""

    base: date | None
    article_day: date | None
    story: tuple[tuple[int, int, date | None], ...] = ()

    @classmethod
    def of(cls, day: date | None, inferred: InferredPublication | None,
           doc: Doc | None = None) -> _TimeContext:
        """A known publication day is both; an inferred one reads expressions from its
        latest reference and dates events without their own time by its claim."""
        if day is not None:
            base, article_day = day, day
        elif inferred is not None:
            base, article_day = inferred.base, inferred.claim.day
        else:
            return cls(None, None)
        return cls(base, article_day, story_days(doc, base) if doc else ())

    def event_date(self, trigger: Token, kind: str, sentence: Span
                   ) -> tuple[str | None, str | None]:
        # a nominal event is as future as the verb it hangs on ("will hold *talks* Monday")
        verb = trigger if kind != "nominal" else _carrier(trigger)
        future = verb is not None and _future(verb)
        vague = False  # a time of its own we cannot read: "in the 1990s", "for decades"
        for expression in attached_expressions(trigger, sentence):
            value = resolve_expression(expression.text, self.base, future)
            if value is not None:
                return value.iso(), value.precision
            vague = vague or not DURATION.match(expression.text.strip())
        if self.article_day is None:
            return None, None
        if _background(trigger, verb):
            return None, BACKGROUND  # flagged: not the article's day, and no day of its own
        if not (vague or future or (verb is not None and _present_perfect(verb))):
            told = self.story_day(sentence)
            if told is not None:
                return told.isoformat(), STORY
        return self.article_day.isoformat(), "article"

    def story_day(self, sentence: Span) -> date | None:
        """The day the story is on, for an event whose sentence names no time of its own: the
        last day an earlier sentence of the article told in the past ("On Tuesday, Trump
        granted clemency to …" then "Trump granted Milken a full pardon"), as annotators
        date it. None when the sentence itself names a time, attached to the event or not."""
        found = None
        for start, end, day in self.story:
            if start >= sentence.end:
                break
            if end > sentence.start:
                return None
            if day is not None:
                found = day
        return found


BACKGROUND = "background"
# A length of time, not a time ("after serving *twelve years*"): it does not keep an event
# from the story's day as a time of its own ("*in the 1990s*") does
DURATION = re.compile(
    r"^(?:(?:about|around|roughly|nearly|almost|some|over|more than|less than|at least|"
    r"up to)\s+)?(?:a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|"
    r"a few|few|several|many|\d+(?:[.,]\d+)?)\s+(?:full\s+)?"
    r"(?:second|minute|hour|day|week|month|year|decade|century)s?$", re.IGNORECASE)
STORY = "story"  # precision of a day carried from an earlier sentence of the article


def story_days(doc: Doc, base: date | None) -> tuple[tuple[int, int, date | None], ...]:
    """Each time the document's DATE entities name, in order (start and end token): the day
    when it is a day the text tells in the past ("On Tuesday, soldiers *attacked*", "*was*
    arrested on Monday") and not after the latest day the article names (`base`), else None
    (a month, a year, a day to come: "will meet on June 20", "the election is on June 20")."""
    out: list[tuple[int, int, date | None]] = []
    for ent in doc.ents:
        if ent.label_ != "DATE":
            continue
        verb = ent.root.head
        for _ in range(3):  # "on …", "Tuesday's attack", "the attack on Tuesday killed"
            if not (verb.dep_ == "prep" or verb.pos_ in ("NOUN", "PROPN")) or \
                    verb.head.i == verb.i:
                break
            verb = verb.head
        value = resolve_expression(ent.text, base, _future(verb))
        if value is None:
            continue
        told = value.precision == "day" and _told_in_past(verb) and (
            base is None or value.day <= base)
        out.append((ent.start, ent.end, value.day if told else None))
    return tuple(out)


def _carrier(trigger: Token) -> Token | None:
    """The verb a nominal event hangs on: "will hold *talks*", "took part in *talks*"."""
    if trigger.dep_ not in ("dobj", "nsubj", "nsubjpass", "attr", "pobj"):
        return None
    return trigger.head.head if trigger.dep_ == "pobj" else trigger.head


def _told_in_past(verb: Token) -> bool:
    """A simple past ("attacked"), or a participle with a past auxiliary ("was arrested")."""
    if verb.tag_ == "VBD":
        return True
    return verb.tag_ == "VBN" and any(c.dep_ in ("aux", "auxpass") and c.tag_ == "VBD"
                                      for c in verb.children)


def _background(trigger: Token, verb: Token | None = None) -> bool:
    """An act the sentence places before the article's time without dating it: past
    perfect ("had seized"; for an event noun, its verb's: "had held *talks*") or
    "previously"/"formerly" ("the group previously attacked")."""
    tensed = [t for t in (trigger, verb) if t is not None]
    if any(_perfect(t, ("VBD",)) for t in tensed):
        return True
    return any(c.dep_ == "advmod" and c.lower_ in ("previously", "formerly")
               for t in tensed for c in t.children)


def _support_verb(noun: Token) -> Token | None:
    """The verb that carries out an event noun's act ("will *hold* talks", "talks
    *resumed*"), whose negation and modality are the act's (`clauses.SUPPORT_VERBS`)."""
    verb = _carrier(noun)
    if verb is None or verb.lemma_.lower() not in clauses.SUPPORT_VERBS:
        return None
    return verb


def _present_perfect(verb: Token) -> bool:
    """"has called", "have been found": an indefinite past, not the story's day."""
    return _perfect(verb, ("VBZ", "VBP"))


def _perfect(verb: Token, have_tags: tuple[str, ...]) -> bool:
    """A participle with "have" in one of these tenses as its auxiliary."""
    return verb.tag_ == "VBN" and any(c.lemma_ == "have" and c.tag_ in have_tags
                                      for c in verb.children if c.dep_ == "aux")


def _future(trigger: Token) -> bool:
    """Future tense: "will meet", "is due to visit", "plans to travel on Monday"."""
    node = trigger
    for _ in range(2):
        if clauses.future_aux(node):
            return True
        if not (node.dep_ == "xcomp" or clauses.purpose_infinitive(node)) or \
                node.head.i == node.i:
            return False
        if node.head.lemma_.lower() in ("due", "schedule", "set", "plan", "expect", "intend"):
            return True
        node = node.head
    return False


def _is_predicate(token: Token) -> bool:
    """Verbs, and participles used as adjectives after "be" ("Israel is opposed to …")."""
    return token.pos_ == "VERB" or (token.pos_ == "ADJ" and token.dep_ == "acomp"
                                    and token.lower_.endswith("ed"))


def _lemmas(token: Token) -> list[str]:
    lemma = token.lemma_.lower()
    if token.pos_ != "ADJ":
        return [lemma]
    return [lemma, lemma[:-1], lemma[:-2]]  # opposed -> oppose, pleased -> please, alarmed


def is_np_head(token: Token) -> bool:
    return token.pos_ in NOMINAL and token.dep_ not in ("compound", "amod", "nmod") and \
        nominal.trigger_for(token) is None


def _targets(candidate: Candidate, actors: dict[int, Actor], own: set[str]) -> list[Token]:
    """The candidate's targets. An uncoded object gives way to the coded actor it is "of"
    ("shelled positions of Kurdish rebels"); a conjoined verb with no coded object shares its
    partner's ("killing several hundred protesters, and arresting tens of thousands")."""
    targets = candidate.targets
    coded = [t for t in targets if t.i in actors and _coded_all(t, actors, own)[0].code]
    trigger = candidate.trigger
    if coded or candidate.kind == "nominal":
        return targets
    if trigger.dep_ == "conj":
        partner = clauses.objects(trigger.head)
        shared = [t for t in partner if t.i in actors and actors[t.i].code]
        if shared:
            return shared
    sources = {t.i for t in candidate.sources}
    later = [t for t in clause_after(trigger) if t.i in actors and actors[t.i].code
             and t.i not in sources and actors[t.i].rule != "unknown"]
    return later[:1] or targets


def _coded(token: Token, actors: dict[int, Actor]) -> Actor:
    """The phrase's actor; for an uncoded phrase, the first coded actor inside it."""
    return _coded_all(token, actors)[0]


def coded_inside(token: Token, actors: dict[int, Actor]) -> list[Actor]:
    """The phrase's actor, or the coded actors inside an uncoded phrase (see `_coded_all`)."""
    return _coded_all(token, actors)


def doers_own(source: Actor, target: Actor, sentence: Span) -> bool:
    return _doers_own(source, target, sentence)


def _coded_all(token: Token, actors: dict[int, Actor], own: frozenset[str] | set[str] = frozenset()
               ) -> list[Actor]:
    """The phrase's actor; for an uncoded phrase, the coded actor nearest its head in the
    parse, with the actors conjoined to it ("positions of *Kurdish rebels*", "ties with
    *Gondor's government*", "ties with *Mordor, Rohan and Bree*"). A pronoun that refers to
    the doer (codes in `own`) is skipped: "renewed *his* licence" has no target in "his"."""
    actor = actors[token.i]
    if actor.code:
        return [actor]
    level = list(token.children)
    while level:
        for inner in sorted(level, key=lambda t: t.i):
            found = actors.get(inner.i)
            if found is not None and found.code and not (
                    inner.pos_ == "PRON" and found.code in own):
                group = [t for t in clauses.with_conjuncts(inner)
                         if t.i in actors and actors[t.i].code]
                return [replace(actors[t.i], rule=f"{actors[t.i].rule}; inside '{actor.text}'")
                        for t in group]
        level = [child for t in level for child in t.children]
    return [actor]


def _doers_own(source: Actor, target: Actor, sentence: Span) -> bool:
    """The target is the doer itself or its own people: a pronoun with the doer's code, or a
    phrase opened by a possessive pronoun in the doer's country, or in none ("its troops")."""
    if (target.rule or "").startswith("pronoun"):
        return target.code == source.code
    if target.span is None or target.country not in (None, source.country):
        return False
    first = sentence.doc.char_span(target.span[0], target.span[1], alignment_mode="expand")
    return first is not None and first[0].lower_ in POSSESSIVE_PRONOUNS


def _directions(code: Code, source: Actor, target: Actor | None
                ) -> list[tuple[str, Actor | None, Actor | None]]:
    out: list[tuple[str, Actor | None, Actor | None]] = []
    if code.event:
        out.append((code.event, source, target))
    if code.reverse and target is not None:
        out.append((code.reverse, target, source))
    return out


def _confidence(candidate: Candidate, source: Actor | None, target: Actor | None) -> float:
    value = CONFIDENCE[candidate.kind]
    if source is None or source.code is None:
        value -= 0.2
    if target is not None and target.code is None:
        value -= 0.1
    return round(max(value, 0.05), 2)


def _subject_text(verb: Token) -> str | None:
    found = clauses.subjects(verb)
    if not found:
        return None
    head = found[0]
    return head.doc[head.left_edge.i: head.i + 1].text


def unique_events(events: Sequence[Event]) -> list[Event]:
    """The events in order, each event id once."""
    seen: set[str] = set()
    out = []
    for event in events:
        if event.event_id not in seen:
            seen.add(event.event_id)
            out.append(event)
    return out
