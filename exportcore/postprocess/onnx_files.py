"""ONNX files on disk: one layout whatever the exporter wrote.

Files under 2 GB are one self-contained ``.onnx``; larger ones keep their weights in ``<name>.onnx_data`` (Optimum's
naming; :func:`save_onnx` decides, and the exporter's own weight writer, ``export/initializers.py``, follows the same
rule). The dynamo exporter always writes ``<name>.onnx.data``: the post-process step rewrites that into this layout.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import onnx
from onnx import GraphProto, ModelProto, TensorProto, helper

from . import protowire

#: Protobuf cannot serialize a message of 2 GB or more; above this, tensors go to an external data file.
EXTERNAL_DATA_THRESHOLD = onnx.checker.MAXIMUM_PROTOBUF
#: Room for the graph structure itself when estimating a model's serialized size from its tensors.
GRAPH_SLACK = 64 * 1024 * 1024


def external_data_name(path: str | Path) -> str:
    """File name of the external data of ``path``, as Optimum names it: ``X.onnx`` -> ``X.onnx_data``."""
    return Path(path).name + "_data"


def file_bytes(path: Path) -> int:
    """A file's size with its external data (``X.onnx_data``); 0 when there is no such file."""
    if not path.is_file():
        return 0
    data = path.with_name(external_data_name(path))
    return path.stat().st_size + (data.stat().st_size if data.is_file() else 0)


def _tensors(graph: GraphProto) -> Iterator[TensorProto]:
    """Initializers and tensor attributes of a graph and its subgraphs."""
    yield from graph.initializer
    for node in graph.node:
        for attr in node.attribute:
            if attr.HasField("t"):
                yield attr.t
            yield from attr.tensors
            if attr.HasField("g"):
                yield from _tensors(attr.g)
            for sub in attr.graphs:
                yield from _tensors(sub)


def _tensor_nbytes(tensor: TensorProto) -> int:
    if tensor.HasField("raw_data"):
        length = protowire.raw_length(tensor)  # reading ``raw_data`` would copy the weight
        return len(tensor.raw_data) if length is None else length
    count = 1
    for d in tensor.dims:
        count *= d
    return count * helper.tensor_dtype_to_np_dtype(tensor.data_type).itemsize if tensor.data_type else 0


def needs_external_data(model: ModelProto) -> bool:
    """Whether ``model`` is too large for one protobuf file (estimated from its tensors; never serializes it)."""
    tensors = sum(_tensor_nbytes(t) for t in _tensors(model.graph))
    return tensors + GRAPH_SLACK >= EXTERNAL_DATA_THRESHOLD


def save_onnx(model: ModelProto, path: str | Path, external_data: bool | None = None) -> list[Path]:
    """Save ``model`` to ``path``; with ``external_data`` (default: only when needed, see
    :func:`needs_external_data`) all tensors above 1 KB go to one file ``X.onnx_data`` beside it.

    Returns the files written. With external data the proto is modified in place (its tensors then point to
    the data file) — onnx does that to avoid a copy of the weights.
    """
    path = Path(path)
    data_path = path.with_name(external_data_name(path))
    if external_data is None:
        external_data = needs_external_data(model)
    # onnx appends to an existing data file; a stale one would be kept and grow.
    data_path.unlink(missing_ok=True)
    if not external_data:
        # One initializer serialized at a time: onnx.save_model's one message of the whole model would be one more
        # copy of every weight at the peak (a variant builder's, or the exporter's), for the same bytes.
        protowire.write_model(model, path)
        return [path]
    onnx.save_model(model, str(path), save_as_external_data=True, all_tensors_to_one_file=True,
                    location=data_path.name, size_threshold=1024)
    return [path, data_path]


def external_data_files(path: str | Path) -> list[Path]:
    """The external data files an ONNX file refers to (without loading any tensor data)."""
    path = Path(path)
    if not _may_name_external_data(path):
        return []
    model = onnx.load(str(path), load_external_data=False)
    files = set()
    for tensor in _tensors(model.graph):
        if tensor.data_location == TensorProto.EXTERNAL:
            files.update(path.parent / e.value for e in tensor.external_data if e.key == "location")
    return sorted(files)

#: How protobuf writes the key of an external data entry (field 1, 8 bytes, "location"): a file without these bytes
#: refers to no external data, and finding that out costs a scan, not a parse of every weight.
_LOCATION_KEY = b"\x0a\x08location"


def _may_name_external_data(path: Path) -> bool:
    # Read in pieces (not mapped: a mapped file's pages would count in the process's resident memory).
    piece, tail = 16 * 2**20, b""
    with open(path, "rb") as file:
        while chunk := file.read(piece):
            if _LOCATION_KEY in tail + chunk[:len(_LOCATION_KEY)] or _LOCATION_KEY in chunk:
                return True
            tail = chunk[-len(_LOCATION_KEY):]
    return False


def read_opset(path: Path) -> int:
    """The default-domain opset the file really has (exporters do not always honour the request)."""
    model = onnx.load(str(path), load_external_data=False)
    return next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), 0)


def remove(path: Path) -> None:
    """Delete an ONNX file and its external data."""
    if path.exists():
        for data in external_data_files(path):
            data.unlink(missing_ok=True)
        path.unlink()


def pin_static_output_dims(model, declared: dict[str, dict[int, str]], traced: dict[str, list[int]]) -> None:
    """Give output axes the configuration does not declare dynamic their traced size (in place).

    The TorchScript exporter names axes it cannot infer (Whisper's heads: ``Concatpresent.0.decoder.key_dim_1``);
    a runtime reading the file would take them for dynamic. Optimum pins them the same way.
    """
    for output in model.graph.output:
        shape = traced.get(output.name)
        if shape is None:
            continue
        dims = output.type.tensor_type.shape.dim
        for index, dim in enumerate(dims):
            if index not in declared.get(output.name, {}) and index < len(shape) and dim.HasField("dim_param"):
                dim.dim_value = shape[index]
