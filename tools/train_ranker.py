"""Train the event ranker (src/newsevents/data/coder/ranker.json) on the gold sets.

    .venv/bin/python tools/train_ranker.py [--gold-dir ../shared/gold]

It codes plover-gsr and the conflibert-class train split with the current dictionaries and
rules, labels each event found (right when its PLOVER type, or penta class, is the
sentence's gold one), fits the logistic model of `newsevents.coder.ranker`, and records the
sha256 of both files, so that `newsevents eval` reports those sets by cross-validation.
Re-run it after any change to the coder's rules or dictionaries; the output is deterministic.
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

from newsevents.coder import ranker
from newsevents.evaluation import gold
from newsevents.evaluation.runner import DEFAULT_FILES, ranker_examples
from newsevents.settings import load_settings

OUT = Path(__file__).resolve().parents[1] / "src/newsevents/data/coder/ranker.json"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold-dir", type=Path, default=None)
    parser.add_argument("--sets", nargs="+", default=["plover-gsr"],
                        choices=["plover-gsr", "conflibert-class"])
    args = parser.parse_args()
    settings = load_settings()
    gold_dir = args.gold_dir or Path(settings.eval.gold_dir)
    rows, labels, trained_on = [], [], {}
    for name in args.sets:
        path = gold_dir / DEFAULT_FILES[name]
        examples = ranker_examples(name, path, settings)
        rows.extend(row for _, row, _ in examples)
        labels.extend(label for _, _, label in examples)
        trained_on[name] = gold.sha256(path)
        print(f"{name}: {len(examples)} events, {sum(e[2] for e in examples)} right")
    model = replace(ranker.train(rows, labels), trained_on=trained_on)
    OUT.write_text(model.to_json(), encoding="utf-8")
    print(f"wrote {OUT}: {len(model.weights)} weights")


if __name__ == "__main__":
    main()
