"""Identical weights stored once: in one model, or pooled across the two decoders a merge joins; and a tied LM
head that the exporter stored as a transposed copy of the embedding turned back into a ``Transpose`` of it."""

from __future__ import annotations

import hashlib
from collections import Counter
from pathlib import Path

import onnx
from onnx import GraphProto, ModelProto, TensorProto, helper, numpy_helper

from .onnx_files import external_data_files, save_onnx

_SHAPE_INT_TYPES = (TensorProto.INT32, TensorProto.INT64)


def _is_weight(tensor: TensorProto) -> bool:
    return len(tensor.dims) > 1 or (len(tensor.dims) == 1 and tensor.data_type not in _SHAPE_INT_TYPES)


def _fingerprint(tensor: TensorProto) -> tuple:
    data = tensor.raw_data if tensor.HasField("raw_data") else numpy_helper.to_array(tensor).tobytes()
    return tensor.data_type, tuple(tensor.dims), hashlib.sha256(data).hexdigest()


def _graph_names(graph: GraphProto) -> set[str]:
    """Every value name a graph and its subgraphs use or define."""
    names = {v.name for v in (*graph.input, *graph.output, *graph.value_info)}
    names.update(t.name for t in graph.initializer)
    for node in graph.node:
        names.update(node.input)
        names.update(node.output)
        for attr in node.attribute:
            for sub in ([attr.g] if attr.HasField("g") else []) + list(attr.graphs):
                names |= _graph_names(sub)
    names.discard("")
    return names


def _rename_inputs(graph: GraphProto, mapping: dict[str, str]) -> None:
    """Rename the uses of values (node inputs, also inside subgraphs, and value_info)."""
    for node in graph.node:
        for i, name in enumerate(node.input):
            if name in mapping:
                node.input[i] = mapping[name]
        for attr in node.attribute:
            for sub in ([attr.g] if attr.HasField("g") else []) + list(attr.graphs):
                _rename_inputs(sub, mapping)
    for info in graph.value_info:
        if info.name in mapping:
            info.name = mapping[info.name]


def _movable_weights(graph: GraphProto) -> list[TensorProto]:
    # An initializer that is also a graph input or output is part of the interface: leave it alone.
    interface = {v.name for v in (*graph.input, *graph.output)}
    return [t for t in graph.initializer if _is_weight(t) and t.name not in interface]


def pool_weights(graphs: list[GraphProto]) -> list[TensorProto]:
    """Take the weights out of ``graphs`` and return them stored once each (identical data -> one tensor).

    Node inputs are renamed to the kept names. A kept name never collides with another value of any of the
    graphs, because the weights will live in one scope that all of them see.
    """
    used = [_graph_names(g) for g in graphs]
    groups: dict[tuple, list[tuple[int, TensorProto]]] = {}
    for gi, graph in enumerate(graphs):
        for tensor in _movable_weights(graph):
            groups.setdefault(_fingerprint(tensor), []).append((gi, tensor))

    pooled: list[TensorProto] = []
    taken: set[str] = set()
    mappings: list[dict[str, str]] = [{} for _ in graphs]
    for members in groups.values():
        own = {(gi, t.name) for gi, t in members}
        name = base = members[0][1].name
        suffix = 0
        while name in taken or any(
            name in used[gi] and (gi, name) not in own for gi in range(len(graphs))
        ):
            suffix += 1
            name = f"{base}_{suffix}"
        taken.add(name)
        kept = TensorProto()
        kept.CopyFrom(members[0][1])
        kept.name = name
        pooled.append(kept)
        for gi, tensor in members:
            mappings[gi][tensor.name] = name
            tensor.ClearField("raw_data")  # it leaves its graph below; keeps peak memory at one copy

    for graph, mapping in zip(graphs, mappings):
        _rename_inputs(graph, mapping)
        _remove_initializers(graph, set(mapping))
    return pooled


def _remove_initializers(graph: GraphProto, names: set[str]) -> None:
    # In place, by index: rebuilding the list would copy every remaining weight.
    for i in reversed(range(len(graph.initializer))):
        if graph.initializer[i].name in names:
            del graph.initializer[i]


def move_into(graph: GraphProto, tensors: list[TensorProto]) -> None:
    """Append ``tensors`` to the graph's initializers, freeing each source after its copy (protobuf can only
    copy between messages; this keeps one copy of the weights in memory, not two)."""
    for tensor in tensors:
        graph.initializer.add().CopyFrom(tensor)
        tensor.ClearField("raw_data")
    tensors.clear()


def _untranspose_ties(graph: GraphProto) -> int:
    """Replace each 2-D weight that is the transpose of another one (tied input embedding / LM head: the
    exporter stores ``lm_head`` as a transposed copy) by a ``Transpose`` of that other weight. Square matrices
    are skipped (ties are never square, and checking every square projection would cost a full pass)."""
    candidates = [t for t in _movable_weights(graph) if len(t.dims) == 2 and t.dims[0] != t.dims[1]]
    by_shape: dict[tuple, list[TensorProto]] = {}
    for t in candidates:
        by_shape.setdefault(tuple(t.dims), []).append(t)
    transposed: dict[tuple, str] = {}  # fingerprint of an earlier weight's transpose -> that weight's name
    tied: dict[str, str] = {}  # later weight -> the earlier weight it is the transpose of
    for t in candidates:
        if tuple(reversed(t.dims)) not in by_shape:
            continue
        source = transposed.get(_fingerprint(t))
        if source is not None:
            tied[t.name] = source
        else:
            data = numpy_helper.to_array(t).T
            transposed.setdefault((t.data_type, data.shape, hashlib.sha256(data.tobytes()).hexdigest()), t.name)
    if not tied:
        return 0
    _remove_initializers(graph, set(tied))
    for i, (name, source) in enumerate(tied.items()):
        graph.node.insert(i, helper.make_node("Transpose", [source], [name], name=f"tied/{name}", perm=[1, 0]))
    return len(tied)


def dedupe_initializers(model: ModelProto, transposed: bool = True) -> int:
    """Store identical weights of ``model`` once (in place), and with ``transposed`` also replace a weight that
    is the transpose of another by a ``Transpose`` node. Returns how many initializers were removed."""
    # In place, without pool_weights: a weight copied out and back would stay in the model's protobuf arena twice
    # (clearing a field does not give its memory back), one more copy of every weight (docs/decisions.md 137).
    first: dict[tuple, str] = {}
    duplicates: dict[str, str] = {}
    weights = _movable_weights(model.graph)
    # Only a weight that shares its type and shape with another can be a copy: the others are not read (hashing one
    # copies its bytes out of the message; a tied embedding is often the largest weight and alone in its shape).
    shapes = Counter((t.data_type, tuple(t.dims)) for t in weights)
    for tensor in weights:
        shape = (tensor.data_type, tuple(tensor.dims))
        key = _fingerprint(tensor) if shapes[shape] > 1 else shape
        duplicates.setdefault(tensor.name, first.setdefault(key, tensor.name))
    duplicates = {name: kept for name, kept in duplicates.items() if name != kept}
    if duplicates:
        _rename_inputs(model.graph, duplicates)
        _remove_initializers(model.graph, set(duplicates))
    return len(duplicates) + (_untranspose_ties(model.graph) if transposed else 0)


def dedupe_tied_weights(model_path: str | Path, save_path: str | Path | None = None,
                        external_data: bool | None = None, transposed: bool = True) -> int:
    """Rewrite the ONNX file at ``model_path`` (or write ``save_path``) with identical initializers stored
    once and tied transposed copies replaced (see :func:`dedupe_initializers`). Returns how many initializers
    were removed; the file is left untouched when none were."""
    model_path = Path(model_path)
    old_data = external_data_files(model_path)
    model = onnx.load(str(model_path))
    removed = dedupe_initializers(model, transposed=transposed)
    if save_path is None and removed:
        written = save_onnx(model, model_path, external_data=external_data)
        for stale in set(old_data) - set(written):  # e.g. the dynamo exporter's `model.onnx.data`
            stale.unlink(missing_ok=True)
    elif save_path is not None:
        save_onnx(model, save_path, external_data=external_data)
    return removed
