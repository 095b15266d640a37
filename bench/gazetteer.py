"""The GeoNames index: build time, load time from its cache, lookup latency, memory.

    .venv/bin/python bench/gazetteer.py

Each step runs in a fresh process with an empty cache folder (so the build is measured, then a
second process loads what the first cached). Lookups: 20,000 names drawn deterministically from
the index itself (every 10th name, so each is found), each looked up without and with a
country preference; the median and 99th percentile are reported, in microseconds.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile

_CHILD = """
import json, os, resource, statistics, sys, time
start = time.perf_counter()
from newsevents.where.gazetteer import load_gazetteer
gazetteer = load_gazetteer()
seconds = time.perf_counter() - start
out = {"seconds": round(seconds, 2), "places": len(gazetteer.places),
       "names": len(gazetteer.names)}
if sys.argv[1] == "lookup":
    names = sorted(gazetteer.names)[::10][:20000]
    timings = []
    for name in names:
        t = time.perf_counter_ns(); gazetteer.lookup(name)
        gazetteer.lookup(name, {"FRA", "USA"}); timings.append((time.perf_counter_ns() - t) / 2)
    timings.sort()
    out["lookups"] = len(names)
    out["median_us"] = round(statistics.median(timings) / 1000, 1)
    out["p99_us"] = round(timings[int(len(timings) * 0.99)] / 1000, 1)
out["peak_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
print(json.dumps(out))
"""


def _run(mode: str, cache: str) -> dict[str, float]:
    done = subprocess.run([sys.executable, "-c", _CHILD, mode], check=True,
                          capture_output=True, text=True,
                          env={**__import__("os").environ, "XDG_CACHE_HOME": cache})
    return json.loads(done.stdout)


def main() -> None:
    with tempfile.TemporaryDirectory() as cache:
        build = _run("build", cache)
        load = _run("lookup", cache)
    baseline = subprocess.run([sys.executable, "-c", "import resource, newsevents.where."
                               "gazetteer; print(resource.getrusage(resource.RUSAGE_SELF)"
                               ".ru_maxrss / 1024)"], check=True, capture_output=True,
                              text=True)
    print(json.dumps({"build": build, "load_and_lookup": load,
                      "python_with_module_mib": round(float(baseline.stdout), 1)}, indent=2))


if __name__ == "__main__":
    main()
