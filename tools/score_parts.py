"""Score one split of the corpus by part: all documents, the Wikinews articles, the Current
Events entries, and (with --ids-from) the documents of another corpus file, such as an
earlier version of `corpus/current-events.jsonl`. Codes through the path `newsevents eval
events` uses, with the installed package's model and settings.

    .venv/bin/python tools/score_parts.py [--split test|dev] [--ids-from FILE ...]

To score an earlier model on the same documents, put its source first:
`PYTHONPATH=/path/to/checkout/src .venv/bin/python tools/score_parts.py`.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from newsevents.corpus import corpus_files, load_corpus
from newsevents.evaluation import events as ev
from newsevents.settings import load_settings

FIGURES = ("type_precision", "type_recall", "source_precision", "source_recall",
           "full_precision", "full_recall", "full_f1")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", default="test", choices=["dev", "test"])
    parser.add_argument("--ids-from", type=Path, nargs="*", default=[],
                        help="corpus files whose documents form one more part")
    args = parser.parse_args(argv)
    settings = load_settings()
    documents = [d for d in load_corpus(corpus_files(Path(settings.eval.corpus)),
                                        split=args.split) if not d.synthetic]
    coded, _ = ev.code_articles(ev.corpus_articles(documents), settings)
    listed = {json.loads(line)["doc_id"] for path in args.ids_from
              for line in path.open(encoding="utf-8") if line.strip()}
    parts = {"all": lambda doc_id: True,
             "wikinews": lambda doc_id: not doc_id.startswith("ce-"),
             "current-events": lambda doc_id: doc_id.startswith("ce-")}
    if args.ids_from:
        parts["listed"] = lambda doc_id: doc_id in listed
    for name, keep in parts.items():
        chosen = [n for n, d in enumerate(documents) if keep(d.doc_id)]
        report = ev.score_documents([documents[n] for n in chosen], [coded[n] for n in chosen])
        print(json.dumps({"part": name, "documents": len(chosen),
                          **{k: round(report[k], 3) for k in FIGURES},
                          "reliability": report["reliability"]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
