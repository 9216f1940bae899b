"""Merge ``decoder_model.onnx`` and ``decoder_with_past_model.onnx`` into ``decoder_model_merged.onnx``, their
weights pooled and stored once (``dedupe``), saved in our file layout (``onnx_files``).

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

import re
from collections.abc import Iterable
from pathlib import Path

import onnx
from onnx import GraphProto, ModelProto, TensorProto, ValueInfoProto, helper

from ..errors import ExportError
from .dedupe import move_into, pool_weights
from .onnx_files import needs_external_data, save_onnx

_ENCODER_PRESENT = re.compile(r"^present(\.\d+\.encoder\.(key|value))$")


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

    weights = pool_weights([no_past.graph, with_past.graph])

    def branch(graph: GraphProto, name: str) -> GraphProto:
        return helper.make_graph(list(graph.node), name, inputs=[], outputs=list(graph.output),
                                 initializer=list(graph.initializer), value_info=list(graph.value_info))

    if_node = helper.make_node(
        "If", ["use_cache_branch"], [o.name for o in outputs], name="optimum::if",
        then_branch=branch(with_past.graph, "with_past"), else_branch=branch(no_past.graph, "no_past"))
    merged = helper.make_model(helper.make_graph([if_node], graph_name, inputs, outputs),
                               producer_name=producer_name, opset_imports=_opset_imports([no_past, with_past]))
    merged.ir_version = max(no_past.ir_version, with_past.ir_version)
    move_into(merged.graph, weights)  # after make_model, which copies its graph
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
