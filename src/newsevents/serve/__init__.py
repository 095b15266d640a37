"""`newsevents serve`: the read-only HTTP API (under /api/) and the dashboard over it."""

from newsevents.serve.access import QueryTimeout, ServeError
from newsevents.serve.app import create_app, run_server

__all__ = ["QueryTimeout", "ServeError", "create_app", "run_server"]
