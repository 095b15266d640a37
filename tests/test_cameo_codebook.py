"""The CAMEO codebook: one table line gives one answer, and the build reproduces the tables."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from newsevents.cameo import (
    CameoCode,
    Codebook,
    UnknownCameoCode,
    load_codebook,
    parse_acled,
    parse_codebook,
    parse_penta,
)
from newsevents.errors import DictionaryError
from tests.conftest import ROOT, SHARED

BUILD = ROOT / "tools/build_codebook.py"
PACKAGED = ROOT / "src/newsevents/data/cameo"
TABLES = ("codebook.tsv", "penta_class.tsv", "acled_types.tsv")
SOURCES = (
    "data/cameo/andybega-icews/data-raw/cameo-codes.csv",
    "data/cameo/moxious-gdelt/data/CAMEO.eventcodes.txt",
    "data/cameo/moxious-gdelt/data/CAMEO.goldsteinscale.txt",
    "data/cameo/PLOVER/CAMEO2PLOVER-2021.txt",
    "gold/case2021-task2/event-types-note.txt",
)
HEADER = "code\troot\tname\tgoldstein\tquad_class\tplover_event\tplover_mode\tplover_context\n"


def run_build(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(BUILD), *args], capture_output=True, text=True,
                          check=False)


def andybega_row(code: str) -> dict[str, str]:
    path = SHARED / SOURCES[0]
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        return next(row for row in csv.DictReader(handle) if row["code"] == code)


def test_arrest_line_173() -> None:
    # CAMEO2PLOVER-2021.txt: "173: COERCE, arrest, legal  # Arrest, detain, or charge ..."
    entry = load_codebook().get("173")
    assert entry == CameoCode("173", "17", "Arrest, detain, or charge with legal action", -5.0,
                              4, "COERCE", "arrest", "legal")
    assert load_codebook().plover("173") == {"event": "COERCE", "mode": "arrest"}


def test_goldstein_043_is_the_source_value() -> None:
    assert load_codebook().goldstein("043") == 2.8 == float(andybega_row("043")["goldstein"])


def test_goldstein_disagreement_keeps_andybega() -> None:
    # GDELT's CAMEO.goldsteinscale.txt says -2.0 for 016; the ICEWS codebook says -5.
    assert load_codebook().goldstein("016") == float(andybega_row("016")["goldstein"]) == -5.0


@pytest.mark.parametrize(("code", "root", "quad"), [
    ("01", "01", 1), ("0211", "02", 1), ("057", "05", 1), ("06", "06", 2), ("0874", "08", 2),
    ("09", "09", 3), ("10", "10", 3), ("1385", "13", 3), ("14", "14", 4), ("2042", "20", 4),
])
def test_quad_class_follows_the_root(code: str, root: str, quad: int) -> None:
    book = load_codebook()
    assert (book.root(code), book.quad_class(code)) == (root, quad)


@pytest.mark.parametrize(("code", "event", "mode"), [
    ("041", "CONSULT", "phone"),  # 041: CONSULT, phone,   # Discuss by telephone
    ("040", "CONSULT", None),  # 040: CONSULT, ,  # Consult
    ("0874", "RETREAT", "disarm"),  # 0874: RETREAT, disarm,   military
    ("08", "CONCEDE", None),  # "08: CONCEDE" comes before the second header "08: RETREAT"
    ("0861", "RETREAT", "access"),  # "access ," : the stray space is dropped
    ("1712", "ASSAULT", "seize"),  # listed under 17 COERCE, mapped to ASSAULT
    ("175", "ASSAULT", "pro_autocracy"),  # listed twice, identically
    ("1121", "ACCUSE", "allege"),
    ("01", None, None),  # PLOVER drops root 01 (statements)
    ("0211", "REQUEST", None),  # root 02 (appeals) is REQUEST in the PLOVER manual
])
def test_plover_lines(code: str, event: str | None, mode: str | None) -> None:
    assert load_codebook().plover(code) == {"event": event, "mode": mode}


def test_plover_context_keeps_both_values() -> None:
    assert load_codebook().get("091").plover_context == "crime; corruption"
    assert load_codebook().get("040").plover_context is None


@pytest.mark.parametrize(("code", "penta"), [
    ("01", 0), ("018", 0), ("02", 0), ("0214", 0), ("036", 1), ("042", 1), ("057", 1),
    ("0841", 2), ("073", 2), ("090", 3), ("112", 3), ("139", 3), ("145", 4), ("195", 4),
])
def test_penta_class(code: str, penta: int) -> None:
    assert load_codebook().penta_class(code) == penta


@pytest.mark.parametrize(("code", "acled"), [
    ("14", "PEACE_PROTEST"), ("141", "PEACE_PROTEST"), ("1411", "PEACE_PROTEST"),
    ("143", "PEACE_PROTEST"), ("145", "VIOL_DEMONSTR"), ("1454", "VIOL_DEMONSTR"),
    ("173", "ARREST"), ("175", "FORCE_AGAINST_PROTEST"), ("181", "ABDUCT_DISSAP"),
    ("182", "ATTACK"), ("1821", "SEX_VIOL"), ("1822", "ATTACK"), ("1823", "ATTACK"),
    ("183", "REM_EXPLOS"), ("1831", "SUIC_BOMB"), ("1833", "REM_EXPLOS"),
    ("190", "ARMED_CLASH"), ("193", "ARMED_CLASH"), ("196", "ARMED_CLASH"), ("192", "OTHER"),
    ("194", "ART_MISS_ATTACK"), ("195", "AIR_STRIKE"), ("202", "ATTACK"), ("203", "ATTACK"),
    ("204", "CHEM_WEAP"), ("2041", "CHEM_WEAP"), ("2042", "OTHER"), ("201", "OTHER"),
    ("057", "AGREEMENT"), ("062", "AGREEMENT"), ("0871", "AGREEMENT"), ("081", "OTHER"),
    ("0874", "NON_VIOL_TERRIT_TRANSFER"), ("1712", "PROPERTY_DISTRUCT"), ("010", "OTHER"),
    ("154", "OTHER"),
])
def test_acled_longest_prefix(code: str, acled: str) -> None:
    assert load_codebook().acled_type(code) == acled


def test_acled_prefix_lookup_prefers_the_longest() -> None:
    table = "cameo_prefix\tacled_type\tnote\n18\tATTACK\t\n182\tOTHER\t\n1821\tSEX_VIOL\t\n"
    codes = parse_codebook(HEADER + "18\t18\tASSAULT\t\t4\t\t\t\n182\t18\tBeat\t\t4\t\t\t\n"
                           "1821\t18\tRape\t\t4\t\t\t\n1822\t18\tTorture\t\t4\t\t\t\n")
    book = Codebook(codes, {"18": 4}, parse_acled(table))
    assert [book.acled_type(c) for c in ("18", "182", "1821", "1822")] == [
        "ATTACK", "OTHER", "SEX_VIOL", "OTHER"]


def test_acled_types_are_case_2021_names() -> None:
    note = (SHARED / SOURCES[4]).read_text("utf-8")
    book = load_codebook()
    assert {book.acled_type(entry.code) for entry in book} <= set(note.split())


def test_unknown_code_is_a_key_error_with_a_clear_message() -> None:
    book = load_codebook()
    for code in ("999", "43", "0431", "", "21"):
        assert code not in book
        with pytest.raises(KeyError, match=f"unknown CAMEO event code '{code}'"):
            book.quad_class(code)
    with pytest.raises(UnknownCameoCode):
        book.acled_type("2043")
    assert 43 not in book


def test_goldstein_falls_back_to_the_nearest_parent() -> None:
    text = HEADER + "19\t19\tFIGHT\t-10.0\t4\t\t\t\n190\t19\tForce\t\t4\t\t\t\n" \
                    "195\t19\tAir\t-9.0\t4\t\t\t\n1951\t19\tDrone\t\t4\t\t\t\n"
    book = Codebook(parse_codebook(text), {"19": 4}, {})
    assert [book.goldstein(c) for c in ("19", "190", "195", "1951")] == [-10.0, -10.0, -9.0, -9.0]
    assert book.acled_type("190") == "OTHER"


def test_every_code_is_complete() -> None:
    book = load_codebook()
    codes = {entry.code for entry in book}
    assert len(book) == 312
    assert sum(len(c) == 2 for c in codes) == 20
    assert all(entry.goldstein is not None for entry in book)
    assert all(c[:-1] in codes for c in codes if len(c) > 2)
    assert {e.code for e in book if e.plover_event is None} == {
        c for c in codes if c[:2] in ("01", "02")}


def test_codebook_is_read_once() -> None:
    assert load_codebook() is load_codebook() is Codebook.load()


@pytest.mark.parametrize(("parse", "text", "message"), [
    (parse_codebook, "# comment\n" + HEADER + "01\t01\tSTATEMENT\t0.0\t1\t\t\t\n02\t02\tAPPEAL\n",
     r"^codebook\.tsv:4: expected 8 tab-separated fields, got 3$"),
    (parse_codebook, HEADER + "01\t01\tSTATEMENT\tzero\t1\t\t\t\n",
     r"^codebook\.tsv:2: 'zero' is not a number$"),
    (parse_codebook, HEADER + "011\t01\tDecline comment\t-0.1\t1\t\t\t\n",
     r"^codebook\.tsv:2: code 011 comes before its parent$"),
    (parse_codebook, "code\tname\n", r"^codebook\.tsv:1: expected the header"),
    (parse_penta, "root\tpenta_class\tlabel\n01\t7\tstatement\n", r"^penta_class\.tsv:2: bad row"),
    (parse_acled, "cameo_prefix\tacled_type\tnote\n145\tviolent\t\n",
     r"^acled_types\.tsv:2: bad row for prefix '145'"),
])
def test_bad_table_lines_name_file_and_line(
        parse: Callable[[str], object], text: str, message: str) -> None:
    with pytest.raises(DictionaryError, match=message):
        parse(text)


def test_build_reproduces_the_packaged_tables(tmp_path: Path) -> None:
    result = run_build("--shared", str(SHARED), "--out", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 1
    assert result.stdout.startswith("build_codebook: 312 codes, 20 penta roots")
    for name in TABLES:
        assert (tmp_path / name).read_bytes() == (PACKAGED / name).read_bytes(), name


def copy_sources(target: Path) -> None:
    for relative in SOURCES:
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(SHARED / relative, target / relative)


@pytest.mark.parametrize(("source", "line", "bad"), [
    (3, 40, "041 CONSULT phone\n"),
    (2, 5, "012\tminus\n"),
    (0, 4, '"3",3,"Decline comment","011"\n'),
])
def test_build_names_file_and_line_of_a_bad_input_line(
        tmp_path: Path, source: int, line: int, bad: str) -> None:
    shared = tmp_path / "shared"
    copy_sources(shared)
    path = shared / SOURCES[source]
    lines = path.read_bytes().splitlines(keepends=True)
    lines[line - 1] = bad.encode()
    path.write_bytes(b"".join(lines))
    result = run_build("--shared", str(shared), "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    assert result.stderr.startswith(f"build_codebook: error: {path}:{line}: ")
    assert not (tmp_path / "out").exists()
