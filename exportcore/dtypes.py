"""One dtype vocabulary: our names (``fp32``, ``fp16``, ``bf16``, ``int64``…) and how torch, NumPy, ONNX,
onnxruntime, safetensors and config.json spell each.

Light module: it imports neither torch, numpy nor onnx. Torch and NumPy names are strings; :func:`to_torch` and
:func:`to_numpy` resolve them for callers that have those libraries. The ONNX ``TensorProto`` numbers are written
out (tests/core/test_dtypes.py checks them against onnx).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import ExportError


@dataclass(frozen=True)
class DType:
    name: str  # ours: what ExportOptions and the CLI take
    long_name: str  # plan documents, config.json's ``torch_dtype``
    kind: str  # "float" | "int" | "uint" | "bool"
    itemsize: int  # bytes per element
    torch: str  # attribute of the torch module
    numpy: str  # NumPy dtype name (in ``numpy_module``)
    onnx: str  # TensorProto.DataType name
    onnx_type: int  # TensorProto.DataType number
    ort: str  # onnxruntime's type string (``NodeArg.type``)
    safetensors: str  # dtype in a safetensors header (and the Hub's parameter counts)
    aliases: tuple[str, ...] = ()
    numpy_module: str = "numpy"  # bfloat16 is not NumPy's own: ml_dtypes (which onnx depends on) adds it

    @property
    def is_half(self) -> bool:
        return self.kind == "float" and self.itemsize == 2

    @property
    def spellings(self) -> tuple[str, ...]:
        """Every name :func:`find` accepts for this dtype."""
        names = (self.name, self.long_name, self.torch, f"torch.{self.torch}", self.numpy, self.onnx, self.ort,
                 self.safetensors, *self.aliases)
        return tuple(dict.fromkeys(names))


# "float" is float32 here (ONNX's FLOAT, torch.float, config.json); NumPy's "float" means float64 and is not read.
# "int" is left out: torch.int is int32, NumPy's "int" is int64.
DTYPES: tuple[DType, ...] = (
    DType("fp32", "float32", "float", 4, "float32", "float32", "FLOAT", 1, "tensor(float)", "F32",
          ("float", "torch.float")),
    DType("fp16", "float16", "float", 2, "float16", "float16", "FLOAT16", 10, "tensor(float16)", "F16",
          ("half", "torch.half")),
    DType("bf16", "bfloat16", "float", 2, "bfloat16", "bfloat16", "BFLOAT16", 16, "tensor(bfloat16)", "BF16",
          numpy_module="ml_dtypes"),
    DType("fp64", "float64", "float", 8, "float64", "float64", "DOUBLE", 11, "tensor(double)", "F64",
          ("double", "torch.double")),
    DType("int64", "int64", "int", 8, "int64", "int64", "INT64", 7, "tensor(int64)", "I64", ("long", "torch.long")),
    DType("int32", "int32", "int", 4, "int32", "int32", "INT32", 6, "tensor(int32)", "I32", ("torch.int",)),
    DType("int16", "int16", "int", 2, "int16", "int16", "INT16", 5, "tensor(int16)", "I16", ("short", "torch.short")),
    DType("int8", "int8", "int", 1, "int8", "int8", "INT8", 3, "tensor(int8)", "I8"),
    DType("uint8", "uint8", "uint", 1, "uint8", "uint8", "UINT8", 2, "tensor(uint8)", "U8"),
    DType("bool", "bool", "bool", 1, "bool", "bool", "BOOL", 9, "tensor(bool)", "BOOL", ("bool_",)),
)
NAMES: tuple[str, ...] = tuple(d.name for d in DTYPES)

#: Half precision keeps 11 (fp16) or 8 (bf16) significant bits: validation compares at that precision, not fp32's.
HALF_PRECISION_ATOL: dict[str, float] = {"fp16": 1e-2, "bf16": 5e-2}

_BY_SPELLING: dict[str, DType] = {}
for _d in DTYPES:
    for _s in _d.spellings:
        if _BY_SPELLING.setdefault(_s.lower(), _d) is not _d:
            raise AssertionError(f"dtype spelling {_s!r} names two dtypes")
_BY_ONNX_TYPE: dict[int, DType] = {d.onnx_type: d for d in DTYPES}


def find(value: Any) -> DType | None:
    """The dtype ``value`` names, or ``None``. ``value``: any spelling (case does not matter), a TensorProto number,
    a :class:`DType`, or a torch / NumPy dtype object (read by its name, no import needed)."""
    if isinstance(value, DType):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return _BY_ONNX_TYPE.get(value)
    if not isinstance(value, str):
        name = getattr(value, "name", None)  # numpy.dtype
        if not isinstance(name, str):
            name = getattr(value, "__name__", None)  # numpy.float32, ml_dtypes.bfloat16
        value = name if isinstance(name, str) else str(value)  # torch.float32 -> "torch.float32"
    return _BY_SPELLING.get(value.strip().lower())


def get(value: Any, among: tuple[str, ...] | None = None, kind: str = "dtype") -> DType:
    """:func:`find`, or ``invalid_dtype``. ``among``: our names that are allowed here (e.g. ``FLOAT_DTYPES``)."""
    found = find(value)
    choices = among or NAMES
    if found is None or found.name not in choices:
        raise ExportError("invalid_dtype", kind=kind, value=str(value), choices=", ".join(choices))
    return found


def name_of(value: Any) -> str:
    """Our name for any spelling (``"float16"`` -> ``"fp16"``); ``invalid_dtype`` when unknown."""
    return get(value).name


def is_half(value: Any) -> bool:
    found = find(value)
    return found is not None and found.is_half


def is_float(value: Any) -> bool:
    found = find(value)
    return found is not None and found.kind == "float"


def is_integer(value: Any) -> bool:
    found = find(value)
    return found is not None and found.kind in ("int", "uint")


def validation_atol(float_dtype: Any, atol: float) -> float:
    """The tolerance a configuration whose fp32 tolerance is ``atol`` validates an export in ``float_dtype`` with."""
    return max(atol, HALF_PRECISION_ATOL.get(name_of(float_dtype), 0.0))


def to_torch(value: Any) -> Any:
    """The ``torch.dtype`` (imports torch: only for callers that have it)."""
    import torch

    return getattr(torch, get(value).torch)


def to_numpy(value: Any) -> Any:
    """The NumPy scalar type (``ml_dtypes.bfloat16`` for bf16; imports numpy or ml_dtypes)."""
    import importlib

    found = get(value)
    return getattr(importlib.import_module(found.numpy_module), found.numpy)
