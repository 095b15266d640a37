"""newsevents' cache files: written once, memory-mapped by later processes (which share their
pages), rebuilt when damaged."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from array import array
from pathlib import Path

import numpy as np
import pytest

from newsevents.cachefiles import read_arrays, write_arrays

PROBE = ("from newsevents.clean.language import identify_language; "
         "print(*identify_language('Iran summoned the French ambassador on Monday.'))")


def test_arrays_round_trip_through_a_memory_map_read_only(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "x.arrays"
    table = np.arange(12, dtype=np.float32).reshape(3, 4) / 7
    written = {"ints": array("i", [3, -1, 2**31 - 1]), "blob": "Białystok".encode(),
               "table": table, "empty": array("q")}
    write_arrays(path, written)
    assert [p.name for p in path.parent.iterdir()] == ["x.arrays"], "no temporary left"
    views = read_arrays(path)
    assert views is not None and list(views) == list(written)
    assert views["ints"].tolist() == [3, -1, 2**31 - 1]
    assert bytes(views["blob"]).decode() == "Białystok"
    assert np.array_equal(np.frombuffer(views["table"], np.float32).reshape(3, 4), table)
    assert len(views["empty"]) == 0
    with pytest.raises(TypeError):
        views["ints"][0] = 5  # the map is read-only: no process can change what others read


@pytest.mark.parametrize("damage", ["truncated", "foreign", "empty", "bad header"])
def test_a_damaged_array_file_reads_as_none_with_a_warning_naming_it(
        tmp_path: Path, damage: str, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "x.arrays"
    write_arrays(path, {"ints": array("q", range(1000))})
    data = path.read_bytes()
    path.write_bytes({"truncated": data[:len(data) // 2], "foreign": b"PK\x03\x04" + data[4:],
                      "empty": b"", "bad header": data[:17] + b"\xff" + data[18:]}[damage])
    with caplog.at_level(logging.WARNING):
        assert read_arrays(path) is None
    assert str(path) in caplog.text and "rebuilding" in caplog.text
    assert read_arrays(tmp_path / "missing.arrays") is None


def test_the_language_model_is_cached_and_gives_the_same_answer(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}

    def probe() -> str:
        return subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True,
                              text=True, check=True).stdout

    first = probe()
    cached = list((tmp_path / "newsevents").glob("py3langid-*.arrays"))
    assert len(cached) == 1
    stamp = cached[0].stat().st_mtime_ns
    assert probe() == first and first.startswith("en ")
    assert cached[0].stat().st_mtime_ns == stamp, "read, not rebuilt"
    cached[0].write_bytes(b"damaged")
    assert probe() == first, "a damaged cache is rebuilt"


def test_without_a_writable_cache_folder_the_models_still_load(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    probe = ("from newsevents.where.gazetteer import load_gazetteer; "
             "print(load_gazetteer().lookup('Antwerp').country); " + PROBE)
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          env={**os.environ, "XDG_CACHE_HOME": str(blocker / "cache")})
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[:2] == ["BEL", "en"]
    assert "could not write the cache" in done.stderr


_HOLDER = """
import hashlib, sys
from newsevents.clean.language import _identifier
from newsevents.learned.encoder import load_encoder
from newsevents.where.gazetteer import load_gazetteer
places, names = load_gazetteer().places, load_gazetteer().names
language = _identifier()
for view in (places.geonameid, places.lat, places.lon, places.population, places.feature,
             places.country, places.name_blob, places.name_offsets, names.blob, names.offsets,
             names.starts, names.flat, language.nb_ptc, language.tk_nextmove):
    hashlib.sha256(view)  # every page read, as lookups over a long run would
# the encoder's embedding table is read only at the rows of the word pieces it meets
load_encoder().encode(["Police arrested five protesters in Lagos."])
print("ready", flush=True)
sys.stdin.read()
"""


def _mapped(pid: int) -> dict[str, dict[str, int]]:
    """kB mapped, resident, shared and privately written, per mapped file of ours."""
    found: dict[str, dict[str, int]] = {}
    current = None
    for line in Path(f"/proc/{pid}/smaps").read_text("utf-8", "replace").splitlines():
        head = line.split()
        if "-" in head[0] and len(head) >= 5 and ":" in head[3]:
            name = Path(head[5]).name if len(head) > 5 else ""
            current = name if name.endswith((".arrays", ".weights")) else None
            if current:
                found.setdefault(current, {"Size": 0, "Rss": 0, "Shared": 0,
                                           "Private_Dirty": 0})
        elif current and head[0].rstrip(":") in ("Size", "Rss", "Private_Dirty"):
            found[current][head[0].rstrip(":")] += int(head[1])
        elif current and head[0] in ("Shared_Clean:", "Shared_Dirty:"):
            found[current]["Shared"] += int(head[1])
    return found


@pytest.mark.skipif(not Path("/proc/self/smaps").exists(), reason="needs Linux's /proc")
def test_two_workers_share_one_copy_of_the_gazetteer_language_model_and_encoder() -> None:
    """The read-only tables are mapped from files, so two worker processes on one machine
    hold one copy of them in the page cache between them, not one each, and neither writes
    to (and so copies) any of their pages."""
    holders = [subprocess.Popen([sys.executable, "-c", _HOLDER], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, text=True) for _ in range(2)]
    try:
        assert [h.stdout.readline().strip() for h in holders] == ["ready", "ready"]  # type: ignore[union-attr]
        seen = [_mapped(h.pid) for h in holders]
    finally:
        for holder in holders:
            holder.communicate("")
    for files in seen:
        kinds = {name.split("-")[0]: usage for name, usage in files.items()}
        assert {"gazetteer", "py3langid", "minilm"} <= set(kinds), json.dumps(files)
        for kind, least_mb in (("gazetteer", 20), ("py3langid", 50), ("minilm", 10)):
            usage = kinds[kind]
            assert usage["Size"] >= least_mb * 1024, (kind, usage)
            assert 0 < usage["Shared"] == usage["Rss"], (kind, usage)
            assert usage["Private_Dirty"] == 0, (kind, usage)
        # every page of the tables was read, and is resident once for both processes
        assert kinds["gazetteer"]["Rss"] >= 20 * 1024 and kinds["py3langid"]["Rss"] >= 50 * 1024


_MAPS_INODE = """
import sys
from newsevents.clean.language import identify_language
identify_language("Iran summoned the French ambassador on Monday.")
for line in open("/proc/self/maps"):
    if line.rstrip().endswith(".arrays"):
        print(line.split()[4]); break
"""


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs Linux's /proc")
def test_workers_starting_together_on_a_fresh_machine_build_one_file_and_map_it(
        tmp_path: Path) -> None:
    """Without the lock, both would build (each finds no file) and map files of their own."""
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    starts = [subprocess.Popen([sys.executable, "-c", _MAPS_INODE], env=env,
                               stdout=subprocess.PIPE, text=True) for _ in range(3)]
    inodes = {p.communicate()[0].strip() for p in starts}
    cached = sorted(p.name for p in (tmp_path / "newsevents").iterdir())
    assert [name for name in cached if name.endswith(".arrays")] == [
        next(name for name in cached if name.endswith(".arrays"))]
    assert len(inodes) == 1 and "" not in inodes, inodes
    assert int(inodes.pop()) == (tmp_path / "newsevents" / cached[0]).stat().st_ino
