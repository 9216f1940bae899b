"""Which files of a model are its PyTorch weights: one rule for a local folder, the HF cache and a Hub listing.

transformers loads ``*.safetensors`` when a folder has any, else ``pytorch_model*.bin``; those are the weights the
pre-flight counts, a download waits for, the free-space check sizes and the cache browser reports. Weights in other
frameworks' formats (TensorFlow, Flax, ONNX, GGUF, …) are never what an export loads. Light: no torch, no transformers.
"""

from __future__ import annotations

import json
import struct
from fnmatch import fnmatchcase
from pathlib import Path

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
    """Parameters per dtype from a safetensors file's header (its first bytes; no tensor data is read)."""
    try:
        with path.open("rb") as stream:
            head = stream.read(8)
            if len(head) != 8:
                return None
            (length,) = struct.unpack("<Q", head)
            if length > MAX_HEADER:
                return None
            header = json.loads(stream.read(length))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    counts: dict[str, int] = {}
    if not isinstance(header, dict):
        return None
    for name, entry in header.items():
        if name == "__metadata__" or not isinstance(entry, dict):
            continue
        shape, dtype = entry.get("shape"), entry.get("dtype")
        if not isinstance(shape, list) or not isinstance(dtype, str) or not all(isinstance(d, int) for d in shape):
            return None
        count = 1
        for dim in shape:
            count *= dim
        counts[dtype] = counts.get(dtype, 0) + count
    return counts
