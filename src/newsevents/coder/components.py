"""newsevents as spaCy components, registered through the `spacy_factories` entry point:

    nlp = spacy.load("en_core_web_sm")
    nlp.add_pipe("newsevents_paragraphs", before="parser")   # optional: paragraphs end sentences
    nlp.add_pipe("newsevents_coder")                           # adds actors too
    doc = nlp(text)
    doc._.newsevents_events      # list[newsevents.records.Event]
    doc._.newsevents_actors      # {token index: newsevents.records.Actor}

Set `doc._.newsevents_date` (a date or an ISO string) before coding to resolve dated roles
(Raisi is IRNGOV only from 2021-08-03); `doc._.newsevents_id` names the article in event ids:

    doc = nlp.make_doc(text); doc._.newsevents_date = "2023-06-15"; doc = nlp(doc)

What the components store are plain lists and dicts (`doc._.newsevents_records`), so documents
keep their events when spaCy codes them in several processes (`nlp.pipe(n_process=2)`);
`newsevents_events` and `newsevents_actors` read them back as records.
"""

from __future__ import annotations

import json
import logging
from datetime import date
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from newsevents import limits
from newsevents.coder.actors import ActorResolver
from newsevents.coder.engines import ENGINES, code_document
from newsevents.coder.events import is_np_head
from newsevents.dictionaries.lexicon import load_lexicon
from newsevents.errors import NewsEventsError
from newsevents.records import Actor, Event
from newsevents.settings import DictionarySettings, package_defaults

log = logging.getLogger(__name__)
_DEFAULTS = package_defaults().coder
_STAGE_SECONDS = package_defaults().ingest.stage_seconds


def _events(doc: Doc) -> list[Event] | None:
    records = doc._.newsevents_records
    return None if records is None else [Event.from_dict(e) for e in records["events"]]


def _actors(doc: Doc) -> dict[int, Actor] | None:
    records = doc._.newsevents_records
    if records is None:
        return None
    return {int(i): Actor.from_dict(a) for i, a in records["actors"]}


def register_extensions() -> None:
    """Register the `doc._.newsevents_*` attributes (once; safe to call again)."""
    for name in ("newsevents_records", "newsevents_date", "newsevents_id",
                 "newsevents_page_date"):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=None)
    if not Doc.has_extension("newsevents_events"):
        Doc.set_extension("newsevents_events", getter=_events)
    if not Doc.has_extension("newsevents_actors"):
        Doc.set_extension("newsevents_actors", getter=_actors)


def document_day(doc: Doc, attribute: str = "newsevents_date") -> date | None:
    value = getattr(doc._, attribute)
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


@Language.component("newsevents_paragraphs")
def paragraphs(doc: Doc) -> Doc:
    """A blank line ends a sentence (headings and paragraphs never run together)."""
    for token in doc[:-1]:
        if token.is_space and "\n\n" in token.text:
            doc[token.i + 1].is_sent_start = True
    return doc


class _Base:
    def __init__(self, nlp: Language, name: str, use_builtin: bool,
                 overlays: list[str]) -> None:
        register_extensions()
        self.name = name
        self.config = {"use_builtin": use_builtin, "overlays": list(overlays)}

    @property
    def dictionaries(self) -> DictionarySettings:
        overlays = [str(p) for p in self.config["overlays"]]  # type: ignore[attr-defined]
        return DictionarySettings(bool(self.config["use_builtin"]), tuple(overlays))

    def to_disk(self, path: str | Path, *, exclude: Any = ()) -> None:
        folder = Path(path)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "config.json").write_text(json.dumps(self.config, indent=2), "utf-8")

    def from_disk(self, path: str | Path, *, exclude: Any = ()) -> _Base:
        self.config = json.loads((Path(path) / "config.json").read_text("utf-8"))
        return self


class ActorComponent(_Base):
    """Codes every noun phrase head: doc._.newsevents_actors."""

    def __call__(self, doc: Doc) -> Doc:
        resolver = ActorResolver(load_lexicon(self.dictionaries), document_day(doc))
        resolver.set_paragraphs(list(doc.sents))
        actors = [[t.i, resolver.resolve(t, n).to_dict()] for n, sent in enumerate(doc.sents)
                  for t in sent if is_np_head(t)]
        doc._.newsevents_records = {"events": [], "actors": actors}
        return doc


class CoderComponent(_Base):
    """Codes events: doc._.newsevents_events (and doc._.newsevents_actors)."""

    def __init__(self, nlp: Language, name: str, use_builtin: bool, overlays: list[str],
                 engine: str, min_confidence: float, threads: int = 1,
                 max_sentence_tokens: int = _DEFAULTS.max_sentence_tokens,
                 seconds: float = _STAGE_SECONDS) -> None:
        super().__init__(nlp, name, use_builtin, overlays)
        if engine not in ENGINES:
            raise ValueError(f"newsevents_coder: engine must be one of {ENGINES}, not "
                             f"{engine!r}")
        self.config.update(engine=engine, min_confidence=float(min_confidence),
                           threads=int(threads), max_sentence_tokens=int(max_sentence_tokens),
                           seconds=float(seconds))

    def __call__(self, doc: Doc) -> Doc:
        if doc.user_data.get(FAILED):
            doc._.newsevents_records = {"events": [], "actors": [],
                                        "error": doc.user_data[FAILED]}
            return doc
        config: dict[str, Any] = self.config
        try:
            with limits.deadline("coding", float(config.get("seconds", _STAGE_SECONDS))):
                result = code_document(
                    doc, load_lexicon(self.dictionaries), str(config["engine"]),
                    float(config["min_confidence"]), doc._.newsevents_id or "doc",
                    document_day(doc), document_day(doc, "newsevents_page_date"),
                    int(config.get("threads", 1)),
                    int(config.get("max_sentence_tokens", _DEFAULTS.max_sentence_tokens)))
        except (NewsEventsError, OSError, MemoryError):
            raise  # the run cannot go on (no model, no memory): stop with its message
        except limits.StageTimeout as exc:
            doc._.newsevents_records = {"events": [], "actors": [], "error": str(exc)}
            return doc
        except Exception as exc:  # one document's crash costs that document, never the run
            log.exception("coding %s failed", doc._.newsevents_id)
            doc._.newsevents_records = {"events": [], "actors": [],
                                        "error": f"coding failed: {type(exc).__name__}: {exc}"}
            return doc
        inferred = result.published
        doc._.newsevents_records = {
            "events": [e.to_dict() for e in result.events],
            "actors": [[i, a.to_dict()] for i, a in result.actors.items()],
            "published": None if inferred is None else {
                "date": inferred.claim.iso(), "precision": inferred.claim.precision,
                "confidence": inferred.confidence, "evidence": inferred.evidence},
            "quotes": [q.to_dict() for q in result.quotes],
            "dropped": [list(d) for d in result.dropped],
            "sentences": sum(1 for _ in doc.sents),
        }
        return doc


PLACEHOLDER = "newsevents_placeholder"
FAILED = "newsevents_failed"  # a stage could not handle the document: why


def placeholder(nlp: Language, text: str) -> Doc:
    """A cheap Doc holding the whole text as one token, to be tokenised by the
    `newsevents_tokenize` component. newsevents' own pipeline sends these to spaCy, so that
    with `n_process` > 1 the worker processes tokenise and the main process does not."""
    if not text:
        return nlp.make_doc(text)
    doc = Doc(nlp.vocab, words=[text], spaces=[False])
    doc.user_data[PLACEHOLDER] = True
    return doc


class TokenizeComponent:
    """Turns a `placeholder` Doc into the tokenised Doc, keeping its `doc._` values."""

    def __init__(self, nlp: Language) -> None:
        self.nlp = nlp

    def __call__(self, doc: Doc) -> Doc:
        if not doc.user_data.get(PLACEHOLDER):
            return doc
        try:
            real = self.nlp.make_doc(doc.text)
        except ValueError as exc:  # spaCy's E088 (longer than nlp.max_length), and the like
            real = self.nlp.make_doc("")
            real.user_data[FAILED] = f"parsing failed: {str(exc).splitlines()[0][:200]}"
        real.user_data.update((k, v) for k, v in doc.user_data.items() if k != PLACEHOLDER)
        return real


@Language.factory("newsevents_tokenize")
def make_tokenize(nlp: Language, name: str) -> TokenizeComponent:
    return TokenizeComponent(nlp)


@Language.factory("newsevents_actors", default_config={"use_builtin": True, "overlays": []},
                  requires=["token.dep", "token.pos", "token.lemma"],
                  assigns=["doc._.newsevents_records"])
def make_actors(nlp: Language, name: str, use_builtin: bool, overlays: list[str]
                ) -> ActorComponent:
    return ActorComponent(nlp, name, use_builtin, overlays)




@Language.factory("newsevents_coder",
                  default_config={"use_builtin": True, "overlays": [],
                                  "engine": _DEFAULTS.engine,
                                  "min_confidence": _DEFAULTS.min_confidence,
                                  "threads": 1,
                                  "max_sentence_tokens": _DEFAULTS.max_sentence_tokens,
                                  "seconds": _STAGE_SECONDS},
                  requires=["token.dep", "token.pos", "token.lemma", "doc.sents"],
                  assigns=["doc._.newsevents_records"])
def make_coder(nlp: Language, name: str, use_builtin: bool, overlays: list[str],
               engine: str, min_confidence: float, threads: int, max_sentence_tokens: int,
               seconds: float) -> CoderComponent:
    return CoderComponent(nlp, name, use_builtin, overlays, engine, min_confidence, threads,
                          max_sentence_tokens, seconds)
