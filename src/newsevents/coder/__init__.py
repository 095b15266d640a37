"""The event coder: actors and CAMEO events from spaCy dependency parses."""
