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
    (2, (
        """CREATE TABLE events (
            event_id VARCHAR PRIMARY KEY,
            article_id VARCHAR NOT NULL,
            sentence_index INTEGER NOT NULL,
            sentence VARCHAR NOT NULL,
            trigger VARCHAR NOT NULL,
            trigger_span INTEGER[] NOT NULL,
            source STRUCT(text VARCHAR, code VARCHAR, country VARCHAR, sector VARCHAR,
                          span INTEGER[], entity_type VARCHAR, rule VARCHAR),
            target STRUCT(text VARCHAR, code VARCHAR, country VARCHAR, sector VARCHAR,
                          span INTEGER[], entity_type VARCHAR, rule VARCHAR),
            cameo VARCHAR NOT NULL,
            cameo_root VARCHAR NOT NULL,
            quad_class INTEGER,
            goldstein DOUBLE,
            plover STRUCT(event VARCHAR, mode VARCHAR),
            date DATE,
            date_precision VARCHAR,
            location STRUCT(name VARCHAR, country VARCHAR, lat DOUBLE, lon DOUBLE,
                            geonameid BIGINT),
            negated BOOLEAN NOT NULL,
            hypothetical BOOLEAN NOT NULL,
            attribution STRUCT(type VARCHAR, text VARCHAR),
            reported_by VARCHAR,
            confidence DOUBLE NOT NULL,
            rule VARCHAR NOT NULL
        )""",
        "CREATE INDEX events_article ON events (article_id)",
    )),
    (3, (
        "ALTER TABLE articles ADD COLUMN published_precision VARCHAR",
        "ALTER TABLE articles ADD COLUMN published_confidence DOUBLE",
        "ALTER TABLE articles ADD COLUMN published_evidence VARCHAR",
        """CREATE TABLE quotes (
            quote_id VARCHAR PRIMARY KEY,
            article_id VARCHAR NOT NULL,
            speaker STRUCT(text VARCHAR, code VARCHAR, country VARCHAR, sector VARCHAR,
                           span INTEGER[], entity_type VARCHAR, rule VARCHAR),
            text VARCHAR NOT NULL,
            span INTEGER[] NOT NULL,
            anonymous BOOLEAN NOT NULL,
            kind VARCHAR NOT NULL
        )""",
        "CREATE INDEX quotes_article ON quotes (article_id)",
    )),
    (4, (
        # One row per event cluster: the events that report the same act (newsevents.clusters).
        # cluster_id is the event_id of the cluster's first member (its anchor); the anchor's
        # keys, dates and place are what later events are compared with.
        """CREATE TABLE event_clusters (
            cluster_id VARCHAR PRIMARY KEY,
            source_code VARCHAR,
            target_code VARCHAR,
            plover VARCHAR,
            cameo_root VARCHAR,
            cameo VARCHAR,
            date_from DATE,
            date_to DATE,
            country VARCHAR,
            lat DOUBLE,
            lon DOUBLE,
            num_mentions INTEGER NOT NULL,
            num_articles INTEGER NOT NULL,
            num_sources INTEGER NOT NULL,
            first_report DATE,
            last_report DATE
        )""",
        """CREATE TABLE cluster_members (
            event_id VARCHAR PRIMARY KEY,
            cluster_id VARCHAR NOT NULL
        )""",
        "CREATE INDEX cluster_members_cluster ON cluster_members (cluster_id)",
    )),
    (5, (
        # Shards of a sharded run (`run --executor dask|local --out DIR`) already loaded from
        # their Parquet parts, so that a rerun loads nothing twice.
        """CREATE TABLE loaded_shards (
            shard_id VARCHAR PRIMARY KEY,
            articles INTEGER NOT NULL,
            events INTEGER NOT NULL,
            errors INTEGER NOT NULL,
            loaded_at TIMESTAMP NOT NULL DEFAULT current_timestamp
        )""",
    )),
    (6, (
        # Articles stored without their events (`run --no-events`), so that a later run that
        # codes events codes them. Articles stored before this migration count as coded.
        "CREATE TABLE uncoded_articles (article_id VARCHAR PRIMARY KEY)",
    )),
)
