"""`newsevents eval events`: coded events against our annotated corpus, scored exactly as the
annotation guide's section 8 says.

A coded event matches an annotated one when its sentence contains `in_sentence`, its PLOVER
type is `plover` or in `plover_alt`, and the first three letters of its source and target codes
equal the annotated countries (a null side matches a missing actor; symmetric events match
either way round). Only events that are neither negated nor hypothetical are scored, on both
sides; coded duplicates within a sentence are merged. Three levels: `type` (sentence and type),
`source` (and the source's country), `full` (and the target's). Matching is one to one: each
annotated event needs its own coded event, so annotated events that share a sentence, a type
and both countries ("charges against senators A, B and C") cannot all be matched by coded
events, which are merged. The report's `literal` figures read section 8 word for word instead:
an annotated event is matched when some coded event matches it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsevents.coder.geography import affiliation
from newsevents.corpus import CorpusError, GoldDocument, GoldEvent
from newsevents.records import Actor, Article, Event, stable_id
from newsevents.settings import Settings

LEVELS = ("type", "source", "full")
BANDS = (0.0, 0.2, 0.4, 0.6, 0.8)  # confidence bands of the reliability table


def country_of(actor: Actor | None) -> str | None:
    """The first three letters of a coded actor's code ("IRNGOV" -> "IRN") when they are a
    country or IGO/NGO/MNC, else None (a bare role such as "COP" names no country)."""
    return None if actor is None else affiliation(actor.code)


def plover_of(event: Event) -> str | None:
    return event.plover.get("event") if event.plover else None


@dataclass(slots=True, frozen=True)
class Scored:
    """One coded event reduced to what section 8 compares."""

    sentence: str
    plover: str
    source: str | None
    target: str | None
    event: Event | None  # None for another annotator's event (agreement)


def scored_events(events: Sequence[Event]) -> list[Scored]:
    """Plain events with a PLOVER type, duplicates within a sentence merged."""
    seen: set[tuple[int, str, str | None, str | None]] = set()
    out = []
    for event in events:
        plover = plover_of(event)
        if event.negated or event.hypothetical or not plover:
            continue
        key = (event.sentence_index, plover, country_of(event.source), country_of(event.target))
        if key in seen:
            continue
        seen.add(key)
        out.append(Scored(event.sentence, plover, key[2], key[3], event))
    return out


def _gold_country(actor: Any) -> str | None:
    return None if actor is None else actor.country


def matches(coded: Scored, gold: GoldEvent, level: str) -> bool:
    if gold.in_sentence not in coded.sentence:
        return False
    if coded.plover != gold.plover and coded.plover not in gold.plover_alt:
        return False
    if level == "type":
        return True
    src, tgt = _gold_country(gold.source), _gold_country(gold.target)
    if level == "source":
        return coded.source == src or (gold.symmetric and coded.source == tgt)
    straight = coded.source == src and coded.target == tgt
    return straight or (gold.symmetric and coded.source == tgt and coded.target == src)


def fits(level: str) -> Callable[[Scored, GoldEvent], bool]:
    def test(coded: Scored, gold: GoldEvent) -> bool:
        return matches(coded, gold, level)
    return test


def one_to_one(coded: Sequence[Scored], gold: Sequence[GoldEvent],
               fits: Callable[[Scored, GoldEvent], bool]) -> list[tuple[int, int]]:
    """A maximum one-to-one matching (augmenting paths; a document's events are few)."""
    owner: dict[int, int] = {}  # gold index -> coded index

    def assign(c: int, visited: set[int]) -> bool:
        for g, event in enumerate(gold):
            if g in visited or not fits(coded[c], event):
                continue
            visited.add(g)
            if g not in owner or assign(owner[g], visited):
                owner[g] = c
                return True
        return False

    for c in range(len(coded)):
        assign(c, set())
    return sorted((c, g) for g, c in owner.items())


def any_matched(coded: Sequence[Scored], gold: Sequence[GoldEvent],
                fits: Callable[[Scored, GoldEvent], bool]) -> tuple[int, int, int, int]:
    """Section 8 read literally: an annotated event is matched when some coded event matches
    it, and a coded event is right when it matches some annotated one (one coded event may
    then match several annotated events: "charges against senators A, B and C", annotated
    as three events with the same countries, is matched by the one coded event they merge
    into). Returns (coded, gold, coded that match, gold matched)."""
    return (len(coded), len(gold), sum(any(fits(c, g) for g in gold) for c in coded),
            sum(any(fits(c, g) for c in coded) for g in gold))


@dataclass(slots=True)
class Tally:
    coded: int = 0
    gold: int = 0
    matched_coded: int = 0
    matched_gold: int = 0

    def add(self, coded: int, gold: int, matched: int) -> None:
        """One document's counts (a one-to-one match counts on both sides)."""
        self.add_apart(coded, gold, matched, matched)

    def add_apart(self, coded: int, gold: int, matched_coded: int, matched_gold: int
                  ) -> None:
        """One document's counts when a match need not be one-to-one."""
        self.coded += coded
        self.gold += gold
        self.matched_coded += matched_coded
        self.matched_gold += matched_gold

    def figures(self) -> dict[str, float]:
        precision = self.matched_coded / self.coded if self.coded else 0.0
        recall = self.matched_gold / self.gold if self.gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return {"precision": round(precision, 4), "recall": round(recall, 4),
                "f1": round(f1, 4)}


def _level_figures(tallies: dict[str, Tally]) -> dict[str, float]:
    """`type_precision`, …, `full_f1`."""
    return {f"{level}_{key}": value for level in LEVELS
            for key, value in tallies[level].figures().items()}


def _straight(scored: Scored, gold: GoldEvent) -> bool:
    """Whether a matched pair's sides correspond source to source (else the pair is a
    symmetric act that matched the other way round)."""
    return (scored.source, scored.target) == (_gold_country(gold.source),
                                              _gold_country(gold.target))


def _told_date(event: Event) -> str:
    """The event's date as far as its precision goes: a year is `2023`, not the
    `2023-01-01` it is stored as, so it does not agree with an annotated January."""
    return str(event.date)[:{"year": 4, "month": 7}.get(event.date_precision or "", 10)]


def _agreement(pairs: list[tuple[Scored, GoldEvent]]) -> dict[str, float | None]:
    """CAMEO, sector, flag, date and place agreement on the fully matched pairs."""
    def share(values: list[bool]) -> float | None:
        return round(sum(values) / len(values), 4) if values else None

    known = [(s.event, g) for s, g in pairs if s.event is not None]
    cameo_root = [e.cameo[:2] == g.cameo[:2] for e, g in known]
    cameo = [e.cameo == g.cameo for e, g in known]
    sectors: list[bool] = []
    for s, g in pairs:
        if s.event is None:
            continue
        e = s.event
        sides = (g.source, g.target) if _straight(s, g) else (g.target, g.source)
        sectors += [(mine.sector if mine else None) == (theirs.sector if theirs else None)
                    for mine, theirs in zip((e.source, e.target), sides, strict=True)]
    dates = [bool(e.date) and e.date_precision != "article" and
             _told_date(e).startswith(g.date) for e, g in known if g.date]
    places = [bool(e.location) and (e.location or {}).get("country") == g.place[1]
              for e, g in known if g.place]
    attribution = [e.attribution.get("type") == g.attribution for e, g in known]
    return {"cameo_agreement": share(cameo), "cameo_root_agreement": share(cameo_root),
            "sector_agreement": share(sectors), "date_agreement": share(dates),
            "place_country_agreement": share(places),
            "attribution_agreement": share(attribution)}


def score_documents(documents: Sequence[GoldDocument], coded: Sequence[Sequence[Event]]
                    ) -> dict[str, Any]:
    """Section 8's figures for coded events against the documents' annotations."""
    tallies = {level: Tally() for level in LEVELS}
    literal = {level: Tally() for level in LEVELS}
    full_pairs: list[tuple[Scored, GoldEvent]] = []
    confusion: Counter[tuple[str, str]] = Counter()
    bands: dict[float, list[int]] = {low: [0, 0] for low in BANDS}
    for document, events in zip(documents, coded, strict=True):
        gold = [e for e in document.events if e.plain]
        mine = scored_events(events)
        for level in LEVELS:
            pairs = one_to_one(mine, gold, fits(level))
            tallies[level].add(len(mine), len(gold), len(pairs))
            literal[level].add_apart(*any_matched(mine, gold, fits(level)))
            if level == "full":
                full_pairs.extend((mine[c], gold[g]) for c, g in pairs)
                right = {c for c, _ in pairs}
                for n, scored in enumerate(mine):
                    if scored.event is not None:
                        band = bands[max(b for b in BANDS if scored.event.confidence >= b)]
                        band[0] += 1
                        band[1] += n in right
            if level == "type":
                hit_gold = {g for _, g in pairs}
                hit_mine = {c for c, _ in pairs}
                confusion.update((g.plover, "-") for n, g in enumerate(gold)
                                 if n not in hit_gold)
                confusion.update(("-", m.plover) for n, m in enumerate(mine)
                                 if n not in hit_mine)
    report: dict[str, Any] = {"n": len(documents),
                              "gold_events": tallies["full"].gold,
                              "coded_events": tallies["full"].coded}
    report.update(_level_figures(tallies))
    report["literal"] = _level_figures(literal)
    report.update(_agreement(full_pairs))
    report["reliability"] = [[low, n, round(hit / n, 4) if n else None]
                             for low, (n, hit) in sorted(bands.items())]
    report["misses"] = [[g, m, n] for (g, m), n in confusion.most_common(16)]
    return report


def events_per_thousand_words(texts: Sequence[str], coded: Sequence[Sequence[Event]]
                              ) -> dict[str, Any]:
    """False alarms on pages with no political event: every event printed is one."""
    words = sum(len(t.split()) for t in texts)
    count = sum(len(events) for events in coded)
    return {"pages": len(texts), "words": words, "events": count,
            "events_per_1000_words": round(1000 * count / words, 3) if words else 0.0}


def corpus_articles(documents: Sequence[GoldDocument]) -> list[Article]:
    """The documents as the Articles `code` and `run` would make of them."""
    out = []
    for document in documents:
        day = str(document.date)[:10] if document.date else None
        out.append(Article(stable_id("corpus", document.doc_id),
                           f"{document.path}#{document.line}", document.text,
                           title=document.title or None, published=day,
                           published_source="metadata" if day else "unknown",
                           language="en"))
    return out


def code_articles(articles: Sequence[Article], settings: Settings
                  ) -> tuple[list[list[Event]], Counter[str]]:
    """Events of each article through the coding step `code` and `run` use, and the
    candidate events the coder dropped, by reason."""
    from newsevents.coder.job import CodeArticles, CodedArticle

    coded: dict[str, list[Event]] = {}
    dropped: Counter[str] = Counter()
    for item in CodeArticles(settings).run(iter(articles)):
        if isinstance(item, CodedArticle):
            coded[item.article.article_id] = list(item.events)
            dropped.update(dict(item.dropped))
    return [coded.get(a.article_id, []) for a in articles], dropped


def nonpolitical_pages(listing: Path, pages: Path) -> list[Path]:
    """The pages of the non-political list (`FILE<TAB>topic` lines) under `pages`."""
    out = []
    for number, line in enumerate(listing.read_text("utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        name = line.split("\t")[0]
        found = [p for p in (pages / "eval" / f"{name}.gz", pages / "cache" / f"{name}.gz")
                 if p.is_file()]
        if not found:
            raise CorpusError(str(listing), number, f"page {name} not found under {pages}")
        out.append(found[0])
    return out


def score_nonpolitical(listing: Path, pages: Path, settings: Settings) -> dict[str, Any]:
    from newsevents.ingest.job import read_articles

    articles = [a for a in read_articles([str(p) for p in nonpolitical_pages(listing, pages)],
                                         settings) if isinstance(a, Article)]
    coded, _ = code_articles(articles, settings)
    report = events_per_thousand_words([a.text for a in articles], coded)
    report["examples"] = [[e.sentence[:120], plover_of(e), e.confidence]
                          for events in coded for e in events][:10]
    return report


def annotations_as_coded(document: GoldDocument, sentences: Sequence[tuple[int, int]]
                         ) -> list[Scored]:
    """Another annotator's plain events, as a coder's would be scored: in the sentence that
    holds their snippet, duplicates within a sentence merged."""
    out: dict[tuple[int, str, str | None, str | None], Scored] = {}
    for event in document.events:
        if not event.plain:
            continue
        index = next((n for n, (a, b) in enumerate(sentences) if a <= event.offset < b), -1)
        if index < 0:
            continue
        a, b = sentences[index]
        key = (index, event.plover, _gold_country(event.source), _gold_country(event.target))
        out.setdefault(key, Scored(document.text[a:b], event.plover, key[2], key[3], None))
    return list(out.values())


def agreement(first: Sequence[GoldDocument], second: Sequence[GoldDocument],
              sentences: Callable[[str], Sequence[tuple[int, int]]]) -> dict[str, Any]:
    """Section 8's figures for annotator 2 scored against annotator 1, on the documents
    both annotated: annotator 2 is scored exactly as a coder is (its duplicates within a
    sentence merged, annotator 1's alternative types accepted), so the figures are not
    symmetric: swapping the two changes F1 a little (tools/agreement.py gives both)."""
    by_id = {d.doc_id: d for d in first}
    both = [(by_id[d.doc_id], d) for d in second if d.doc_id in by_id]
    tallies = {level: Tally() for level in LEVELS}
    literal = {level: Tally() for level in LEVELS}
    for gold_doc, other in both:
        gold = [e for e in gold_doc.events if e.plain]
        mine = annotations_as_coded(other, sentences(other.text))
        for level in LEVELS:
            pairs = one_to_one(mine, gold, fits(level))
            tallies[level].add(len(mine), len(gold), len(pairs))
            literal[level].add_apart(*any_matched(mine, gold, fits(level)))
    report: dict[str, Any] = {"documents": len(both), "first_events": tallies["full"].gold,
                              "second_events": tallies["full"].coded}
    report.update(_level_figures(tallies))
    report["literal"] = _level_figures(literal)
    return report
