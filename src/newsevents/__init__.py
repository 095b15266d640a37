"""newsevents: who did what to whom, when and where, from news text, offline."""

from newsevents.records import Article, DroppedLine, IngestFailure

__all__ = ["Article", "DroppedLine", "IngestFailure", "__version__"]
__version__ = "0.1.0"
