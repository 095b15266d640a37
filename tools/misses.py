"""Where the coder loses the annotated events it does not find: each event of a split that
no coded event matches at the type level (sentence and PLOVER type), put down to the first
stage that lost it. Codes with the installed package's model and settings (the cut is
`coder.min_confidence` unless given).

    .venv/bin/python tools/misses.py [--split dev|test] [--min-confidence 0.3] [--examples 5]

Stages, in order: the sentence has no coded actor (it is not encoded at all); the trigger is
not a candidate; the type head calls it no event (its likeliest type right or wrong); the
head gives another type; typed right but below the confidence cut; typed right and dropped
or merged later (no coded political actor, a less specific copy, or an annotated event that
shares its sentence, type and both countries with another, which one-to-one matching leaves
unmatched).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from newsevents.corpus import corpus_files, load_corpus
from newsevents.dictionaries.lexicon import load_lexicon
from newsevents.evaluation.events import matches, one_to_one, scored_events
from newsevents.learned.coder import LearnedCoder, analyse
from newsevents.learned.features import LABELS, trigger_features
from newsevents.learned.train import _day, align
from newsevents.nlp import load_model
from newsevents.settings import load_settings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--split", default="dev", choices=["dev", "test"])
    parser.add_argument("--min-confidence", type=float, default=None)
    parser.add_argument("--examples", type=int, default=5)
    args = parser.parse_args(argv)
    settings = load_settings()
    cut = settings.coder.min_confidence if args.min_confidence is None else args.min_confidence
    documents = [d for d in load_corpus(corpus_files(Path(settings.eval.corpus)),
                                        split=args.split) if not d.synthetic]
    coder = LearnedCoder(load_lexicon(settings.dictionaries), min_confidence=0.0)
    model = coder.model
    nlp = load_model(settings.nlp.model)
    stages: Counter[str] = Counter()
    types: dict[str, Counter[str]] = {}
    examples: dict[str, list[str]] = {}
    total = twins = 0
    for document, doc in zip(documents, nlp.pipe([d.text for d in documents], batch_size=32),
                             strict=True):
        analysis = analyse(doc, coder.engine, document.doc_id, _day(document), None,
                           model.nouns, model.family)
        at_token = {id(g): t for t, found in align(document, doc, analysis)[0].items()
                    for g in found}
        result = coder.code(doc, document.doc_id, _day(document))
        kept = scored_events([e for e in result.events if e.confidence >= cut])
        below = scored_events([e for e in result.events if e.confidence < cut])
        gold = [e for e in document.events if e.plain]
        total += len(gold)
        sentence_of = {id(e): next((k for k, v in enumerate(analysis.views)
                                    if v.sentence.start_char <= e.offset < v.sentence.end_char),
                                   None) for e in gold}
        keys = [(sentence_of[id(e)], e.plover, e.source.country if e.source else None,
                 e.target.country if e.target else None) for e in gold]
        twins += len(keys) - len(set(keys))
        found = {g for _, g in one_to_one(kept, gold, lambda s, g: matches(s, g, "type"))}
        for n, event in enumerate(gold):
            if n in found:
                continue
            token = at_token.get(id(event))
            if token is None:
                index = sentence_of[id(event)]
                stage = ("sentence not encoded (no coded actor)"
                         if index is None or not analysis.candidates[index]
                         else "trigger not a candidate")
            else:
                view = next(v for v in analysis.views
                            if v.sentence.start <= token < v.sentence.end)
                row = trigger_features(doc[token], view, model.family)[None, :]
                p = model.trigger_probabilities(row)[0]
                likeliest = LABELS[int(p[1:].argmax()) + 1]
                if p[0] > model.none_max:
                    stage = "called no event, likeliest type " + (
                        "right" if likeliest == event.plover else "wrong")
                elif likeliest != event.plover:
                    stage = "another type"
                elif any(matches(s, event, "type") for s in below):
                    stage = "typed right, below the confidence cut"
                else:
                    stage = "typed right, dropped or merged later"
            stages[stage] += 1
            types.setdefault(stage, Counter())[event.plover] += 1
            examples.setdefault(stage, []).append(
                f"{document.doc_id} {event.plover} '{event.trigger}': {event.in_sentence}")
    missed = sum(stages.values())
    print(f"{args.split}: {total} annotated events, {missed} not matched at the type level "
          f"(cut {cut})")
    for stage, count in stages.most_common():
        common = ", ".join(f"{t} {c}" for t, c in types[stage].most_common(4))
        print(f"{count:6}  {stage}  ({common})")
        for line in examples[stage][:args.examples]:
            print(f"          {line}")
    print(f"{twins} annotated events share their sentence, type and both countries with "
          f"another: one-to-one matching cannot match them (full recall ceiling "
          f"{(total - twins) / max(total, 1):.3f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
