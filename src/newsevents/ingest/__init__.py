"""Ingest: turn files, folders, archives and stdin into Article records."""
