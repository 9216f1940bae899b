"""The strict ONNX checker, for a run without validation (``--no-validation``): onnxruntime makes the same checks
when it loads a file, so a validated export has passed them already."""

from __future__ import annotations

from pathlib import Path

import onnx

from ..errors import ExportError, first_line


def structure_problem(path: Path) -> str | None:
    """What ONNX's checker with strict type and shape inference finds wrong in the file (the first line), or None,
    e.g. a bfloat16 Conv below opset 22."""
    try:
        onnx.checker.check_model(str(path), full_check=True)
    except (onnx.checker.ValidationError, onnx.shape_inference.InferenceError) as exc:
        if "No Op registered for" in str(exc):  # onnxruntime's own ops (--optimize, q4's MatMulNBits)
            return _onnxruntime_problem(path)
        return first_line(exc)
    return None


def _onnxruntime_problem(path: Path) -> str | None:
    """What onnxruntime says when it loads the file, for ops only it knows."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.log_severity_level = 3
    try:
        ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    except Exception as exc:  # noqa: BLE001 - onnxruntime raises its own exception types
        return first_line(exc)
    return None


def check_structure(run_dir: Path, names: list[str]) -> None:
    """``export_failed`` for the first of the run's files that is not valid ONNX."""
    for name in names:
        problem = structure_problem(run_dir / name)
        if problem:
            raise ExportError("export_failed", submodel=name.removesuffix(".onnx"),
                              reason=f"the file is not valid ONNX ({problem})")
