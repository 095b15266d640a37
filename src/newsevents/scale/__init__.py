"""Scale-out: shards, Parquet parts, executors (local or Dask) and the loader."""
