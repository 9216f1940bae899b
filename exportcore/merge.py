"""Decoder post-processing: merge ``decoder_model.onnx`` and ``decoder_with_past_model.onnx`` into
``decoder_model_merged.onnx``, store identical weights once, save with external data above 2 GB.

The merged layout is Optimum's: one graph whose only node is an ``If`` on a boolean input ``use_cache_branch``
(shape ``[1]``); the *then* branch is the with-past decoder, the *else* branch the decoder without past. Graph
inputs are the union of both decoders' inputs (the no-past branch ignores the past inputs: callers feed
zero-length pasts on the first step). Both branches produce the same outputs in the no-past decoder's order.

Seq2seq: the no-past decoder also outputs the cross-attention presents ``present.{i}.encoder.*``, which the
with-past decoder does not. Optimum's ``merge_decoders(strict=False)`` fills them in the with-past branch with
empty constants. By default we pass the past input ``past_key_values.{i}.encoder.*`` through instead (an
``Identity``), so a generic loop "feed every present back as the past" works on both branches; runtimes written
for Optimum ignore these outputs on the cache branch either way. ``encoder_presents="empty"`` gives Optimum's
behaviour.

Weights: large initializers (rank > 1, or rank 1 and not int32/int64) of both decoders move to the outer graph,
identical ones stored once (renamed only where a name would clash); small shape constants stay in their branch
(as Optimum keeps them: ONNX Runtime's optimizer mishandles outer-scope shape constants in subgraphs).

Input/output shapes: where the two decoders name a dimension differently, the with-past name wins (e.g. the
attention mask's ``past_sequence_length + sequence_length``: the no-past case is that with a past of 0).
Optimum instead renames the attention mask's axis to ``attention_mask_sequence_length``; names are labels only.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import onnx
from onnx import GraphProto, ModelProto, TensorProto, ValueInfoProto, helper, numpy_helper

from .errors import ExportError

#: Protobuf cannot serialize a message of 2 GB or more; above this, tensors go to an external data file.
EXTERNAL_DATA_THRESHOLD = onnx.checker.MAXIMUM_PROTOBUF
#: Room for the graph structure itself when estimating a model's serialized size from its tensors.
GRAPH_SLACK = 64 * 1024 * 1024
_SHAPE_INT_TYPES = (TensorProto.INT32, TensorProto.INT64)
_ENCODER_PRESENT = re.compile(r"^present(\.\d+\.encoder\.(key|value))$")


# --------------------------------------------------------------------------- files


def external_data_name(path: str | Path) -> str:
    """File name of the external data of ``path``, as Optimum names it: ``X.onnx`` -> ``X.onnx_data``."""
    return Path(path).name + "_data"


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
        return len(tensor.raw_data)
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
        onnx.save_model(model, str(path))
        return [path]
    onnx.save_model(model, str(path), save_as_external_data=True, all_tensors_to_one_file=True,
                    location=data_path.name, size_threshold=1024)
    return [path, data_path]


def external_data_files(path: str | Path) -> list[Path]:
    """The external data files an ONNX file refers to (without loading any tensor data)."""
    path = Path(path)
    model = onnx.load(str(path), load_external_data=False)
    files = set()
    for tensor in _tensors(model.graph):
        if tensor.data_location == TensorProto.EXTERNAL:
            files.update(path.parent / e.value for e in tensor.external_data if e.key == "location")
    return sorted(files)


def _load(model: ModelProto | str | Path) -> ModelProto:
    if isinstance(model, ModelProto):
        copy = ModelProto()
        copy.CopyFrom(model)
        return copy
    return onnx.load(str(model))  # also loads external data (any file name, resolved beside the model)


def _check(model: ModelProto | str | Path) -> None:
    try:
        onnx.checker.check_model(model if isinstance(model, ModelProto) else str(model))
    except onnx.checker.ValidationError as exc:
        # Custom-domain ops (e.g. com.microsoft after ORT optimization) are unknown to the checker.
        if "No Op registered for" not in str(exc):
            raise


# --------------------------------------------------------------------------- renaming and deduplication


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


def _pool_weights(graphs: list[GraphProto]) -> list[TensorProto]:
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


def _move_into(graph: GraphProto, tensors: list[TensorProto]) -> None:
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
    before = len(model.graph.initializer)
    _move_into(model.graph, _pool_weights([model.graph]))
    removed = before - len(model.graph.initializer)
    return removed + (_untranspose_ties(model.graph) if transposed else 0)


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


# --------------------------------------------------------------------------- merge


def _dims(info: ValueInfoProto) -> list:
    if not info.type.tensor_type.HasField("shape"):
        return []
    return [d.dim_param or (d.dim_value if d.HasField("dim_value") else None) for d in info.type.tensor_type.shape.dim]


def _merge_dim(with_past, no_past):
    """One dimension of a value both branches have. The with-past name is the general case (e.g.
    ``past_sequence_length + sequence_length``; the no-past branch is that with a past of 0), except a name that
    is a number: Optimum's trick to keep a size-1 axis symbolic in the with-past decoder (its logits), for which
    the merged file takes the no-past name, as Optimum's merged decoders do (``decoder_sequence_length``)."""
    if with_past == no_past:
        return with_past
    if isinstance(with_past, str) and not (with_past.isdigit() and isinstance(no_past, str)):
        return with_past
    if isinstance(no_past, str):
        return no_past
    return None  # two different fixed sizes: unknown


def _merged_info(name: str, with_past: ValueInfoProto | None, no_past: ValueInfoProto | None) -> ValueInfoProto:
    infos = [i for i in (with_past, no_past) if i is not None]
    elem = {i.type.tensor_type.elem_type for i in infos}
    if len(elem) != 1:
        raise ExportError("merge_failed", reason=f"'{name}' has different element types in the two decoders")
    if len(infos) == 1:
        shape = _dims(infos[0])
    else:
        a, b = _dims(with_past), _dims(no_past)
        if len(a) != len(b):
            raise ExportError("merge_failed", reason=f"'{name}' has different ranks in the two decoders")
        shape = [_merge_dim(x, y) for x, y in zip(a, b)]
    return helper.make_tensor_value_info(name, elem.pop(), shape)


def _inputs(graph: GraphProto) -> dict[str, ValueInfoProto]:
    initializers = {t.name for t in graph.initializer}
    return {i.name: i for i in graph.input if i.name not in initializers}


def _fill_missing_outputs(with_past: GraphProto, no_past: GraphProto, mode: str) -> None:
    """Give the with-past graph the outputs only the no-past graph has (seq2seq cross-attention presents),
    then order its outputs like the no-past graph's."""
    outputs = {o.name: o for o in with_past.output}
    wanted = [o.name for o in no_past.output]
    extra = set(outputs) - set(wanted)
    if extra:
        raise ExportError("merge_failed", reason=f"outputs only the with-past decoder has: {sorted(extra)}")
    past_inputs = _inputs(with_past)
    for out in no_past.output:
        if out.name in outputs:
            continue
        match = _ENCODER_PRESENT.match(out.name)
        past_name = f"past_key_values{match.group(1)}" if match else None
        if mode == "passthrough" and past_name in past_inputs:
            with_past.node.append(helper.make_node("Identity", [past_name], [out.name], name=f"passthrough_{out.name}"))
            outputs[out.name] = _merged_info(out.name, past_inputs[past_name], None)
        elif match:
            # Optimum's filler (also when there is no past input to pass through): an empty tensor of the
            # right rank, 0 on the batch axis.
            dims = [d if isinstance(d, int) else 1 for d in _dims(out)]
            dims[0] = 0
            value = helper.make_tensor(f"{out.name}_empty", out.type.tensor_type.elem_type, dims, vals=[])
            with_past.node.append(helper.make_node("Constant", [], [out.name], name=f"empty_{out.name}", value=value))
            outputs[out.name] = _merged_info(out.name, out, None)
        else:
            raise ExportError("merge_failed", reason=f"the with-past decoder has no output '{out.name}'")
    ordered = [outputs[name] for name in wanted]
    del with_past.output[:]
    with_past.output.extend(ordered)


def _opset_imports(models: Iterable[ModelProto]) -> list:
    versions: dict[str, int] = {}
    for model in models:
        for op in model.opset_import:
            versions[op.domain] = max(versions.get(op.domain, 0), op.version)
    return [helper.make_opsetid(domain, version) for domain, version in versions.items()]


def _default_opset(model: ModelProto) -> int | None:
    return next((op.version for op in model.opset_import if op.domain in ("", "ai.onnx")), None)


def merge_decoders(decoder: ModelProto | str | Path, decoder_with_past: ModelProto | str | Path,
                   save_path: str | Path | None = None, *, encoder_presents: str = "passthrough",
                   graph_name: str = "merged", producer_name: str = "exportcore",
                   external_data: bool | None = None, check: bool = True) -> ModelProto:
    """Merge a decoder without past and a decoder with past (protos or file paths; inputs are not modified)
    into one model with a ``use_cache_branch`` input, Optimum's ``decoder_model_merged`` layout.

    ``encoder_presents``: how the with-past branch produces ``present.{i}.encoder.*`` outputs that only the
    no-past decoder has: ``"passthrough"`` (the past input, default) or ``"empty"`` (Optimum's empty
    constants). With ``save_path`` the model is written there (see :func:`save_onnx` for ``external_data``).
    Failures raise ``ExportError("merge_failed")``.
    """
    if encoder_presents not in ("passthrough", "empty"):
        raise ValueError(f"encoder_presents must be 'passthrough' or 'empty', not {encoder_presents!r}")
    no_past, with_past = _load(decoder), _load(decoder_with_past)
    if _default_opset(no_past) != _default_opset(with_past):
        raise ExportError("merge_failed", reason=f"the decoders have different opsets "
                                                 f"({_default_opset(no_past)} and {_default_opset(with_past)})")

    _fill_missing_outputs(with_past.graph, no_past.graph, encoder_presents)

    no_past_inputs, with_past_inputs = _inputs(no_past.graph), _inputs(with_past.graph)
    if "use_cache_branch" in no_past_inputs or "use_cache_branch" in with_past_inputs:
        raise ExportError("merge_failed", reason="the decoders already have a 'use_cache_branch' input")
    names = list(no_past_inputs) + [n for n in with_past_inputs if n not in no_past_inputs]
    inputs = [_merged_info(n, with_past_inputs.get(n), no_past_inputs.get(n)) for n in names]
    inputs.append(helper.make_tensor_value_info("use_cache_branch", TensorProto.BOOL, [1]))

    with_past_outputs = {o.name: o for o in with_past.graph.output}
    outputs = [_merged_info(o.name, with_past_outputs[o.name], o) for o in no_past.graph.output]

    weights = _pool_weights([no_past.graph, with_past.graph])

    def branch(graph: GraphProto, name: str) -> GraphProto:
        return helper.make_graph(list(graph.node), name, inputs=[], outputs=list(graph.output),
                                 initializer=list(graph.initializer), value_info=list(graph.value_info))

    if_node = helper.make_node(
        "If", ["use_cache_branch"], [o.name for o in outputs], name="optimum::if",
        then_branch=branch(with_past.graph, "with_past"), else_branch=branch(no_past.graph, "no_past"))
    merged = helper.make_model(helper.make_graph([if_node], graph_name, inputs, outputs),
                               producer_name=producer_name, opset_imports=_opset_imports([no_past, with_past]))
    merged.ir_version = max(no_past.ir_version, with_past.ir_version)
    _move_into(merged.graph, weights)  # after make_model, which copies its graph
    functions = {}
    for model in (no_past, with_past):
        for fn in model.functions:
            functions.setdefault((fn.domain, fn.name, fn.overload), fn)
    merged.functions.extend(functions.values())

    if save_path is not None:
        save_onnx(merged, save_path, external_data=external_data)
        if check:
            _check(save_path)
    elif check and not needs_external_data(merged):
        _check(merged)
    return merged
