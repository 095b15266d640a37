"""The command line: thin commands over library functions; known failures are one line."""

from __future__ import annotations

import json
import logging
import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from newsevents.errors import NewsEventsError
from newsevents.gdelt import gdelt_row
from newsevents.ingest.job import IngestSummary, ingest, read_articles
from newsevents.ingest.readers import Outcome
from newsevents.records import IngestFailure
from newsevents.settings import Settings, load_settings
from newsevents.store import Store
from newsevents.store.duckdb_store import EventQuery

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="newsevents: who did what to whom, when and where, from news text, offline.",
)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

SettingsOption = Annotated[
    Path | None,
    typer.Option("--settings", help="A settings TOML file overriding the defaults."),
]
DbOption = Annotated[
    str | None, typer.Option("--db", help="DuckDB file (default: the store.db setting).")
]
MinConfidenceOption = Annotated[float | None, typer.Option(
    "--min-confidence", min=0.0, max=1.0,
    help="Leave out events less sure than this (default: coder.min_confidence; 0 keeps all).")]
EngineOption = Annotated[str | None, typer.Option(
    "--engine", help="learned (default) or dictionary (the PETRARCH-style coder).")]


class TableFormat(StrEnum):
    table = "table"
    jsonl = "jsonl"


class EventFormat(StrEnum):
    jsonl = "jsonl"
    table = "table"
    gdelt = "gdelt"


DateOption = Annotated[
    str | None,
    typer.Option("--date", help="Publication date YYYY-MM-DD for every input (overrides "
                 "what the pages say)."),
]


def _given_date(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise _fail(f"--date must be YYYY-MM-DD, got '{text}'") from None


def _fail(message: str) -> typer.Exit:
    err.print(f"newsevents: error: {message}", markup=False, highlight=False)
    return typer.Exit(1)


def _settings(path: Path | None, **sections: dict[str, Any]) -> Settings:
    try:
        return load_settings(path).with_overrides(**sections)
    except NewsEventsError as exc:
        raise _fail(str(exc)) from exc


@app.callback()
def main(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log each stage.")] = False,
) -> None:
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")


@app.command()
def run(
    paths: Annotated[list[str], typer.Argument(help="Files, folders (read recursively) or -.")],
    db: DbOption = None,
    given: DateOption = None,
    events: Annotated[bool, typer.Option("--events/--no-events",
                                         help="Code events as well (needs spaCy).")] = True,
    min_confidence: MinConfidenceOption = None,
    engine: EngineOption = None,
    settings_file: SettingsOption = None,
) -> None:
    """Ingest news into DuckDB and code its events; re-running adds nothing twice."""
    settings = _settings(settings_file, store={"db": db},
                         coder={"min_confidence": min_confidence, "engine": engine})
    day = _given_date(given)
    missing = [p for p in paths if p != "-" and not Path(p).exists()]
    if missing:
        raise _fail(f"no such file or folder: {missing[0]}")
    try:
        with Store(settings.store.db) as store, _progress() as progress:
            task = progress.add_task("reading", total=None)

            def report(item: Outcome) -> None:
                progress.advance(task)
                if isinstance(item, IngestFailure):
                    progress.console.print(f"skipped {item.message}", markup=False,
                                           highlight=False)

            summary = ingest(paths, settings, store, on_outcome=report, code_events=events,
                             given_date=day)
            totals = (store.count("articles"), store.count("events"), store.count("ingest_errors"))
    except NewsEventsError as exc:
        raise _fail(str(exc)) from exc
    _print_summary(summary, settings.store.db, totals)


def _progress() -> Progress:
    return Progress(SpinnerColumn(), TextColumn("{task.description}: {task.completed} documents"),
                    TimeElapsedColumn(), console=err, transient=True)


def _print_summary(summary: IngestSummary, db: str, totals: tuple[int, int, int]) -> None:
    rate = summary.articles_read / summary.seconds if summary.seconds else 0.0
    out.print(f"Read {summary.articles_read} articles in {summary.seconds:.1f} s "
              f"({rate:.1f} articles/s): {summary.articles_new} new, "
              f"{summary.articles_known} already stored.", highlight=False)
    out.print(f"Dropped {summary.dropped_lines} lines of page furniture. "
              f"Coded {summary.events_new} new events.", highlight=False)
    if summary.failures:
        kinds = ", ".join(f"{k} {n}" for k, n in summary.failure_reasons.most_common())
        out.print(f"Skipped {summary.failures} documents ({kinds}); "
                  f"{summary.failures_new} newly recorded in ingest_errors.", highlight=False)
    out.print(f"{db}: {totals[0]} articles, {totals[1]} events, {totals[2]} ingest errors.",
              highlight=False)


@app.command()
def articles(
    db: DbOption = None,
    output: Annotated[TableFormat, typer.Option("--format")] = TableFormat.table,
    settings_file: SettingsOption = None,
) -> None:
    """List stored articles: id, date, page_date, title, outlet, length, dropped lines."""
    settings = _settings(settings_file, store={"db": db})
    try:
        with Store(settings.store.db, read_only=True) as store:
            records = list(store.articles())
    except NewsEventsError as exc:
        raise _fail(str(exc)) from exc
    if output is TableFormat.jsonl:
        for record in records:
            sys.stdout.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
        return
    table = Table("article_id", "published", "page_date", "title", "outlet", "words", "dropped")
    for r in records:
        table.add_row(r["article_id"], r["published"] or "", r["page_date"] or "",
                      (r["title"] or "")[:60], r["outlet"] or "", str(len(r["text"].split())),
                      str(len(r["dropped"])))
    Console(width=None if out.is_terminal else 160).print(table)


@app.command()
def code(
    paths: Annotated[list[str], typer.Argument(help="Files, folders (read recursively) or -.")],
    output: Annotated[EventFormat, typer.Option("--format")] = EventFormat.jsonl,
    given: DateOption = None,
    min_confidence: MinConfidenceOption = None,
    engine: EngineOption = None,
    settings_file: SettingsOption = None,
) -> None:
    """Code files or folders and print the events the coder stands behind (those at or above
    the confidence threshold); no database needed."""
    settings = _settings(settings_file,
                         coder={"min_confidence": min_confidence, "engine": engine})
    day = _given_date(given)
    missing = [p for p in paths if p != "-" and not Path(p).exists()]
    if missing:
        raise _fail(f"no such file or folder: {missing[0]}")
    from newsevents.coder.job import CodeArticles, CodedArticle

    rows: list[tuple[dict[str, Any], str | None]] = []
    try:
        for item in CodeArticles(settings, day).run(read_articles(paths, settings)):
            if isinstance(item, IngestFailure):
                err.print(f"skipped {item.message}", markup=False, highlight=False)
            if not isinstance(item, CodedArticle):
                continue
            for event in item.events:
                rows.append((event.to_dict(), item.article.url or item.article.path))
    except NewsEventsError as exc:
        raise _fail(str(exc)) from exc
    _print_events(rows, output)


@app.command()
def events(
    db: DbOption = None,
    actor: Annotated[str | None, typer.Option(help="Actor code prefix (IRN, IRNGOV) or "
                                              "words of its text.")] = None,
    country: Annotated[str | None, typer.Option(help="ISO alpha-3 of either actor.")] = None,
    root: Annotated[str | None, typer.Option(help="CAMEO root code, e.g. 17.")] = None,
    since: Annotated[str | None, typer.Option(help="From this date, YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option(help="Until this date, YYYY-MM-DD.")] = None,
    output: Annotated[EventFormat, typer.Option("--format")] = EventFormat.table,
    settings_file: SettingsOption = None,
) -> None:
    """List stored events, filtered by actor, country, CAMEO root and date range."""
    settings = _settings(settings_file, store={"db": db})
    for value in (since, until):
        _given_date(value)
    query = EventQuery(actor, country, root, since, until)
    try:
        with Store(settings.store.db, read_only=True) as store:
            found = store.events(query)
            urls = store.article_locations([e["article_id"] for e in found])
    except NewsEventsError as exc:
        raise _fail(str(exc)) from exc
    _print_events([(e, urls.get(e["article_id"])) for e in found], output)


def _print_events(rows: list[tuple[dict[str, Any], str | None]], output: EventFormat) -> None:
    if output is EventFormat.jsonl:
        for event, _ in rows:
            sys.stdout.write(json.dumps(event, ensure_ascii=False, default=str) + "\n")
    elif output is EventFormat.gdelt:
        for event, url in rows:
            sys.stdout.write(gdelt_row(event, url) + "\n")
    else:
        table = Table("date", "cameo", "source", "target", "trigger", "place", "says",
                      "flags", "sentence")
        for event, _ in rows:
            flags = " ".join(f for f in ("negated", "hypothetical") if event[f])
            table.add_row(_date_cell(event), event["cameo"], _actor_cell(event["source"]),
                          _actor_cell(event["target"]), event["trigger"],
                          _place_cell(event.get("location")), _says_cell(event),
                          flags, _shorten(event["sentence"], 70))
        Console(width=None if out.is_terminal else 200).print(table)


def _date_cell(event: dict[str, Any]) -> str:
    """The date as far as it is known: 2021, 2022-09, 2023-06-10; "~" for the article's."""
    day, precision = event.get("date"), event.get("date_precision")
    if not day:
        return "earlier" if precision == "background" else ""
    day = str(day)
    shown = {"year": day[:4], "month": day[:7]}.get(str(precision), day[:10])
    return f"~{shown}" if precision == "article" else shown


def _place_cell(location: dict[str, Any] | None) -> str:
    if not location:
        return ""
    return f"{location.get('name')}, {location.get('country')}"


def _says_cell(event: dict[str, Any]) -> str:
    attribution = event.get("attribution") or {}
    kind = attribution.get("type")
    return "" if kind in (None, "none") else str(kind)


def _actor_cell(actor: dict[str, Any] | None) -> str:
    if not actor:
        return ""
    return f"{actor['code'] or '?'} ({_shorten(actor['text'], 30)})"


def _shorten(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


@app.command("eval")
def evaluate_command(
    name: Annotated[str, typer.Argument(help="events (our corpus), plover-gsr, "
                                            "conflibert-class, conflibert-ner, case2021, "
                                            "petrarch-unit, dates or places.")],
    file: Annotated[Path | None, typer.Option(help="Another file in the same format.")] = None,
    split: Annotated[str | None, typer.Option(
        help="events only: dev or test (default: test; a --file is scored whole).")] = None,
    limit: Annotated[int | None, typer.Option(help="Score only the first N records.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
    settings_file: SettingsOption = None,
) -> None:
    """Score the coder on a gold set and print its figures."""
    from newsevents.evaluation.runner import evaluate

    settings = _settings(settings_file)
    try:
        if split is not None and split not in ("train", "dev", "test"):
            raise _fail(f"--split must be dev or test, not {split!r}")
        report = evaluate(name, settings, file, limit, split)
    except NewsEventsError as exc:
        raise _fail(str(exc)) from exc
    if as_json:
        sys.stdout.write(json.dumps(report, ensure_ascii=False, default=str) + "\n")
        return
    for key, value in report.items():
        if isinstance(value, float):
            out.print(f"{key:28} {value:.3f}", highlight=False)
        elif isinstance(value, int | str):
            out.print(f"{key:28} {value}", highlight=False)
    for key in ("dropped",):
        if report.get(key):
            out.print(f"{key:28} " + ", ".join(f"{k}: {v}" for k, v in report[key].items()),
                      highlight=False, markup=False)
    if "reliability" in report:
        out.print("reliability (confidence from, events, share fully right):", highlight=False)
        for low, count, share in report["reliability"]:
            shown = "" if share is None else f"{share:.3f}"
            out.print(f"  >= {low:.1f}  {count:6}  {shown}", highlight=False)
    if "misses" in report:
        out.print("most frequent misses (gold type, coded type; - = none):", highlight=False)
        for gold_label, coded_label, count in report["misses"][:12]:
            out.print(f"  {gold_label:>12} -> {coded_label:<12} {count}", highlight=False)
    if "confusion" in report:
        out.print("most frequent (gold, predicted) pairs:", highlight=False)
        for gold_label, predicted, count in report["confusion"][:12]:
            out.print(f"  {gold_label:>12} -> {predicted:<12} {count}", highlight=False)
