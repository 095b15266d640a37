"""newsevents: who did what to whom, when and where, from news text, offline.

`newsevents.code(text, date=...)` codes a text; `newsevents.open(db)` reads a database as data
frames (see `newsevents.api`). Both load on first use, so importing the package stays cheap.
"""

from typing import Any

from newsevents.records import Article, DroppedLine, IngestFailure

__all__ = ["Article", "Database", "DroppedLine", "IngestFailure", "__version__", "code", "open"]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    if name in ("code", "open", "Database"):
        from newsevents import api

        return getattr(api, name)
    raise AttributeError(f"module 'newsevents' has no attribute {name!r}")
