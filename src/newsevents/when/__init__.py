"""When: the publication date of an article and the dates of its events."""
