"""Executors: the same shard step run in this process or mapped over a Dask cluster.

Only the executor changes between a laptop and a cluster. Each shard is read, coded and written
as Parquet parts by `process_shard`; the run then loads every finished shard into DuckDB, one
transaction per shard, and clusters the new events. A rerun skips finished shards and loads
nothing twice. On Dask, a shard whose worker dies or whose step raises is retried once; a shard
that fails twice is reported with its reason, and the run goes on.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Protocol

from newsevents.errors import NewsEventsError
from newsevents.scale.loader import Loaded, load_shards
from newsevents.scale.parts import ShardResult, process_shard
from newsevents.scale.shards import Shard, plan_shards
from newsevents.settings import Settings
from newsevents.store.duckdb_store import Store

log = logging.getLogger(__name__)


@dataclass(slots=True, frozen=True)
class ShardFailure:
    shard_id: str
    reason: str


Outcome = ShardResult | ShardFailure


class Executor(Protocol):
    def run(self, shards: Sequence[Shard], settings: Settings, out: str,
            given_date: date | None) -> Iterator[Outcome]: ...


class LocalExecutor:
    """Every shard in this process, in order."""

    def run(self, shards: Sequence[Shard], settings: Settings, out: str,
            given_date: date | None) -> Iterator[Outcome]:
        for shard in shards:
            try:
                yield process_shard(shard, settings, out, given_date)
            except Exception as exc:  # one shard's failure must not stop the run
                log.exception("shard %s failed", shard.shard_id)
                yield ShardFailure(shard.shard_id, f"{type(exc).__name__}: {exc}")


class DaskExecutor:
    """Shards mapped over `dask.distributed` workers: an existing cluster at `scheduler`, or a
    LocalCluster of `workers` processes started for the run. Each worker loads the models once
    (they are cached per process) and keeps them for every shard it takes."""

    def __init__(self, scheduler: str | None = None, workers: int = 2) -> None:
        self.scheduler = scheduler
        self.workers = workers

    def run(self, shards: Sequence[Shard], settings: Settings, out: str,
            given_date: date | None) -> Iterator[Outcome]:
        try:
            import dask
            from distributed import Client, LocalCluster, as_completed
        except ImportError as exc:
            raise NewsEventsError("--executor dask needs dask.distributed: "
                                  "pip install 'newsevents[dask]'") from exc
        with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
            cluster = None
            if self.scheduler is None:
                for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
                    os.environ.setdefault(name, "1")  # one core per worker process
                cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1,
                                       processes=True, host="127.0.0.1",
                                       dashboard_address=None)
            try:
                with Client(self.scheduler or cluster) as client:
                    share = _per_worker(settings, len(client.scheduler_info()["workers"]))
                    futures = {client.submit(process_shard, shard, share, out, given_date,
                                             key=f"newsevents-shard-{shard.shard_id}",
                                             retries=1, pure=False): shard.shard_id
                               for shard in shards}
                    for future in as_completed(futures):
                        try:
                            yield future.result()
                        except Exception as exc:
                            yield ShardFailure(futures[future], f"{type(exc).__name__}: {exc}")
            finally:
                if cluster is not None:
                    cluster.close()


def _per_worker(settings: Settings, workers: int) -> Settings:
    """Each worker's settings: spaCy in one process, the encoder sharing the cores."""
    cores = os.cpu_count() or 1
    threads = settings.coder.encoder_threads or max(1, cores // max(1, workers))
    return settings.with_overrides(nlp={"n_process": 1}, coder={"encoder_threads": threads})


@dataclass(slots=True)
class ShardedSummary:
    shards: int = 0
    skipped: int = 0
    failed: list[ShardFailure] = field(default_factory=list)
    loaded: Loaded = field(default_factory=Loaded)
    clusters_new: int = 0
    seconds: float = 0.0


def run_sharded(paths: Sequence[str], settings: Settings, store: Store, executor: Executor,
                out: str, given_date: date | None = None,
                on_outcome: Callable[[Outcome], None] | None = None) -> ShardedSummary:
    """Plan shards, run the pending ones on the executor, load each as it finishes, then
    cluster the new events."""
    from newsevents.analysis.clusters import update_clusters

    start = time.perf_counter()
    Path(out).mkdir(parents=True, exist_ok=True)
    shards = plan_shards(paths, settings.scale.shard_records, settings.scale.shard_files)
    summary = ShardedSummary(shards=len(shards))
    order = [s.shard_id for s in shards]
    for outcome in executor.run(shards, settings, out, given_date):
        if isinstance(outcome, ShardFailure):
            summary.failed.append(outcome)
        elif outcome.skipped:
            summary.skipped += 1
        if not isinstance(outcome, ShardFailure):
            added = load_shards(store, Path(out), [outcome.shard_id])
            _add(summary.loaded, added)
        if on_outcome is not None:
            on_outcome(outcome)
    _add(summary.loaded, load_shards(store, Path(out), order))  # finished by an earlier run
    summary.clusters_new = update_clusters(store.db, settings.dedup).new_clusters
    summary.seconds = time.perf_counter() - start
    return summary


def _add(total: Loaded, more: Loaded) -> None:
    total.shards += more.shards
    total.articles += more.articles
    total.events += more.events
    total.errors += more.errors
