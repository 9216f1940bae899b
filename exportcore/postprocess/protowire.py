"""The little of protobuf's wire format that ONNX files are written with here, one field at a time.

A message is its fields one after the other, in field-number order as protobuf writes them; a length-delimited
field is its key, its length as a varint, then its bytes. So a model can be written as its fields before ``graph``,
the ``graph`` field's header (its length known in advance), the graph's fields before ``initializer``, one entry per
initializer, and the remaining fields: what ``SerializeToString`` gives, without the whole message in memory as one
more copy of every weight (``export/initializers.py`` from torch tensors, ``onnx_files.save_onnx`` from a loaded
model). Each initializer's size comes from its dims and type, and is checked as it is written.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from onnx import ModelProto, TensorProto

GRAPH_FIELD = 7  # ModelProto.graph
INITIALIZER_FIELD = 5  # GraphProto.initializer
RAW_DATA_FIELD = 9  # TensorProto.raw_data
#: Protobuf serializes no message of 2 GiB or more.
LIMIT = 2**31


def varint(value: int) -> bytes:
    if value < 0:
        raise ValueError(f"a length cannot be negative ({value})")
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
    out and never read (reading a bytes field copies it)."""
    head, tail = type(message)(), type(message)()
    for descriptor in message.DESCRIPTOR.fields:
        if descriptor.number == field:
            continue
        part = head if descriptor.number < field else tail
        value = getattr(message, descriptor.name)
        if _repeated(descriptor):
            if len(value):
                getattr(part, descriptor.name).extend(value)
        elif message.HasField(descriptor.name):  # ONNX is proto2: every singular field has presence
            if descriptor.message_type is not None:
                getattr(part, descriptor.name).CopyFrom(value)
            else:
                setattr(part, descriptor.name, value)
    return head.SerializeToString(), tail.SerializeToString()


def _repeated(descriptor) -> bool:
    if hasattr(descriptor, "is_repeated"):  # protobuf 6+ (``label`` is gone from 7)
        return descriptor.is_repeated
    return descriptor.label == descriptor.LABEL_REPEATED


def write_model(model: ModelProto, path: Path) -> None:
    """Write ``model`` to ``path`` as ``model.SerializeToString()`` would, one initializer's bytes at a time, each
    serialized once. A model with fields this module does not carry (unknown ones, no graph), or an initializer
    whose bytes are not the size its header gave, is written from protobuf's own serialization. Refused before
    anything is written above protobuf's limit, as protobuf refuses to serialize it."""
    if not model.HasField("graph") or _carries_unknown_fields(model):
        _write_whole(model, path)
        return
    total, head, sizes, tail = _pieces(model)
    if total >= LIMIT:
        raise ValueError(f"the model is {total} bytes, more than protobuf's 2 GB limit for one file")
    with open(path, "wb") as out:
        out.write(head)
        for tensor, size in zip(model.graph.initializer, sizes):
            data = tensor.SerializeToString()
            if len(data) != size:  # raw bytes that disagree with the dims: the header written is wrong
                break
            out.write(key(INITIALIZER_FIELD) + varint(size))
            out.write(data)
        else:
            out.write(tail)
            return
    path.unlink()  # the pieces written so far: nothing half-written stays if protobuf refuses the whole
    _write_whole(model, path)


def _write_whole(model: ModelProto, path: Path) -> None:
    data = model.SerializeToString()  # raises above the limit
    with open(path, "wb") as out:
        out.write(data)


def _carries_unknown_fields(model: ModelProto) -> bool:
    """Whether the model or its graph holds fields this ONNX does not know (``split`` would drop them; deeper
    messages are copied or serialized whole, theirs included)."""
    from google.protobuf.unknown_fields import UnknownFieldSet  # protobuf 4.22+; onnx needs a newer one

    return len(UnknownFieldSet(model)) > 0 or len(UnknownFieldSet(model.graph)) > 0


def _pieces(model: ModelProto) -> tuple[int, bytes, list[int], bytes]:
    """(the model's size, its bytes before the initializers, each initializer's size, its bytes after them)."""
    model_head, model_tail = split(model, GRAPH_FIELD)
    graph_head, graph_tail = split(model.graph, INITIALIZER_FIELD)
    sizes = [tensor_size(tensor) for tensor in model.graph.initializer]
    graph_size = len(graph_head) + len(graph_tail) + sum(len(key(INITIALIZER_FIELD)) + len(varint(n)) + n
                                                         for n in sizes)
    head = model_head + key(GRAPH_FIELD) + varint(graph_size) + graph_head
    total = len(head) + graph_size - len(graph_head) + len(model_tail)
    return total, head, sizes, graph_tail + model_tail


def tensor_size(tensor: TensorProto) -> int:
    """The serialized size of ``tensor``, without serializing its raw bytes when its dims and type give their
    length (protobuf's ``ByteSize`` serializes the whole message to measure it, a copy of the weight)."""
    raw = raw_length(tensor) if tensor.HasField("raw_data") else None
    if raw is None:
        return tensor.ByteSize()
    head, tail = split(tensor, RAW_DATA_FIELD)
    return len(head) + len(tail) + len(key(RAW_DATA_FIELD)) + len(varint(raw)) + raw


def raw_length(tensor: TensorProto) -> int | None:
    """The length of ``tensor``'s raw bytes as its dims and type give it (sub-byte types packed), or None for a type
    without a fixed width here and for dims no file under protobuf's limit can hold (negative, too large)."""
    bits = _element_bits().get(tensor.data_type)
    if bits is None:
        return None
    count = 1
    for d in tensor.dims:
        if d < 0:
            return None
        count *= d
    length = (count * bits + 7) // 8
    return length if length < LIMIT else None


@cache
def _element_bits() -> dict[int, int]:
    from onnx import helper

    bits = {}
    for name, number in TensorProto.DataType.items():
        if name in ("UNDEFINED", "STRING"):
            continue
        try:
            bits[number] = helper.tensor_dtype_to_np_dtype(number).itemsize * 8
        except Exception:  # noqa: BLE001 - a type this onnx cannot map: measured by protobuf instead
            continue
    for name, width in (("UINT4", 4), ("INT4", 4), ("FLOAT4E2M1", 4), ("UINT2", 2), ("INT2", 2),
                        ("FLOAT6E2M3", 6), ("FLOAT6E3M2", 6)):  # packed, as onnx's make_tensor packs them
        if hasattr(TensorProto, name):
            bits[getattr(TensorProto, name)] = width
    return bits

