"""Validation: onnxruntime against PyTorch at several shape sets, per submodel x shape set x output.

The default shape sets differ from the trace shapes on purpose (batch 1 and 3, other lengths, an
empty past and a past > 0): a file that only works at the traced shapes fails here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

import numpy as np

from .. import dtypes
from ..configs.base import OnnxConfig
from ..configs.static_axes import static_shapes_of
from ..errors import ExportError, first_line
from ..events import ValidationRow

#: (label, shape keywords). The trace uses batch 2, sequence 16, past 8 by default.
DEFAULT_SHAPE_SETS: list[dict[str, int]] = [
    {"batch_size": 1, "sequence_length": 7, "past_sequence_length": 0, "num_choices": 2, "audio_sequence_length": 8000},
    {"batch_size": 3, "sequence_length": 11, "past_sequence_length": 5, "num_choices": 3, "audio_sequence_length": 12000},
    {"batch_size": 2, "sequence_length": 1, "past_sequence_length": 9, "num_choices": 4, "audio_sequence_length": 16000},
]


def shape_set_label(shapes: dict[str, int], cfg: OnnxConfig) -> str:
    shapes = {**shapes, **static_shapes_of(cfg)}  # the size a static axis is validated at, not the set's
    relevant = ["batch_size"]
    names = " ".join(cfg.inputs)
    if any(k in names for k in ("input_ids", "decoder_input_ids", "inputs_embeds")):  # embeds: a VLM's prompt
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


@dataclass
class Case:
    """One check at one shape set, with PyTorch's outputs already computed."""

    check: Check
    label: str
    feeds: dict
    reference: list[np.ndarray]
    atol: float


def torch_references(
    checks: Iterable[Check],
    shape_sets: list[dict[str, int]],
    atol: Callable[[OnnxConfig], float],
    cancelled: Callable[[], bool] = lambda: False,
    user_shapes: bool = False,
) -> list[Case]:
    """Phase 1, while the model is loaded: the inputs of every case and PyTorch's outputs for them.

    PyTorch failing at a shape set is the user's choice of shapes when they gave them (``--validation-shapes``),
    else ours to report."""
    import torch

    cases = []
    for check in checks:
        for shapes in shape_sets:
            if cancelled():
                raise ExportError("cancelled")
            arrays = check.cfg.generate_dummy_inputs("np", **shapes)
            feeds = check.cfg.rename_ambiguous_inputs(arrays)
            if check.extra_feeds:
                feeds = check.extra_feeds(feeds, shapes)
            tensors = [as_tensor(torch, a) for a in arrays.values()]
            if check.cfg.float_dtype != "fp32":
                low = dtypes.to_torch(check.cfg.float_dtype)
                tensors = [t.to(low) if t.is_floating_point() else t for t in tensors]
            try:
                with torch.no_grad():
                    reference = check.torch_module(*tensors)
            except Exception as exc:  # noqa: BLE001 - e.g. a sequence longer than the model's position table
                label = shape_set_label(shapes, check.cfg)
                if not user_shapes:
                    raise ExportError("validation_error", reason=f"PyTorch failed on {check.submodel} at {label}: "
                                      f"{first_line(exc)}") from exc
                raise ExportError("validation_shapes_unsupported", submodel=check.submodel, shapes=label,
                                  reason=first_line(exc)) from exc
            reference = reference if isinstance(reference, (tuple, list)) else (reference,)
            outputs = [t.detach().float().numpy() if t.is_floating_point() else t.numpy() for t in reference]
            cases.append(Case(check, shape_set_label(shapes, check.cfg), feeds, outputs, atol(check.cfg)))
        check.torch_module = None  # the references are all we need from PyTorch now
    return cases


def as_tensor(torch, array: np.ndarray):
    if array.dtype.name == "bfloat16":  # ml_dtypes' bfloat16, which torch cannot read from NumPy: go through fp32
        return torch.from_numpy(np.ascontiguousarray(array.astype(np.float32))).to(torch.bfloat16)
    return torch.from_numpy(np.ascontiguousarray(array))


def _session(path: Path):
    import onnxruntime as ort

    from ..machine import free_cores

    options = ort.SessionOptions()
    options.log_severity_level = 3
    # Pre-packing copies every MatMul weight into a faster layout: worth it for a long-lived session, not for the
    # few runs of a validation, where it adds a fifth of the weights to the peak memory. Same kernels, same results.
    options.add_session_config_entry("session.disable_prepacking", "1")
    options.intra_op_num_threads = free_cores()
    try:
        return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    except ExportError:
        raise  # a cancel that arrived meanwhile stays a cancel
    except Exception as exc:  # noqa: BLE001
        raise ExportError("validation_error", reason=f"onnxruntime cannot load {path.name}: {exc}") from exc


def compare(cases: list[Case], on_row: Callable[[ValidationRow], None], cancelled: Callable[[], bool] = lambda: False) -> list[ValidationRow]:
    """Phase 2, after the model is released: run each file in onnxruntime and compare, one row per output."""
    rows: list[ValidationRow] = []

    def emit(row: ValidationRow) -> None:
        rows.append(row)
        on_row(row)

    by_file: dict[Path, list[Case]] = {}
    for case in cases:
        by_file.setdefault(case.check.onnx_path, []).append(case)
    for path, file_cases in by_file.items():
        session = _session(path)
        wanted = {i.name for i in session.get_inputs()}
        for case in file_cases:
            if cancelled():
                raise ExportError("cancelled")
            names = list(case.check.cfg.outputs)
            # The exporter drops inputs the graph does not use; feed what the file asks for.
            feeds = {k: v for k, v in case.feeds.items() if k in wanted}
            try:
                results = session.run(names, feeds)
            except Exception as exc:  # noqa: BLE001 - an ORT failure at a new shape is a validation failure
                note = f"onnxruntime failed: {first_line(exc)}"
                for name in names:
                    emit(ValidationRow(
                        submodel=case.check.submodel, shape_set=case.label, output=name, expected_shape=[],
                        actual_shape=[], shape_ok=False, max_abs_diff=None, atol=case.atol, passed=False, note=note,
                    ))
                continue
            for name, expected, actual in zip(names, case.reference, results):
                actual = np.asarray(actual)
                actual = actual.astype(np.float32) if actual.dtype.kind == "f" or str(actual.dtype) == "bfloat16" else actual
                shape_ok = list(expected.shape) == list(actual.shape)
                if shape_ok and expected.size:
                    diff = float(np.max(np.abs(expected.astype(np.float64) - actual.astype(np.float64))))
                else:
                    diff = 0.0 if shape_ok else None
                passed = bool(shape_ok and diff is not None and np.isfinite(diff) and diff <= case.atol)
                emit(ValidationRow(
                    submodel=case.check.submodel, shape_set=case.label, output=name,
                    expected_shape=list(expected.shape), actual_shape=list(actual.shape),
                    shape_ok=shape_ok, max_abs_diff=diff, atol=case.atol, passed=passed,
                ))
        del session
    return rows
