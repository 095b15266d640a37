"""Dictionary readers: one line gives one code, and a bad line names its file and line."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest

from newsevents.dictionaries.actors import read_actor_dictionary
from newsevents.dictionaries.agents import read_agent_dictionary, read_discard_dictionary
from newsevents.dictionaries.compiled import actors_from, read_compiled, verbs_from
from newsevents.dictionaries.overlay import read_overlay
from newsevents.dictionaries.phrases import normalize_phrase
from newsevents.dictionaries.verbs import Code, read_verb_dictionary
from newsevents.errors import DictionaryError
from tests.conftest import ROOT, SHARED

VERBS = """\
####### SYNONYM SETS #######
&PRISONER
+PRISONER
+DETAINEE
####### VERB PATTERNS #######
---  RELEASE   [---]  ---
RELEASE {RELEASES RELEASED RELEASING }
FREE [0841] # a verb with its own code
- * &PRISONER                   [0841]   # RELEASE
- $ * (TO +)                    [042:043]
---  DEMAND   [100]  ---
+CALL_FOR {+CALLS_FOR}
"""

ACTORS = """\
ARNOR_  [ARN]
+ARNORIAN
GONDOR_
+MINAS_TIRITH
\t[GONGOV 20210803-20240519]
\t[GONELI]
"""


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


def test_a_verb_line_and_a_pattern_line_each_give_their_code(tmp_path: Path) -> None:
    verbs = read_verb_dictionary(_write(tmp_path, "v.txt", VERBS))
    assert verbs.verbs["release"].code == Code(None)  # the block's [---]
    assert verbs.verbs["free"].code == Code("0841")
    assert verbs.verbs["call for"].code == Code("100")
    first, second = verbs.patterns["release"]
    assert first.after[0].kind == "synset" and verbs.synsets["&PRISONER"] == {"prisoner",
                                                                              "detainee"}
    assert (first.code, first.origin) == (Code("0841"), "v.txt:9")
    assert [e.kind for e in second.before] == ["source"]
    assert (second.after[0].kind, second.after[0].value) == ("prep", "to")
    assert second.after[0].children[0].kind == "target"
    assert second.code == Code("042", "043")


@pytest.mark.parametrize(("line", "reason"), [
    ("- * RELEASE (OF PRISONERS   [0841]", "unclosed '(' in pattern"),
    ("- * &NOSUCHSET                [0841]", "unknown synonym set &NOSUCHSET"),
    ("- * PRISONERS                 [84a]", "bad code [84a]"),
    ("- PRISONERS                   [084]", "a pattern needs exactly one '*'"),
    ("- * PRISONERS", "pattern without a [code]"),
])
def test_a_malformed_verb_line_names_file_and_line(tmp_path: Path, line: str,
                                                   reason: str) -> None:
    path = _write(tmp_path, "v.txt", VERBS + line + "\n")
    with pytest.raises(DictionaryError) as caught:
        read_verb_dictionary(path)
    assert str(caught.value).startswith(f"v.txt:{VERBS.count(chr(10)) + 1}: {reason}")


def test_actor_roles_follow_the_date(tmp_path: Path) -> None:
    arnor, gondor = read_actor_dictionary(_write(tmp_path, "a.txt", ACTORS))
    assert arnor.phrases == ("arnor", "arnorian") and arnor.code_on(None) == "ARN"
    assert gondor.phrases == ("gondor", "minas tirith")
    assert gondor.code_on(date(2022, 1, 1)) == "GONGOV"
    assert gondor.code_on(date(2025, 1, 1)) == "GONELI"  # the undated default
    assert gondor.origin == "a.txt:3"


def test_two_digit_years_and_open_ranges(tmp_path: Path) -> None:
    text = "X_\n\t[XXXGOV 970803-050803]\n\t[XXXELI >20130803]\n"
    (entry,) = read_actor_dictionary(_write(tmp_path, "a.txt", text))
    assert entry.roles[0].start == date(1997, 8, 3) and entry.roles[0].end == date(2005, 8, 3)
    assert entry.code_on(date(2020, 1, 1)) == "XXXELI"
    assert entry.code_on(date(2010, 1, 1)) == "XXX"  # between roles: the country alone


def test_a_malformed_actor_line_names_file_and_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.txt", ACTORS + "ROHAN_\n\t[ROHGOV 2004017-20061201]\n")
    with pytest.raises(DictionaryError, match=r"^a\.txt:8: bad date '2004017'"):
        read_actor_dictionary(path)


def test_agents_expand_substitutions_and_plurals(tmp_path: Path) -> None:
    text = ("!MINIST! = MINISTER, MINISTRY\n!MINIST! OF_DEFENCE [~GOVMIL]\n"
            "RIOT_POLICE {RIOT_POLICEMEN} [~COP]\nTRUCE_MONITOR [IGO~]\n")
    agents = read_agent_dictionary(_write(tmp_path, "ag.txt", text))
    found = {a.phrase: (a.code, a.before_country) for a in agents}
    assert found == {"minister of defence": ("GOVMIL", False),
                     "ministry of defence": ("GOVMIL", False),
                     "riot police": ("COP", False), "riot policemen": ("COP", False),
                     "truce monitor": ("IGO", True)}
    with pytest.raises(DictionaryError, match=r"^ag\.txt:1: expected 'PHRASE \[~CODE\]'"):
        read_agent_dictionary(_write(tmp_path, "ag.txt", "FARMER [~AGR}\n"))


def test_discards_mark_whole_stories_with_plus(tmp_path: Path) -> None:
    discards = read_discard_dictionary(_write(tmp_path, "d.txt", "BRONZE MEDAL\n+Manchester "
                                              "United   # football\n"))
    assert [(d.phrase, d.whole_story) for d in discards] == [("bronze medal", False),
                                                            ("manchester united", True)]


def test_csv_overlay_adds_actors_agents_and_verbs(tmp_path: Path) -> None:
    actors = _write(tmp_path, "mine.csv", "name,aliases,code,start,end,note\n"
                    "Ebrahim Raisi,Raisi|Ebrahim Raeisi,IRNGOV,2021-08-03,2024-05-19,president\n"
                    "Ebrahim Raisi,Raisi|Ebrahim Raeisi,IRNJUD,2019-03-07,2021-07-01,judiciary\n")
    agents = _write(tmp_path, "agents.csv", "phrase,code,note\nriot squad,~COP,\n")
    verbs = _write(tmp_path, "verbs.csv", "verb,pattern,code,note\nsilence,,172,\n"
                   "silence,* &OPPONENT,1722,\n")
    overlay = read_overlay([actors, agents, verbs], {"&OPPONENT": frozenset({"opponent"})})
    (raisi,) = overlay.actors
    assert raisi.phrases == ("ebrahim raisi", "raisi", "ebrahim raeisi")
    assert raisi.code_on(date(2022, 6, 10)) == "IRNGOV"
    assert raisi.code_on(date(2020, 1, 1)) == "IRNJUD"
    assert [(a.phrase, a.code) for a in overlay.agents] == [("riot squad", "COP")]
    assert overlay.verbs.verbs["silence"].code == Code("172")
    assert overlay.verbs.patterns["silence"][0].code == Code("1722")


@pytest.mark.parametrize(("content", "message"), [
    ("name,aliases,code,start,end,note\nRaisi,,irngov,,,\n", "mine.csv:2: an actor needs"),
    ("name,aliases,code,start,end,note\nRaisi,,IRNGOV,2021-13-01,,\n",
     "mine.csv:2: bad date '2021-13-01'"),
    ("name,aliases,code,start,end,note\nRaisi,,IRNGOV,2024-01-01,2021-01-01,\n",
     "mine.csv:2: start 2024-01-01 is after end"),
    ("name,aliases,code\nRaisi,,IRNGOV\n", "mine.csv:1: unknown header"),
    ("verb,pattern,code,note\nsilence,* (OF,172,\n", "mine.csv:2: unclosed '('"),
    ("verb,pattern,code,note\nsilence,,172\n", "mine.csv:2: expected 4 fields, found 3"),
])
def test_a_malformed_overlay_line_names_file_and_line(tmp_path: Path, content: str,
                                                      message: str) -> None:
    path = _write(tmp_path, "mine.csv", content)
    with pytest.raises(DictionaryError) as caught:
        read_overlay([path], {})
    assert str(caught.value).startswith(str(tmp_path / message))


def test_phrases_meet_in_one_normal_form() -> None:
    assert normalize_phrase("MAZAR-I-SHARIF_") == normalize_phrase("Mazar-i-Sharif")
    assert normalize_phrase("U.N._") == normalize_phrase("U.N.") == "u n"


def test_shipped_dictionaries_tie_real_lines_to_codes() -> None:
    data = read_compiled()
    verbs = verbs_from(data)
    assert verbs.verbs["demand"].code == Code("100")
    assert verbs.verbs["crack down"].block == "suppress"
    actors = {p: a for a in actors_from(data) for p in a.phrases}
    assert actors["ahmadinejad"].code_on(date(2010, 1, 1)) == "IRNGOV"
    assert actors["iran"].code_on(date(2023, 6, 10)) == "IRN"
    assert "CAMEO.2.0.txt" in data["sources"]


def test_the_build_reproduces_the_shipped_file(tmp_path: Path) -> None:
    from tools.build_dictionaries import build

    out = tmp_path / "phoenix.json.gz"
    build(SHARED / "data/cameo/petrarch2/dictionaries", out)
    shipped = ROOT / "src/newsevents/data/dictionaries/phoenix.json.gz"
    assert hashlib.sha256(out.read_bytes()).digest() == hashlib.sha256(
        shipped.read_bytes()).digest()


def test_after_every_role_has_ended_a_person_is_the_country_elite(tmp_path: Path) -> None:
    text = "name,aliases,code,start,end,note\nA B,,USAGOV,2009-01-20,2017-01-20,\n"
    (entry,) = read_overlay([_write(tmp_path, "a.csv", text)], {}).actors
    assert entry.code_on(date(2012, 1, 1)) == "USAGOV"
    assert entry.code_on(date(2020, 1, 1)) == "USAELI"
    assert entry.code_on(date(2000, 1, 1)) == "USA"  # before: the country only
    assert entry.code_on(None) == "USAGOV"  # no date known: the latest role


def test_shipped_updates_know_leaders_after_2015() -> None:
    from newsevents.dictionaries.lexicon import build_lexicon
    from newsevents.settings import load_settings

    lexicon = build_lexicon(load_settings().dictionaries)
    raisi = lexicon.actors["raisi"]
    assert raisi.code_on(date(2021, 8, 3)) == "IRNGOV"
    assert raisi.code_on(date(2024, 5, 19)) == "IRNGOV"
    assert raisi.code_on(date(2021, 8, 2)) != "IRNGOV"
    for alias in ("mek", "pmoi", "mujahedin e khalq", "ncri",
                  "national council of resistance of iran"):
        assert lexicon.actors[alias].code_on(date(2023, 6, 1)) == "IRNOPP"


def test_an_overlay_pattern_keeps_the_verb_default(tmp_path: Path) -> None:
    from newsevents.dictionaries.lexicon import build_lexicon
    from newsevents.settings import DictionarySettings

    verbs = _write(tmp_path, "test.verbs.txt", VERBS)
    extra = _write(tmp_path, "more.csv", "verb,pattern,code,note\nfree,* &PRISONER,0842,\n"
                   "release,* (TO +),0843,\n")
    lexicon = build_lexicon(DictionarySettings(False, (str(verbs), str(extra))), [])
    assert lexicon.verbs["free"].code == Code("0841")  # the default stays
    assert lexicon.verbs["release"].code == Code(None)
    texts = [p.text for p in lexicon.patterns["release"]]
    assert "* &PRISONER" in texts and "* (TO +)" in texts
