"""The canonical input: what a user expects the cleaner to do with the seed page."""

from __future__ import annotations

import re

import pytest

from newsevents.clean import clean_page
from newsevents.clean.furniture import (
    AD_MARKER,
    AUTHOR_BIO,
    PROMPT,
    RELATED_HEADING,
    TEASER,
)


@pytest.fixture(scope="module")
def page(seed_text: str):  # type: ignore[no-untyped-def]
    return clean_page(seed_text)


def _seed_paragraphs(seed_text: str) -> list[str]:
    """The article's paragraphs: the lines between the headline and the first trailing ad."""
    lines = [" ".join(line.split()) for line in seed_text.splitlines() if line.strip()]
    start = 3  # dateline, headline, ad marker
    end = lines.index(lines[2], start)  # the second ad marker closes the article
    return [line for line in lines[start:end] if len(line.split()) > 8]


def test_keeps_every_article_paragraph(page, seed_text: str) -> None:  # type: ignore[no-untyped-def]
    kept = page.text.split("\n\n")
    paragraphs = _seed_paragraphs(seed_text)
    assert len(paragraphs) == 15
    for paragraph in paragraphs:
        assert paragraph in kept


def test_keeps_both_subheads_in_place(page) -> None:  # type: ignore[no-untyped-def]
    kept = page.text.split("\n\n")
    for subhead in ("Europe again shows a weak hand", "The regime has been shaken to its core"):
        i = kept.index(subhead)
        assert len(kept[i - 1].split()) > 30 and len(kept[i + 1].split()) > 30


def test_drops_furniture_with_reasons(page) -> None:  # type: ignore[no-untyped-def]
    reasons = [d.reason for d in page.dropped]
    assert reasons.count(AD_MARKER) == 2
    assert any(d.reason == PROMPT and "newsletter" in d.line for d in page.dropped)
    assert any(d.reason == AUTHOR_BIO and "editor-in-chief" in d.line for d in page.dropped)
    heading = [d for d in page.dropped if d.reason == RELATED_HEADING]
    assert [d.line for d in heading] == ["Don't miss"]
    assert reasons.count(TEASER) == 16
    for dropped in page.dropped:
        assert dropped.line not in page.text


def test_viewing_date_is_page_date_not_published(page) -> None:  # type: ignore[no-untyped-def]
    assert page.page_date == "2023-12-07"
    assert page.published is None


def test_title_is_the_headline_and_not_in_text(page) -> None:  # type: ignore[no-untyped-def]
    assert page.title == (
        "Iran’s ruling mullahs have demanded that European governments crackdown on "
        "opposition groups"
    )
    assert page.title not in page.text
    assert not re.search(r"December 7, 2023", page.text)
