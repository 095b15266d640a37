"""The two coding engines behind one call: `code_document(doc, ...) -> CodingResult`.

`learned` (the default) decides events with models trained on our annotated corpus; the
dictionary engine is the PETRARCH-style coder it takes candidates from, still selectable
(`coder.engine = "dictionary"`).
"""

from __future__ import annotations

from datetime import date

from spacy.tokens import Doc

from newsevents.coder.events import EventCoder
from newsevents.dictionaries.lexicon import Lexicon
from newsevents.learned.coder import LONG_SENTENCE, CodingResult, LearnedCoder

ENGINES = ("learned", "dictionary")


def code_document(doc: Doc, lexicon: Lexicon, engine: str, min_confidence: float,
                  article_id: str, day: date | None, page_date: date | None,
                  threads: int = 1, max_sentence_tokens: int | None = None) -> CodingResult:
    if engine == "learned":
        return LearnedCoder(lexicon, min_confidence=min_confidence, threads=threads,
                            max_sentence_tokens=max_sentence_tokens).code(
            doc, article_id, day, page_date)
    # the dictionary engine's confidence ranks a sentence's events; it is not a calibrated
    # probability, so the threshold (which is one) does not apply to it
    coder = EventCoder(lexicon, max_sentence_tokens=max_sentence_tokens)
    events = coder.code(doc, article_id, day, page_date)
    dropped = ((LONG_SENTENCE, coder.long_sentences),) if coder.long_sentences else ()
    return CodingResult(tuple(events), dict(coder.last_actors), tuple(coder.last_quotes),
                        coder.last_published, dropped)
