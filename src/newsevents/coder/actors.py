"""Actors: noun phrases to CAMEO actor codes, with light coreference within an article.

For the head noun of a phrase, in order:
  1. a dictionary name covering the head ("Ebrahim Raisi" -> IRNGOV on the article's date);
  2. a name learned earlier in the article from an apposition ("Assadi, an Iranian diplomat");
  3. an agent ("president", "court", "protesters") combined with a country taken from the
     phrase itself (an adjective "Iranian", a possessive "Iran's", "of/from/in Antwerp"), else
     from the most recent compatible actor, else the article's main country;
  4. a pronoun: the most recent compatible actor;
  5. a country modifier alone ("Iranian people" -> IRN).
An actor the dictionaries do not know keeps its text, its spaCy entity type and a null code.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date

from spacy.tokens import Span, Token

from newsevents.coder.geography import geography, split_code
from newsevents.dictionaries.lexicon import Lexicon
from newsevents.dictionaries.phrases import normalize_phrase
from newsevents.records import Actor

NOMINAL = frozenset({"NOUN", "PROPN", "PRON"})
PERSON_PRONOUNS = frozenset({"he", "him", "his", "she", "her"})
THING_PRONOUNS = frozenset({"it", "its"})
GROUP_PRONOUNS = frozenset({"they", "them", "their"})
PERSON_SECTORS = frozenset({"GOV", "JUD", "LEG", "MIL", "ELI"})
_PLACE_PREPS = frozenset({"of", "from", "in", "at"})
_RECENT_SENTENCES = 3
NO_COUNTRY = "agent, no country found"
_TIME_ENTITIES = frozenset({"DATE", "TIME"})


@dataclass(slots=True)
class Mention:
    actor: Actor
    sentence: int
    person: bool
    paragraph: int = 0


@dataclass(slots=True)
class ArticleMemory:
    """What the article has said so far: recent actors, names learned, countries counted."""

    mentions: list[Mention] = field(default_factory=list)
    learned: dict[str, str] = field(default_factory=dict)
    resolved: dict[int, Actor] = field(default_factory=dict)  # token index -> actor
    countries: Counter[str] = field(default_factory=Counter)
    paragraphs: dict[int, int] = field(default_factory=dict)  # sentence -> its paragraph

    def remember(self, actor: Actor, sentence: int, person: bool) -> None:
        if actor.code:
            paragraph = self.paragraphs.get(sentence, 0)
            self.mentions.append(Mention(actor, sentence, person, paragraph))
            if actor.country:
                self.countries[actor.country] += 1

    def recent(self, sentence: int, want_person: bool | None, sector: str | None = None
               ) -> Actor | None:
        """The latest compatible actor of the last few sentences of the same paragraph: a
        pronoun or an agent never reaches into another paragraph (or story)."""
        paragraph = self.paragraphs.get(sentence, 0)
        for mention in reversed(self.mentions):
            if sentence - mention.sentence > _RECENT_SENTENCES or \
                    mention.paragraph != paragraph:
                break
            if want_person is not None and mention.person != want_person:
                continue
            if sector is not None and mention.actor.sector != sector:
                continue
            return mention.actor
        return None

    def context_country(self, sentence: int) -> str | None:
        """The country of an actor the text names without one: the commonest country of the
        coded actors of its paragraph so far; None when they name none (another paragraph is
        another context)."""
        paragraph = self.paragraphs.get(sentence, 0)
        named = Counter(m.actor.country for m in self.mentions if m.actor.country and
                        m.paragraph == paragraph and m.sentence <= sentence)
        return named.most_common(1)[0][0] if named else None

    def main_country(self) -> str | None:
        """The article's country, when one dominates it (at least half of the countries
        named, and three times); otherwise none, so that "gunmen killed three villagers in
        Mali" after a sentence about Israel is not given Israel's code."""
        if not self.countries:
            return None
        country, count = self.countries.most_common(1)[0]
        total = sum(self.countries.values())
        return country if count >= 3 and count * 2 >= total else None


@dataclass(slots=True)
class ActorResolver:
    """Codes the noun phrases of one article, sentence by sentence, in order."""

    lexicon: Lexicon
    day: date | None
    memory: ArticleMemory = field(default_factory=ArticleMemory)

    def set_paragraphs(self, sentences: list[Span]) -> None:
        """Tell the resolver where paragraphs start, so its memory stops at them."""
        self.memory.paragraphs = paragraph_numbers(sentences)

    def resolve(self, head: Token, sentence: int) -> Actor:
        """The actor a noun phrase headed by `head` names (code None when unknown)."""
        span = _phrase_span(head)
        actor = (self._named(head, span) or self._learned(head, span)
                 or self._apposition(head, span) or self._named_modifier(head, span)
                 or self._agent(head, span, sentence)
                 or self._pronoun(head, sentence) or self._country_modifier(head, span))
        if actor is None:
            actor = _make(span, None, head.ent_type_ or None, "unknown")
        shown = _display_span(head, span)
        actor = replace(actor, text=shown.text, span=(shown.start_char, shown.end_char))
        self.memory.remember(actor, sentence, self._is_person(head, actor))
        self.memory.resolved[head.i] = actor
        self._learn_apposition(head, actor)
        return actor

    def resolve_modifier(self, token: Token) -> Actor | None:
        """A name or country word that modifies a noun ("*Russian* drone strikes", "*Hamas*
        fighters", "*Israel's* strike"): the actor it names, or None. Not remembered: it
        is a candidate for a role, not a mention that pronouns refer to."""
        span = token.doc[token.i: token.i + 1]
        found = self._longest(span, token, require_head=True)
        if found is not None:
            code, rule = found
            return _make(span, code, token.ent_type_ or None, f"{rule}; modifier")
        country = self._token_country(token)
        if country is None:
            return None
        return _make(span, country, token.ent_type_ or None, "country modifier")

    def as_agent_of_act(self, head: Token, actor: Actor) -> Actor:
        """A capital or a bare country named as the doer of a political act is its government
        ("Tehran demanded" -> IRNGOV); countries stay countries ("France agreed" -> FRA)."""
        if actor.code is None or actor.sector is not None or actor.country is None:
            return actor
        if normalize_phrase(head.text) not in geography().capitals:
            return actor
        return replace(actor, code=f"{actor.country}GOV", sector="GOV",
                       rule=f"{actor.rule}; capital as government")

    def _named(self, head: Token, span: Span) -> Actor | None:
        named = _name_span(head, span)
        match = self._longest(named, head, require_head=True)
        if match is not None and named.end > span.end:
            span = named
        if match is None:
            return None
        code, rule = match
        country, sector = split_code(code)
        if sector is None and country is not None:
            agent = self._agent_code(head, span)
            if agent is not None and agent[0] != head.i:
                return _make(span, _compose(country, agent[1], agent[2]), head.ent_type_,
                             f"{rule} + agent")
        return _make(span, code, head.ent_type_ or None, rule)

    def _named_modifier(self, head: Token, span: Span) -> Actor | None:
        """"the Hizbollah group", "Taliban fighters": a named group before a generic noun is
        the actor, with its own code. A country name there is left to the agent rule
        ("Osgiliath soldiers" -> OSGMIL)."""
        names = [t for t in span if t.i < head.i and t.dep_ == "compound" and t.pos_ == "PROPN"]
        if not names:
            return None
        found = self._longest(head.doc[names[0].i: names[-1].i + 1], head, require_head=False)
        if found is None:
            return None
        code, rule = found
        if code is None or len(code) <= 3:  # a bare country or region: the agent rule's
            return None
        return _make(span, code, head.ent_type_ or None, f"{rule}, before '{head.text}'")

    def _apposition(self, head: Token, span: Span) -> Actor | None:
        """"his Iranian counterpart Ebrahim Raisi": the name takes its description's code."""
        if head.dep_ != "appos" or head.pos_ != "PROPN":
            return None
        described = self.memory.resolved.get(head.head.i)
        if described is None or described.code is None:
            return None
        self.memory.learned[normalize_phrase(span.text)] = described.code
        self.memory.learned[normalize_phrase(head.text)] = described.code
        return _make(span, described.code, head.ent_type_ or None,
                     f"apposition to '{described.text}'")

    def _learned(self, head: Token, span: Span) -> Actor | None:
        for key in (normalize_phrase(span.text), normalize_phrase(head.text)):
            if key in self.memory.learned:
                return _make(span, self.memory.learned[key], head.ent_type_ or None,
                             "named earlier in the article")
        return None

    def _agent(self, head: Token, span: Span, sentence: int) -> Actor | None:
        found = self._agent_code(head, span)
        if found is None:
            return None
        _, role, before = found
        country = self._country_in(head, span)
        rule = "agent + country in phrase"
        if country is None:
            context = self.memory.recent(sentence, None, role[:3]) if role else None
            country = context.country if context else self.memory.main_country()
            rule = "agent + country from context" if country else NO_COUNTRY
        return _make(span, _compose(country, role, before) if country else role,
                     head.ent_type_ or None, rule)

    def _pronoun(self, head: Token, sentence: int) -> Actor | None:
        word = head.lower_
        if head.pos_ != "PRON" or word not in PERSON_PRONOUNS | THING_PRONOUNS | GROUP_PRONOUNS:
            return None
        want = True if word in PERSON_PRONOUNS else False if word in THING_PRONOUNS else None
        antecedent = self.memory.recent(sentence, want)
        if antecedent is None:
            return None
        return Actor(head.text, antecedent.code, antecedent.country, antecedent.sector,
                     None, antecedent.entity_type, f"pronoun -> {antecedent.text}")

    def _country_modifier(self, head: Token, span: Span) -> Actor | None:
        """"Iranian people", "Iran's population": a country before the head. A place after it
        does not make a thing an actor ("an attack in south Lebanon")."""
        country = self._country_in(head, span, after=False)
        if country is None:
            return None
        return _make(span, country, head.ent_type_ or None, "country modifier")

    def _longest(self, span: Span, head: Token, require_head: bool
                 ) -> tuple[str | None, str] | None:
        """The longest dictionary name in the span (covering the head when required)."""
        for window in _windows(list(span), self.lexicon.max_actor_words, 1):
            if require_head and head not in window:
                continue
            phrase = normalize_phrase(" ".join(t.text for t in window))
            found = self.lexicon.actor_code(phrase, self.day)
            if found is not None:
                entry, code = found
                return code, f"dictionary: {entry.name} ({entry.origin})"
        return None

    def _agent_code(self, head: Token, span: Span) -> tuple[int, str, bool] | None:
        """The agent the phrase ends in ("Iranian president"), or for a name the agent in its
        title ("French President Emanuel Macron")."""
        tokens = [t for t in span if t.i <= head.i]
        ends = [len(tokens)]
        if head.pos_ == "PROPN":
            ends += [n + 1 for n in range(len(tokens) - 2, -1, -1)
                     if tokens[n].dep_ == "compound" or tokens[n].pos_ == "NOUN"]
        for end in ends:
            found = self._agent_ending_at(tokens[:end])
            if found is not None:
                return found
        return None

    def _agent_ending_at(self, tokens: list[Token]) -> tuple[int, str, bool] | None:
        last = tokens[-1]
        for start in range(max(0, len(tokens) - self.lexicon.max_agent_words), len(tokens)):
            window = tokens[start:]
            for form in (" ".join(t.text for t in window),
                         " ".join([*(t.text for t in window[:-1]), last.lemma_])):
                agent = self.lexicon.agents.get(normalize_phrase(form))
                if agent is not None:
                    return window[0].i, agent.code, agent.before_country
        return None

    def _country_in(self, head: Token, span: Span, after: bool = True) -> str | None:
        """A country named inside the phrase: a modifier, a possessive, or (when `after`)
        of/from/in X."""
        before = [t for t in span if t.i < head.i]
        for window in _windows(before, self.lexicon.max_actor_words, 2):
            code = self._words_country(window)  # "the *United States* Navy"
            if code:
                return code
        candidates = [t for t in span if t.i != head.i]
        for child in head.children if after else ():
            if child.dep_ == "prep" and child.lower_ in _PLACE_PREPS:
                candidates.extend(c for c in child.children if c.dep_ == "pobj")
        for token in candidates:
            code = self._token_country(token)
            if code:
                return code
        return None

    def _token_country(self, token: Token) -> str | None:
        for text in (token.text, token.lemma_):
            code = self._text_country(text)
            if code:
                return code
        return geography().names.get(normalize_phrase(token.text))

    def _words_country(self, tokens: list[Token]) -> str | None:
        """The country that a run of words names ("United States", "South Korean")."""
        if any(t.is_punct for t in tokens):
            return None
        text = " ".join(t.text for t in tokens)
        return self._text_country(text) or geography().names.get(normalize_phrase(text))

    def _text_country(self, text: str) -> str | None:
        found = self.lexicon.actor_code(normalize_phrase(text), self.day)
        if found is None:
            return None
        country, _ = split_code(found[1])
        if country or (found[1] and len(found[1]) == 3):
            return country or found[1]
        return None

    def _is_person(self, head: Token, actor: Actor) -> bool:
        """People: spaCy's PERSON, a dictionary name with dated roles, a titled name."""
        if head.ent_type_ == "PERSON" or _person_rule(actor):
            return True
        if head.tag_ == "NN" and actor.code and "agent" in (actor.rule or ""):
            return True  # "the Iranian president", "the king": a singular role noun
        if head.pos_ != "PROPN" or actor.code is None:
            return False
        entry = self.lexicon.actors.get(normalize_phrase(head.text))
        if entry is not None:
            return any(role.dated for role in entry.roles)
        return actor.sector in PERSON_SECTORS and "agent" in (actor.rule or "")

    def _learn_apposition(self, head: Token, actor: Actor) -> None:
        """"Assadollah Assadi, an Iranian diplomat": the name now means IRNGOV."""
        if head.pos_ != "PROPN" or actor.code is not None:
            return
        for child in head.children:
            if child.dep_ in ("appos",) and child.pos_ in NOMINAL:
                described = self._agent(child, _phrase_span(child), -1)
                if described is not None and described.code:
                    self.memory.learned[normalize_phrase(actor.text)] = described.code
                    self.memory.learned[normalize_phrase(head.text)] = described.code


def paragraph_numbers(sentences: list[Span]) -> dict[int, int]:
    """Sentence index -> paragraph number; a blank line starts a paragraph."""
    out, paragraph = {}, 0
    text = sentences[0].doc.text if sentences else ""  # built once: Doc.text is a join
    for index, sentence in enumerate(sentences):
        if index:
            paragraph += "\n\n" in text[sentences[index - 1].end_char - 2:
                                          sentence.start_char + 2]
        out[index] = paragraph
    return out


def _windows(tokens: list[Token], longest: int, shortest: int) -> Iterator[list[Token]]:
    """Runs of consecutive tokens, the longest first (at most `longest`, at least
    `shortest` tokens), left to right within a length."""
    for length in range(min(len(tokens), longest), shortest - 1, -1):
        for start in range(len(tokens) - length + 1):
            yield tokens[start:start + length]


def _phrase_span(head: Token) -> Span:
    """The head with its left modifiers (determiners, adjectives, compounds, possessives)."""
    start = head.i
    for child in head.lefts:
        if child.dep_ in ("det", "amod", "compound", "poss", "nmod", "nummod", "quantmod",
                          "case", "punct", "cc", "conj", "npadvmod", "advmod"):
            start = min(start, child.left_edge.i)
    return head.doc[start: head.i + 1]


def _display_span(head: Token, span: Span) -> Span:
    """The phrase as a reader would quote it: with its prepositional and appositive tail
    ("a court in Antwerp", "his Iranian counterpart Ebrahim Raisi"), not its clauses."""
    end = span.end
    for child in head.rights:
        when = any(t.ent_type_ in _TIME_ENTITIES for t in child.subtree)
        if child.dep_ in ("prep", "appos") and child.i >= end and not when:
            end = child.right_edge.i + 1
        elif child.dep_ not in ("punct", "cc", "conj"):
            break
    start = span.start
    while end > start + 1 and head.doc[end - 1].is_punct:
        end -= 1
    return head.doc[start:end]


def _name_span(head: Token, span: Span) -> Span:
    """For a name, the phrase with its "of" tail: "National Council of Resistance of Iran"."""
    end = span.end
    node = head
    while node.pos_ == "PROPN":
        of = [c for c in node.children if c.dep_ == "prep" and c.lower_ == "of"]
        pobj = [c for c in of[0].children if c.dep_ == "pobj"] if of else []
        if not pobj or pobj[0].pos_ != "PROPN":
            break
        node = pobj[0]
        end = node.i + 1
    return head.doc[span.start:end]


def _compose(country: str | None, role: str, before_country: bool) -> str:
    if country is None:
        return role
    return f"{role}{country}" if before_country else f"{country}{role}"


def _make(span: Span, code: str | None, entity_type: str | None, rule: str) -> Actor:
    country, sector = split_code(code)
    return Actor(span.text, code, country, sector, (span.start_char, span.end_char),
                 entity_type or None, rule)


def _person_rule(actor: Actor) -> bool:
    return (actor.rule or "").startswith(("apposition", "named earlier"))

