"""The DuckDB store: idempotent, transactional, versioned."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path

import duckdb
import pytest

from newsevents.errors import StoreError
from newsevents.ingest.job import ingest
from newsevents.records import Article, DroppedLine, IngestFailure
from newsevents.settings import Settings
from newsevents.store import SCHEMA_VERSION, Store
from newsevents.store.duckdb_store import Written
from tests.conftest import article_text


def _article(n: int) -> Article:
    text = article_text(n)
    return Article(Article.make_id(text, None), f"a{n}.txt", text, title=f"T{n}",
                   published="2023-06-01", published_source="metadata",
                   dropped=(DroppedLine("Home", "navigation"),))


def test_rerun_adds_nothing_twice(tmp_path: Path, settings: Settings) -> None:
    for n in range(3):
        (tmp_path / f"{n}.txt").write_text("\n\n".join(article_text(n + k) for k in range(3)))
    (tmp_path / "empty.txt").write_text("")
    with Store(settings.store.db) as store:
        first = ingest([str(tmp_path)], settings, store)
        second = ingest([str(tmp_path)], settings, store)
        assert (first.articles_new, first.failures_new) == (3, 1)
        assert (second.articles_new, second.articles_known, second.failures_new) == (0, 3, 0)
        assert (store.count("articles"), store.count("ingest_errors")) == (3, 1)


def test_round_trip_keeps_every_field(settings: Settings) -> None:
    article = _article(1)
    with Store(settings.store.db) as store:
        store.write([article])
        (stored,) = list(store.articles())
    assert stored == {k: v for k, v in article.to_dict().items()}


def test_a_failed_batch_writes_nothing(settings: Settings) -> None:
    broken = replace(_article(3), published="2023-13-45")  # the database refuses this date
    with Store(settings.store.db) as store:
        with pytest.raises(duckdb.Error):
            store.write([_article(1), _article(2), broken, IngestFailure("x.txt", "empty file")])
        assert store.count("ingest_errors") == 0
        assert store.count("articles") == 0
        assert store.write([_article(1)]) == Written(1, 0, 0)


def test_an_interrupt_mid_write_leaves_only_whole_batches(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(5):
        (tmp_path / f"{n}.txt").write_text("\n\n".join(article_text(n + k) for k in range(3)))
    small = settings.with_overrides(store={"batch_size": 2})
    insert = Store._insert
    calls = []

    def insert_then_ctrl_c(self: Store, table: str, *args: object) -> int:
        written = insert(self, table, *args)  # type: ignore[arg-type]
        calls.append(table)
        if calls.count("articles") == 2:  # the second batch's articles are in, not committed
            raise KeyboardInterrupt
        return written

    with Store(small.store.db) as store:
        monkeypatch.setattr(Store, "_insert", insert_then_ctrl_c)
        with pytest.raises(KeyboardInterrupt):
            ingest([str(tmp_path)], small, store)
        monkeypatch.setattr(Store, "_insert", insert)
        assert store.count("articles") == 2  # the first batch; the second was rolled back
        resumed = ingest([str(tmp_path)], small, store)
        assert (resumed.articles_new, store.count("articles")) == (3, 5)


def test_new_database_is_at_the_current_schema(settings: Settings) -> None:
    with Store(settings.store.db) as store:
        assert store.version == SCHEMA_VERSION


def test_migration_from_an_older_version(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    with duckdb.connect(str(path)) as db:
        db.execute("CREATE TABLE schema_info (version INTEGER NOT NULL)")
    with Store(path) as store:
        assert store.version == SCHEMA_VERSION
        assert store.write([_article(1)]) == Written(1, 0, 0)


def test_a_newer_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.duckdb"
    Store(path).close()
    with duckdb.connect(str(path)) as db:
        db.execute("INSERT INTO schema_info VALUES (99)")
    with pytest.raises(StoreError, match=r"was written by a newer newsevents "
                                         r"\(schema 99, this one knows \d+\)"):
        Store(path)


def test_read_only_open_of_a_missing_database_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no such database"):
        Store(tmp_path / "missing.duckdb", read_only=True)


def test_quotes_and_the_inferred_publication_are_stored_with_their_article(
        settings: Settings) -> None:
    from newsevents.coder.job import CodedArticle
    from newsevents.records import Actor, Quote

    article = replace(_article(2), published="2023-06-01", published_source="inferred",
                      published_precision="month", published_confidence=0.65,
                      published_evidence="latest dated reference 'June 11'")
    speaker = Actor("the minister", "IRNGOV", "IRN", "GOV", (0, 12), None, "agent")
    quote = Quote(Quote.make_id(article.article_id, (20, 40)), article.article_id, speaker,
                  "we will never accept", (20, 40), False, "direct")
    with Store(settings.store.db) as store:
        store.write([CodedArticle(article, (), (quote,))])
        store.write([CodedArticle(article, (), (quote,))])  # a re-run adds nothing twice
        assert store.count("quotes") == 1
        (record,) = list(store.articles())
        assert (record["published_precision"], record["published_confidence"]) == ("month", 0.65)
        row = store.db.execute("SELECT speaker.code, text, anonymous FROM quotes").fetchone()
        assert row == ("IRNGOV", "we will never accept", False)


def test_a_known_publication_date_is_a_day_without_coding() -> None:
    from newsevents.coder.job import with_given_date, with_inferred_date

    assert _article(3).published_precision == "day"  # from metadata, as `run --no-events`
    undated = replace(_article(3), published=None, published_source="unknown",
                      published_precision=None)
    assert undated.published_precision is None
    found = {"date": "2023-06-01", "precision": "month", "confidence": 0.5, "evidence": "x"}
    assert with_inferred_date(undated, found).published_precision == "month"
    given = with_given_date(with_inferred_date(undated, found), date(2023, 6, 15))
    assert (given.published, given.published_precision) == ("2023-06-15", "day")
