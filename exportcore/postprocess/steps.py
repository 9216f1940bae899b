"""The post-process stage of a run: merge the decoders, store tied weights once, put every file in our layout
(``onnx_files``), and say which opset each file really has. A variant (fp16, int8, q4…) will be one more step here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import onnx

from ..errors import ExportError
from ..plan import Plan
from . import merge, onnx_files, variants_parts
from .dedupe import dedupe_initializers

Log = Callable[[str], None]


def post_process(plan: Plan, run_dir: Path, log: Log, tied_weights: bool = True, traced_shapes: dict | None = None,
                 keep_unmerged: bool = False) -> None:
    """Merge the plan's decoders, then bring each of its files into our layout (deduplicated where it may hold a
    weight twice). ``keep_unmerged``: keep the two decoders for the variants and ``--optimize``
    (``variants_parts``)."""
    if plan.merge:
        decoders = []
        for name in ("decoder_model", "decoder_with_past_model"):
            proto = onnx.load(str(run_dir / f"{name}.onnx"))
            onnx_files.pin_static_output_dims(proto, plan.submodel(name).onnx_config.outputs, (traced_shapes or {}).get(name, {}))
            decoders.append(proto)
        if keep_unmerged:
            variants_parts.keep_parts(run_dir, decoders)
        try:
            merge.merge_decoders(*decoders, save_path=run_dir / "decoder_model_merged.onnx")
        except ExportError:
            raise
        except Exception as exc:  # noqa: BLE001
            raise ExportError("merge_failed", reason=f"{type(exc).__name__}: {exc}") from exc
        for name in ("decoder_model.onnx", "decoder_with_past_model.onnx"):
            onnx_files.remove(run_dir / name)
        log("merged decoder_model + decoder_with_past_model into decoder_model_merged.onnx")
    # Only ONNX files are in the run folder yet: anything else is external data some exporter wrote.
    external_data = any(p.suffix != ".onnx" for p in run_dir.iterdir() if p.name != variants_parts.UNMERGED_DIR)
    for name in plan.files:
        path = run_dir / name
        dedupe = plan.options.post_process and (tied_weights or plan.merge)
        if dedupe or external_data:
            normalize_file(path, dedupe=dedupe)
        # The dynamo exporter may not honour the requested opset: read back what the file has. (Parsing a large
        # single-file model only for this would cost seconds; TorchScript files carry the opset asked for.)
        if plan.options.dynamo or external_data or path.stat().st_size < 100 * 2**20:
            log(f"{name}: opset {onnx_files.read_opset(path)}")


def normalize_file(path: Path, dedupe: bool = True) -> None:
    """Rewrite ``path`` into our layout and, with ``dedupe``, store tied weights once.

    A single-file export that has nothing to dedupe is left as it is (no rewrite of large files for nothing).
    """
    old_data = onnx_files.external_data_files(path)
    ours = onnx_files.external_data_name(path)
    if not dedupe and all(p.name == ours for p in old_data):
        return  # already in our layout
    model = onnx.load(str(path), load_external_data=True)
    removed = dedupe_initializers(model) if dedupe else 0
    if not removed and not any(p.name != ours for p in old_data):
        return
    for data in old_data:
        data.unlink(missing_ok=True)
    onnx_files.save_onnx(model, path)
