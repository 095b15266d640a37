"""Inter-annotator agreement on the doubly annotated Wikinews articles, with the guide's
scorer (section 8): annotator 2 scored against annotator 1, and under `reversed` annotator 1
against annotator 2.

    .venv/bin/python tools/agreement.py [corpus/agreement/first.jsonl corpus/agreement/second.jsonl]
"""

from __future__ import annotations

import json
import sys
from functools import cache
from pathlib import Path

from newsevents.corpus import read_corpus
from newsevents.evaluation.events import agreement
from newsevents.nlp import load_model
from newsevents.settings import load_settings


@cache
def sentences(text: str) -> list[tuple[int, int]]:
    nlp = load_model(load_settings().nlp.model)
    return [(s.start_char, s.end_char) for s in nlp(text).sents]


def main(argv: list[str]) -> int:
    first = Path(argv[0] if argv else "corpus/agreement/first.jsonl")
    second = Path(argv[1] if len(argv) > 1 else "corpus/agreement/second.jsonl")
    one, two = list(read_corpus(first)), list(read_corpus(second))
    report = agreement(one, two, sentences)
    # scored as a coder is, annotator 2 against annotator 1; the other way round differs a
    # little (duplicates are merged and alternatives read on one side only)
    report["reversed"] = {k: v for k, v in agreement(two, one, sentences).items()
                          if k.endswith(("precision", "recall", "f1")) or k == "literal"}
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
