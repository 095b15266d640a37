"""Bad input: a one-line reason naming the file, a recorded failure, and the run goes on."""

from __future__ import annotations

import gzip
import os
from pathlib import Path

from newsevents.ingest.job import read_articles
from newsevents.records import Article, IngestFailure
from newsevents.settings import Settings
from tests.conftest import article_text

GERMAN = (
    "Der Stadtrat hat am Dienstag nach langen Verhandlungen den Haushalt für das kommende Jahr "
    "beschlossen. Die Opposition kritisierte, dass die Mittel für Schulen und Straßen nicht "
    "ausreichen würden, und kündigte an, die Entscheidung vor Gericht prüfen zu lassen. "
)


def _outcomes(settings: Settings, *paths: Path) -> list[Article | IngestFailure]:
    return list(read_articles([str(p) for p in paths], settings))


def _reason(settings: Settings, path: Path) -> str:
    (outcome,) = _outcomes(settings, path)
    assert isinstance(outcome, IngestFailure)
    assert outcome.path == str(path)
    assert "\n" not in outcome.message
    return outcome.reason


def test_each_bad_file_fails_alone_and_the_good_one_is_read(tmp_path: Path,
                                                            settings: Settings) -> None:
    files = {
        "empty.txt": b"",
        "blank.txt": b" \n\n \t\n",
        "binary.txt": bytes(range(256)) * 40,
        "good.txt": "\n\n".join(article_text(n) for n in range(3)).encode(),
        "tags.html": b"<html><head><script>var x = 1;</script></head><body><div></div></body>",
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    outcomes = _outcomes(settings, *(tmp_path / name for name in files))
    by_file = {Path(o.path).name: o for o in outcomes}
    assert set(by_file) == set(files)
    assert isinstance(by_file["good.txt"], Article)
    reasons = {name: o.reason for name, o in by_file.items() if isinstance(o, IngestFailure)}
    assert reasons == {
        "empty.txt": "empty file",
        "blank.txt": "empty file",
        "binary.txt": "binary data, not text, HTML, JSONL or WARC",
        "tags.html": "no article text found in the HTML",
    }


def test_legacy_encoding_is_detected_not_mangled(tmp_path: Path, settings: Settings) -> None:
    text = "\n\n".join(article_text(n, "the café’s owners in Zürich") for n in range(3))
    path = tmp_path / "latin.txt"
    path.write_bytes(text.encode("cp1252"))
    (article,) = _outcomes(settings, path)
    assert isinstance(article, Article)
    assert "café’s owners in Zürich" in article.text


def test_utf8_with_a_broken_byte_keeps_every_other_character(tmp_path: Path,
                                                              settings: Settings) -> None:
    text = "\n\n".join(article_text(n, "officials in Bogotá and Medellín said Colombia’s")
                       for n in range(3)).encode()
    cut = text.index(b"officials")
    files = {"stray.txt": text[:cut] + b"\xff" + text[cut:],  # one byte that is never UTF-8
             "cut.txt": text + "São".encode()[:-1]}  # the last character cut in half
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
        (article,) = _outcomes(settings, tmp_path / name)
        assert isinstance(article, Article), name
        assert article.text.count("officials in Bogotá and Medellín said Colombia’s") == 3, name


def test_a_legacy_page_with_few_accents_reads_as_windows_1252(tmp_path: Path,
                                                              settings: Settings) -> None:
    # a detector cannot tell Windows-1252 from 1250 on a few letters; the commoner one wins
    for n, phrase in enumerate(("the talks in São Paulo", "the mayor of Bogotá",
                                "the minister said he didn’t agree")):
        text = "\n\n".join(article_text(k, phrase) for k in range(3))
        path = tmp_path / f"legacy{n}.txt"
        path.write_bytes(text.encode("cp1252"))
        (article,) = _outcomes(settings, path)
        assert isinstance(article, Article)
        assert phrase in article.text


def test_a_page_over_the_size_limit_is_refused_without_reading_it(tmp_path: Path,
                                                                  settings: Settings) -> None:
    path = tmp_path / "huge.html"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # a sparse 50 MB file
    assert os.path.getsize(path) == 52_428_800
    assert _reason(settings, path) == "too large: 52,428,800 bytes (limit 20,000,000)"


def test_a_gzip_bomb_is_refused(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "bomb.txt.gz"
    path.write_bytes(gzip.compress(b"a" * 30_000_000))
    assert _reason(settings, path) == "bad gzip data: too large: over 20,000,000 bytes once " \
                                      "decompressed"


def test_broken_html_still_gives_its_text(tmp_path: Path, settings: Settings) -> None:
    paragraphs = "".join(f"<p>{article_text(n)}" for n in range(3))
    path = tmp_path / "broken.html"
    path.write_text(f"<html><body><div><article><h1>Budget</h1>{paragraphs}<p><b>unclosed")
    (article,) = _outcomes(settings, path)
    assert isinstance(article, Article)
    assert article_text(2) in article.text


def test_non_english_page_is_recorded_with_its_language(tmp_path: Path,
                                                        settings: Settings) -> None:
    path = tmp_path / "de.txt"
    path.write_text("\n\n".join([GERMAN] * 3))
    (failure,) = _outcomes(settings, path)
    assert isinstance(failure, IngestFailure)
    assert failure.language == "de"
    assert failure.reason == "language is 'de', not en: skipped"


def test_missing_path_is_a_failure_not_a_crash(tmp_path: Path, settings: Settings) -> None:
    assert _reason(settings, tmp_path / "nope.txt") == "no such file or folder"


def test_a_page_with_no_article_left_is_recorded(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "nav.txt"
    path.write_text("Home\nWorld\nSport\nSubscribe to our newsletter\n© 2024 Example\n")
    assert _reason(settings, path).startswith("no article text: ")


def test_an_unsure_language_is_undetermined_and_kept(tmp_path: Path, settings: Settings) -> None:
    path = tmp_path / "names.txt"
    path.write_text("Merkel met Macron in Berlin. Rutte met Costa in Lisbon. Draghi met Scholz in "
                    "Rome. Fiala met Orbán in Prague. Kallas met Nauseda in Vilnius.")
    (article,) = _outcomes(settings, path)
    assert isinstance(article, Article)
    assert article.language == "und"


def test_a_text_too_long_for_the_parser_costs_one_document_not_the_run(
        tmp_path: Path, settings: Settings) -> None:
    """Chunks longer than spaCy's nlp.max_length (a user may set nlp.chunk_chars and
    nlp.batch_tokens above it): spaCy refuses the text, which costs that document only."""
    from newsevents.ingest.job import ingest
    from newsevents.store.duckdb_store import Store

    settings = settings.with_overrides(nlp={"chunk_chars": 2_000_000, "batch_tokens": 2_000_000})

    folder = tmp_path / "in"
    folder.mkdir()
    paragraph = article_text(1) + "\n\n"
    (folder / "a-long.txt").write_text(paragraph * (1_100_000 // len(paragraph)), "utf-8")
    (folder / "b-good.txt").write_text("Police arrested five opposition activists in Lagos "
                                       "on Monday, officials said.\n\n" + article_text(2),
                                       "utf-8")
    with Store(settings.store.db) as store:
        summary = ingest([str(folder)], settings, store)
        errors = [(e["path"], e["reason"]) for e in store.ingest_errors()]
        stored = store.known_articles([a.article_id for a in read_articles(
            [str(folder / "b-good.txt")], settings) if isinstance(a, Article)])
    assert summary.failures == 1 and len(stored) == 1
    ((path, reason),) = errors
    assert path.endswith("a-long.txt") and reason.startswith("parsing failed: [E088]")


def test_a_short_text_in_another_script_is_named_by_its_language(tmp_path: Path,
                                                                 settings: Settings) -> None:
    # too short for a confident guess, which would leave a Latin-script text undetermined;
    # these are plainly not English, and Chinese has no spaces to count words by
    texts = {"zh": "中国外交部周一表示，中国强烈反对美国对台湾的军售，"
                   "并呼吁华盛顿停止干涉中国内政。",
             "ru": "Министр заявил, что переговоры продолжатся в понедельник."}
    for code, text in texts.items():
        path = tmp_path / f"{code}.txt"
        path.write_text(text, "utf-8")
        assert _reason(settings, path) == f"language is '{code}', not en: skipped"
