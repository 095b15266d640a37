"""Cleaning scraped text pages: keep the article, drop page furniture with reasons."""

from newsevents.clean.textpage import CleanedPage, clean_page

__all__ = ["CleanedPage", "clean_page"]
