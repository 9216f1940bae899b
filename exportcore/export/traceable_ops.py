"""Ops the TorchScript exporter cannot translate, or translates wrongly, replaced while a generic export traces.

Found on the causal-LM types transformers 5.25 ships (docs/supported-models.md): each replacement computes the same
values, and only an export of a derived (generic) configuration uses them, so hand-written exports are traced as
before.

- ``repeat_interleave`` with an integer count: the exporter's translation mis-types its output (interleaved
  rotary embeddings of Cohere, GLM, Helium, ERNIE 4.5: "All tensors must have the same rank", or a reshape
  baked to the trace's shape). Here a gather with computed indices.
- complex rotary embeddings (``torch.polar`` → ``view_as_complex`` → product → ``view_as_real``: DeepSeek-V2,
  Llama 4): ONNX has no complex numbers. ``polar`` gives the (real, imaginary) pairs as a last dimension of 2,
  ``view_as_complex`` wraps such pairs in :class:`_Pairs`, whose product is the complex product written out, and
  ``view_as_real`` unwraps them.
- ``aten::cumsum`` of a boolean tensor (Llama 4's chunked attention mask): ONNX's CumSum has no boolean kernel;
  cast to int64 first, as torch promotes it.
- ``aten::_upsample_bicubic2d_aa`` (antialiased bicubic resize of DINOv2-with-registers' position embeddings):
  ONNX's ``Resize`` (opset 18) with ``antialias=1``, ``cubic_coeff_a=-0.5`` and ``exclude_outside=1`` computes
  torch's values (compared at up- and down-scaling).
- ``aten::expm1`` (xIELU activation, Apertus): no translation; ``Exp(x) - 1``.
- ``aten::rms_norm`` (``torch.nn.functional.rms_norm``, DiffLlama): none before opset 23; the usual
  ``x / sqrt(mean(x²) + eps) * weight``.
- ``aten::index_add`` with repeated indices (JetMoE's experts adding each token's k results): the exporter's
  scatter keeps one of the repeated rows; ``ScatterND`` (rows) or ``ScatterElements`` with ``reduction="add"``
  (opset 16) sums them.
"""

from __future__ import annotations

import contextlib
from typing import Iterator

import torch

from . import torch_hooks

_OPSET = 9  # the lowest opset the symbolics below are written for (they hold for every later one)
_CUMSUM_OPSET = 11  # CumSum's first opset
_RESIZE_OPSET = 18  # Resize's antialias attribute
_SCATTER_ADD_OPSET = 16  # ScatterElements' reduction attribute
_OPSETS = {"aten::cumsum": _CUMSUM_OPSET, "aten::_upsample_bicubic2d_aa": _RESIZE_OPSET,
           "aten::index_add": _SCATTER_ADD_OPSET}


def _repeat_interleave(original):
    def repeat_interleave(x, repeats, dim=None, *, output_size=None):
        if isinstance(repeats, int) and dim is not None and isinstance(x, torch.Tensor):
            dim = dim % x.dim()
            index = torch.arange(x.shape[dim] * repeats, device=x.device) // repeats
            return x.index_select(dim, index)
        return original(x, repeats, dim, output_size=output_size)

    return repeat_interleave


class _Pairs:
    """Complex numbers as a real tensor whose last dimension holds (real, imaginary)."""

    def __init__(self, pairs: torch.Tensor) -> None:
        self.pairs = pairs

    @property
    def device(self) -> torch.device:
        return self.pairs.device

    def __mul__(self, other):
        other = other.pairs if isinstance(other, _Pairs) else other
        if not (isinstance(other, torch.Tensor) and other.shape[-1:] == (2,)):
            return _Pairs(self.pairs * torch.as_tensor(other).unsqueeze(-1))  # a real factor
        a, b = self.pairs.unbind(-1)
        c, d = other.unbind(-1)
        return _Pairs(torch.stack((a * c - b * d, a * d + b * c), -1))

    __rmul__ = __mul__


def _polar(magnitude: torch.Tensor, angle: torch.Tensor) -> torch.Tensor:
    return torch.stack((magnitude * torch.cos(angle), magnitude * torch.sin(angle)), -1)


def _view_as_complex(x: torch.Tensor) -> _Pairs:
    return _Pairs(x)


def _view_as_real(original):
    def view_as_real(x):
        return x.pairs if isinstance(x, _Pairs) else original(x)

    return view_as_real


def _expm1(g, x):
    return g.op("Sub", g.op("Exp", x), g.op("Constant", value_t=torch.tensor(1.0)))


def _cumsum_symbolic(helper):
    def cumsum(g, x, dim, dtype):
        axis = g.op("Constant", value_t=torch.tensor(helper._maybe_get_const(dim, "i"), dtype=torch.int64))
        if not helper._is_none(dtype):
            onnx_type = helper._type_utils.JitScalarType(helper._get_const(dtype, "i", "dtype")).onnx_type()
            x = g.op("Cast", x, to_i=onnx_type)
        elif x.type().scalarType() in ("Bool", "Byte", "Char", "Short", "Int", None):
            x = g.op("Cast", x, to_i=7)  # int64: torch's promotion of integer and boolean sums
        return g.op("CumSum", x, axis)

    return cumsum


def _bicubic_aa_symbolic(helper):
    def upsample_bicubic2d_aa(g, x, output_size, align_corners, scale_factors):
        batch_channels = g.op("Slice", g.op("Shape", x), g.op("Constant", value_t=torch.tensor([0])),
                              g.op("Constant", value_t=torch.tensor([2])))
        size = helper._maybe_get_const(output_size, "is")
        if isinstance(size, list) and all(isinstance(v, int) for v in size):
            size = g.op("Constant", value_t=torch.tensor(size, dtype=torch.int64))
        else:
            size = g.op("Cast", output_size, to_i=7)
        empty = g.op("Constant", value_t=torch.tensor([], dtype=torch.float32))
        corners = helper._maybe_get_const(align_corners, "b")
        return g.op("Resize", x, empty, empty, g.op("Concat", batch_channels, size, axis_i=0), mode_s="cubic",
                    antialias_i=1, cubic_coeff_a_f=-0.5, exclude_outside_i=1,
                    coordinate_transformation_mode_s="align_corners" if corners else "half_pixel")

    return upsample_bicubic2d_aa


def _rms_norm_symbolic(helper):
    def rms_norm(g, x, normalized_shape, weight, eps):
        shape = helper._maybe_get_const(normalized_shape, "is")
        if isinstance(shape, (list, tuple)):
            n = len(shape)
        elif helper._is_packed_list(normalized_shape):
            n = len(helper._unpack_list(normalized_shape))
        else:  # a shape computed in the graph: RMS norms normalize the last dimension
            n = 1
        axes = g.op("Constant", value_t=torch.tensor(list(range(-n, 0)), dtype=torch.int64))
        eps_value = None if helper._is_none(eps) else helper._maybe_get_const(eps, "f")
        eps_value = torch.finfo(torch.float32).eps if eps_value is None else float(eps_value)
        mean_square = g.op("ReduceMean", g.op("Mul", x, x), axes, keepdims_i=1)
        y = g.op("Div", x, g.op("Sqrt", g.op("Add", mean_square, g.op("Constant", value_t=torch.tensor(eps_value)))))
        return y if helper._is_none(weight) else g.op("Mul", y, weight)

    return rms_norm


def _index_add_symbolic(helper):
    def index_add(g, x, dim, index, source, alpha=None):
        axis = helper._get_const(dim, "i", "dim")
        scale = None if alpha is None or helper._is_none(alpha) else helper._maybe_get_const(alpha, "f")
        if scale is not None and (helper._is_value(scale) or float(scale) != 1.0):
            factor = scale if helper._is_value(scale) else g.op("Constant", value_t=torch.tensor(float(scale)))
            source = g.op("Mul", source, factor)
        if axis == 0:  # rows: index [n] -> [n, 1]
            indices = g.op("Unsqueeze", index, g.op("Constant", value_t=torch.tensor([1], dtype=torch.int64)))
            return g.op("ScatterND", x, indices, source, reduction_s="add")
        rank = helper._get_tensor_rank(source)
        if rank is None:
            raise RuntimeError("index_add: the rank of its source is unknown")
        axis = axis % rank
        # index [n] -> shaped to broadcast along ``axis``, then expanded to the source's shape
        shape = [1] * rank
        shape[axis] = -1
        indices = g.op("Reshape", index, g.op("Constant", value_t=torch.tensor(shape, dtype=torch.int64)))
        indices = g.op("Expand", indices, g.op("Shape", source))
        return g.op("ScatterElements", x, indices, source, axis_i=axis, reduction_s="add")

    return index_add


@contextlib.contextmanager
def traceable_ops(enabled: bool = True) -> Iterator[None]:
    """Inside: the replacements above (nothing when not ``enabled``); restored afterwards."""
    if not enabled:
        yield
        return
    from torch.onnx import register_custom_op_symbolic, unregister_custom_op_symbolic

    function, method = torch.repeat_interleave, torch.Tensor.repeat_interleave
    complex_ops = torch.polar, torch.view_as_complex, torch.view_as_real
    helper = torch_hooks.symbolic_helper()
    registered = []
    torch.repeat_interleave = _repeat_interleave(function)
    torch.Tensor.repeat_interleave = _repeat_interleave(method)
    torch.polar, torch.view_as_complex, torch.view_as_real = _polar, _view_as_complex, _view_as_real(complex_ops[2])
    try:
        register_custom_op_symbolic("aten::expm1", _expm1, _OPSET)
        registered.append("aten::expm1")
        if helper is not None:
            register_custom_op_symbolic("aten::rms_norm", _rms_norm_symbolic(helper), _OPSET)
            registered.append("aten::rms_norm")
            register_custom_op_symbolic("aten::cumsum", _cumsum_symbolic(helper), _CUMSUM_OPSET)
            registered.append("aten::cumsum")
            register_custom_op_symbolic("aten::_upsample_bicubic2d_aa", _bicubic_aa_symbolic(helper), _RESIZE_OPSET)
            registered.append("aten::_upsample_bicubic2d_aa")
            register_custom_op_symbolic("aten::index_add", _index_add_symbolic(helper), _SCATTER_ADD_OPSET)
            registered.append("aten::index_add")
        yield
    finally:
        torch.repeat_interleave, torch.Tensor.repeat_interleave = function, method
        torch.polar, torch.view_as_complex, torch.view_as_real = complex_ops
        for name in registered:
            unregister_custom_op_symbolic(name, _OPSETS.get(name, _OPSET))
