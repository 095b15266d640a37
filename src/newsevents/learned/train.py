"""Train the learned coder from the annotated corpus: `make train`.

    python -m newsevents.learned.train [--corpus corpus] [--family minilm|sparse|both]
                                       [--out src/newsevents/data/learned/coder.npz]

Trains on the train split (synthetic documents included), calibrates confidence and reports
on the dev split; the test split is never read here. Seeded and deterministic: the same
corpus gives the same weights. Needs the `train` extra (scikit-learn).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
from spacy.tokens import Doc

from newsevents.cameo import UnknownCameoCode, load_codebook
from newsevents.coder.events import EventCoder
from newsevents.corpus import GoldDocument, GoldEvent, corpus_files, load_corpus
from newsevents.dictionaries.lexicon import load_lexicon
from newsevents.evaluation.events import matches, one_to_one, score_documents, scored_events
from newsevents.learned.coder import Analysis, CodingResult, LearnedCoder, analyse
from newsevents.learned.encoder import encoder_threads
from newsevents.learned.features import (
    LABELS,
    TYPES,
    role_candidates,
    role_features,
    trigger_features,
)
from newsevents.learned.model import CoderModel, Linear, sigmoid
from newsevents.nlp import load_model
from newsevents.settings import load_settings

log = logging.getLogger(__name__)
SEED = 8
THREADS = encoder_threads(0, 1)  # the encoder's results do not depend on its threads
ROOT_OF_TYPE = {"AGREE": "030", "CONSULT": "040", "SUPPORT": "051", "COOPERATE": "060",
                "AID": "070", "CONCEDE": "080", "RETREAT": "0871", "REQUEST": "100",
                "ACCUSE": "111", "REJECT": "120", "THREATEN": "130", "PROTEST": "140",
                "SANCTION": "160", "MOBILIZE": "150", "COERCE": "173", "ASSAULT": "190"}


@dataclass(slots=True)
class Examples:
    trigger_rows: list[np.ndarray] = field(default_factory=list)
    trigger_labels: list[int] = field(default_factory=list)
    role_rows: list[np.ndarray] = field(default_factory=list)
    source_labels: list[int] = field(default_factory=list)
    target_labels: list[int] = field(default_factory=list)
    unaligned: Counter[str] = field(default_factory=Counter)


def _day(document: GoldDocument) -> date | None:
    try:
        return date.fromisoformat(str(document.date)[:10]) if document.date else None
    except ValueError:
        return None


def _find(text: str, needle: str, around: int) -> tuple[int, int] | None:
    """The occurrence of `needle` in `text` nearest to `around`."""
    starts, at = [], text.find(needle)
    while at >= 0 and needle:
        starts.append(at)
        at = text.find(needle, at + 1)
    if not starts:
        return None
    best = min(starts, key=lambda s: abs(s - around))
    return best, best + len(needle)


def _heads_in(span: tuple[int, int], heads: Sequence[int], doc: Doc) -> list[int]:
    inside = [h for h in heads if span[0] <= doc[h].idx < span[1]]
    top = [h for h in inside if not span[0] <= doc[h].head.idx < span[1] or doc[h].head.i == h]
    return top or inside


def align(document: GoldDocument, doc: Doc, analysis: Analysis
          ) -> tuple[dict[int, list[GoldEvent]], Counter[str]]:
    """Gold events by the candidate trigger token they fall on."""
    sentences = [v.sentence for v in analysis.views]
    out: dict[int, list[GoldEvent]] = {}
    missed: Counter[str] = Counter()
    for event in document.events:
        index = next((n for n, s in enumerate(sentences)
                      if s.start_char <= event.offset < s.end_char), None)
        if index is None:
            missed["sentence not found"] += 1
            continue
        sentence = sentences[index]
        local = _find(sentence.text, event.trigger, event.offset - sentence.start_char)
        if local is None:
            missed["trigger outside the parsed sentence"] += 1
            continue
        start, end = (local[0] + sentence.start_char, local[1] + sentence.start_char)
        token = next((i for i in analysis.candidates[index]
                      if doc[i].idx < end and doc[i].idx + len(doc[i]) > start), None)
        if token is None:
            missed["trigger is not a candidate"] += 1
            continue
        out.setdefault(token, []).append(event)
    return out, missed


def collect(documents: Sequence[GoldDocument], parsed: Sequence[tuple[Doc, Analysis]],
            family: str) -> Examples:
    examples = Examples()
    for document, (doc, analysis) in zip(documents, parsed, strict=True):
        gold, missed = align(document, doc, analysis)
        examples.unaligned.update(missed)
        for view, found in zip(analysis.views, analysis.candidates, strict=True):
            for i in found:
                events = gold.get(i, [])
                label = LABELS.index(events[0].plover) if events else 0
                examples.trigger_rows.append(trigger_features(doc[i], view, family))
                examples.trigger_labels.append(label)
                if events:
                    role_examples(examples, doc, i, events, view, family)
    return examples


def role_examples(examples: Examples, doc: Doc, trigger: int, events: list[GoldEvent],
                   view: Any, family: str) -> None:
    heads = role_candidates(doc[trigger], view)
    sentence = view.sentence
    sources: set[int] = set()
    targets: set[int] = set()
    for event in events:
        for side, bucket in ((event.source, sources), (event.target, targets)):
            if side is None or not side.text:
                continue
            local = _find(sentence.text, side.text, doc[trigger].idx - sentence.start_char)
            if local is None:
                examples.unaligned["actor text outside the parsed sentence"] += 1
                continue
            span = (local[0] + sentence.start_char, local[1] + sentence.start_char)
            found = _heads_in(span, heads, doc)
            if not found:
                examples.unaligned["actor is not a noun-phrase head"] += 1
            bucket.update(found[:1])
    for head in heads:
        examples.role_rows.append(role_features(doc[trigger], head, events[0].plover, view,
                                                family))
        examples.source_labels.append(int(head in sources))
        examples.target_labels.append(int(head in targets))


def standardisation(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each column's mean and spread (1 for a column that does not vary), in x's precision."""
    scale = x.std(axis=0)
    scale[scale < 1e-6] = 1.0
    return x.mean(axis=0), scale


def fit_linear(rows: list[np.ndarray], labels: list[int], c: float, binary: bool) -> Linear:
    from sklearn.linear_model import LogisticRegression

    x = np.vstack(rows).astype(np.float64)
    y = np.asarray(labels)
    mean, scale = standardisation(x)
    model = LogisticRegression(C=c, max_iter=3000, random_state=SEED)
    model.fit((x - mean) / scale, y)
    weights = model.coef_
    bias = model.intercept_
    if not binary:  # one row per label, in LABELS order, even for labels never seen
        full_w = np.full((len(LABELS), x.shape[1]), 0.0)
        full_b = np.full(len(LABELS), -30.0)
        for row, label in enumerate(model.classes_):
            full_w[label], full_b[label] = weights[row], bias[row]
        weights, bias = full_w, full_b
    return Linear(weights.astype(np.float32), bias.astype(np.float32),
                  mean.astype(np.float32), scale.astype(np.float32))


def cameo_table(documents: Sequence[GoldDocument], parsed: Sequence[tuple[Doc, Analysis]]
                ) -> dict[str, str]:
    """The code each type takes (and each type with each trigger word), from the train
    split's annotations; only codes that the CAMEO->PLOVER map gives that type."""
    codebook = load_codebook()
    by_type: dict[str, Counter[str]] = {t: Counter() for t in TYPES}
    by_word: dict[str, Counter[str]] = {}
    for document, (doc, analysis) in zip(documents, parsed, strict=True):
        gold, _ = align(document, doc, analysis)
        for token, events in gold.items():
            for event in events:
                try:
                    fits = codebook.plover(event.cameo).get("event") == event.plover
                except UnknownCameoCode:
                    fits = False
                if not fits:
                    continue
                by_type[event.plover][event.cameo] += 1
                key = f"{event.plover}|{doc[token].lemma_.lower()}"
                by_word.setdefault(key, Counter())[event.cameo] += 1
    table = {t: (c.most_common(1)[0][0] if c else ROOT_OF_TYPE[t]) for t, c in by_type.items()}
    table.update({k: c.most_common(1)[0][0] for k, c in sorted(by_word.items())})
    return table


def parse_documents(documents: Sequence[GoldDocument]) -> list[Doc]:
    """The documents parsed once, for both the trigger nouns and the examples."""
    nlp = load_model(load_settings().nlp.model)
    return list(nlp.pipe([d.text for d in documents], batch_size=32))


def analyse_all(documents: Sequence[GoldDocument], docs: Sequence[Doc], engine: EventCoder,
                nouns: frozenset[str], family: str) -> list[tuple[Doc, Analysis]]:
    return [(doc, analyse(doc, engine, document.doc_id, _day(document), None, nouns, family,
                          THREADS))
            for document, doc in zip(documents, docs, strict=True)]


def trigger_nouns(documents: Sequence[GoldDocument], docs: Sequence[Doc]) -> frozenset[str]:
    """Nouns annotated as triggers in training ("the *siege*", "a *crackdown*")."""
    nouns: set[str] = set()
    for document, doc in zip(documents, docs, strict=True):
        for event in document.events:
            span = doc.char_span(event.offset, event.offset + len(event.in_sentence),
                                 alignment_mode="expand")
            if span is None:
                continue
            nouns.update(t.lemma_.lower() for t in span.sent
                         if t.pos_ == "NOUN" and t.text == event.trigger.split()[-1])
    return frozenset(nouns)


def coding_results(coder: LearnedCoder, documents: Sequence[GoldDocument]
                   ) -> Iterator[tuple[GoldDocument, CodingResult]]:
    """Each document parsed and coded, with what coding it gave."""
    nlp = load_model(load_settings().nlp.model)
    for document, doc in zip(documents, nlp.pipe([d.text for d in documents], batch_size=32),
                             strict=True):
        yield document, coder.code(doc, document.doc_id, _day(document))


def code_documents(coder: LearnedCoder, documents: Sequence[GoldDocument]
                   ) -> tuple[list[list[Any]], float]:
    started = time.perf_counter()
    coded = [list(result.events) for _, result in coding_results(coder, documents)]
    return coded, time.perf_counter() - started


VERIFIER_C = 0.1  # chosen on dev by cross-validation (docs/accuracy.md)
FOLDS = 5


def verifier_rows(coder: LearnedCoder, documents: Sequence[GoldDocument]
                  ) -> tuple[list[np.ndarray], list[int], list[str]]:
    """Each coded event's confidence features and whether it is fully right, with its
    document (the coder must be made with `explain=True`)."""
    rows, right, groups = [], [], []
    for document, result in coding_results(coder, documents):
        features = dict(result.features)
        gold = [e for e in document.events if e.plain]
        mine = scored_events(result.events)
        hit = {c for c, _ in one_to_one(mine, gold, lambda s, g: matches(s, g, "full"))}
        for n, scored in enumerate(mine):
            assert scored.event is not None
            rows.append(np.asarray(features[scored.event.event_id], dtype=np.float32))
            right.append(int(n in hit))
            groups.append(document.doc_id)
    return rows, right, groups


def fit_verifier(rows: list[np.ndarray], right: list[int], groups: list[str]
                 ) -> tuple[Linear | None, np.ndarray, np.ndarray]:
    """A logistic verifier of full correctness over the confidence features, and an isotonic
    curve from its score to the share right, fitted on scores each from a verifier that did
    not see the document (5 folds by document), so the curve is not flattered."""
    from sklearn.isotonic import IsotonicRegression

    if len(rows) < 20 or len(set(right)) < 2:
        return None, np.asarray([], dtype=np.float32), np.asarray([], dtype=np.float32)
    order = {doc: n % FOLDS for n, doc in enumerate(sorted(set(groups)))}
    fold = np.asarray([order[g] for g in groups])
    x = np.vstack(rows)
    y = np.asarray(right)
    scores = np.zeros(len(y))
    for k in range(FOLDS):
        seen = fold != k
        if len(set(y[seen])) < 2 or not (~seen).any():
            continue
        part = fit_linear(list(x[seen]), list(y[seen]), VERIFIER_C, binary=True)
        scores[~seen] = sigmoid(part.scores(x[~seen])[:, 0])
    iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0)
    iso.fit(scores, y)
    grid = np.linspace(0.0, 1.0, 101)
    verifier = fit_linear(rows, right, VERIFIER_C, binary=True)
    return verifier, grid.astype(np.float32), iso.predict(grid).astype(np.float32)


NONE_MAX_GRID = (0.5, 0.6, 0.7, 0.8, 0.9)
ROLE_GRID = (0.05, 0.1, 0.2, 0.3, 0.4, 0.5)


def threshold_table(documents: Sequence[GoldDocument], coded: Sequence[Sequence[Any]]
                    ) -> list[dict[str, float]]:
    """Dev figures if events below each confidence were left out (to choose the setting)."""
    rows = []
    for cut in (0.0, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7):
        kept = [[e for e in events if e.confidence >= cut] for events in coded]
        report = score_documents(documents, kept)
        rows.append({"min_confidence": cut, **{k: report[k] for k in (
            "full_precision", "full_recall", "full_f1", "type_precision", "type_recall")}})
    return rows


def train_family(family: str, train: Sequence[GoldDocument], dev: Sequence[GoldDocument],
                 c_trigger: float, c_role: float) -> tuple[CoderModel, dict[str, Any]]:
    lexicon = load_lexicon(load_settings().dictionaries)
    engine = EventCoder(lexicon, intents=False, rank=False)
    docs = parse_documents(train)
    nouns = trigger_nouns(train, docs)
    parsed = analyse_all(train, docs, engine, nouns, family)
    examples = collect(train, parsed, family)
    log.info("%s: %d trigger rows (%d events), %d role rows; unaligned %s", family,
             len(examples.trigger_rows), sum(1 for y in examples.trigger_labels if y),
             len(examples.role_rows), dict(examples.unaligned))
    meta = {"family": family, "labels": list(LABELS), "nouns": sorted(nouns),
            "cameo": cameo_table(train, parsed), "trained_on": len(train),
            "unaligned": dict(examples.unaligned)}
    model = CoderModel(
        family,
        fit_linear(examples.trigger_rows, examples.trigger_labels, c_trigger, binary=False),
        fit_linear(examples.role_rows, examples.source_labels, c_role, binary=True),
        fit_linear(examples.role_rows, examples.target_labels, c_role, binary=True),
        np.asarray([], dtype=np.float32), np.asarray([], dtype=np.float32), meta)
    for key, grid in (("none_max", NONE_MAX_GRID), ("target_threshold", ROLE_GRID),
                      ("source_threshold", ROLE_GRID), ("dictionary_backoff", (0.0, 1.0))):
        best = (-1.0, 0.5)  # each cut in turn, at the value that gives the best dev F1
        for value in grid:
            meta[key] = value
            coded, _ = code_documents(LearnedCoder(lexicon, model, threads=THREADS), dev)
            f1 = score_documents(dev, coded)["full_f1"]
            log.info("%s: %s %.2f -> dev full F1 %.4f", family, key, value, f1)
            best = max(best, (f1, value))
        meta[key] = best[1]
    rows, right, groups = verifier_rows(
        LearnedCoder(lexicon, model, threads=THREADS, explain=True), dev)
    verifier, x, y = fit_verifier(rows, right, groups)
    model = CoderModel(model.family, model.trigger, model.source, model.target, x, y, meta,
                       verifier)
    coded, seconds = code_documents(LearnedCoder(lexicon, model, threads=THREADS), dev)
    report = score_documents(dev, coded)
    report["by_threshold"] = threshold_table(dev, coded)
    words = sum(d.words for d in dev)
    report.update({"family": family, "dev_seconds": round(seconds, 2),
                   "dev_words_per_second": round(words / seconds, 1)})
    return model, report


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", type=Path, default=Path("corpus"))
    parser.add_argument("--family", choices=["minilm", "sparse", "both"], default="minilm")
    parser.add_argument("--out", type=Path,
                        default=Path("src/newsevents/data/learned/coder.npz"))
    parser.add_argument("--c-trigger", type=float, default=0.01)
    parser.add_argument("--c-role", type=float, default=0.1)
    parser.add_argument("--report", type=Path, default=None)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    files = corpus_files(args.corpus)
    train = load_corpus(files, split="train")
    dev = load_corpus(files, split="dev")
    log.info("train: %d documents (%d synthetic); dev: %d", len(train),
             sum(d.synthetic for d in train), len(dev))
    families = ["minilm", "sparse"] if args.family == "both" else [args.family]
    reports = []
    chosen = None
    for family in families:
        model, report = train_family(family, train, dev, args.c_trigger, args.c_role)
        reports.append(report)
        log.info("%s", json.dumps({k: v for k, v in report.items() if k != "misses"}))
        if chosen is None:
            chosen = model
    assert chosen is not None
    args.out.parent.mkdir(parents=True, exist_ok=True)
    chosen.save(args.out)
    if args.report:
        args.report.write_text(json.dumps(reports, indent=1) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
