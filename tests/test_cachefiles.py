"""newsevents' cache files: written once, read by later processes, rebuilt when damaged."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from newsevents.cachefiles import read_cache, write_cache

PROBE = ("from newsevents.clean.language import identify_language; "
         "print(*identify_language('Iran summoned the French ambassador on Monday.'))")


def test_a_cache_round_trips_and_a_damaged_one_reads_as_none(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "x.pickle"
    assert read_cache(path) is None
    write_cache(path, {"a": [1, 2]})
    assert read_cache(path) == {"a": [1, 2]}
    assert [p.name for p in path.parent.iterdir()] == ["x.pickle"], "no temporary left"
    path.write_bytes(b"\x80\x05garbage")
    assert read_cache(path) is None


def test_the_language_model_is_cached_and_gives_the_same_answer(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}

    def probe() -> str:
        return subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True,
                              text=True, check=True).stdout

    first = probe()
    cached = list((tmp_path / "newsevents").glob("py3langid-*.pickle"))
    assert len(cached) == 1
    stamp = cached[0].stat().st_mtime_ns
    assert probe() == first and first.startswith("en ")
    assert cached[0].stat().st_mtime_ns == stamp, "read, not rebuilt"
    cached[0].write_bytes(b"damaged")
    assert probe() == first, "a damaged cache is rebuilt"
