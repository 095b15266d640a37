"""Issue 4 on the Wikinews demo corpus, whose publication dates are known.

    .venv/bin/python bench/wikinews_when_where.py [--json]

1. Each article is fed as bare text, with no date and no viewing date, and the coder infers
   its publication date. Reported: how often the inferred day (the latest dated reference the
   text makes, the `base` of the inference) is within 7 days of the true date, how often the
   inferred month is the true month, and how often nothing could be inferred.
2. The articles are coded with their true dates, as `newsevents code` does with JSONL: the
   share of events with a location, split into places (a city) and countries, and for the
   places the share whose country is one of the event's actors' countries.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

from newsevents.coder.events import EventCoder
from newsevents.dictionaries.lexicon import load_lexicon
from newsevents.nlp import get_nlp
from newsevents.settings import load_settings

CORPUS = Path(__file__).resolve().parents[1] / "examples" / "wikinews.jsonl"


def main() -> None:
    settings = load_settings()
    records = [json.loads(line) for line in CORPUS.read_text("utf-8").splitlines() if line]
    nlp = get_nlp(settings.nlp)
    coder = EventCoder(load_lexicon(settings.dictionaries))
    within = same_month = nothing = 0
    events = located = cities = cities_agree = countries = 0
    texts = [r["text"] for r in records]
    for record, doc in zip(records, nlp.pipe(texts, batch_size=settings.nlp.batch_size),
                           strict=True):
        truth = date.fromisoformat(record["date"])
        coder.code(doc, record["id"], None)
        found = coder.last_published
        if found is None:
            nothing += 1
        else:
            within += abs((found.base - truth).days) <= 7
            same_month += (found.claim.day.year, found.claim.day.month) == (truth.year,
                                                                           truth.month)
        for event in coder.code(doc, record["id"], truth):
            events += 1
            if event.location is None:
                continue
            located += 1
            actors = {a.country for a in (event.source, event.target) if a and a.country}
            if event.location.get("lat") is None:
                countries += 1
            else:
                cities += 1
                cities_agree += event.location.get("country") in actors
    n = len(records)
    report = {
        "articles": n,
        "published_within_7_days": round(within / n, 3),
        "published_same_month": round(same_month / n, 3),
        "published_not_inferred": round(nothing / n, 3),
        "events": events,
        "events_with_location": round(located / max(events, 1), 3),
        "located_at_a_place": round(cities / max(located, 1), 3),
        "located_at_a_country": round(countries / max(located, 1), 3),
        "places_in_an_actor_country": round(cities_agree / max(cities, 1), 3),
    }
    if "--json" in sys.argv:
        print(json.dumps(report, indent=2))
    else:
        for key, value in report.items():
            print(f"{key:32s} {value}")


if __name__ == "__main__":
    main()
