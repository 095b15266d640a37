"""The command line: thin commands over library functions; known failures are one line."""

from __future__ import annotations

import json
import logging
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from newsevents.errors import NewsEventsError
from newsevents.ingest.job import IngestSummary, ingest
from newsevents.ingest.readers import Outcome
from newsevents.records import IngestFailure
from newsevents.settings import Settings, load_settings
from newsevents.store import Store

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


class TableFormat(StrEnum):
    table = "table"
    jsonl = "jsonl"


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
    settings_file: SettingsOption = None,
) -> None:
    """Ingest news into DuckDB; re-running on the same input adds nothing twice."""
    settings = _settings(settings_file, store={"db": db})
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

            summary = ingest(paths, settings, store, on_outcome=report)
            totals = (store.count("articles"), store.count("ingest_errors"))
    except NewsEventsError as exc:
        raise _fail(str(exc)) from exc
    _print_summary(summary, settings.store.db, totals)


def _progress() -> Progress:
    return Progress(SpinnerColumn(), TextColumn("{task.description}: {task.completed} documents"),
                    TimeElapsedColumn(), console=err, transient=True)


def _print_summary(summary: IngestSummary, db: str, totals: tuple[int, int]) -> None:
    rate = summary.articles_read / summary.seconds if summary.seconds else 0.0
    out.print(f"Read {summary.articles_read} articles in {summary.seconds:.1f} s "
              f"({rate:.1f} articles/s): {summary.articles_new} new, "
              f"{summary.articles_known} already stored.", highlight=False)
    out.print(f"Dropped {summary.dropped_lines} lines of page furniture.", highlight=False)
    if summary.failures:
        kinds = ", ".join(f"{k} {n}" for k, n in summary.failure_reasons.most_common())
        out.print(f"Skipped {summary.failures} documents ({kinds}); "
                  f"{summary.failures_new} newly recorded in ingest_errors.", highlight=False)
    out.print(f"{db}: {totals[0]} articles, {totals[1]} ingest errors.", highlight=False)


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
