"""`newsevents eval`: the coder scored on the gold sets (formats in docs/design).

Each scorer codes the gold sentences with the same coder users get and returns a flat dict of
figures with `n`, the number of records scored. The "primary" event of a sentence, used where
a gold set has one event per sentence, is the first (in text order) event that is neither
negated nor hypothetical, else the first event.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from newsevents.cameo import load_codebook
from newsevents.coder.events import EventCoder
from newsevents.dictionaries.lexicon import build_lexicon, load_lexicon
from newsevents.errors import DictionaryError, NewsEventsError
from newsevents.evaluation import gold, metrics
from newsevents.nlp import get_nlp
from newsevents.records import Event
from newsevents.settings import Settings

DEFAULT_FILES = {
    "plover-gsr": "plover-gsr/PLOVER_GSR_CAMEO.txt",
    "conflibert-class": "conflibert/cameo_class/train.tsv",
    "conflibert-ner": "conflibert/cameo_ner/train.txt",
    "case2021": "case2021-task2/sample.tsv",
    "petrarch-unit": "petrarch2-unittest/PETR.UnitTest.records.xml",
}


L = TypeVar("L")


class EvaluationError(NewsEventsError):
    """A gold set that cannot be found or scored."""


@dataclass(slots=True, frozen=True)
class Coded:
    text: str
    events: tuple[Event, ...]


def code_texts(texts: Sequence[str], settings: Settings, days: Sequence[date | None] | None = None,
               coder: EventCoder | None = None) -> list[Coded]:
    nlp = get_nlp(settings.nlp)
    coder = coder or EventCoder(load_lexicon(settings.dictionaries))
    days = days or [None] * len(texts)
    out = []
    for n, (doc, day) in enumerate(zip(nlp.pipe(texts, batch_size=settings.nlp.batch_size),
                                       days, strict=True)):
        out.append(Coded(doc.text, tuple(coder.code(doc, f"gold-{n}", day))))
    return out


def primary(events: Sequence[Event]) -> Event | None:
    """The sentence's main event: in text order, the first plain (not negated, not
    hypothetical) event that is more than a statement (CAMEO 01), else the first plain one,
    else the first."""
    ordered = sorted(events, key=lambda e: e.trigger_span[0])
    plain = [e for e in ordered if not e.negated and not e.hypothetical]
    substantive = [e for e in plain if e.cameo_root != "01"]
    chosen = substantive or plain or ordered
    return chosen[0] if chosen else None


def _country(code: str | None) -> str:
    return (code or "")[:3]


def score_plover(path: Path, settings: Settings, limit: int | None) -> dict[str, Any]:
    records = gold.read_plover_gsr(path)[:limit]
    coded = code_texts([r.text for r in records], settings)
    codebook = load_codebook()
    hits: Counter[str] = Counter()
    confusion: Counter[tuple[str, str]] = Counter()
    extra = 0
    for record, result in zip(records, coded, strict=True):
        event = primary(result.events)
        extra += max(len(result.events) - 1, 0)
        if event is None:
            hits["no_event"] += 1
            confusion[(record.event, "NONE")] += 1
            continue
        predicted = (codebook.plover(event.cameo)["event"] if event.cameo in codebook
                     else None) or "NONE"
        confusion[(record.event, predicted)] += 1
        gold_sources = {_country(a.code) for a in record.sources} or {""}
        gold_targets = {_country(a.code) for a in record.targets} or {""}
        source_ok = _country(event.source.code if event.source else None) in gold_sources
        target_ok = _country(event.target.code if event.target else None) in gold_targets
        type_ok = predicted == record.event
        hits["type"] += type_ok
        hits["source"] += source_ok
        hits["target"] += target_ok
        hits["triple"] += type_ok and source_ok and target_ok
    n = len(records)
    return {
        "n": n,
        "event_type_accuracy": hits["type"] / n,
        "source_country_accuracy": hits["source"] / n,
        "target_country_accuracy": hits["target"] / n,
        "triple_accuracy": hits["triple"] / n,
        "no_event_rate": hits["no_event"] / n,
        "extra_events_per_sentence": extra / n,
        "confusion": _confusion_rows(confusion),
    }


def score_conflibert_class(path: Path, settings: Settings, limit: int | None) -> dict[str, Any]:
    records = gold.read_conflibert_class(path)[:limit]
    coded = code_texts([r.sentence for r in records], settings)
    predicted = _primary_labels(coded, load_codebook().penta_class, 0)
    labels = [r.label for r in records]
    return {
        "n": len(records),
        "macro_f1": metrics.macro_f1(labels, predicted, labels=[0, 1, 2, 3, 4]),
        "accuracy": metrics.accuracy(labels, predicted),
        "no_event_rate": sum(1 for c in coded if not c.events) / max(len(coded), 1),
        "per_class": {str(k): dict(v) for k, v in
                      metrics.per_class(labels, predicted, [0, 1, 2, 3, 4]).items()},
        "confusion": _confusion_rows(Counter(zip(labels, predicted, strict=True))),
    }


def score_conflibert_ner(path: Path, settings: Settings, limit: int | None) -> dict[str, Any]:
    records = gold.read_conflibert_ner(path)[:limit]
    coded = code_texts([r.text for r in records], settings)
    gold_sources, gold_targets, pred_sources, pred_targets = [], [], [], []
    for record, result in zip(records, coded, strict=True):
        starts = _token_starts(record.tokens)
        gold_sources.append(set(record.sources))
        gold_targets.append(set(record.targets))
        event = primary(result.events)  # the set marks one event's actors per sentence
        main = [event] if event is not None else []
        pred_sources.append({s for e in main if e.source
                             for s in [_token_span(e.source.span, starts)] if s})
        pred_targets.append({s for e in main if e.target
                             for s in [_token_span(e.target.span, starts)] if s})
    source = metrics.span_f1(gold_sources, pred_sources)
    target = metrics.span_f1(gold_targets, pred_targets)
    return {"n": len(records), "source_f1": source["f1"], "target_f1": target["f1"],
            "source": dict(source), "target": dict(target)}


def score_case2021(path: Path, settings: Settings, limit: int | None) -> dict[str, Any]:
    records = gold.read_case2021(path)[:limit]
    coded = code_texts([r.snippet for r in records], settings)
    predicted = _primary_labels(coded, load_codebook().acled_type, "OTHER")
    labels = [r.subtype for r in records]
    return {"n": len(records), "weighted_f1": metrics.weighted_f1(labels, predicted),
            "macro_f1": metrics.macro_f1(labels, predicted),
            "predicted": predicted, "gold": labels}


def score_petrarch(path: Path, settings: Settings, limit: int | None) -> dict[str, Any]:
    """PETRARCH's unit tests with their own validation dictionaries, loaded as overlays."""
    records = [r for r in gold.read_petrarch_unit(path) if r.enabled][:limit]
    paths = gold.petrarch_dictionary_paths(path.parent)
    dictionaries = replace(settings.dictionaries, use_builtin=False,
                           overlays=tuple(str(paths[k]) for k in ("verbs", "actors", "agents",
                                                                   "discards")))
    skipped: list[DictionaryError] = []
    coder = EventCoder(build_lexicon(dictionaries, skipped), intents=False)
    coded = code_texts([r.text for r in records], settings, [r.date for r in records], coder)
    exact = 0
    for record, result in zip(records, coded, strict=True):
        expected = {(c.source, c.target, c.event) for c in record.codings}
        found = {(e.source.code if e.source else "", e.target.code if e.target else "",
                  e.cameo) for e in result.events if not e.negated}
        exact += expected == found
    return {"n": len(records), "exact_rate": exact / max(len(records), 1),
            "dictionary_lines_skipped": [str(e) for e in skipped]}


SCORERS: dict[str, Callable[[Path, Settings, int | None], dict[str, Any]]] = {
    "plover-gsr": score_plover,
    "conflibert-class": score_conflibert_class,
    "conflibert-ner": score_conflibert_ner,
    "case2021": score_case2021,
    "petrarch-unit": score_petrarch,
}


def evaluate(name: str, settings: Settings, file: Path | None = None,
             limit: int | None = None) -> dict[str, Any]:
    if name not in SCORERS:
        raise EvaluationError(f"unknown gold set '{name}'; choose from {', '.join(SCORERS)}")
    path = file or Path(settings.eval.gold_dir) / DEFAULT_FILES[name]
    if not path.is_file():
        raise EvaluationError(f"{path}: gold file not found (set eval.gold_dir or use --file)")
    report = SCORERS[name](path, settings, limit)
    return {"set": name, "file": str(path), **report}


def _primary_labels(coded: Sequence[Coded], label_of: Callable[[str], L], default: L
                    ) -> list[L]:
    """Each sentence's label: its primary event's code mapped by `label_of`, else `default`."""
    out = []
    for result in coded:
        event = primary(result.events)
        known = event is not None and event.cameo in load_codebook()
        out.append(label_of(event.cameo) if event is not None and known else default)
    return out


def _token_starts(tokens: Sequence[str]) -> list[int]:
    starts, position = [], 0
    for token in tokens:
        starts.append(position)
        position += len(token) + 1
    return starts


def _token_span(span: tuple[int, int] | None, starts: list[int]) -> tuple[int, int] | None:
    if span is None or span[0] not in starts:
        return None
    first = starts.index(span[0])
    last = max((n for n, s in enumerate(starts) if s < span[1]), default=first)
    return first, last + 1


def _confusion_rows(counts: Counter[tuple[Any, Any]]) -> list[list[Any]]:
    return [[str(g), str(p), n] for (g, p), n in sorted(counts.items(), key=lambda x: -x[1])]

