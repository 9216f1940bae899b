"""Every use of onnxruntime's internals, in one place (as ``export/torch_hooks.py`` for torch); checked on
onnxruntime 1.32.

``quantize_dynamic`` infers shapes twice, each time through copies of the whole model: once by writing the model
to a temporary file, inferring and reading it back, and once more in ``ONNXQuantizer``, after it turned Gemm into
MatMul, through a deep copy written out as external data and read back. Three copies of every weight at the peak,
for facts no weight decides. While :func:`lighter_shape_inference` is active those two helpers infer on the model
itself (``shape_inference.infer_shapes_in_place``): the model they return is the same, made without the copies
(decision 136; tests/core/test_variant_building.py compares the files). If a future onnxruntime renames a helper,
it is left alone: slower, never different.

Its per-channel 8-bit quantization computes each channel's scale and zero point in a Python loop with numpy
scalars: 133 k channels for a GPT-2-small, most of the q8 variant's time. While :func:`vectorized_per_channel`
is active the same numbers are computed for all channels of a weight at once (same float32/float64 steps, element
by element) and handed to that loop in order; the rest of onnxruntime's method runs unchanged (decision 184).

A weight quantized as a whole (a ``Gather``'s embedding: per tensor) goes through ``quantize_nparray``, whose one
numpy expression holds two float32 copies of the weight at once beside the two the caller already made: for
GPT-2-small's tied 154 MB embedding the q8 step peaked at 1315 MiB, its folded model alone taking 720 (1140 now).
While :func:`quantize_in_slices` is active the same expression runs on slices of the weight into one array of the
quantized type.

Its float16 converter clamps every weight into float16's range with six full passes of ``np.where`` over it;
:func:`faster_float16_clamp` finds the few values to clamp in one pass and sets the same values (decision 184).
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import numpy as np

#: (module, name) of the helpers replaced, in every module that imported them by name.
_MODULES = ("quantize", "onnx_quantizer", "base_quantizer", "quant_utils")
_LOAD = "load_model_with_shape_infer"
_RELOAD = "save_and_reload_model_with_shape_infer"


@contextmanager
def _replaced(*replacements: tuple[object, str, object]) -> Iterator[None]:
    """Each (owner, attribute name, value) set for the time of the context, then the original put back."""
    saved = [(owner, name, getattr(owner, name)) for owner, name, _ in replacements]
    for owner, name, value in replacements:
        setattr(owner, name, value)
    try:
        yield
    finally:
        for owner, name, original in saved:
            setattr(owner, name, original)


@contextmanager
def lighter_shape_inference() -> Iterator[None]:
    import importlib

    import onnx

    from .shape_inference import infer_shapes_in_place

    utils = importlib.import_module("onnxruntime.quantization.quant_utils")
    mark = getattr(utils, "add_infer_metadata", None)
    if mark is None:
        yield
        return

    def load(model_path: Path):
        model = infer_shapes_in_place(onnx.load(str(model_path)))
        mark(model)
        return model

    def reload(model):
        # The original leaves the caller's model as it was (a deep copy); its callers here replace theirs by the
        # result, so inferring in place changes nothing they keep.
        infer_shapes_in_place(model)
        mark(model)
        return model

    modules = [importlib.import_module(f"onnxruntime.quantization.{name}") for name in _MODULES]
    with _replaced(*[(module, helper, light) for module in modules
                     for helper, light in ((_LOAD, load), (_RELOAD, reload)) if hasattr(module, helper)]):
        yield


@contextmanager
def quantizer_hooks() -> Iterator[None]:
    """Every hook of ``quantize_dynamic``."""
    with lighter_shape_inference(), vectorized_per_channel(), quantize_in_slices():
        yield


#: Channels computed at once: float32 work arrays of at most about this many elements (16 MB), so that a large
#: weight (a tied LM head) adds no full-size copies to the builder's peak.
CHUNK_ELEMENTS = 4 * 1024 * 1024


def per_channel_params(weights: np.ndarray, axis: int, qmin: np.ndarray, qmax: np.ndarray, full_min: np.ndarray,
                       full_max: np.ndarray, symmetric: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every channel's (zero point, scale, quantized values) along ``axis``, as onnxruntime's ``quantize_data``
    computes them channel by channel (``compute_scale_zp`` then ``quantize_nparray``, without overrides): ``qmin``/
    ``qmax`` the range of the scale, ``full_min``/``full_max`` the type's range the values are clipped to."""
    channels = np.moveaxis(weights, axis, 0)
    count = channels.shape[0]
    size = channels[0].size if count else 0
    step = max(1, CHUNK_ELEMENTS // max(size, 1))
    parts = [_channel_params(channels[i:i + step].reshape(-1, size), qmin, qmax, full_min, full_max, symmetric)
             for i in range(0, count, step)]
    return tuple(np.concatenate(column) for column in zip(*parts)) if parts else (
        np.zeros(0, qmin.dtype), np.zeros(0, weights.dtype), np.zeros((0, size), full_min.dtype))


def _channel_params(rows: np.ndarray, qmin, qmax, full_min, full_max, symmetric: bool):
    rmin = np.minimum(rows.min(axis=1), np.zeros((), rows.dtype))
    rmax = np.maximum(rows.max(axis=1), np.zeros((), rows.dtype))
    if symmetric:
        rmax = np.maximum(np.abs(rmin), np.abs(rmax))
        rmin = -rmax
    scale64 = (rmax.astype(np.float64) - rmin.astype(np.float64)) / (np.float64(qmax) - np.float64(qmin))
    degenerate = scale64 < np.finfo(rows.dtype).tiny
    if symmetric:
        zero_point = np.full(len(rows), np.round((qmin + qmax) / np.float64(2.0)), dtype=qmin.dtype)
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            zero_point = np.round(qmin - rmin / scale64).astype(qmin.dtype)
    scale = np.where(degenerate, np.ones((), rows.dtype), scale64.astype(rows.dtype))
    zero_point = np.where(degenerate, np.zeros((), qmin.dtype), zero_point)
    values = rows.astype(np.float32) / scale[:, None]
    values = values.round(out=values)
    values += zero_point[:, None].astype(np.float32)
    np.clip(values, full_min, full_max, out=values)
    return zero_point, scale, values.astype(full_min.dtype)


@contextmanager
def vectorized_per_channel() -> Iterator[None]:
    import importlib

    import onnx

    base = importlib.import_module("onnxruntime.quantization.base_quantizer")
    utils = importlib.import_module("onnxruntime.quantization.quant_utils")
    quantizer = getattr(base, "BaseQuantizer", None)
    original = getattr(quantizer, "quantize_weight_per_channel_impl", None)
    needed = ("quantize_data", "find_by_name", "tensor_proto_to_array", "normalize_axis", "get_qmin_qmax_for_qType")
    if original is None or not hasattr(base, "quantize_data") or not all(hasattr(utils, n) for n in needed):
        yield
        return
    simple_types = (onnx.TensorProto.INT8, onnx.TensorProto.UINT8)

    def impl(self, weight_name, weight_qType, channel_axis, reduce_range=True, keep_float_weight=False):  # noqa: N803
        initializer = utils.find_by_name(weight_name, self.model.initializer())
        if (initializer is None or weight_qType not in simple_types or self.min_real_range is not None
                or not self.tensor_quant_overrides.empty()):
            return original(self, weight_name, weight_qType, channel_axis, reduce_range, keep_float_weight)
        weights = utils.tensor_proto_to_array(initializer)
        valid, axis = utils.normalize_axis(channel_axis, weights.ndim)
        if not valid or weights.dtype != np.float32:
            return original(self, weight_name, weight_qType, channel_axis, reduce_range, keep_float_weight)
        symmetric = self.is_weight_symmetric(weight_qType)
        qmin, qmax = utils.get_qmin_qmax_for_qType(weight_qType, self.reduce_range and reduce_range, symmetric)
        full_min, full_max = utils.get_qmin_qmax_for_qType(weight_qType)
        zero_points, scales, values = per_channel_params(weights, axis, qmin, qmax, full_min, full_max, symmetric)
        del weights  # onnxruntime's method reads its own copy
        channels = iter(zip(zero_points, scales, values))

        def precomputed(data, *args, **kwargs):
            zero_point, scale, quantized = next(channels)
            return np.array(zero_point), np.array(scale), quantized

        with _replaced((base, "quantize_data", precomputed)):
            return original(self, weight_name, weight_qType, channel_axis, reduce_range, keep_float_weight)

    with _replaced((quantizer, "quantize_weight_per_channel_impl", impl)):
        yield


def quantize_slices(original, q_type, arr, scale, zero_point, low=None, high=None):
    """``quantize_nparray``'s integer branch, a slice of ``CHUNK_ELEMENTS`` at a time: element by element the same
    float32 steps, so the same values. Anything else (float8 types, a small array) goes to ``original``."""
    import onnx

    from onnxruntime.quantization import quant_utils as utils

    types = {onnx.TensorProto.INT8: np.int8, onnx.TensorProto.UINT8: np.uint8}
    if q_type not in types or not isinstance(arr, np.ndarray) or arr.size <= CHUNK_ELEMENTS:
        return original(q_type, arr, scale, zero_point, low, high)
    qmin, qmax = utils.get_qmin_qmax_for_qType(q_type, reduce_range=False, symmetric=False)
    low = max(qmin, low) if low is not None else qmin
    high = min(qmax, high) if high is not None else qmax

    def quantized(part: np.ndarray) -> np.ndarray:
        part = np.asarray((part.astype(np.float32) / scale).round() + zero_point)
        np.clip(part, low, high, out=part)
        return part

    return _in_slices(arr, types[q_type], quantized)


def _in_slices(values: np.ndarray, dtype, convert: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    """``convert`` applied to ``values`` a slice of ``CHUNK_ELEMENTS`` at a time, into one array of ``dtype``: no
    whole-weight temporaries beside the result."""
    flat = values.reshape(-1)
    out = np.empty(flat.shape, dtype)
    for start in range(0, flat.size, CHUNK_ELEMENTS):
        out[start:start + CHUNK_ELEMENTS] = convert(flat[start:start + CHUNK_ELEMENTS])
    return out.reshape(values.shape)


@contextmanager
def quantize_in_slices() -> Iterator[None]:
    import importlib

    utils = importlib.import_module("onnxruntime.quantization.quant_utils")
    original = getattr(utils, "quantize_nparray", None)
    if original is None or not hasattr(utils, "get_qmin_qmax_for_qType"):
        yield
        return

    def sliced(q_type, arr, scale, zero_point, low=None, high=None):  # noqa: ANN001
        return quantize_slices(original, q_type, arr, scale, zero_point, low, high)

    with _replaced((utils, "quantize_nparray", sliced)):
        yield


def clamp_to_float16(values: np.ndarray, min_positive_val: float = 5.96e-08,
                     max_finite_val: float = 65504.0) -> np.ndarray:
    """onnxruntime's ``convert_np_to_float16``: magnitudes in (0, min) become ±min, finite ones above max ±max;
    zero, NaN and infinities stay; then float16. A large weight a slice at a time, into one float16 array: whole,
    its magnitudes alone were one more float32 copy (GPT-2-small's float16 conversion peaked at 1142 MiB, now 824)."""
    values = np.asarray(values)
    if values.size <= CHUNK_ELEMENTS:
        return _clamped(values, min_positive_val, max_finite_val)
    return _in_slices(values, np.float16, lambda part: _clamped(part, min_positive_val, max_finite_val))


#: onnxruntime's converter's bounds, the ones used here: float16's smallest subnormal and largest finite value.
_FLOAT16_BOUNDS = (5.96e-08, 65504.0)


def _clamped(values: np.ndarray, min_positive_val: float, max_finite_val: float) -> np.ndarray:
    if (min_positive_val, max_finite_val) == _FLOAT16_BOUNDS and values.dtype.kind == "f":
        return _converted_then_mended(values)
    magnitude = np.abs(values)
    tiny = (magnitude > 0) & (magnitude < min_positive_val)
    huge = (magnitude > max_finite_val) & np.isfinite(magnitude)
    if tiny.any() or huge.any():
        values = np.array(values, copy=True)
        for where, bound in ((tiny, min_positive_val), (huge, max_finite_val)):
            values[where] = np.copysign(np.asarray(bound, values.dtype), values[where])
    return np.float16(values)


def _converted_then_mended(values: np.ndarray) -> np.ndarray:
    """The same float16 values with the converter's bounds, in three passes instead of eight: convert first, then
    mend what the conversion lost. A non-zero that became zero was below the smallest subnormal (the clamp would
    have made it ± that subnormal; those at or above half of it round to it anyway), a finite value that became
    infinite was above the largest finite (the clamp: ± that; those just above it round down to it anyway)."""
    with np.errstate(over="ignore", invalid="ignore"):  # the overflow to infinity is mended below
        half = np.asarray(values.astype(np.float16, order="C"))  # C order: ``mended`` below is a view of it
    flat, mended = values.reshape(-1), half.reshape(-1)
    for lost, bound in ((np.flatnonzero(mended == 0), _FLOAT16_BOUNDS[0]),
                        (np.flatnonzero(np.isinf(mended)), _FLOAT16_BOUNDS[1])):
        if lost.size:
            source = flat[lost]
            lost = lost[(source != 0) & np.isfinite(source)]
            mended[lost] = np.copysign(np.float16(bound), flat[lost])
    return half


@contextmanager
def faster_float16_clamp() -> Iterator[None]:
    import importlib

    float16 = importlib.import_module("onnxruntime.transformers.float16")
    if not hasattr(float16, "convert_np_to_float16"):
        yield
        return
    with _replaced((float16, "convert_np_to_float16", clamp_to_float16)):
        yield
