"""The dashboard in a real browser: Debian's chromium driven by Playwright, against
`newsevents serve` running as a subprocess on a free loopback port.

Every count the pages show is checked against the database (directly, or through the JSON
twin that tests/test_serve_api.py checks against the database), and every request the
browser makes must stay on 127.0.0.1: the dashboard loads nothing from a CDN.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlparse

import duckdb
import pytest
from playwright.sync_api import Browser, Page, Route, sync_playwright

from tests.test_serve_api import build_demo_database

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
NETWORK_NODES = 12  # actors drawn in the overview's network


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo_database(tmp_path_factory.getbasetemp() / "serve-db")


@pytest.fixture(scope="module")
def con(demo_db: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(demo_db), read_only=True)
    yield connection
    connection.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def base_url(demo_db: Path) -> Iterator[str]:
    """`newsevents serve` as a user runs it; its announced URL once it answers."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "newsevents", "serve", "--db", str(demo_db), "--port",
         str(port), "--host", "127.0.0.1"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert server.stdout is not None
        announced = server.stdout.readline()
        url = f"http://127.0.0.1:{port}/"
        assert announced.strip() == (f"newsevents: serving {demo_db} at {url} "
                                     "(Ctrl-C to stop)"), announced
        deadline = time.monotonic() + 20
        while True:
            try:
                with urllib.request.urlopen(url + "api/articles?limit=1", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.1)
        yield url.rstrip("/")
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install "
                    "chromium) to run the dashboard tests; Playwright's own browser "
                    "downloads are not used")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                              args=CHROMIUM_ARGS)
        yield launched
        launched.close()


class Visit:
    """A page whose every request is checked: loopback goes through, anything else is
    aborted and remembered. JavaScript errors are remembered too."""

    def __init__(self, browser: Browser) -> None:
        self.context = browser.new_context(viewport={"width": 1400, "height": 900})
        self.outside: list[str] = []
        self.script_errors: list[str] = []
        self.context.route("**/*", self._guard)
        self.page: Page = self.context.new_page()
        self.page.on("pageerror", lambda exc: self.script_errors.append(str(exc)))

    def _guard(self, route: Route) -> None:
        if urlparse(route.request.url).hostname == "127.0.0.1":
            route.continue_()
        else:
            self.outside.append(route.request.url)
            route.abort()


@pytest.fixture
def visit(browser: Browser) -> Iterator[Visit]:
    checked = Visit(browser)
    yield checked
    checked.context.close()
    assert checked.outside == [], "the dashboard asked for something off this machine"
    assert checked.script_errors == []


def api(base_url: str, path: str) -> Any:
    import json

    with urllib.request.urlopen(base_url + path, timeout=20) as response:
        return json.load(response)


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> Any:
    row = con.execute(sql, params or []).fetchone()
    assert row is not None
    return row[0]


def test_overview_draws_what_the_data_says(visit: Visit, base_url: str,
                                           con: duckdb.DuckDBPyConnection,
                                           tmp_path: Path) -> None:
    page = visit.page
    response = page.goto(base_url + "/")
    assert response is not None and response.status == 200
    twin = api(base_url, "/api/overview")
    timeline = page.locator("svg#timeline")
    by = timeline.get_attribute("data-by")
    assert by == twin["timeline"]["by"]
    # One bar per period and quad class that has events; their counts add up to the series.
    wanted = [(p["period"], q, p[f"quad{q}"]) for p in twin["timeline"]["periods"]
              for q in range(1, 5) if p[f"quad{q}"]]
    bars = timeline.locator("rect.bar")
    assert bars.count() == len(wanted) > 0
    drawn = sum(int(c) for c in bars.evaluate_all("els => els.map(e => e.dataset.count)"))
    series = api(base_url, f"/api/aggregate?by={by}&measure=count")["rows"]
    omitted = int(timeline.get_attribute("data-omitted-before") or 0) + int(
        timeline.get_attribute("data-omitted-after") or 0)
    assert drawn + omitted == sum(r["events"] for r in series)
    assert timeline.locator("text.axis").count() >= 4  # labelled axes
    assert page.locator(".legend").first.inner_text().count("cooperation") == 2
    # Every located report is a point linking to its event.
    located = scalar(con, "SELECT count(*) FROM events WHERE location.lat IS NOT NULL")
    points = page.locator("svg#map a.point")
    assert points.count() == located > 0
    href = points.first.get_attribute("href") or ""
    assert href.startswith("/events/")
    # The network: the most frequent actors, and an edge per pair of them with a dyad.
    actors = scalar(con, "SELECT count(DISTINCT code) FROM (SELECT source.code AS code FROM "
                         "events UNION ALL SELECT target.code FROM events) WHERE code IS NOT "
                         "NULL")
    assert page.locator("svg#network a.node").count() == min(actors, NETWORK_NODES)
    assert page.locator("svg#network line.edge").count() == len(twin["network"]["edges"])
    assert page.locator("table.dyads tbody tr").count() == len(twin["dyads"])
    page.screenshot(path=str(tmp_path / "overview.png"), full_page=True)


def test_events_filter_form(visit: Visit, base_url: str,
                            con: duckdb.DuckDBPyConnection) -> None:
    country = scalar(con, "SELECT source.country FROM events WHERE source.country IS NOT NULL "
                          "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")
    expected = scalar(con, "SELECT count(*) FROM events WHERE source.country = ? OR "
                           "target.country = ?", [country, country])
    page = visit.page
    page.goto(base_url + "/events")
    assert int(page.locator(".pager .total").first.inner_text().replace(",", "")) == scalar(
        con, "SELECT count(*) FROM events")
    page.fill("form.filters input[name=country]", country)
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    assert urlparse(page.url).query == f"country={country}"  # blank fields left out
    rows = page.locator("table.events tbody tr[data-event-id]")
    assert rows.count() == min(expected, 50) > 0
    for source, target in rows.evaluate_all(
            "rows => rows.map(r => [r.dataset.sourceCountry, r.dataset.targetCountry])"):
        assert country in (source, target)
    total = api(base_url, f"/api/events?country={country}")["total"]
    assert int(page.locator(".pager .total").first.inner_text()) == total == expected


def _filter_values(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """A value for each filter of the form that matches some but not all events."""
    def most(sql: str) -> str:
        return str(scalar(con, sql + " GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1"))

    return {
        "actor": most("SELECT source.code FROM events WHERE source.code IS NOT NULL"),
        "source": most("SELECT source.code FROM events WHERE source.code IS NOT NULL"),
        "target": most("SELECT target.code FROM events WHERE target.code IS NOT NULL"),
        "country": most("SELECT target.country FROM events WHERE target.country IS NOT NULL"),
        "cameo": most("SELECT cameo[1:2] FROM events"),
        "root": most("SELECT cameo_root FROM events"),
        "plover": most("SELECT plover.event FROM events"),
        "since": most("SELECT CAST(date AS VARCHAR) FROM events WHERE date IS NOT NULL"),
        "until": most("SELECT CAST(date AS VARCHAR) FROM events WHERE date IS NOT NULL"),
        "place": most("SELECT location.country FROM events WHERE location IS NOT NULL"),
        "min_confidence": "0.5",
        "q": "said",
    }


@pytest.mark.parametrize("name", ["actor", "source", "target", "country", "cameo", "root",
                                  "plover", "since", "until", "place", "min_confidence", "q"])
def test_every_filter_of_the_form_lists_what_the_api_returns(
        visit: Visit, base_url: str, con: duckdb.DuckDBPyConnection, name: str) -> None:
    value = _filter_values(con)[name]
    page = visit.page
    page.goto(base_url + "/events")
    field = f"form.filters [name={name}]"
    if name == "plover":
        page.select_option(field, value)
    else:
        page.fill(field, value)
    with page.expect_navigation():
        page.click("form.filters button[type=submit]")
    assert page.locator(".error").count() == 0, page.locator(".error").first.inner_text()
    total = api(base_url, "/api/events?" + urlencode({name: value}))["total"]
    every = scalar(con, "SELECT count(*) FROM events")
    assert total > 0
    assert int(page.locator(".pager .total").first.inner_text().replace(",", "")) == total
    rows = page.locator("table.events tbody tr[data-event-id]")
    assert rows.count() == min(total, 50)
    assert name in ("min_confidence", "since", "until", "q") or total < every, \
        f"{name}={value} should narrow the list"


def test_event_page_highlights_the_evidence(visit: Visit, base_url: str) -> None:
    page = visit.page
    page.goto(base_url + "/events?min_confidence=0.1")
    first = page.locator("table.events tbody tr[data-event-id]").first
    event_id = first.get_attribute("data-event-id")
    with page.expect_navigation():
        first.locator("td.sentence").click()  # the whole row opens the event (app.js)
    assert page.url.endswith(f"/events/{event_id}")
    twin = api(base_url, f"/api/events/{event_id}")
    assert page.locator("blockquote.sentence mark.trigger").inner_text() == twin["trigger"]
    roles = {m["role"]: m["text"] for m in twin["evidence"]["marks"]}
    for role in ("source", "target"):
        marks = page.locator(f"blockquote.sentence mark.{role}")
        if role in roles:
            assert marks.inner_text() == roles[role]
        else:
            assert marks.count() == 0
    assert page.locator("blockquote.sentence").inner_text() == twin["sentence"]
    assert page.locator("table.cluster tbody tr").count() == len(twin["cluster"])
    assert page.locator("a.twin").get_attribute("href") == f"/api/events/{event_id}"


def test_articles_and_actors_pages(visit: Visit, base_url: str,
                                   con: duckdb.DuckDBPyConnection) -> None:
    page = visit.page
    assert (page.goto(base_url + "/articles") or pytest.fail("no response")).status == 200
    articles = scalar(con, "SELECT count(*) FROM articles")
    assert page.locator("table.articles tbody tr[data-article-id]").count() == min(articles, 50)
    page.click("nav a:text('Actors')")
    page.wait_for_url("**/actors")
    codes = [r[0] for r in con.execute(
        "SELECT DISTINCT code FROM (SELECT source.code AS code FROM events UNION ALL "
        "SELECT target.code FROM events) WHERE code IS NOT NULL").fetchall()]
    shown = page.locator("table.actors tbody tr[data-code]").evaluate_all(
        "rows => rows.map(r => r.dataset.code)")
    assert len(shown) == min(len(codes), 50) and set(shown) <= set(codes)


def test_bad_filter_shows_its_message(visit: Visit, base_url: str) -> None:
    page = visit.page
    page.goto(base_url + "/events")
    page.fill("form.filters input[name=country]", "Iran")
    with page.expect_navigation() as navigation:
        page.click("form.filters button[type=submit]")
    assert navigation.value is not None and navigation.value.status == 422
    assert page.locator("#error").inner_text() == (
        "country: 'Iran' is not an ISO 3166 alpha-3 country code (Iran is IRN)")
    assert page.locator("table.events").count() == 0
    assert page.input_value("form.filters input[name=country]") == "Iran"
