"""Schema migrations, in order. A database is brought to the newest version when opened.

To change the schema, append a migration; never edit one that has shipped.
"""

from __future__ import annotations

MIGRATIONS: tuple[tuple[int, tuple[str, ...]], ...] = (
    (1, (
        """CREATE TABLE articles (
            article_id VARCHAR PRIMARY KEY,
            path VARCHAR NOT NULL,
            url VARCHAR,
            outlet VARCHAR,
            title VARCHAR,
            author VARCHAR,
            published DATE,
            published_source VARCHAR NOT NULL,
            page_date DATE,
            language VARCHAR,
            text VARCHAR NOT NULL,
            dropped STRUCT(line VARCHAR, reason VARCHAR)[] NOT NULL,
            ingested_at TIMESTAMP NOT NULL DEFAULT current_timestamp
        )""",
        """CREATE TABLE ingest_errors (
            error_id VARCHAR PRIMARY KEY,
            path VARCHAR NOT NULL,
            reason VARCHAR NOT NULL,
            language VARCHAR,
            content_sha VARCHAR,
            recorded_at TIMESTAMP NOT NULL DEFAULT current_timestamp
        )""",
    )),
)
