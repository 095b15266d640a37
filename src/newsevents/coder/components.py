"""newsevents as spaCy components, registered through the `spacy_factories` entry point:

    nlp = spacy.load("en_core_web_sm")
    nlp.add_pipe("newsevents_paragraphs", before="parser")   # optional: paragraphs end sentences
    nlp.add_pipe("newsevents_coder")                           # adds actors too
    doc = nlp(text)
    doc._.newsevents_events      # list[newsevents.records.Event]
    doc._.newsevents_actors      # {token index: newsevents.records.Actor}

Set `doc._.newsevents_date` (a datetime.date) before coding to resolve dated roles (Raisi is
IRNGOV only from 2021-08-03); `doc._.newsevents_id` names the article in event ids.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from newsevents.coder.actors import ActorResolver
from newsevents.coder.events import EventCoder, is_np_head
from newsevents.dictionaries.lexicon import load_lexicon
from newsevents.settings import DictionarySettings


def _register_extensions() -> None:
    for name, default in (("newsevents_events", None), ("newsevents_actors", None),
                          ("newsevents_date", None), ("newsevents_id", None)):
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)


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
        _register_extensions()
        self.name = name
        self.config = {"use_builtin": use_builtin, "overlays": list(overlays)}

    @property
    def dictionaries(self) -> DictionarySettings:
        return DictionarySettings(bool(self.config["use_builtin"]),
                                  tuple(self.config["overlays"]))  # type: ignore[arg-type]

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
        day: date | None = doc._.newsevents_date
        resolver = ActorResolver(load_lexicon(self.dictionaries), day)
        doc._.newsevents_actors = {t.i: resolver.resolve(t, n)
                                   for n, sent in enumerate(doc.sents)
                                   for t in sent if is_np_head(t)}
        return doc


class CoderComponent(_Base):
    """Codes events: doc._.newsevents_events (and doc._.newsevents_actors)."""

    def __call__(self, doc: Doc) -> Doc:
        day: date | None = doc._.newsevents_date
        coder = EventCoder(load_lexicon(self.dictionaries))
        doc._.newsevents_events = coder.code(doc, doc._.newsevents_id or "doc", day)
        doc._.newsevents_actors = coder.last_actors
        return doc


@Language.factory("newsevents_actors", default_config={"use_builtin": True, "overlays": []},
                  requires=["token.dep", "token.pos", "token.lemma"],
                  assigns=["doc._.newsevents_actors"])
def make_actors(nlp: Language, name: str, use_builtin: bool, overlays: list[str]
                ) -> ActorComponent:
    return ActorComponent(nlp, name, use_builtin, overlays)


@Language.factory("newsevents_coder", default_config={"use_builtin": True, "overlays": []},
                  requires=["token.dep", "token.pos", "token.lemma", "doc.sents"],
                  assigns=["doc._.newsevents_events", "doc._.newsevents_actors"])
def make_coder(nlp: Language, name: str, use_builtin: bool, overlays: list[str]
               ) -> CoderComponent:
    return CoderComponent(nlp, name, use_builtin, overlays)
