"""Storage: DuckDB by default."""

from newsevents.store.duckdb_store import SCHEMA_VERSION, Store

__all__ = ["SCHEMA_VERSION", "Store"]
