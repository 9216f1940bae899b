"""Write an ONNX file whose weights come straight from torch tensors, one tensor at a time.

The TorchScript exporter builds the whole protobuf in memory, serializes it, hands Python the bytes and
parses them again: several copies of the weights at its peak (2.1 GB for a 440 MB BERT-base). Exporting
the graph without parameters and streaming each parameter into the file ourselves keeps the peak near
one copy of the weights.

The file is written as protobuf would write it (``postprocess/protowire.py``), each ``initializer`` entry as its
TensorProto header, then the tensor's bytes. Files over the 2 GB protobuf limit get their tensors in
``X.onnx_data`` instead (Optimum's layout, 4 KiB aligned).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

import onnx
from onnx import ModelProto, TensorProto

from .. import dtypes
from ..postprocess.onnx_files import EXTERNAL_DATA_THRESHOLD, GRAPH_SLACK, external_data_name
from ..postprocess.protowire import GRAPH_FIELD, INITIALIZER_FIELD, RAW_DATA_FIELD, key, split, varint

_INLINE_LIMIT = 1024  # with external data, tensors up to this size stay in the .onnx (as onnx.save does)
_ALIGN = 4096


def _onnx_type(tensor) -> int:
    found = dtypes.find(tensor.dtype)
    if found is None:
        raise TypeError(f"no ONNX type for {tensor.dtype}")
    return found.onnx_type


def _tensor_bytes(tensor) -> memoryview:
    """The tensor's little-endian bytes without copying when it is already contiguous on the CPU."""
    import torch

    flat = tensor.detach().cpu().contiguous().reshape(-1)
    return memoryview(flat.view(torch.uint8).numpy())


class _Entry:
    """One initializer: its TensorProto header (everything but the data) and its data."""

    def __init__(self, name: str, tensor, external: bool) -> None:
        self.tensor = tensor  # its bytes are taken when written: a non-contiguous one is copied then, alone
        self.nbytes = tensor.numel() * tensor.element_size()
        self.proto = TensorProto(name=name, dims=list(tensor.shape), data_type=_onnx_type(tensor))
        self.external = external and self.nbytes > _INLINE_LIMIT

    def inline_size(self) -> int:
        header = self.proto.SerializeToString()
        body = len(header) if self.external else len(header) + len(key(RAW_DATA_FIELD)) + len(varint(self.nbytes)) + self.nbytes
        return len(key(INITIALIZER_FIELD)) + len(varint(body)) + body

    def write_inline(self, out: BinaryIO) -> None:
        header = self.proto.SerializeToString()
        if self.external:
            out.write(key(INITIALIZER_FIELD) + varint(len(header)) + header)
            return
        raw_prefix = key(RAW_DATA_FIELD) + varint(self.nbytes)
        body = len(header) + len(raw_prefix) + self.nbytes
        out.write(key(INITIALIZER_FIELD) + varint(body) + header + raw_prefix)
        out.write(_tensor_bytes(self.tensor))


def write_model(graph_only: ModelProto, tensors: dict, path: Path, external_data: bool | None = None) -> list[Path]:
    """Write ``graph_only`` to ``path`` with ``tensors`` ({graph input name: torch tensor}) as its initializers.

    The graph inputs named in ``tensors`` stop being inputs. ``external_data`` defaults to "only when the
    weights would not fit one protobuf file". Returns the files written.
    """
    path = Path(path)
    graph = graph_only.graph
    names = [i.name for i in graph.input if i.name in tensors]
    kept = [i for i in graph.input if i.name not in tensors]
    del graph.input[:]
    graph.input.extend(kept)
    if external_data is None:  # the graph itself (Constant nodes…) counts too: the slack onnx_files allows for it
        weights = sum(t.numel() * t.element_size() for t in (tensors[n] for n in names))
        external_data = weights + GRAPH_SLACK + graph.ByteSize() >= EXTERNAL_DATA_THRESHOLD
    entries = [_Entry(name, tensors[name], external_data) for name in names]
    data_path = path.with_name(external_data_name(path))
    data_path.unlink(missing_ok=True)
    files = [path]
    if any(e.external for e in entries):
        _write_external(entries, data_path)
        files.append(data_path)

    model_head, model_tail = split(graph_only, GRAPH_FIELD)
    graph_head, graph_tail = split(graph, INITIALIZER_FIELD)
    graph_size = len(graph_head) + sum(e.inline_size() for e in entries) + len(graph_tail)
    with open(path, "wb") as out:  # fields in number order, as protobuf itself writes them
        out.write(model_head + key(GRAPH_FIELD) + varint(graph_size) + graph_head)
        for entry in entries:
            entry.write_inline(out)
        out.write(graph_tail + model_tail)
    return files


def _write_external(entries: Iterable[_Entry], data_path: Path) -> None:
    offset = 0
    with open(data_path, "wb") as out:
        for entry in entries:
            if not entry.external:
                continue
            padding = -offset % _ALIGN
            out.write(b"\0" * padding)
            offset += padding
            out.write(_tensor_bytes(entry.tensor))
            entry.proto.data_location = TensorProto.EXTERNAL
            for key, value in (("location", data_path.name), ("offset", str(offset)), ("length", str(entry.nbytes))):
                entry.proto.external_data.add(key=key, value=value)
            offset += entry.nbytes


def load_graph(path: Path) -> ModelProto:
    """A graph-only file as the exporter wrote it (small: no weights)."""
    return onnx.load(str(path), load_external_data=False)
