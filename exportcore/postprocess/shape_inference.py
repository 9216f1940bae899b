"""onnx's shape inference without copying the weights.

onnxruntime's fp16 converter and quantizers infer shapes through a file (the model written to a temporary file,
inferred, read back) or through a deep copy of the model: two or three copies of every weight in memory and on
disk, for type and shape facts that no weight's values decide. :func:`infer_shapes_in_place` infers on a copy of
the graph that leaves the large float weights out and writes what it found into the model (docs/decisions.md 136).
"""

from __future__ import annotations

import onnx
from onnx import GraphProto, TensorProto

#: Float tensors above this many bytes are left out while inferring. Small ones stay: an operator may read a
#: constant input's values to infer a shape (Resize's scales), never a weight matrix's.
LEFT_OUT_BYTES = 4096
_FLOATS = {TensorProto.FLOAT, TensorProto.FLOAT16, TensorProto.BFLOAT16, TensorProto.DOUBLE}


def infer_shapes_in_place(model: onnx.ModelProto) -> onnx.ModelProto:
    """What ``onnx.shape_inference.infer_shapes(model)`` returns, written into ``model`` (returned)."""
    light = onnx.ModelProto()
    light.ir_version = model.ir_version
    light.opset_import.extend(model.opset_import)
    light.functions.extend(model.functions)
    light.graph.CopyFrom(_without_weights(model.graph))
    inferred = onnx.shape_inference.infer_shapes(light)
    _take_shapes(model.graph, inferred.graph)
    return model


def _without_weights(graph: GraphProto) -> GraphProto:
    light = GraphProto()
    light.name = graph.name
    light.input.extend(graph.input)
    light.output.extend(graph.output)
    light.value_info.extend(graph.value_info)
    light.sparse_initializer.extend(graph.sparse_initializer)
    for tensor in graph.initializer:
        copy = light.initializer.add()
        if tensor.data_type in _FLOATS and _size(tensor) > LEFT_OUT_BYTES:
            copy.name, copy.data_type = tensor.name, tensor.data_type
            copy.dims.extend(tensor.dims)
        else:
            copy.CopyFrom(tensor)
    for node in graph.node:
        copy = light.node.add()
        copy.CopyFrom(node)
        for attr, attr_copy in zip(node.attribute, copy.attribute):
            if attr.HasField("g"):
                attr_copy.g.CopyFrom(_without_weights(attr.g))
            for index, sub in enumerate(attr.graphs):
                attr_copy.graphs[index].CopyFrom(_without_weights(sub))
    return light


def _take_shapes(graph: GraphProto, inferred: GraphProto) -> None:
    for field in ("output", "value_info"):
        getattr(graph, field).clear()
        getattr(graph, field).extend(getattr(inferred, field))
    for node, node_inferred in zip(graph.node, inferred.node, strict=True):
        for attr, attr_inferred in zip(node.attribute, node_inferred.attribute, strict=True):
            if attr.HasField("g"):
                _take_shapes(attr.g, attr_inferred.g)
            for sub, sub_inferred in zip(attr.graphs, attr_inferred.graphs, strict=True):
                _take_shapes(sub, sub_inferred)


def _size(tensor: TensorProto) -> int:
    count = 1
    for dim in tensor.dims:
        count *= dim
    return count * onnx.helper.tensor_dtype_to_np_dtype(tensor.data_type).itemsize
