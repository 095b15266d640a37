"""Reading a database for analysis: filters, clusters, series."""
