"""Every use of torch's private internals, in one place: the torch counterpart of ``adapter`` (transformers').

Checked on torch 2.13.0 (CPU). Each hook degrades to torch's own behaviour when what it touches is absent, so
another torch is slower or bigger, never wrong. When torch changes, this module is the one to revisit; the tests
that watch these hooks are tests/e2e/test_export_speedups.py (files byte-identical to torch's own export) and
tests/core/test_initializers.py.

- :func:`captured_parameters` wraps ``torch.onnx._internal.torchscript_exporter.utils._model_to_graph``, the
  TorchScript exporter's internal step that returns the graph and its parameters after constant folding, to keep
  those parameters. The export then runs with ``export_params=False`` and ``initializers`` streams the weights
  into the file itself (BERT-base export peak 2.1 GB -> 0.87 GB; docs/decisions.md, 27). Absent: torch writes
  the weights as usual.
- :func:`shape_inference_without_weights` wraps ``torch._C._jit_pass_onnx_graph_shape_type_inference``, the
  exporter's ONNX shape inference, so that it is given only the parameters that can decide a shape (integer and
  small tensors): it copies every parameter it gets into protobuf, 4.3 of GPT-2-small's 5.2 s export (decisions,
  28). Absent: unchanged.
- :func:`symbolic_helper` gives ``traceable_ops`` the exporter's helpers for the symbolics it registers.
- :func:`torchscript_exporter` imports ``torch.onnx._internal.torchscript_exporter.utils`` (the module the first
  hook patches); ``exportcore serve`` imports it in the warm parent so forked exports do not pay for it.
"""

from __future__ import annotations

import contextlib
from types import ModuleType
from typing import Any, Iterator

import torch

#: The torch version these hooks were checked on.
CHECKED_ON = "2.13.0"
#: Floating-point parameters above this many elements never decide a shape: shape inference does without them.
SHAPE_INFERENCE_MAX_FLOAT_PARAM = 256


def torchscript_exporter() -> ModuleType | None:
    """torch's internal TorchScript exporter module, or None where this torch has none."""
    try:
        from torch.onnx._internal.torchscript_exporter import utils
    except ImportError:
        return None
    return utils


def symbolic_helper() -> ModuleType | None:
    """torch's internal helpers for TorchScript symbolic functions (constants of a graph value), or None where this
    torch has none; ``traceable_ops`` then registers no symbolic of its own (those ops fail to export, as before)."""
    try:
        from torch.onnx._internal.torchscript_exporter import symbolic_helper as helper
    except ImportError:
        return None
    return helper


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


def captured_parameters(params: dict[str, torch.Tensor]) -> contextlib.AbstractContextManager[bool]:
    """Keep the parameters the TorchScript exporter hands its graph (after constant folding) in ``params``.

    Wraps the exporter's internal ``_model_to_graph`` without changing what it returns. Yields False where it is
    absent (another torch): the export then writes its parameters itself, as before.
    """

    def wrap(original):
        def model_to_graph(*args, **kwargs):
            graph, params_dict, torch_out = original(*args, **kwargs)
            params.update(params_dict)
            return graph, params_dict, torch_out

        return model_to_graph

    return _wrapped(torchscript_exporter(), "_model_to_graph", wrap)


def shape_inference_without_weights() -> contextlib.AbstractContextManager[bool]:
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
