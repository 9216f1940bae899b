"""The little of protobuf's wire format that ONNX files are written with here, one field at a time.

A message is its fields one after the other, in field-number order as protobuf writes them; a length-delimited
field is its key, its length as a varint, then its bytes. So a model can be written as its fields before ``graph``,
the ``graph`` field's header (its length known in advance), the graph's fields before ``initializer``, one entry per
initializer, and the remaining fields: what ``SerializeToString`` gives (checked against the model's size),
without the whole message in memory as one more copy of every weight (``export/initializers.py`` from torch
tensors, ``onnx_files.save_onnx`` from a loaded model).
"""

from __future__ import annotations

from pathlib import Path

from onnx import ModelProto

GRAPH_FIELD = 7  # ModelProto.graph
INITIALIZER_FIELD = 5  # GraphProto.initializer
#: Protobuf serializes no message of 2 GiB or more.
LIMIT = 2**31


def varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def key(field: int) -> bytes:
    return varint(field << 3 | 2)  # wire type 2: length-delimited


def split(message, field: int) -> tuple[bytes, bytes]:
    """``message`` serialized as its fields numbered below ``field`` and those above it; ``field`` itself is left
    out and never copied."""
    head, tail = type(message)(), type(message)()
    for descriptor, value in message.ListFields():
        if descriptor.number == field:
            continue
        part = head if descriptor.number < field else tail
        if _repeated(descriptor):
            getattr(part, descriptor.name).extend(value)
        elif descriptor.message_type is not None:
            getattr(part, descriptor.name).CopyFrom(value)
        else:
            setattr(part, descriptor.name, value)
    return head.SerializeToString(), tail.SerializeToString()


def _repeated(descriptor) -> bool:
    if hasattr(descriptor, "is_repeated"):  # protobuf 6+ (``label`` is gone from 7)
        return descriptor.is_repeated
    return descriptor.label == descriptor.LABEL_REPEATED


def write_model(model: ModelProto, path: Path) -> None:
    """Write ``model`` to ``path`` as ``model.SerializeToString()`` would, one initializer's bytes at a time. A model
    whose pieces do not add up to its size (fields this module does not carry: unknown ones, no graph) is written
    from protobuf's own serialization. Refused before anything is written above protobuf's limit, as protobuf
    refuses to serialize it."""
    pieces = _pieces(model) if model.HasField("graph") else None
    if pieces is None or pieces[0] != model.ByteSize():
        data = model.SerializeToString()  # raises above the limit
        with open(path, "wb") as out:
            out.write(data)
        return
    total, head, sizes, tail = pieces
    if total >= LIMIT:
        raise ValueError(f"the model is {total} bytes, more than protobuf's 2 GB limit for one file")
    with open(path, "wb") as out:
        out.write(head)
        for tensor, size in zip(model.graph.initializer, sizes):
            out.write(key(INITIALIZER_FIELD) + varint(size))
            out.write(tensor.SerializeToString())
        out.write(tail)


def _pieces(model: ModelProto) -> tuple[int, bytes, list[int], bytes]:
    """(the model's size, its bytes before the initializers, each initializer's size, its bytes after them)."""
    model_head, model_tail = split(model, GRAPH_FIELD)
    graph_head, graph_tail = split(model.graph, INITIALIZER_FIELD)
    sizes = [tensor.ByteSize() for tensor in model.graph.initializer]
    graph_size = len(graph_head) + len(graph_tail) + sum(len(key(INITIALIZER_FIELD)) + len(varint(n)) + n
                                                         for n in sizes)
    head = model_head + key(GRAPH_FIELD) + varint(graph_size) + graph_head
    total = len(head) + graph_size - len(graph_head) + len(model_tail)
    return total, head, sizes, graph_tail + model_tail
