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
from newsevents.coder import ranker
from newsevents.coder.actors import NO_COUNTRY
from newsevents.coder.engines import code_document
from newsevents.coder.events import EventCoder
from newsevents.coder.ranker import Features
from newsevents.corpus import CorpusError, corpus_files, load_corpus
from newsevents.dictionaries.lexicon import build_lexicon, load_lexicon
from newsevents.errors import DictionaryError, NewsEventsError
from newsevents.evaluation import events, gold, metrics
from newsevents.nlp import get_nlp
from newsevents.records import Actor, Event
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
    features: tuple[Features, ...] = ()  # the ranker's features of each event


def code_texts(texts: Sequence[str], settings: Settings, days: Sequence[date | None] | None = None,
               coder: EventCoder | None = None) -> list[Coded]:
    """Code the texts with the configured engine and confidence threshold (what `code` and
    `run` print); `coder` forces a dictionary coder (PETRARCH-compatible mode)."""
    nlp = get_nlp(settings.nlp)
    days = days or [None] * len(texts)
    docs = nlp.pipe(texts, batch_size=settings.nlp.batch_size)
    if coder is None and settings.coder.engine == "learned":
        lexicon = load_lexicon(settings.dictionaries)
        return [Coded(doc.text, code_document(doc, lexicon, "learned",
                                              settings.coder.min_confidence, f"gold-{n}",
                                              day, None).events)
                for n, (doc, day) in enumerate(zip(docs, days, strict=True))]
    coder = coder or EventCoder(load_lexicon(settings.dictionaries))
    out = []
    for n, (doc, day) in enumerate(zip(docs, days, strict=True)):
        events = tuple(coder.code(doc, f"gold-{n}", day))
        out.append(Coded(doc.text, events,
                         tuple(coder.last_features[e.event_id] for e in events)))
    return out


def primary(events: Sequence[Event]) -> Event | None:
    """The sentence's main event: the most confident (the ranker's score) of the plain events
    (neither negated nor hypothetical), else of all; the earliest on a tie."""
    plain = [e for e in events if not e.negated and not e.hypothetical]
    chosen = plain or events
    if not chosen:
        return None
    return max(chosen, key=lambda e: (e.confidence, -e.trigger_span[0]))


def cross_validated(coded: Sequence[Coded], examples: Sequence[tuple[str, Features, bool]],
                    folds: int = 5) -> list[Coded]:
    """`coded` with each event's confidence from a ranker that never saw its sentence.

    Sentence n is in fold n % folds; the ranker for a fold learns from every example
    (`text_key` of its sentence, features, right or not) whose sentence is not in the fold."""
    out = list(coded)
    for fold in range(folds):
        held_out = range(fold, len(coded), folds)
        hidden = {text_key(coded[n].text) for n in held_out}
        kept = [(row, label) for key, row, label in examples if key not in hidden]
        model = ranker.train([row for row, _ in kept], [label for _, label in kept])
        for n in held_out:
            result = coded[n]
            events = tuple(replace(e, confidence=round(model.score(row), 3))
                           for e, row in zip(result.events, result.features, strict=True))
            out[n] = replace(result, events=events)
    return out


def text_key(text: str) -> str:
    """A sentence's letters and digits, lower-cased: the same sentence tokenised differently
    (ConfliBERT's NER file) has the same key."""
    return "".join(ch for ch in text.lower() if ch.isalnum())


def _country(code: str | None) -> str:
    return (code or "")[:3]


def plover_examples(path: Path, settings: Settings, limit: int | None = None
                    ) -> tuple[list[gold.PloverRecord], list[Coded], list[list[bool]]]:
    """The set coded, and for each event whether its PLOVER type is the sentence's."""
    records = gold.read_plover_gsr(path)[:limit]
    coded = code_texts([r.text for r in records], settings)
    right = [[_plover(e.cameo) == r.event for e in c.events]
             for r, c in zip(records, coded, strict=True)]
    return records, coded, right


def class_examples(path: Path, settings: Settings, limit: int | None = None
                   ) -> tuple[list[gold.ClassRecord], list[Coded], list[list[bool]]]:
    """The set coded, and for each event whether its penta class is the sentence's."""
    records = gold.read_conflibert_class(path)[:limit]
    coded = code_texts([r.sentence for r in records], settings)
    codebook = load_codebook()
    right = [[e.cameo in codebook and codebook.penta_class(e.cameo) == r.label
              for e in c.events] for r, c in zip(records, coded, strict=True)]
    return records, coded, right


def ranker_examples(name: str, path: Path, settings: Settings
                    ) -> list[tuple[str, Features, bool]]:
    """Every event the coder finds in a training set: its sentence's key, features, label."""
    examples = plover_examples if name == "plover-gsr" else class_examples
    _, coded, right = examples(path, settings)
    return _examples(coded, right)


def _examples(coded: Sequence[Coded], right: Sequence[Sequence[bool]]
              ) -> list[tuple[str, Features, bool]]:
    return [(text_key(c.text), row, label) for c, flags in zip(coded, right, strict=True)
            for row, label in zip(c.features, flags, strict=True)]


def _training_texts(name: str, path: Path) -> list[str]:
    if name == "plover-gsr":
        return [r.text for r in gold.read_plover_gsr(path)]
    return [r.sentence for r in gold.read_conflibert_class(path)]


def _ranked_fairly(settings: Settings, coded: list[Coded],
                   whole: tuple[Path, list[list[bool]]] | None = None
                   ) -> tuple[list[Coded], bool]:
    """When the shipped ranker learned from some of these sentences, rescore them by 5-fold
    cross-validation instead. Returns the sentences and whether it did.

    Whether it learned from them is decided from the training files' texts, before coding
    anything; `whole` (the file scored and its labels, when `coded` is all of it) lets a
    training file that is the one being scored be used without coding it again.

    The learned engine never learned from these sets: its figures are as shipped."""
    if settings.coder.engine != "dictionary":
        return coded, False
    trained = [(name, path) for name, digest in ranker.load_ranker().trained_on.items()
               for path in [Path(settings.eval.gold_dir) / DEFAULT_FILES[name]]
               if path.is_file() and gold.sha256(path) == digest]
    keys = {text_key(c.text) for c in coded}
    if not any(keys.intersection(map(text_key, _training_texts(name, path)))
               for name, path in trained):
        return coded, False
    examples: list[tuple[str, Features, bool]] = []
    for name, path in trained:
        if whole is not None and gold.sha256(whole[0]) == gold.sha256(path):
            examples.extend(_examples(coded, whole[1]))
        else:
            examples.extend(ranker_examples(name, path, settings))
    return cross_validated(coded, examples), True


def score_plover(path: Path, settings: Settings, limit: int | None) -> dict[str, Any]:
    records, coded, right = plover_examples(path, settings, limit)
    coded, validated = _ranked_fairly(settings, coded,
                                      (path, right) if limit is None else None)
    hits: Counter[str] = Counter()
    confusion: Counter[tuple[str, str]] = Counter()
    extra = 0
    for record, result in zip(records, coded, strict=True):
        gold_sources = {_country(a.code) for a in record.sources} or {""}
        gold_targets = {_country(a.code) for a in record.targets} or {""}
        right_type = [e for e in result.events if _plover(e.cameo) == record.event]
        hits["type_ceiling"] += bool(right_type)
        hits["triple_ceiling"] += any(
            _country(e.source.code if e.source else None) in gold_sources
            and _country(e.target.code if e.target else None) in gold_targets
            for e in right_type)
        event = primary(result.events)
        extra += max(len(result.events) - 1, 0)
        if event is None:
            hits["no_event"] += 1
            confusion[(record.event, "NONE")] += 1
            continue
        predicted = _plover(event.cameo) or "NONE"
        confusion[(record.event, predicted)] += 1
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
        "ranker_cross_validated": validated,
        "type_ceiling": hits["type_ceiling"] / n,
        "triple_ceiling": hits["triple_ceiling"] / n,
        "confusion": _confusion_rows(confusion),
    }


def _plover(cameo: str) -> str | None:
    codebook = load_codebook()
    return codebook.plover(cameo)["event"] if cameo in codebook else None


def score_conflibert_class(path: Path, settings: Settings, limit: int | None) -> dict[str, Any]:
    records, coded, right = class_examples(path, settings, limit)
    coded, validated = _ranked_fairly(settings, coded,
                                      (path, right) if limit is None else None)
    codebook = load_codebook()
    predicted = _primary_labels(coded, codebook.penta_class, 0)
    labels = [r.label for r in records]
    offered = [{codebook.penta_class(e.cameo) for e in c.events if e.cameo in codebook} or {0}
               for c in coded]
    return {
        "n": len(records),
        "macro_f1": metrics.macro_f1(labels, predicted, labels=[0, 1, 2, 3, 4]),
        "accuracy": metrics.accuracy(labels, predicted),
        "ranker_cross_validated": validated,
        "accuracy_ceiling": sum(label in classes for label, classes
                                in zip(labels, offered, strict=True)) / max(len(labels), 1),
        "no_event_rate": sum(1 for c in coded if not c.events) / max(len(coded), 1),
        "per_class": {str(k): dict(v) for k, v in
                      metrics.per_class(labels, predicted, [0, 1, 2, 3, 4]).items()},
        "confusion": _confusion_rows(Counter(zip(labels, predicted, strict=True))),
    }


def score_conflibert_ner(path: Path, settings: Settings, limit: int | None) -> dict[str, Any]:
    records = gold.read_conflibert_ner(path)[:limit]
    coded, validated = _ranked_fairly(settings, code_texts([r.text for r in records], settings))
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
    return {"n": len(records), "ranker_cross_validated": validated,
            "source_f1": source["f1"], "target_f1": target["f1"],
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
    coder = EventCoder(build_lexicon(dictionaries, skipped), petrarch_compatible=True)
    coded = code_texts([r.text for r in records], settings, [r.date for r in records], coder)
    exact = 0
    for record, result in zip(records, coded, strict=True):
        expected = {(c.source, c.target, c.event) for c in record.codings}
        found = {(_petrarch_code(e.source), _petrarch_code(e.target), e.cameo)
                 for e in result.events if not e.negated}
        exact += expected == found
    return {"n": len(records), "exact_rate": exact / max(len(records), 1),
            "dictionary_lines_skipped": [str(e) for e in skipped]}


def _petrarch_code(actor: Actor | None) -> str | None:
    """An actor as PETRARCH writes it: "---" when absent, "---GOV" for an agent whose
    country is unknown."""
    if actor is None:
        return "---"
    if actor.rule == NO_COUNTRY and actor.code:
        return f"---{actor.code}"
    return actor.code


def score_dates(path: Path, settings: Settings, limit: int | None) -> dict[str, Any]:
    """The primary event's date and precision against ours (tests/data/dates_places.tsv)."""
    records = gold.read_dates_places(path)[:limit]
    coded = code_texts([r.text for r in records], settings, [r.published for r in records])
    hits: Counter[str] = Counter()
    misses = []
    for record, result in zip(records, coded, strict=True):
        event = primary(result.events)
        got = (event.date, event.date_precision) if event else (None, None)
        right = got == (record.first_day, record.precision)
        hits["right"] += right
        hits["date"] += got[0] == record.first_day
        if not right:
            misses.append([record.id, f"{record.first_day} {record.precision}",
                           f"{got[0]} {got[1]}", record.tests])
    n = len(records)
    return {"n": n, "accuracy": hits["right"] / n, "date_accuracy": hits["date"] / n,
            "misses": misses}


def score_places(path: Path, settings: Settings, limit: int | None) -> dict[str, Any]:
    """The primary event's location against ours: the same GeoNames place."""
    records = gold.read_dates_places(path)[:limit]
    coded = code_texts([r.text for r in records], settings, [r.published for r in records])
    right = same_country = 0
    misses = []
    for record, result in zip(records, coded, strict=True):
        event = primary(result.events)
        location = event.location if event is not None else None
        got = (location or {}).get("geonameid")
        right += got == record.geonameid
        same_country += (location or {}).get("country") == record.country
        if got != record.geonameid:
            misses.append([record.id, f"{record.place} {record.geonameid}",
                           f"{(location or {}).get('name')} {got}", record.tests])
    n = len(records)
    return {"n": n, "accuracy": right / n, "country_accuracy": same_country / n,
            "misses": misses}


SCORERS: dict[str, Callable[[Path, Settings, int | None], dict[str, Any]]] = {
    "plover-gsr": score_plover,
    "conflibert-class": score_conflibert_class,
    "conflibert-ner": score_conflibert_ner,
    "case2021": score_case2021,
    "petrarch-unit": score_petrarch,
    "dates": score_dates,
    "places": score_places,
}


def score_events(settings: Settings, file: Path | None, limit: int | None,
                 split: str | None) -> dict[str, Any]:
    """Our corpus (its test split by default; a --file whole, unless a split is named)
    scored by the guide's section 8, and false alarms on the non-political pages."""
    files = [file] if file is not None else corpus_files(Path(settings.eval.corpus))
    if not files:
        raise EvaluationError(f"{settings.eval.corpus}: no corpus files (*.jsonl) found")
    chosen = split or (None if file is not None else "test")
    read = load_corpus(files, split=chosen)  # type: ignore[arg-type]
    documents = [d for d in read if not d.synthetic][:limit]
    if not documents:
        synthetic = sum(d.synthetic for d in read)
        raise EvaluationError(f"{files[0]}: no annotated documents to score"
                              + (f" in the {chosen} split" if chosen else "")
                              + (f" ({synthetic} synthetic records: training data only, never "
                                 "scored)" if synthetic else ""))
    coded, dropped = events.code_articles(events.corpus_articles(documents), settings)
    report = {"split": chosen or "all", "words": sum(d.words for d in documents),
              **events.score_documents(documents, coded),
              "dropped": dict(sorted(dropped.items()))}
    listing, pages = Path(settings.eval.nonpolitical), Path(settings.eval.pages)
    if file is None and listing.is_file() and pages.is_dir():
        found = events.score_nonpolitical(listing, pages, settings)
        report["nonpolitical_pages"] = found["pages"]
        report["nonpolitical_events_per_1000_words"] = found["events_per_1000_words"]
        report["nonpolitical_examples"] = found["examples"]
    return {"file": ", ".join(map(str, files)), **report}


def evaluate(name: str, settings: Settings, file: Path | None = None,
             limit: int | None = None, split: str | None = None) -> dict[str, Any]:
    if name == "events":
        try:
            return {"set": name, **score_events(settings, file, limit, split)}
        except CorpusError as exc:
            raise EvaluationError(str(exc)) from exc
    if split is not None:
        raise EvaluationError("--split is for the events set only")
    if name not in SCORERS:
        names = ", ".join([*SCORERS, "events"])
        raise EvaluationError(f"unknown gold set '{name}'; choose from {names}")
    if name in ("dates", "places"):
        path = file or Path(settings.eval.dates_places)
    else:
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

