"""Validation: onnxruntime against PyTorch at several shape sets, per submodel x shape set x output.

The default shape sets differ from the trace shapes on purpose (batch 1 and 3, other lengths, an
empty past and a past > 0): a file that only works at the traced shapes fails here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

import numpy as np

from .configs.base import OnnxConfig, OnnxConfigWithPast
from .errors import ExportError
from .events import ValidationRow

#: (label, shape keywords). The trace uses batch 2, sequence 16, past 8 by default.
DEFAULT_SHAPE_SETS: list[dict[str, int]] = [
    {"batch_size": 1, "sequence_length": 7, "past_sequence_length": 0, "num_choices": 2, "audio_sequence_length": 8000},
    {"batch_size": 3, "sequence_length": 11, "past_sequence_length": 5, "num_choices": 3, "audio_sequence_length": 12000},
    {"batch_size": 2, "sequence_length": 1, "past_sequence_length": 9, "num_choices": 4, "audio_sequence_length": 16000},
]


def shape_set_label(shapes: dict[str, int], cfg: OnnxConfig) -> str:
    relevant = ["batch_size"]
    names = " ".join(cfg.inputs)
    if any(k in names for k in ("input_ids", "decoder_input_ids")):
        relevant.append("sequence_length")
    if "num_choices" in str(cfg.inputs):
        relevant.append("num_choices")
    if "input_values" in names:
        relevant.append("audio_sequence_length")
    if any(n.startswith("past_key_values") for n in cfg.inputs):
        relevant.append("past_sequence_length")
    return ", ".join(f"{k.replace('_size', '').replace('_length', '')}={shapes[k]}" for k in relevant if k in shapes)


@dataclass
class Check:
    """One comparison: an ONNX session (optionally with fixed extra feeds) against a torch module."""

    submodel: str  # the file's submodel name, e.g. "decoder_model_merged (cache branch)"
    onnx_path: Path
    cfg: OnnxConfig  # configuration whose dummy inputs feed both sides
    torch_module: object  # positional inputs in cfg.inputs order
    extra_feeds: Callable[[dict, dict], dict] | None = None  # (feeds, shapes) -> feeds; merged decoders


def run_checks(
    checks: Iterable[Check],
    shape_sets: list[dict[str, int]],
    atol: Callable[[OnnxConfig], float],
    on_row: Callable[[ValidationRow], None],
    cancelled: Callable[[], bool] = lambda: False,
) -> list[ValidationRow]:
    import onnxruntime as ort
    import torch

    rows: list[ValidationRow] = []
    sessions: dict[Path, ort.InferenceSession] = {}
    for check in checks:
        if check.onnx_path not in sessions:
            options = ort.SessionOptions()
            options.log_severity_level = 3
            try:
                sessions[check.onnx_path] = ort.InferenceSession(str(check.onnx_path), options, providers=["CPUExecutionProvider"])
            except Exception as exc:  # noqa: BLE001
                raise ExportError("validation_error", reason=f"onnxruntime cannot load {check.onnx_path.name}: {exc}") from exc
        session = sessions[check.onnx_path]
        tolerance = atol(check.cfg)
        for shapes in shape_sets:
            if cancelled():
                raise ExportError("cancelled")
            label = shape_set_label(shapes, check.cfg)
            arrays = check.cfg.generate_dummy_inputs("np", **shapes)
            feeds = check.cfg.rename_ambiguous_inputs(arrays)
            if check.extra_feeds:
                feeds = check.extra_feeds(feeds, shapes)
            # The exporter drops inputs the graph does not use; feed what the file asks for.
            wanted = {i.name for i in session.get_inputs()}
            feeds = {k: v for k, v in feeds.items() if k in wanted}
            tensors = [torch.from_numpy(np.ascontiguousarray(a)) for a in arrays.values()]
            if check.cfg.float_dtype != "fp32":
                from .dummy_inputs import TORCH_FLOAT

                tensors = [t.to(getattr(torch, TORCH_FLOAT[check.cfg.float_dtype])) if t.is_floating_point() else t for t in tensors]
            with torch.no_grad():
                reference = check.torch_module(*tensors)
            reference = reference if isinstance(reference, (tuple, list)) else (reference,)
            names = list(check.cfg.outputs)
            try:
                results = session.run(names, feeds)
            except Exception as exc:  # noqa: BLE001 - an ORT failure at a new shape is a validation failure
                for name in names:
                    row = ValidationRow(
                        submodel=check.submodel, shape_set=label, output=name, expected_shape=[], actual_shape=[],
                        shape_ok=False, max_abs_diff=None, atol=tolerance, passed=False,
                        note=f"onnxruntime failed: {str(exc).splitlines()[0][:300]}",
                    )
                    rows.append(row)
                    on_row(row)
                continue
            for name, expected, actual in zip(names, reference, results):
                expected_np = expected.detach().float().numpy()
                actual_np = np.asarray(actual, dtype=np.float32) if actual.dtype.kind == "f" or str(actual.dtype) == "bfloat16" else np.asarray(actual)
                shape_ok = list(expected_np.shape) == list(actual_np.shape)
                diff = float(np.max(np.abs(expected_np - actual_np))) if shape_ok and expected_np.size else (0.0 if shape_ok else None)
                passed = shape_ok and diff is not None and diff <= tolerance and np.isfinite(diff)
                row = ValidationRow(
                    submodel=check.submodel, shape_set=label, output=name,
                    expected_shape=list(expected_np.shape), actual_shape=list(actual_np.shape),
                    shape_ok=shape_ok, max_abs_diff=diff, atol=tolerance, passed=bool(passed),
                )
                rows.append(row)
                on_row(row)
    return rows
