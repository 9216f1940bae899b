"""``--optimize O1|O2|O3``: graph optimization of the fp32 files with onnxruntime's tools, before the variants are
made from them.

- O1: onnxruntime's basic level (constant folding, redundant nodes removed): exact and portable.
- O2: O1, then onnxruntime's transformer fusions (LayerNorm, SkipLayerNorm, GELU, attention where the patterns
  match) for the model types its optimizer knows; their ops are ``com.microsoft`` contrib ops.
- O3: O2 with GELU replaced by its tanh approximation (``FastGelu``): changes the numbers slightly.
onnxruntime's extended and layout levels are never written into a file: they pick kernels for this machine's CPU.
A merged decoder is optimized part by part and merged again (the fusions do not look into its branches).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from ..errors import library_failure_as
from . import onnx_files
from .dedupe import dedupe_initializers
from .variants_parts import transform

#: Our model types -> the model type of onnxruntime's transformer optimizer (``optimizer.MODEL_TYPES``).
FUSION_MODEL_TYPES = {
    "bert": "bert", "roberta": "bert", "xlm-roberta": "bert", "distilbert": "bert", "camembert": "bert",
    "electra": "bert", "mpnet": "bert", "albert": "bert", "deberta": "bert", "deberta-v2": "bert",
    "gpt2": "gpt2", "t5": "t5", "mt5": "t5", "bart": "bart", "mbart": "bart", "vit": "vit", "deit": "vit",
    "clip": "clip", "swin": "swin", "gpt_neox": "gpt_neox", "phi": "phi", "qwen3": "qwen3",
}
LEVELS = ("O1", "O2", "O3")


def optimize_files(run_dir: Path, files: list[str], level: str, model_type: str,
                   log: Callable[..., None]) -> list[dict[str, Any]]:
    """Optimize each file in place (a merged decoder through its parts). Returns one record per file: the level,
    what ran, and the op counts that changed."""
    fusions = FUSION_MODEL_TYPES.get(model_type) if level != "O1" else None
    if level != "O1" and fusions is None:
        log(f"--optimize {level}: onnxruntime has no transformer fusions for {model_type} models; only O1 ran",
            "warning")
    records = []
    for name in files:
        record: dict[str, Any] = {"file": name, "level": level, "ran": ["onnxruntime basic level"]}
        if fusions:
            record["ran"].append(f"onnxruntime transformer fusions ({fusions}"
                                 f"{', GELU approximation' if level == 'O3' else ''})")

        def change(src: Path, dst: Path) -> bool:
            before = _op_counts(src)
            _optimize(src, dst, fusions, level == "O3")
            after = _op_counts(dst)
            ops = record.setdefault("ops", {})  # a merged decoder: summed over its two parts
            for op in set(before) | set(after):
                counts = ops.setdefault(op, [0, 0])
                counts[0] += before.get(op, 0)
                counts[1] += after.get(op, 0)
            return True

        with library_failure_as("optimize_failed", level=level, file=name):
            transform(run_dir, name, name + ".optimized", change, replace_parts=True)
            onnx_files.remove(run_dir / name)
            _move(run_dir / (name + ".optimized"), run_dir / name)
        record["ops"] = {op: n for op, n in sorted(record.get("ops", {}).items()) if n[0] != n[1]}
        log(f"{name}: optimized ({level}: {'; '.join(record['ran'])})")
        records.append(record)
    return records


def _optimize(src: Path, dst: Path, fusions: str | None, gelu_approximation: bool) -> None:
    """onnxruntime's basic level through its transformer optimizer, which turns off the constant sharing that
    defeats the fusions' patterns; then the fusions when ``fusions`` names a model type."""
    from onnxruntime.transformers.fusion_options import FusionOptions
    from onnxruntime.transformers.optimizer import optimize_model

    if fusions:
        options = FusionOptions(fusions)
        options.enable_embed_layer_norm = False  # as Optimum: it hides the embeddings from quantization
        options.enable_gelu_approximation = gelu_approximation
        optimized = optimize_model(str(src), model_type=fusions, num_heads=0, hidden_size=0, opt_level=1,
                                   optimization_options=options, use_gpu=False)
    else:
        optimized = optimize_model(str(src), opt_level=1, use_gpu=False, only_onnxruntime=True)
    model = optimized.model
    # Constant folding writes a transposed copy of a tied weight: store it once again.
    dedupe_initializers(model)
    onnx_files.save_onnx(model, dst)


def _op_counts(path: Path) -> dict[str, int]:
    import onnx

    counts: dict[str, int] = {}

    def walk(graph) -> None:
        for node in graph.node:
            key = f"{node.domain}::{node.op_type}" if node.domain not in ("", "ai.onnx") else node.op_type
            counts[key] = counts.get(key, 0) + 1
            for attr in node.attribute:
                for sub in ([attr.g] if attr.HasField("g") else []) + list(attr.graphs):
                    walk(sub)

    walk(onnx.load(str(path), load_external_data=False).graph)
    return counts


def _move(path: Path, new: Path) -> None:
    import onnx

    if onnx_files.external_data_files(path):
        onnx_files.save_onnx(onnx.load(str(path)), new)
        onnx_files.remove(path)
    else:
        path.rename(new)
