"""torch -> ONNX for one submodel, on either torch exporter (TorchScript by default, dynamo with ``--dynamo``).

The ONNX inputs are the configuration's ``onnx_inputs`` in order, the outputs its ``outputs``; the module traced is
:func:`traced_module.build_module`'s. On the TorchScript path the weights are streamed into the file by
``initializers`` (through the hooks in ``torch_hooks``). All transformers specifics go through ``adapter``.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path
from typing import Any

import torch
from torch import nn

from ..configs.base import OnnxConfig
from ..errors import ExportError
from . import adapter, torch_hooks
from .traceable_ops import traceable_ops
from .traced_module import build_module


def _dynamic_shapes(cfg: OnnxConfig) -> tuple:
    """dynamo: one named Dim per symbol; a derived symbol ("past + seq") gets a Dim of its own."""
    dims: dict[str, Any] = {}

    def dim(symbol: str):
        name = re.sub(r"\W+", "_", symbol).strip("_")
        if name not in dims:
            dims[name] = torch.export.Dim(name)
        return dims[name]

    specs = tuple({axis: dim(symbol) for axis, symbol in axes.items()} for axes in cfg.onnx_inputs.values())
    return (specs,)  # the traced modules take ``*args``: varargs shapes are one nested tuple


def _export_torchscript(module: nn.Module, args: tuple, path: Path, **kwargs: Any) -> None:
    """TorchScript export with the weights streamed into the file by ``initializers`` (peak ≈ one copy of them)."""
    params: dict[str, torch.Tensor] = {}
    with torch_hooks.captured_parameters(params) as captured, torch_hooks.shape_inference_without_weights():
        torch.onnx.export(module, args, str(path), dynamo=False, export_params=not captured, **kwargs)
    if captured:
        from . import initializers

        initializers.write_model(initializers.load_graph(path), params, path)


def export_submodel(
    model: nn.Module,
    cfg: OnnxConfig,
    path: Path,
    *,
    opset: int,
    shapes: dict[str, int],
    dynamic_axes: bool = True,
    constant_folding: bool = True,
    dynamo: bool = False,
    submodel_name: str = "model",
    traced_shapes: dict | None = None,
) -> None:
    """Export one submodel to ``path``; with ``traced_shapes`` (a dict) also record each output's traced shape."""
    module = build_module(model, cfg).eval()
    dummy = cfg.generate_dummy_inputs("pt", **shapes)
    args = tuple(dummy.values())
    input_names = list(cfg.onnx_inputs)
    output_names = list(cfg.outputs)
    try:
        with adapter.export_context(model, dynamo=dynamo), traceable_ops(getattr(cfg, "GENERIC", False)), \
                warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if dynamo:
                program = torch.onnx.export(
                    module,
                    args,
                    input_names=input_names,
                    output_names=output_names,
                    dynamic_shapes=_dynamic_shapes(cfg) if dynamic_axes else None,
                    opset_version=opset,
                    dynamo=True,
                    optimize=constant_folding,
                    verbose=False,
                )
                program.save(str(path))
            else:
                _export_torchscript(
                    module,
                    args,
                    path,
                    input_names=input_names,
                    output_names=output_names,
                    dynamic_axes={**cfg.onnx_inputs, **cfg.outputs} if dynamic_axes else None,
                    opset_version=opset,
                    do_constant_folding=constant_folding,
                )
        if traced_shapes is not None:
            with torch.no_grad():
                outputs = module(*args)
            traced_shapes.update({name: list(t.shape) for name, t in zip(output_names, outputs)})
    except ExportError:
        raise
    except Exception as exc:  # noqa: BLE001 - every exporter failure becomes a coded error
        code = "dynamo_unsupported" if dynamo else "export_failed"
        raise ExportError(code, submodel=submodel_name, reason=failure_reason(exc)) from exc


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def failure_reason(exc: BaseException) -> str:
    """One line on what failed. torch.export's wrapper error only says which of its steps failed (in colour);
    the reason is the exception it wraps."""
    if type(exc).__name__ == "TorchExportError" and exc.__cause__ is not None:
        exc = exc.__cause__
    text = _ANSI.sub("", str(exc)).strip()
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return f"{type(exc).__name__}: {first}"[:500] if first else type(exc).__name__
