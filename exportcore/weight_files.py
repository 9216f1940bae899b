"""Which files of a model are its PyTorch weights: one rule for a local folder, the HF cache and a Hub listing.

transformers loads ``*.safetensors`` when a folder has any, else ``pytorch_model*.bin``; those are the weights the
pre-flight counts, a download waits for, the free-space check sizes and the cache browser reports. Weights in other
frameworks' formats (TensorFlow, Flax, ONNX, GGUF, …) are never what an export loads. Light: no torch, no transformers.
"""

from __future__ import annotations

import os
import struct
from fnmatch import fnmatchcase
from pathlib import Path

from . import safe_json
from .errors import ExportError

#: The weight files transformers loads, in its order of preference.
WEIGHT_PATTERNS = ("*.safetensors", "pytorch_model*.bin")
#: Weights in any framework's format (ours among them): what a download skips unless it is ours.
WEIGHT_FORMAT_SUFFIXES = (".safetensors", ".bin", ".pt", ".pth", ".ckpt", ".h5", ".msgpack", ".ot", ".onnx",
                          ".onnx_data", ".gguf", ".tflite", ".mlmodel", ".pb", ".npz", ".joblib", ".keras")
#: A safetensors header longer than this is not read for the parameter count (the file size is used instead).
MAX_HEADER = 64 * 2**20


def is_weight_file(path: str) -> bool:
    """A file (path relative to the model folder or repository) transformers may load weights from."""
    return "/" not in path and any(fnmatchcase(path, pattern) for pattern in WEIGHT_PATTERNS)


def weight_files(folder: Path) -> list[Path]:
    """The files transformers loads from ``folder``: its safetensors when there are any, else pytorch_model*.bin."""
    for pattern in WEIGHT_PATTERNS:
        found = sorted(p for p in folder.glob(pattern) if p.is_file())
        if found:
            return found
    return []


def has_weights(folder: Path) -> bool:
    return bool(weight_files(folder))


def safetensors_parameters(path: Path) -> dict[str, int] | None:
    """Parameters per dtype from a safetensors file's header (its first bytes; no tensor data is read); None when
    the header is longer than ``MAX_HEADER``. ``model_not_readable`` when the file cannot be read,
    ``damaged_weights`` when its header is impossible (an empty or cut file, a header that is no JSON object, a
    negative dimension, tensor data past the end of the file): transformers would fail on it after the download
    and the model load, or count it as a negative number of parameters."""
    try:
        with path.open("rb") as stream:
            size = os.fstat(stream.fileno()).st_size
            head = stream.read(8)
            if len(head) != 8:
                raise _damaged(path, "the file is empty" if not head else "the file ends inside its header")
            (length,) = struct.unpack("<Q", head)
            if length > MAX_HEADER:
                return None
            if 8 + length > size:
                raise _damaged(path, f"its header claims {length} bytes, more than the file holds")
            header = safe_json.loads(stream.read(length))
    except safe_json.BadJson as exc:
        raise _damaged(path, f"its header is not JSON: {exc.reason}") from None
    except OSError as exc:
        raise ExportError("model_not_readable", path=str(path), reason=exc.strerror or str(exc)) from None
    if not isinstance(header, dict):
        raise _damaged(path, "its header is not a JSON object")
    data_bytes = size - 8 - length
    counts: dict[str, int] = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        problem = _tensor_entry_problem(entry, data_bytes)
        if problem:
            raise _damaged(path, f"tensor {str(name)[:80]!r} {problem}")
        count = 1
        for dim in entry["shape"]:
            count *= dim
        counts[entry["dtype"]] = counts.get(entry["dtype"], 0) + count
    return counts


def _tensor_entry_problem(entry: object, data_bytes: int) -> str | None:
    if not isinstance(entry, dict):
        return "is described by no object"
    shape, dtype, offsets = entry.get("shape"), entry.get("dtype"), entry.get("data_offsets")
    if not isinstance(dtype, str):
        return "has no dtype"
    if not isinstance(shape, list) or not all(_whole(d) and d >= 0 for d in shape):
        return f"has the shape {str(shape)[:60]}"
    if not (isinstance(offsets, list) and len(offsets) == 2 and all(_whole(o) for o in offsets)
            and 0 <= offsets[0] <= offsets[1] <= data_bytes):
        return f"has its data at {str(offsets)[:60]}, outside the file's {data_bytes} bytes of data"
    return None


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _damaged(path: Path, reason: str) -> ExportError:
    return ExportError("damaged_weights", path=str(path), reason=reason)


def check_weight_files(folder: Path) -> None:
    """The weights an export will load can be read and are not visibly damaged (``model_not_readable``,
    ``damaged_weights``): said before the model is built, not as a load failure after it."""
    for path in weight_files(folder):
        if path.suffix == ".safetensors":
            safetensors_parameters(path)
            continue
        try:
            with path.open("rb") as stream:
                empty = not stream.read(1)
        except OSError as exc:
            raise ExportError("model_not_readable", path=str(path), reason=exc.strerror or str(exc)) from None
        if empty:
            raise _damaged(path, "the file is empty")
