"""How far the shipped model can be pushed towards recall: the figures of a split with no
confidence cut, for looser settings of the type head's cut (`none_max`: a candidate is an
event when P(NONE) is at most this). Each row is one operating point of the same model, so
the table shows what precision each recall costs. For the record in docs/accuracy.md; the
shipped setting is chosen on dev by `make train`.

    .venv/bin/python tools/frontier.py [--split dev|test] [--none-max 0.7 0.9 0.97 0.995]
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

from newsevents.corpus import corpus_files, load_corpus
from newsevents.dictionaries.lexicon import load_lexicon
from newsevents.evaluation.events import score_documents
from newsevents.learned.coder import LearnedCoder
from newsevents.learned.model import load_model
from newsevents.learned.train import code_documents
from newsevents.settings import load_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", default="dev", choices=["dev", "test"])
    parser.add_argument("--none-max", type=float, nargs="+", default=[0.7, 0.9, 0.97, 0.995])
    args = parser.parse_args(argv)
    settings = load_settings()
    documents = [d for d in load_corpus(corpus_files(Path(settings.eval.corpus)),
                                        split=args.split) if not d.synthetic]
    lexicon = load_lexicon(settings.dictionaries)
    shipped = load_model()
    print(f"{args.split}, no confidence cut; shipped none_max {shipped.none_max}")
    print("none_max | type P / R (one to one) | full P / R / F1 (one to one) "
          "| type P / R, full R (read literally)")
    for none_max in args.none_max:
        model = dataclasses.replace(shipped, meta={**shipped.meta, "none_max": none_max})
        coded, _ = code_documents(LearnedCoder(lexicon, model, min_confidence=0.0), documents)
        r = score_documents(documents, coded)
        lit = r["literal"]
        print(f"{none_max} | {r['type_precision']:.3f} / {r['type_recall']:.3f} "
              f"| {r['full_precision']:.3f} / {r['full_recall']:.3f} / {r['full_f1']:.3f} "
              f"| {lit['type_precision']:.3f} / {lit['type_recall']:.3f}, "
              f"{lit['full_recall']:.3f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
