"""The command line: thin commands over library functions; known failures are one line."""

from __future__ import annotations

import json
import logging
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from enum import IntEnum, StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from typer.core import TyperCommand

from newsevents import __version__
from newsevents.errors import (
    CannotWrite,
    DatabaseLocked,
    DictionaryError,
    ModelError,
    NewerDatabase,
    NewsEventsError,
    NotOurDatabase,
    QueryError,
    SettingsError,
)
from newsevents.settings import PACKAGE_FILE, Settings, load_settings, user_settings_file

if TYPE_CHECKING:  # the heavy modules load inside the commands that need them
    from rich.progress import Progress

    from newsevents.analysis.query import EventFilter
    from newsevents.ingest.job import IngestSummary
    from newsevents.store import Store

app = typer.Typer(
    no_args_is_help=True,
    help="newsevents: who did what to whom, when and where, from news text, offline.",
)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)
MAX_ROWS = 1_000_000_000  # a --limit beyond this is a mistake (and beyond 2**63, an overflow)

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


class ExportFormat(StrEnum):
    parquet = "parquet"
    csv = "csv"
    jsonl = "jsonl"
    gdelt = "gdelt"


class Executor(StrEnum):
    local = "local"
    dask = "dask"


class Period(StrEnum):
    day = "day"
    week = "week"
    month = "month"
    year = "year"


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


class Status(IntEnum):
    """Exit statuses; stable, and listed in README.md ("Exit statuses")."""

    FAILED = 1  # bad input, a missing file or database, anything else newsevents refuses
    USAGE = 2  # typer's own: an unknown option, a bad option value
    SHARDS_FAILED = 3
    BAD_SETTINGS = 4  # the settings, or a spaCy model or dictionary overlay they name
    DATABASE_LOCKED = 5
    NOT_OUR_DATABASE = 6  # not a DuckDB file, or a DuckDB database that is not newsevents'
    NEWER_DATABASE = 7
    CANNOT_WRITE = 8  # the database file or its folder cannot be written
    INTERRUPTED = 130  # Ctrl-C, as shells report a process stopped by SIGINT


_STATUS_OF: tuple[tuple[type[NewsEventsError], Status], ...] = (
    (SettingsError, Status.BAD_SETTINGS), (ModelError, Status.BAD_SETTINGS),
    (DictionaryError, Status.BAD_SETTINGS), (DatabaseLocked, Status.DATABASE_LOCKED),
    (NotOurDatabase, Status.NOT_OUR_DATABASE), (NewerDatabase, Status.NEWER_DATABASE),
    (CannotWrite, Status.CANNOT_WRITE),
)


def _is_database(path: Path, db: str) -> bool:
    """Whether writing to `path` would replace the database being read, or another DuckDB
    database (its header says DUCK at byte 8)."""
    try:
        if path.exists() and Path(db).exists() and path.samefile(db):
            return True
        with path.open("rb") as stream:
            return stream.read(12)[8:12] == b"DUCK"
    except OSError:
        return False


def _fail(message: str, status: Status = Status.FAILED) -> typer.Exit:
    """One line on stderr, and the exit to raise."""
    err.print(f"newsevents: error: {message}", markup=False, highlight=False)
    return typer.Exit(int(status))


class _Interrupted(Exception):
    """Ctrl-C during a run, with the articles it had committed."""

    def __init__(self, articles: int) -> None:
        super().__init__(f"interrupted: {articles} articles stored; run again to finish")


class _Command(TyperCommand):
    """A command whose known failures end it with one line and their exit status; with
    `newsevents --debug`, with the full traceback instead of the line."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (NewsEventsError, _Interrupted) as exc:
            if ctx.meta.get("newsevents.debug"):
                traceback.print_exception(exc, file=sys.stderr)
                raise typer.Exit(int(_status(exc))) from exc
            raise _fail(_message(exc, ctx.params.get("settings_file")), _status(exc)) from exc


def _status(exc: Exception) -> Status:
    if isinstance(exc, _Interrupted):
        return Status.INTERRUPTED
    return next((s for kind, s in _STATUS_OF if isinstance(exc, kind)), Status.FAILED)


def _message(exc: Exception, settings_file: Path | None) -> str:
    """The failure's line: a model names the settings file and key that chose it."""
    if isinstance(exc, ModelError) and exc.setting:
        origin = user_settings_file(settings_file)
        return f"{origin or PACKAGE_FILE}: {exc.setting}: {exc}"
    if isinstance(exc, NotOurDatabase):
        return f"{exc}; use another --db"
    return str(exc)


def _is_interrupt(exc: BaseException) -> bool:
    """Ctrl-C: Python's KeyboardInterrupt, or DuckDB's when it lands in a query."""
    import duckdb

    return isinstance(exc, KeyboardInterrupt | duckdb.InterruptException) or (
        isinstance(exc, RuntimeError) and str(exc) == "Query interrupted")


def _settings(path: Path | None, **sections: dict[str, Any]) -> Settings:
    return load_settings(path).with_overrides(**sections)


def _show_version(value: bool) -> None:
    if value:
        out.print(f"newsevents {__version__}", highlight=False)
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log each stage.")] = False,
    debug: Annotated[bool, typer.Option(
        "--debug", help="On a failure, print the full traceback instead of one line.")] = False,
    version: Annotated[bool, typer.Option("--version", callback=_show_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    ctx.meta["newsevents.debug"] = debug
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")


@app.command(cls=_Command)
def run(
    paths: Annotated[list[str], typer.Argument(help="Files, folders (read recursively) or -.")],
    db: DbOption = None,
    given: DateOption = None,
    events: Annotated[bool, typer.Option("--events/--no-events",
                                         help="Code events as well (needs spaCy).")] = True,
    min_confidence: MinConfidenceOption = None,
    engine: EngineOption = None,
    executor: Annotated[Executor | None, typer.Option(
        "--executor", help="Shard the input and run the shards here (local) or on Dask "
        "workers (dask), writing Parquet parts to --out. Default: one process, no shards.")
    ] = None,
    scheduler: Annotated[str | None, typer.Option(
        help="dask: the address of a running scheduler (default: start a LocalCluster).")
    ] = None,
    workers: Annotated[int | None, typer.Option(
        min=1, help="dask: the LocalCluster's worker processes (default: scale.workers).")
    ] = None,
    shards_out: Annotated[Path | None, typer.Option(
        "--out", help="Where shards write their Parquet parts (default: DB.shards/).")] = None,
    settings_file: SettingsOption = None,
) -> None:
    """Ingest news into DuckDB and code its events; re-running adds nothing twice."""
    if executor is not None or scheduler is not None or shards_out is not None:
        _run_sharded(paths, db, given, events, min_confidence, engine, executor, scheduler,
                     workers, shards_out, settings_file)
        return
    from newsevents.ingest.job import ingest
    from newsevents.ingest.sources import estimate_documents
    from newsevents.records import IngestFailure
    from newsevents.store import Store

    settings = _settings(settings_file, store={"db": db},
                         coder={"min_confidence": min_confidence, "engine": engine})
    day = _given_date(given)
    missing = [p for p in paths if p != "-" and not Path(p).exists()]
    if missing:
        raise _fail(f"no such file or folder: {missing[0]}")
    try:
        with Store(settings.store.db) as store, _progress() as progress, _stoppable(store):
            task = progress.add_task("reading", total=estimate_documents(paths))

            def report(item: Any) -> None:
                progress.advance(task)
                if isinstance(item, IngestFailure):
                    progress.console.print(f"skipped {item.message}", markup=False,
                                           highlight=False)

            summary = ingest(paths, settings, store, on_outcome=report, code_events=events,
                             given_date=day)
            totals = (store.count("articles"), store.count("events"), store.count("ingest_errors"))
    except KeyboardInterrupt as exc:  # before the store was open: nothing written
        raise _Interrupted(0) from exc
    _print_summary(summary, settings.store.db, totals)


@contextmanager
def _stoppable(store: Store) -> Iterator[None]:
    """A Ctrl-C inside as _Interrupted, counting the articles committed since the start (the
    batch being written is rolled back: the store writes whole batches in transactions)."""
    before = store.count("articles")
    try:
        yield
    except BaseException as exc:
        if not _is_interrupt(exc):
            raise
        raise _Interrupted(store.committed_count("articles") - before) from exc


def _run_sharded(paths: list[str], db: str | None, given: str | None, events: bool,
                 min_confidence: float | None, engine: str | None, executor: Executor | None,
                 scheduler: str | None, workers: int | None, shards_out: Path | None,
                 settings_file: Path | None) -> None:
    """`run --executor local|dask`: shards, Parquet parts, then one load per shard."""
    from newsevents.scale.executors import DaskExecutor, LocalExecutor, ShardFailure, run_sharded
    from newsevents.store import Store

    if not events:
        raise _fail("--no-events: a sharded run always codes events")
    if scheduler is not None and executor is not Executor.dask:
        raise _fail("--scheduler: only with --executor dask")
    settings = _settings(settings_file, store={"db": db}, scale={"workers": workers},
                         coder={"min_confidence": min_confidence, "engine": engine})
    day = _given_date(given)
    out_dir = str(shards_out or Path(settings.store.db + ".shards"))
    chosen = (DaskExecutor(scheduler, settings.scale.workers) if executor is Executor.dask
              else LocalExecutor())
    try:
        with Store(settings.store.db) as store, _progress() as progress, _stoppable(store):
            task = progress.add_task("shards", total=None)

            def report(outcome: Any) -> None:
                progress.advance(task)
                if isinstance(outcome, ShardFailure):
                    progress.console.print(f"shard {outcome.shard_id} failed: {outcome.reason}",
                                           markup=False, highlight=False)

            summary = run_sharded(paths, settings, store, chosen, out_dir, day, report)
            totals = (store.count("articles"), store.count("events"), store.count("ingest_errors"))
    except KeyboardInterrupt as exc:  # before the store was open: nothing written
        raise _Interrupted(0) from exc
    out.print(f"Ran {summary.shards} shards in {summary.seconds:.1f} s: "
              f"{summary.shards - summary.skipped - len(summary.failed)} coded, "
              f"{summary.skipped} finished before, {len(summary.failed)} failed. "
              f"Parts in {out_dir}.", highlight=False)
    out.print(f"Loaded {summary.loaded.shards} shards: {summary.loaded.articles} new articles, "
              f"{summary.loaded.events} new events ({summary.clusters_new} new event clusters), "
              f"{summary.loaded.errors} new ingest errors.", highlight=False)
    out.print(f"{settings.store.db}: {totals[0]} articles, {totals[1]} events, "
              f"{totals[2]} ingest errors.", highlight=False)
    if summary.failed:
        raise typer.Exit(3)


def _progress() -> Progress:
    """Documents done, and an ETA when the inputs' document count can be known up front."""
    from rich.progress import (
        BarColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    return Progress(SpinnerColumn(), TextColumn("{task.description}: {task.completed} documents"),
                    BarColumn(), TimeElapsedColumn(), TextColumn("ETA"), TimeRemainingColumn(),
                    console=err, transient=True,
                    disable=not err.is_terminal)  # no stray blank line in a log


def _print_summary(summary: IngestSummary, db: str, totals: tuple[int, int, int]) -> None:
    rate = summary.articles_read / summary.seconds if summary.seconds else 0.0
    out.print(f"Read {summary.articles_read} articles in {summary.seconds:.1f} s "
              f"({rate:.1f} articles/s): {summary.articles_new} new, "
              f"{summary.articles_known} already stored.", highlight=False)
    out.print(f"Dropped {summary.dropped_lines} lines of page furniture. "
              f"Coded {summary.events_new} new events ({summary.clusters_new} new event "
              "clusters).", highlight=False)
    if summary.failures:
        kinds = ", ".join(f"{k} {n}" for k, n in summary.failure_reasons.most_common())
        out.print(f"Skipped {summary.failures} documents ({kinds}); "
                  f"{summary.failures_new} newly recorded in ingest_errors.", highlight=False)
    out.print(f"{db}: {totals[0]} articles, {totals[1]} events, {totals[2]} ingest errors.",
              highlight=False)


@app.command(cls=_Command)
def articles(
    db: DbOption = None,
    output: Annotated[TableFormat, typer.Option("--format")] = TableFormat.table,
    settings_file: SettingsOption = None,
) -> None:
    """List stored articles: id, date, page_date, title, outlet, length, dropped lines."""
    from rich.table import Table

    from newsevents.store import Store

    settings = _settings(settings_file, store={"db": db})
    with Store(settings.store.db, read_only=True) as store:
        records = list(store.articles())
    if output is TableFormat.jsonl:
        for record in records:
            sys.stdout.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
        return
    table = Table("article_id", "published", "page_date", "title", "outlet", "words", "dropped")
    for r in records:
        table.add_row(*(_plain(c) for c in (
            r["article_id"], r["published"] or "", r["page_date"] or "", (r["title"] or "")[:60],
            r["outlet"] or "", str(len(r["text"].split())), str(len(r["dropped"])))))
    Console(width=None if out.is_terminal else 160).print(table)


@app.command(cls=_Command)
def code(
    paths: Annotated[list[str], typer.Argument(help="Files, folders (read recursively) or -.")],
    output: Annotated[EventFormat, typer.Option("--format")] = EventFormat.jsonl,
    given: DateOption = None,
    min_confidence: MinConfidenceOption = None,
    min_words: Annotated[int | None, typer.Option(
        "--min-words", min=1, help="Code documents at least this long (default: "
        "ingest.min_words; 1 codes a single sentence).")] = None,
    engine: EngineOption = None,
    settings_file: SettingsOption = None,
) -> None:
    """Code files or folders and print the events the coder stands behind (those at or above
    the confidence threshold); no database needed."""
    from newsevents.coder.job import CodeArticles, CodedArticle
    from newsevents.export import flat_event
    from newsevents.ingest.job import read_articles
    from newsevents.records import IngestFailure

    settings = _settings(settings_file, ingest={"min_words": min_words},
                         coder={"min_confidence": min_confidence, "engine": engine})
    day = _given_date(given)
    missing = [p for p in paths if p != "-" and not Path(p).exists()]
    if missing:
        raise _fail(f"no such file or folder: {missing[0]}")
    rows: list[dict[str, Any]] = []
    for item in CodeArticles(settings, day).run(read_articles(paths, settings)):
        if isinstance(item, IngestFailure):
            err.print(f"skipped {item.message}", markup=False, highlight=False)
        if not isinstance(item, CodedArticle):
            continue
        for event in item.events:
            record = event.to_dict()
            rows.append(record if output is EventFormat.jsonl
                        else flat_event(record, item.article))
    _print_events(rows, output)


ActorFilter = Annotated[str | None, typer.Option(
    help="Actor code prefix (IRN, IRNGOV) or words of its text, either side.")]
SourceFilter = Annotated[str | None, typer.Option(help="Like --actor, source side only.")]
TargetFilter = Annotated[str | None, typer.Option(help="Like --actor, target side only.")]
CountryFilter = Annotated[str | None, typer.Option(help="ISO alpha-3 of either actor (IRN).")]
CameoFilter = Annotated[str | None, typer.Option(help="CAMEO code prefix, e.g. 17 or 173.")]
RootFilter = Annotated[str | None, typer.Option(help="CAMEO root code, 01 to 20.")]
PloverFilter = Annotated[str | None, typer.Option(help="PLOVER type, e.g. ASSAULT.")]
SinceFilter = Annotated[str | None, typer.Option(help="From this date, YYYY-MM-DD.")]
UntilFilter = Annotated[str | None, typer.Option(help="Until this date, YYYY-MM-DD.")]
PlaceFilter = Annotated[str | None, typer.Option(
    help="Words of the place name, or the place's ISO alpha-3 country.")]
TextFilter = Annotated[str | None, typer.Option("--text", help="Words in the sentence.")]
ConfidenceFilter = Annotated[float | None, typer.Option(
    "--min-confidence", help="Only events at least this sure, 0 to 1.")]
UniqueOption = Annotated[bool, typer.Option(
    "--unique", help="One row per event cluster (the same act reported many times).")]


def _filter(**values: Any) -> EventFilter:
    """The filters, checked; a bad value names its option."""
    from newsevents.analysis.query import EventFilter

    try:
        return EventFilter(**values)
    except QueryError as exc:
        raise _fail(f"--{exc.option.replace('_', '-')}: {exc.reason}") from exc


@app.command(cls=_Command)
def events(
    db: DbOption = None,
    actor: ActorFilter = None,
    source: SourceFilter = None,
    target: TargetFilter = None,
    country: CountryFilter = None,
    cameo: CameoFilter = None,
    root: RootFilter = None,
    plover: PloverFilter = None,
    since: SinceFilter = None,
    until: UntilFilter = None,
    place: PlaceFilter = None,
    text: TextFilter = None,
    min_confidence: ConfidenceFilter = None,
    unique: UniqueOption = False,
    limit: Annotated[int | None, typer.Option(min=1, max=MAX_ROWS,
                                              help="At most this many rows.")] = None,
    output: Annotated[EventFormat, typer.Option("--format")] = EventFormat.table,
    settings_file: SettingsOption = None,
) -> None:
    """List stored events, filtered; every filter combines with the others."""
    from newsevents.analysis import database
    from newsevents.store import Store

    settings = _settings(settings_file, store={"db": db})
    flt = _filter(actor=actor, source=source, target=target, country=country, cameo=cameo,
                  root=root, plover=plover, since=since, until=until, place=place, text=text,
                  min_confidence=min_confidence)
    with Store(settings.store.db, read_only=True) as store:
        found = database.events(store.db, flt, limit=limit, unique=unique,
                                nested=output is EventFormat.jsonl).rows
    _print_events(found, output)


def _print_events(rows: list[dict[str, Any]], output: EventFormat) -> None:
    """jsonl: the event records of the data contract (docs/design.md); table and gdelt: flat
    rows (newsevents.analysis.database.FLAT_SELECT)."""
    from newsevents.export import write_gdelt

    if output is EventFormat.jsonl:
        for event in rows:
            sys.stdout.write(json.dumps(event, ensure_ascii=False, default=str) + "\n")
    elif output is EventFormat.gdelt:
        write_gdelt(rows, sys.stdout)
    else:
        from rich.table import Table

        table = Table("date", "cameo", "source", "target", "trigger", "place", "says",
                      "flags", "sentence")
        for event in rows:
            flags = " ".join(f for f in ("negated", "hypothetical") if event[f])
            if event.get("num_mentions", 1) > 1:
                flags += f" ×{event['num_mentions']}"
            table.add_row(*(_plain(c) for c in (
                _date_cell(event), event["cameo"],
                _actor_cell(event["source_code"], event["source_text"]),
                _actor_cell(event["target_code"], event["target_text"]), event["trigger"],
                _place_cell(event["place"], event["place_country"]),
                _says_cell(event["attribution"]), flags.strip(),
                _shorten(event["sentence"], 70))))
        Console(width=None if out.is_terminal else 200).print(table)


def _plain(text: str) -> Any:
    """A table cell that shows stored text as it is: no markup, no terminal escapes."""
    from rich.text import Text

    return Text("".join(c if c.isprintable() else " " for c in str(text)))


@app.command(cls=_Command)
def export(
    db: DbOption = None,
    fmt: Annotated[ExportFormat, typer.Option("--format", help="parquet, csv, jsonl or gdelt.")
                   ] = ExportFormat.jsonl,
    to: Annotated[Path | None, typer.Option(
        "--out", "-o", help="Write here (parquet needs it; others default to standard output).")
    ] = None,
    header: Annotated[bool, typer.Option(help="gdelt only: a first line of column names.")
                      ] = False,
    actor: ActorFilter = None,
    source: SourceFilter = None,
    target: TargetFilter = None,
    country: CountryFilter = None,
    cameo: CameoFilter = None,
    root: RootFilter = None,
    plover: PloverFilter = None,
    since: SinceFilter = None,
    until: UntilFilter = None,
    place: PlaceFilter = None,
    text: TextFilter = None,
    min_confidence: ConfidenceFilter = None,
    unique: UniqueOption = False,
    settings_file: SettingsOption = None,
) -> None:
    """Write stored events as flat, typed rows: Parquet, CSV, JSON Lines or GDELT 2.0."""
    from newsevents.export import export_events
    from newsevents.store import Store

    settings = _settings(settings_file, store={"db": db})
    flt = _filter(actor=actor, source=source, target=target, country=country, cameo=cameo,
                  root=root, plover=plover, since=since, until=until, place=place, text=text,
                  min_confidence=min_confidence)
    if fmt is ExportFormat.parquet and to is None:
        raise _fail("--out: parquet is written to a file; name one with --out")
    if header and fmt is not ExportFormat.gdelt:
        raise _fail("--header: only for --format gdelt (csv always has one)")
    if to is not None and _is_database(to, settings.store.db):
        raise _fail(f"--out: {to} is a DuckDB database; an export never overwrites one "
                    "(name another file)")
    with Store(settings.store.db, read_only=True) as store:
        written = export_events(store.db, fmt.value, to, flt, unique=unique, header=header)
    if to is not None:
        err.print(f"wrote {written} events to {to}", markup=False, highlight=False)


@app.command(cls=_Command)
def aggregate(
    db: DbOption = None,
    by: Annotated[Period, typer.Option("--by", help="The period of each row.")] = Period.day,
    dyad: Annotated[bool, typer.Option("--dyad", help="A row per source-target pair too.")
                    ] = False,
    measure: Annotated[str, typer.Option(
        "--measure", help="Comma-separated: count, goldstein, quad.")] = "count,goldstein,quad",
    all_mentions: Annotated[bool, typer.Option(
        "--all-mentions", help="Count every report, not each event cluster once.")] = False,
    actor: ActorFilter = None,
    source: SourceFilter = None,
    target: TargetFilter = None,
    country: CountryFilter = None,
    cameo: CameoFilter = None,
    root: RootFilter = None,
    plover: PloverFilter = None,
    since: SinceFilter = None,
    until: UntilFilter = None,
    place: PlaceFilter = None,
    min_confidence: ConfidenceFilter = None,
    output: Annotated[TableFormat, typer.Option("--format")] = TableFormat.table,
    settings_file: SettingsOption = None,
) -> None:
    """Event counts and Goldstein series per day, week or month (and dyad), each event
    cluster counted once unless --all-mentions."""
    from newsevents.analysis import database
    from newsevents.store import Store

    settings = _settings(settings_file, store={"db": db})
    flt = _filter(actor=actor, source=source, target=target, country=country, cameo=cameo,
                  root=root, plover=plover, since=since, until=until, place=place,
                  min_confidence=min_confidence)
    measures = tuple(m.strip() for m in measure.split(",") if m.strip())
    try:
        with Store(settings.store.db, read_only=True) as store:
            rows = database.aggregate(store.db, by.value, dyad, measures, flt,
                                      unique=not all_mentions)
    except QueryError as exc:
        raise _fail(f"--{exc.option}: {exc.reason}") from exc
    if output is TableFormat.jsonl:
        for row in rows:
            sys.stdout.write(json.dumps(row, ensure_ascii=False, default=str) + "\n")
        return
    from rich.table import Table

    table = Table(*(rows[0].keys() if rows else ("period",)))
    for row in rows:
        table.add_row(*(_plain("" if v is None else v) for v in row.values()))
    Console(width=None if out.is_terminal else 200).print(table)


@app.command(cls=_Command)
def serve(
    db: DbOption = None,
    port: Annotated[int | None, typer.Option(min=1, max=65535,
                                             help="Port (default: serve.port).")] = None,
    host: Annotated[str | None, typer.Option(
        help="Address to listen on (default: serve.host, 127.0.0.1).")] = None,
    settings_file: SettingsOption = None,
) -> None:
    """The HTTP API and dashboard over a database, read-only."""
    settings = _settings(settings_file, store={"db": db}, serve={"port": port, "host": host})
    from newsevents.serve import run_server

    run_server(settings.store.db, settings.serve)


def _date_cell(event: dict[str, Any]) -> str:
    """The date as far as it is known: 2021, 2022-09, 2023-06-10; "~" for a day that is not
    the event's own (the article's, or the story's from an earlier sentence)."""
    day, precision = event.get("date"), event.get("date_precision")
    if not day:
        return "earlier" if precision == "background" else ""
    day = str(day)
    shown = {"year": day[:4], "month": day[:7]}.get(str(precision), day[:10])
    return f"~{shown}" if precision in ("article", "story") else shown


def _place_cell(name: str | None, country: str | None) -> str:
    return "" if not name else f"{name}, {country or '?'}"


def _says_cell(kind: str | None) -> str:
    return "" if kind in (None, "none") else str(kind)


def _actor_cell(code: str | None, text: str | None) -> str:
    if not text and not code:
        return ""
    return f"{code or '?'} ({_shorten(text or '', 30)})"


def _shorten(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


@app.command("eval", cls=_Command)
def evaluate_command(
    name: Annotated[str, typer.Argument(help="events (our corpus), plover-gsr, "
                                            "conflibert-class, conflibert-ner, case2021, "
                                            "petrarch-unit, dates or places.")],
    file: Annotated[Path | None, typer.Option(help="Another file in the same format.")] = None,
    split: Annotated[str | None, typer.Option(
        help="events only: dev or test (default: test; a --file is scored whole).")] = None,
    limit: Annotated[int | None, typer.Option(min=1,
                                              help="Score only the first N records.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
    settings_file: SettingsOption = None,
) -> None:
    """Score the coder on a gold set and print its figures."""
    from newsevents.evaluation.runner import evaluate

    settings = _settings(settings_file)
    if split is not None and split not in ("train", "dev", "test"):
        raise _fail(f"--split must be dev or test, not {split!r}")
    report = evaluate(name, settings, file, limit, split)
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
    if "literal" in report:
        out.print("section 8 read literally (a coded event may match several annotated "
                  "events; the figures above match one to one):", highlight=False)
        for key, value in report["literal"].items():
            out.print(f"  {key:26} {value:.3f}", highlight=False)
    if "reliability" in report:
        out.print("reliability (confidence from, events, share fully right):", highlight=False)
        for low, count, share in report["reliability"]:
            shown = "" if share is None else f"{share:.3f}"
            out.print(f"  >= {low:.1f}  {count:6}  {shown}", highlight=False)
    misses = report.get("misses") or []
    if misses and len(misses[0]) == 3:  # events: (gold type, coded type, count)
        out.print("most frequent misses (gold type, coded type; - = none):", highlight=False)
        for gold_label, coded_label, count in misses[:12]:
            out.print(f"  {gold_label:>12} -> {coded_label:<12} {count}", highlight=False)
    elif misses:  # dates and places: one row per record (id, gold, coded, what it tests)
        out.print(f"misses ({len(misses)}; record: gold -> coded):", highlight=False)
        for record, wanted, got, *tests in misses[:12]:
            out.print(f"  {record}: {wanted} -> {got}" + (f"  [{tests[0]}]" if tests else ""),
                      highlight=False, markup=False)
    if "confusion" in report:
        out.print("most frequent (gold, predicted) pairs:", highlight=False)
        for gold_label, predicted, count in report["confusion"][:12]:
            out.print(f"  {gold_label:>12} -> {predicted:<12} {count}", highlight=False)
