"""torch -> ONNX for one submodel. Imports torch; all transformers specifics go through ``adapter``.

The ONNX inputs are the configuration's ``onnx_inputs`` in order, the outputs its ``outputs``; the
module traced is an adapter wrapper taking exactly those tensors positionally.
"""

from __future__ import annotations

import contextlib
import re
import warnings
from pathlib import Path
from typing import Any, Iterator

import torch
from torch import nn

from . import adapter
from .configs.base import ConfigBehavior, OnnxConfig, OnnxConfigWithPast, OnnxSeq2SeqConfigWithPast
from .errors import ExportError


class PlainOutputs(nn.Module):
    """A model without cache: named inputs in, the configuration's outputs (in order) out."""

    def __init__(self, model: nn.Module, input_names: list[str], output_names: list[str], values_override: dict | None):
        super().__init__()
        self.model = model
        self.input_names = input_names
        self.output_names = output_names
        self.extra = {"use_cache": False} if values_override and "use_cache" in values_override else {}

    def forward(self, *args: torch.Tensor):
        cache = adapter.empty_decoder_cache(self.model, self.input_names)
        out = self.model(**adapter.model_call_kwargs(self.model, cache, **dict(zip(self.input_names, args)), **self.extra))
        return tuple(out[name] for name in self.output_names)


class Reordered(nn.Module):
    """Calls ``inner`` with the positional order it wants, taking the configuration's order."""

    def __init__(self, inner: nn.Module, given: list[str], wanted: list[str]):
        super().__init__()
        self.inner = inner
        self.index = [given.index(name) if name in given else None for name in wanted]  # None: pass None

    def forward(self, *args: torch.Tensor):
        return self.inner(*(None if i is None else args[i] for i in self.index))


def build_module(model: nn.Module, cfg: OnnxConfig) -> nn.Module:
    """The module to trace for ``cfg``: positional inputs in ``cfg.inputs`` order, outputs in ``cfg.outputs`` order."""
    names = list(cfg.inputs)  # forward-argument names
    past = [n for n in names if n.startswith("past_key_values.")]
    if isinstance(cfg, OnnxSeq2SeqConfigWithPast) and cfg.behavior is ConfigBehavior.ENCODER:
        wanted = [n for n in names if n != "attention_mask"] + (["attention_mask"] if "attention_mask" in names else [])
        return Reordered(adapter.EncoderWrapper(model), names, wanted)
    if isinstance(cfg, OnnxSeq2SeqConfigWithPast) and cfg.behavior is ConfigBehavior.DECODER:
        has_mask = "attention_mask" in names
        inner = adapter.Seq2SeqDecoderWrapper(
            model, use_past_in_inputs=cfg.use_past_in_inputs, use_past=cfg.use_past, encoder_attention_mask=has_mask,
            output_name=next(iter(cfg.outputs)),
        )
        wanted = ["decoder_input_ids", "encoder_outputs"] + (["attention_mask"] if has_mask else []) + past
        return Reordered(inner, names, wanted)
    if isinstance(cfg, OnnxConfigWithPast) and cfg.is_causal_lm and (cfg.use_past or past):
        inner = adapter.CausalLMWrapper(
            model,
            use_past_in_inputs=cfg.use_past_in_inputs,
            use_past=cfg.use_past,
            position_ids="position_ids" in names,
            output_name=next(iter(cfg.outputs)),
        )
        wanted = ["input_ids", "attention_mask"] + (["position_ids"] if "position_ids" in names else []) + past
        return Reordered(inner, names, wanted)
    return PlainOutputs(model, names, list(cfg.outputs), cfg.values_override)


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


@contextlib.contextmanager
def _wrapped(owner: Any, name: str, wrap: Any) -> Iterator[bool]:
    """Replace ``owner.name`` by ``wrap(original)`` inside the block; yields whether it could (absent: unchanged)."""
    original = getattr(owner, name, None)
    if original is None:
        yield False
        return
    setattr(owner, name, wrap(original))
    try:
        yield True
    finally:
        setattr(owner, name, original)


def _captured_parameters(params: dict[str, torch.Tensor]):
    """Keep the parameters the TorchScript exporter hands its graph (after constant folding) in ``params``.

    Wraps the exporter's internal ``_model_to_graph`` without changing what it returns. Absent (another torch),
    the export writes its parameters itself, as before.
    """
    try:
        from torch.onnx._internal.torchscript_exporter import utils as torchscript_utils
    except ImportError:
        torchscript_utils = None

    def wrap(original):
        def model_to_graph(*args, **kwargs):
            graph, params_dict, torch_out = original(*args, **kwargs)
            params.update(params_dict)
            return graph, params_dict, torch_out

        return model_to_graph

    return _wrapped(torchscript_utils, "_model_to_graph", wrap)


#: Floating-point parameters above this many elements never decide a shape: shape inference does without them.
SHAPE_INFERENCE_MAX_FLOAT_PARAM = 256


def _shape_inference_without_weights():
    """The exporter's ONNX shape inference copies every parameter it is given into protobuf, node by node:
    60–80 % of a BERT-/GPT-2-base export. Types and shapes of weights are already on the graph's inputs, and only
    integer tensors feed shape computations, so it is given the small and integer ones only. The graph written is
    the same (tests/e2e/test_export_speedups.py compares)."""

    def wrap(original):
        def infer(graph, params_dict, opset_version):
            needed = {name: value for name, value in params_dict.items()
                      if not (isinstance(value, torch.Tensor) and value.is_floating_point()
                              and value.numel() > SHAPE_INFERENCE_MAX_FLOAT_PARAM)}
            return original(graph, needed, opset_version)

        return infer

    return _wrapped(torch._C, "_jit_pass_onnx_graph_shape_type_inference", wrap)


def _export_torchscript(module: nn.Module, args: tuple, path: Path, **kwargs: Any) -> None:
    """TorchScript export with the weights streamed into the file by ``initializers`` (peak ≈ one copy of them)."""
    params: dict[str, torch.Tensor] = {}
    with _captured_parameters(params) as captured, _shape_inference_without_weights():
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
        with adapter.export_context(model, dynamo=dynamo), warnings.catch_warnings():
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
