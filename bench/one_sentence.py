"""Coding one sentence from a warm machine: `newsevents code` against spaCy's own
load-and-parse of the same sentence, both as whole processes, in the same run.

    .venv/bin/python bench/one_sentence.py [--repeat 5]

"Warm" means the files are in the page cache and newsevents' caches (the gazetteer index) are
built: each command runs once untimed first. The figure is the best of `--repeat` runs.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SENTENCE = "Iran's army attacked Kurdish rebels in northern Iraq on Monday."
SPACY = ("import spacy; from newsevents.settings import load_settings; "
         "nlp = spacy.load(load_settings().nlp.model); nlp(open(__import__('sys').argv[1]).read())")


def best(command: list[str], repeat: int) -> float:
    subprocess.run(command, check=True, capture_output=True)  # warm
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "one.txt"
        path.write_text(SENTENCE + "\n", "utf-8")
        spacy_s = best([sys.executable, "-c", SPACY, str(path)], args.repeat)
        code_s = best([sys.executable, "-m", "newsevents", "code", str(path), "--min-words",
                       "1"], args.repeat)
    print(f"spaCy load and parse   {spacy_s:6.2f} s")
    print(f"newsevents code        {code_s:6.2f} s")
    print(f"ratio                  {code_s / spacy_s:6.2f}x")


if __name__ == "__main__":
    main()
