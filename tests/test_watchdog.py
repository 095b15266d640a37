"""HTML extraction in its watchdog process: the same fields as in-process, a page past the
time limit is stopped and reported, and the next page is extracted by a fresh child."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from newsevents.clean.watchdog import BoundedExtractor, extract
from newsevents.limits import StageTimeout

PAGE = """<html><head><title>Talks resume in Geneva</title>
<meta name="date" content="2024-03-02"></head><body><article>
<h1>Talks resume in Geneva</h1>
<p>Negotiators from Armenia and Azerbaijan met in Geneva on Monday to resume talks on a peace
treaty, officials said, after months without a meeting between the two delegations.</p>
<p>The foreign ministers are expected to join the talks later this week, according to a
statement released by the Swiss government on Sunday evening.</p>
</article></body></html>"""


def _heavy_page() -> str:
    paragraphs = "".join(f"<div><p>Paragraph {n} of a very long page, with words enough to "
                         f"make the extractor read it all: {'lorem ipsum ' * 20}</p></div>"
                         for n in range(20_000))
    return f"<html><body><article>{paragraphs}</article></body></html>"


def test_the_child_extracts_what_trafilatura_extracts_in_process() -> None:
    extractor = BoundedExtractor()
    try:
        assert extractor.extract(PAGE, "https://example.org/a", 60.0) == \
            extract(PAGE, "https://example.org/a")
    finally:
        extractor.close()


def test_a_page_past_the_limit_is_stopped_and_the_next_one_is_read() -> None:
    extractor = BoundedExtractor()
    try:
        extractor.extract(PAGE, None, 60.0)  # the child is up and warm
        with pytest.raises(StageTimeout) as caught:
            extractor.extract(_heavy_page(), None, 0.05)
        assert str(caught.value) == ("extracting the HTML took longer than the 0.05 s limit "
                                     "(ingest.stage_seconds)")
        fields = extractor.extract(PAGE, None, 60.0)
        assert fields is not None and "Negotiators from Armenia" in str(fields["text"])
    finally:
        extractor.close()


def test_a_run_records_a_page_past_the_limit_and_stores_the_others(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a-heavy.html").write_text(_heavy_page(), "utf-8")
    (folder / "b-good.html").write_text(PAGE, "utf-8")
    settings = tmp_path / "s.toml"
    settings.write_text("[ingest]\nstage_seconds = 0.5\nmax_bytes = 50000000\n")
    db = tmp_path / "x.duckdb"
    done = subprocess.run([str(Path(sys.executable).parent / "newsevents"), "run", str(folder),
                           "--db", str(db), "--settings", str(settings), "--no-events"],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    with duckdb.connect(str(db), read_only=True) as con:
        errors = con.execute("SELECT path, reason FROM ingest_errors").fetchall()
        titles = con.execute("SELECT title FROM articles").fetchall()
    assert errors == [(str(folder / "a-heavy.html"), "extracting the HTML took longer than "
                       "the 0.5 s limit (ingest.stage_seconds)")]
    assert titles == [("Talks resume in Geneva",)]
