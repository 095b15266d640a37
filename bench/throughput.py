"""Throughput of `code` against spaCy alone, same model, batch size and corpus, in one run.

    .venv/bin/python bench/throughput.py [--repeat 3] [--json]

For 1 and 2 processes, each measurement runs in a fresh child process that first reads and
cleans the demo corpus (untimed), then times either spaCy alone (`nlp.pipe` over the texts) or
newsevents' coding step (the same parse plus actors and events). The ratio spaCy/code is the
share of speed kept: 1.0 means coding is free, 0.8 means it costs 25% on top of spaCy. Peak
memory is the child's own peak RSS and, with 2 processes, its workers' largest.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT.parent / "shared/data/seed/page.txt"
INPUTS = [str(ROOT / "examples"), *([str(SEED)] if SEED.exists() else [])]

_CHILD = """
import json, resource, sys, time
from newsevents.ingest.job import read_articles
from newsevents.records import Article
from newsevents.settings import load_settings
mode, processes, threads, *paths = sys.argv[1:]
settings = load_settings().with_overrides(nlp={"n_process": int(processes)},
                                          coder={"encoder_threads": int(threads)})
articles = [a for a in read_articles(paths, settings) if isinstance(a, Article)]
if mode == "encoder":  # the sentence encoder alone, on every sentence of the corpus
    import spacy
    nlp = spacy.load(settings.nlp.model, disable=["ner", "lemmatizer"])
    sentences = [s.text for d in nlp.pipe([a.text for a in articles]) for s in d.sents]
    from newsevents.learned.encoder import encoder_threads, load_encoder
    encoder = load_encoder(encoder_threads(settings.coder.encoder_threads, 1))
    start = time.perf_counter()
    encoder.encode(sentences)
    events = 0
elif mode == "spacy":
    import spacy
    nlp = spacy.load(settings.nlp.model)
    start = time.perf_counter()
    for _ in nlp.pipe([a.text for a in articles], batch_size=settings.nlp.batch_size,
                      n_process=settings.nlp.n_process):
        pass
    events = 0
else:
    from newsevents.coder.job import CodeArticles
    step = CodeArticles(settings)
    from newsevents.nlp import coding_pipeline
    from newsevents.dictionaries.lexicon import load_lexicon
    # loading is not coding: the pipeline `run` uses, as spacy.load above for spaCy alone
    coding_pipeline(settings.nlp.model, settings.dictionaries, settings.coder,
                    settings.nlp.n_process)
    load_lexicon(settings.dictionaries)
    from newsevents.where.gazetteer import load_gazetteer
    load_gazetteer()  # from its cache; the build is measured by bench/gazetteer.py
    if settings.coder.engine == "learned":
        from newsevents.learned.encoder import encoder_threads, load_encoder
        from newsevents.learned.model import load_model
        load_model()
        load_encoder(encoder_threads(settings.coder.encoder_threads, int(processes)))
    start = time.perf_counter()
    events = sum(len(c.events) for c in step.run(articles))
seconds = time.perf_counter() - start
model_seconds = 0.0
print(json.dumps({"seconds": seconds, "articles": len(articles), "events": events,
                  "model_seconds": model_seconds,
                  "words": sum(len(a.text.split()) for a in articles),
                  "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "workers_peak_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
                  / 1024}))
"""


def _measure(mode: str, processes: int, threads: int) -> dict[str, float]:
    done = subprocess.run([sys.executable, "-c", _CHILD, mode, str(processes), str(threads),
                           *INPUTS],
                          check=True, capture_output=True, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--encoder-threads", type=int, default=0,
                        help="coder.encoder_threads (0: the cores shared among processes)")
    args = parser.parse_args()
    report: dict[str, object] = {"inputs": INPUTS, "encoder_threads": args.encoder_threads}
    for processes in args.processes:
        runs: dict[str, list[dict[str, float]]] = {"spacy": [], "code": []}
        for _ in range(args.repeat):  # interleaved, so drift hits both alike
            for mode in ("spacy", "code"):
                runs[mode].append(_measure(mode, processes, args.encoder_threads))
        spacy_s = statistics.median(r["seconds"] for r in runs["spacy"])
        code_s = statistics.median(r["seconds"] for r in runs["code"])
        last = runs["code"][-1]
        report[f"processes_{processes}"] = {
            "articles": last["articles"], "words": last["words"], "events": last["events"],
            "spacy_articles_per_s": round(last["articles"] / spacy_s, 1),
            "code_articles_per_s": round(last["articles"] / code_s, 1),
            "code_words_per_s": round(last["words"] / code_s),
            "ratio_spacy_over_code": round(spacy_s / code_s, 3),
            "code_peak_mib": round(max(r["peak_mib"] for r in runs["code"]), 1),
            "code_workers_peak_mib": round(max(r["workers_peak_mib"] for r in runs["code"]), 1),
            "spacy_peak_mib": round(max(r["peak_mib"] for r in runs["spacy"]), 1),
        }
        if processes == 1:  # every sentence encoded (more than `code` encodes): an upper bound
            encoder_s = _measure("encoder", 1, args.encoder_threads)["seconds"]
            report["processes_1"]["encoder_share_of_code"] = round(encoder_s / code_s, 3)
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
