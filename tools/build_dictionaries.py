"""Compile the PETRARCH-2 / Phoenix dictionaries into newsevents' package data.

    .venv/bin/python tools/build_dictionaries.py [--source DIR] [--out FILE]

Reads CAMEO.2.0.txt, Phoenix.{Countries,International,MilNonState}.actors.txt,
Phoenix.agents.txt and Phoenix.discards.txt (MIT, Open Event Data Alliance) and writes
src/newsevents/data/dictionaries/phoenix.json.gz. The upstream files have a few malformed lines;
each is listed with its file, line and reason in the output's "problems" and in
src/newsevents/data/dictionaries/BUILD-REPORT.txt, and skipped. The output is deterministic.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from pathlib import Path

from newsevents.dictionaries.actors import read_actor_dictionary
from newsevents.dictionaries.agents import read_agent_dictionary, read_discard_dictionary
from newsevents.dictionaries.compiled import PACKAGE_FILE, to_json, write_compiled
from newsevents.dictionaries.verbs import read_verb_dictionary
from newsevents.errors import DictionaryError

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT.parent / "shared/data/cameo/petrarch2/dictionaries"
ACTOR_FILES = ("Phoenix.Countries.actors.txt", "Phoenix.International.actors.txt",
               "Phoenix.MilNonState.actors.txt")


def build(source: Path, out: Path) -> list[DictionaryError]:
    problems: list[DictionaryError] = []
    verbs = read_verb_dictionary(source / "CAMEO.2.0.txt", problems)
    actors = [a for name in ACTOR_FILES for a in read_actor_dictionary(source / name, problems)]
    agents = read_agent_dictionary(source / "Phoenix.agents.txt", problems)
    discards = read_discard_dictionary(source / "Phoenix.discards.txt")
    names = ("CAMEO.2.0.txt", *ACTOR_FILES, "Phoenix.agents.txt", "Phoenix.discards.txt")
    sources = {n: hashlib.sha256((source / n).read_bytes()).hexdigest() for n in names}
    data = to_json(actors, agents, discards, verbs, sources, [str(p) for p in problems])
    out.parent.mkdir(parents=True, exist_ok=True)
    write_compiled(data, out)
    report = out.parent / "BUILD-REPORT.txt"
    report.write_text(
        "Lines of the upstream PETRARCH-2 dictionaries skipped by tools/build_dictionaries.py\n"
        "(file:line: reason). Everything else was compiled.\n\n"
        + "".join(f"{p}\n" for p in problems), "utf-8")
    print(f"{out}: {len(actors)} actors, {len(agents)} agents, {len(discards)} discards, "
          f"{len(verbs.verbs)} verbs, {sum(map(len, verbs.patterns.values()))} patterns; "
          f"{len(problems)} upstream lines skipped (see {report.name})")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--out", type=Path, default=ROOT / "src/newsevents" / PACKAGE_FILE)
    args = parser.parse_args()
    if not args.source.is_dir():
        print(f"build_dictionaries: {args.source}: no such folder", file=sys.stderr)
        return 1
    build(args.source, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
