"""The analyst's surface: API latency, aggregation, clustering and export times, each against a
bare DuckDB reference measured in the same run.

    .venv/bin/python bench/analysis.py DB [--scale 10] [--requests 200] [--json]

DB is a coded database (`make demo` writes demo.duckdb). The bench copies it, and with
`--scale N` also builds a database N times larger by repeating every article with new ids
(their events, clusters and all), then for each database:

- starts the real server (`newsevents.serve`, uvicorn on 127.0.0.1) and sends `--requests`
  requests to /api/events with varied filters and pages, timing each from the client
  (p50, p99), and times the same page of rows fetched by the same SQL run bare on DuckDB in
  this process (the reference: what HTTP, FastAPI, the count and JSON add);
- times `aggregate` by day (all mentions and unique) against a bare GROUP BY count;
- times re-clustering every event from scratch;
- times each export format against DuckDB's own `COPY … TO parquet` of the events table.

Requests go to loopback only; the number of requests is bounded.
"""

from __future__ import annotations

import argparse
import json
import shutil
import socket
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import duckdb
import httpx
import uvicorn

from newsevents.analysis import database
from newsevents.analysis.clusters import update_clusters
from newsevents.analysis.query import EventFilter
from newsevents.export import export_events
from newsevents.serve import create_app
from newsevents.settings import load_settings
from newsevents.store import Store

FILTERS: list[dict[str, Any]] = [
    {}, {"country": "USA"}, {"plover": "ASSAULT"}, {"cameo": "04"}, {"q": "president"},
    {"unique": "true"}, {"since": "2020-01-01", "until": "2020-12-31"}, {"actor": "IRN"},
    {"min_confidence": "0.5"}, {"offset": "100"},
]


def reference_query(params: dict[str, Any]) -> tuple[str, list[Any]]:
    """The SQL that fetches the same page of rows as the API request, run bare on DuckDB."""
    names = {"q": "text"}
    values = {names.get(k, k): v for k, v in params.items() if k not in ("unique", "offset")}
    if "min_confidence" in values:
        values["min_confidence"] = float(values["min_confidence"])
    return database.events_sql(EventFilter(**values), params.get("unique") == "true", 50,
                               int(params.get("offset", 0)))


def scaled_copy(source: str, folder: Path, times: int) -> str:
    """A copy of the database with every article repeated `times` times under new ids."""
    path = folder / f"x{times}.duckdb"
    shutil.copy(source, path)
    with Store(path) as store:
        db = store.db
        db.execute("BEGIN TRANSACTION")
        for k in range(1, times):
            suffix = f"-r{k}"
            db.execute("INSERT INTO articles SELECT * REPLACE (article_id || ? AS article_id, "
                       "url || ? AS url) FROM articles WHERE article_id NOT LIKE '%-r%'",
                       [suffix, suffix])
            db.execute("INSERT INTO events SELECT * REPLACE (event_id || ? AS event_id, "
                       "article_id || ? AS article_id) FROM events WHERE event_id NOT LIKE "
                       "'%-r%'", [suffix, suffix])
        db.execute("DELETE FROM cluster_members")
        db.execute("DELETE FROM event_clusters")
        db.execute("COMMIT")
    return str(path)


def _timed(call: Any, repeat: int = 3) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - start)
    return best


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def api_latency(db: str, requests: int) -> dict[str, float]:
    settings = load_settings().serve
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(db, settings), host="127.0.0.1",
                                           port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 30
    while not server.started and time.time() < deadline:
        time.sleep(0.05)
    api, bare = [], []
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client, \
                duckdb.connect(db, read_only=True) as con:
            client.get("/api/events").raise_for_status()
            for n in range(requests):
                params = FILTERS[n % len(FILTERS)]
                start = time.perf_counter()
                client.get("/api/events", params=params).raise_for_status()
                api.append(time.perf_counter() - start)
                sql, values = reference_query(params)
                start = time.perf_counter()
                con.execute(sql, values).fetchall()
                bare.append(time.perf_counter() - start)
    finally:
        server.should_exit = True
        thread.join(10)
    return {"api_p50_ms": _ms(statistics.median(api)), "api_p99_ms": _ms(_p99(api)),
            "duckdb_p50_ms": _ms(statistics.median(bare)), "duckdb_p99_ms": _ms(_p99(bare))}


def analysis_times(db: str, folder: Path) -> dict[str, float]:
    dedup = load_settings().dedup
    out: dict[str, float] = {}
    with Store(db) as store:
        con = store.db

        def recluster() -> None:
            con.execute("DELETE FROM cluster_members")
            con.execute("DELETE FROM event_clusters")
            update_clusters(con, dedup)

        out["cluster_all_s"] = _timed(recluster, 1)
        out["events"] = float(store.count("events"))
        out["clusters"] = float(con.execute("SELECT count(*) FROM event_clusters").fetchall()[0][0])
    with duckdb.connect(db, read_only=True) as con:
        out["aggregate_day_s"] = _timed(lambda: database.aggregate(con, "day", unique=False))
        out["aggregate_day_unique_s"] = _timed(lambda: database.aggregate(con, "day"))
        out["duckdb_group_by_s"] = _timed(lambda: con.execute(
            "SELECT date, count(*) FROM events GROUP BY date").fetchall())
        for fmt in ("parquet", "csv", "jsonl", "gdelt"):
            target = folder / f"out.{fmt}"
            out[f"export_{fmt}_s"] = _timed(lambda f=fmt, t=target: export_events(con, f, t))
        out["duckdb_copy_parquet_s"] = _timed(lambda: con.execute(
            f"COPY events TO '{folder / 'bare.parquet'}' (FORMAT parquet)"))
    return out


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 2)


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("db")
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    report: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        base = folder / "x1.duckdb"
        shutil.copy(args.db, base)
        for label, path in (("demo", str(base)),
                            (f"demo x{args.scale}", scaled_copy(args.db, folder, args.scale))):
            figures = analysis_times(path, folder)
            figures.update(api_latency(path, args.requests))
            report[label] = figures
    if args.json:
        print(json.dumps(report))
        return
    for label, figures in report.items():
        print(label)
        for key, value in figures.items():
            print(f"  {key:26} {value:10.3f}")


if __name__ == "__main__":
    main()
