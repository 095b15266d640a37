"""The cleaner on pages it has never seen: furniture built from generic parts, not the seed."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from newsevents.clean import clean_page
from newsevents.clean.datelines import BYLINE, PAGE_DATE, PUBLISHED
from newsevents.clean.furniture import AD_MARKER, FOOTER, PROMPT, RELATED_HEADING, TEASER
from tests.conftest import article_text

NAV = ["Home", "World", "Politics", "Business", "Sport", "Opinion"]


def _page(*, head: list[str], body: list[str], tail: list[str]) -> str:
    return "\n\n".join(head + body + tail) + "\n"


def test_news_page_with_nav_related_list_and_footer() -> None:
    body = [article_text(n, topic) for n, topic in enumerate(["the senate", "the unions",
                                                              "the court", "the ministry"], 1)]
    teasers = []
    for n in range(4):
        teasers += [f"Floods in region {n} force evacuations",
                    f"Rescue teams in region {n} worked through the night to move families …"]
    text = _page(
        head=[*NAV, "Budget talks drag on as deadline nears", "By Jane Holloway"],
        body=[body[0], body[1], "Advertisement", body[2], body[3]],
        tail=["Share this article", "More stories", *teasers,
              "© 2024 Example Media Group. All rights reserved."],
    )
    page = clean_page(text)
    assert page.text.split("\n\n") == body
    assert page.title == "Budget talks drag on as deadline nears"
    assert page.author == "Jane Holloway"
    reasons = {d.line: d.reason for d in page.dropped}
    assert reasons["Advertisement"] == AD_MARKER
    assert reasons["Share this article"] == PROMPT
    assert reasons["More stories"] == RELATED_HEADING
    assert all(reasons[t] == TEASER for t in teasers)
    assert reasons["© 2024 Example Media Group. All rights reserved."] == FOOTER
    assert reasons["By Jane Holloway"] == BYLINE
    assert all(nav in reasons for nav in NAV)


def test_date_above_headline_is_viewing_date_below_is_publication() -> None:
    body = [article_text(n) for n in range(1, 4)]
    viewed = clean_page(_page(head=["Monday, March 4, 2024", "Council agrees budget"],
                              body=body, tail=[]))
    assert (viewed.page_date, viewed.published) == ("2024-03-04", None)
    published = clean_page(_page(head=["Council agrees budget", "Published: 12 June 2023"],
                                 body=body, tail=[]))
    assert (published.page_date, published.published) == (None, "2023-06-12")
    reasons = {d.line: d.reason for d in published.dropped}
    assert reasons["Published: 12 June 2023"] == PUBLISHED
    assert {d.line: d.reason for d in viewed.dropped}["Monday, March 4, 2024"] == PAGE_DATE


def test_a_clean_article_loses_nothing() -> None:
    body = [article_text(n, f"committee {n}") for n in range(1, 7)]
    page = clean_page("\n\n".join(body))
    assert page.text.split("\n\n") == body
    assert page.dropped == ()


def test_lists_inside_the_article_are_not_teasers() -> None:
    items = [f"Point {n}: the plan covers district {n} and more …" for n in range(4)]
    body = [article_text(1), *items, article_text(2), article_text(3)]
    page = clean_page("\n\n".join(body))
    assert all(d.reason != TEASER for d in page.dropped)


_line = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=120)


@settings(max_examples=150, deadline=None)
@given(st.lists(_line, max_size=40))
def test_every_line_is_kept_titled_or_dropped_with_a_reason(lines: list[str]) -> None:
    text = "\n".join(lines)
    page = clean_page(text)
    accounted = page.text.split("\n\n") + [d.line for d in page.dropped]
    if page.title:
        accounted.append(page.title)
    expected = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    assert sorted(filter(None, accounted)) == sorted(expected)
    assert all(d.reason for d in page.dropped)


def test_a_lone_paragraph_is_kept_whole() -> None:
    sentence = "Iranian forces shelled positions of Kurdish groups in northern Iraq on Monday."
    assert clean_page(sentence).text == sentence
    assert clean_page(f"Home\n{sentence}\nAdvertisement").text == sentence


def test_stoplists_are_jusTexts_own_for_every_language_we_name() -> None:
    """The stoplists are read from jusText's files without importing jusText (a tenth of a
    second a run); they must be exactly the sets jusText itself gives."""
    import justext

    from newsevents.clean.vocab import _stoplist_names, stoplist

    for code, name in _stoplist_names().items():
        assert stoplist(code) == justext.get_stoplist(name), code
    assert stoplist("xx") == justext.get_stoplist("English")
