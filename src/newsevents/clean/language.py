"""Which language a text is in (py3langid's bundled model, normalised probabilities)."""

from __future__ import annotations

from functools import cache
from importlib import metadata

from py3langid.langid import MODEL_FILE, LanguageIdentifier

from newsevents.cachefiles import cache_dir, read_cache, write_cache

UNDETERMINED = "und"  # ISO 639-2 for "undetermined"
# Below this probability the language is recorded as undetermined rather than guessed: a short
# English text full of names ("Merkel met Macron in Berlin.") is otherwise often called Dutch.
MIN_CONFIDENCE = 0.8
_SAMPLE = 20_000


@cache
def _identifier() -> LanguageIdentifier:
    """py3langid's model, from newsevents' cache when there: the package ships it
    xz-compressed, which takes 0.6 s to open at every start; the cached object, 0.05 s."""
    path = cache_dir() / f"py3langid-{metadata.version('py3langid')}-normalised.pickle"
    cached = read_cache(path)
    if isinstance(cached, LanguageIdentifier):
        return cached
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    write_cache(path, identifier)
    return identifier


def identify_language(text: str) -> tuple[str, float]:
    """(ISO 639-1 code, probability) of the text's most likely language."""
    code, probability = _identifier().classify(text[:_SAMPLE])
    return str(code), float(probability)


def recorded_language(code: str, probability: float) -> str:
    """The code to record: the guess when it is confident, else "und"."""
    return code if probability >= MIN_CONFIDENCE else UNDETERMINED
