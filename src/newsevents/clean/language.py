"""Which language a text is in (py3langid's bundled model, normalised probabilities)."""

from __future__ import annotations

from array import array
from functools import cache
from importlib import metadata
from typing import Any

import numpy as np
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from newsevents.cachefiles import cache_dir, mapped_arrays

UNDETERMINED = "und"  # ISO 639-2 for "undetermined"
# Below this probability the language is recorded as undetermined rather than guessed: a short
# English text full of names ("Merkel met Macron in Berlin.") is otherwise often called Dutch.
MIN_CONFIDENCE = 0.8
_SAMPLE = 20_000


@cache
def _identifier() -> LanguageIdentifier:
    """py3langid's model, memory-mapped from newsevents' cache when there. The package ships
    it xz-compressed, which takes 0.6 s to open at every start; mapped, its 67 MB of tables
    cost no time and are shared by every process on the machine."""
    path = cache_dir() / f"py3langid-{metadata.version('py3langid')}-normalised.arrays"

    def build() -> dict[str, Any]:
        model = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        return {"nb_ptc": np.ascontiguousarray(model.nb_ptc).view(np.uint16),  # float16
                "nb_pc": model.nb_pc, "nb_classes": ",".join(model.nb_classes).encode("ascii"),
                "tk_nextmove": model.tk_nextmove, "tk_row": model.tk_row,
                "tk_output": array("i", model.tk_output)}

    arrays = mapped_arrays(path, build)
    classes = bytes(arrays["nb_classes"]).decode("ascii").split(",")
    table = np.frombuffer(arrays["nb_ptc"], dtype=np.float16).reshape(-1, len(classes))
    return LanguageIdentifier(table, np.frombuffer(arrays["nb_pc"], dtype=np.float32),
                              classes, arrays["tk_nextmove"], arrays["tk_output"],
                              norm_probs=True, tk_row=arrays["tk_row"])


def identify_language(text: str) -> tuple[str, float]:
    """(ISO 639-1 code, probability) of the text's most likely language."""
    code, probability = _identifier().classify(text[:_SAMPLE])
    return str(code), float(probability)


def recorded_language(code: str, probability: float, text: str = "") -> str:
    """The code to record: the guess when it is confident, else "und". The doubt is about
    Latin-script text (names make English look Dutch); a text whose letters are mostly of
    another script (Han, Cyrillic, Arabic…) keeps its guess whatever its probability."""
    if probability >= MIN_CONFIDENCE:
        return code
    return code if _not_latin(text) else UNDETERMINED


def _not_latin(text: str) -> bool:
    """Whether most letters of the text's first 2,000 characters are not Latin."""
    letters = [c for c in text[:2000] if c.isalpha()]
    other = sum(1 for c in letters if c > "\u024f")  # beyond Latin Extended-B
    return bool(letters) and other > len(letters) / 2

