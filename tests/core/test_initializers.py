"""The streamed weights writer (``exportcore.export.initializers``) and the TorchScript export that uses it.

What a user relies on: the file holds exactly the weights torch's own writer would have stored (same names, types,
shapes and bytes, including folded constants, half precision, bfloat16, booleans and scalars), it is a valid
ONNX model onnxruntime runs with the same results, and a model past the protobuf limit gets Optimum's
``X.onnx_data`` layout with page-aligned offsets.
"""

from __future__ import annotations

import numpy as np
import onnx
import onnxruntime as ort
import pytest
import torch
from onnx import numpy_helper

from exportcore.export import initializers
from exportcore.export.onnx_export import _export_torchscript


class Mixed(torch.nn.Module):
    """Weights of several dtypes, looked up or used transposed (constant folding makes new tensors of some)."""

    def __init__(self) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.linear = torch.nn.Linear(8, 64)
        self.halves = torch.nn.Parameter(torch.randn(4, 64, dtype=torch.float16), requires_grad=False)
        self.brain_floats = torch.nn.Parameter(torch.randn(4, 64, dtype=torch.bfloat16), requires_grad=False)
        self.register_buffer("table", torch.arange(256, dtype=torch.int64).reshape(4, 64))
        self.register_buffer("mask", torch.arange(64) % 3 == 0)
        self.register_buffer("scale", torch.tensor(1.5))
        self.big = torch.nn.Parameter(torch.randn(32, 80), requires_grad=False)

    def forward(self, x, index):
        y = self.linear(x) * self.scale + self.table[index].float()
        y = y + self.halves[index].float() + self.brain_floats[index].float()
        y = torch.where(self.mask, y, -y)
        return torch.nn.functional.linear(y, self.big[:, :64])


def _export(tmp_path, name: str, streamed: bool):
    module = Mixed().eval()
    args = (torch.randn(2, 3, 8), torch.tensor([[0, 3, 1], [2, 2, 1]]))
    path = tmp_path / f"{name}.onnx"
    kwargs = dict(input_names=["x", "index"], output_names=["y"], dynamic_axes={"x": {0: "b", 1: "s"}, "index": {0: "b", 1: "s"}},
                  opset_version=18, do_constant_folding=True)
    if streamed:
        _export_torchscript(module, args, path, **kwargs)
    else:
        torch.onnx.export(module, args, str(path), dynamo=False, **kwargs)
    return module, path


def _initializers(path):
    model = onnx.load(str(path))
    return {t.name: (t.data_type, list(t.dims), numpy_helper.to_array(t).tobytes()) for t in model.graph.initializer}


def test_streamed_weights_are_exactly_what_torch_writes(tmp_path):
    _, reference = _export(tmp_path, "torch", streamed=False)
    module, streamed = _export(tmp_path, "ours", streamed=True)
    assert streamed.read_bytes() == reference.read_bytes()  # fields in protobuf's own order: the very same file
    assert _initializers(streamed) == _initializers(reference)
    ours, theirs = onnx.load(str(streamed)), onnx.load(str(reference))
    assert [i.name for i in ours.graph.input] == [i.name for i in theirs.graph.input] == ["x", "index"]
    assert {t.data_type for t in ours.graph.initializer} >= {onnx.TensorProto.FLOAT16, onnx.TensorProto.BFLOAT16,
                                                            onnx.TensorProto.INT64, onnx.TensorProto.BOOL}
    onnx.checker.check_model(ours, full_check=True)

    x = np.random.default_rng(1).standard_normal((3, 5, 8)).astype(np.float32)
    index = np.array([[0, 1, 2, 3, 0]] * 3)
    session = ort.InferenceSession(str(streamed), providers=["CPUExecutionProvider"])
    (got,) = session.run(None, {"x": x, "index": index})
    with torch.no_grad():
        expected = module(torch.from_numpy(x), torch.from_numpy(index)).numpy()
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-4)


def test_past_the_protobuf_limit_weights_go_to_onnx_data_page_aligned(tmp_path, monkeypatch):
    _, reference = _export(tmp_path, "torch", streamed=False)
    # The limit lowered to just above the graph slack: the weights (≈ 40 KB) alone stay under it, weights + graph
    # do not, as a model whose weights are just under 2 GiB (the graph itself must fit in the file too).
    monkeypatch.setattr(initializers, "EXTERNAL_DATA_THRESHOLD", initializers.GRAPH_SLACK + 1000)
    (tmp_path / "external").mkdir()
    module, path = _export(tmp_path / "external", "model", streamed=True)

    assert sorted(p.name for p in path.parent.iterdir()) == ["model.onnx", "model.onnx_data"]
    header = onnx.load(str(path), load_external_data=False)
    offsets = []
    for tensor in header.graph.initializer:
        if tensor.data_location == onnx.TensorProto.EXTERNAL:
            info = {e.key: e.value for e in tensor.external_data}
            assert info["location"] == "model.onnx_data"
            offsets.append(int(info["offset"]))
        else:  # small tensors stay inline, as onnx.save does
            assert len(tensor.raw_data) <= 1024
    assert len(offsets) >= 2 and all(offset % 4096 == 0 for offset in offsets)
    assert _initializers(path) == _initializers(reference)
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    x, index = np.ones((1, 2, 8), np.float32), np.zeros((1, 2), np.int64)
    with torch.no_grad():
        expected = module(torch.from_numpy(x), torch.from_numpy(index)).numpy()
    np.testing.assert_allclose(session.run(None, {"x": x, "index": index})[0], expected, rtol=1e-5, atol=1e-4)


def test_an_unknown_dtype_is_refused_before_writing(tmp_path):
    graph_only = onnx.helper.make_model(onnx.helper.make_graph(
        [onnx.helper.make_node("Identity", ["w"], ["y"])], "g",
        [onnx.helper.make_tensor_value_info("w", onnx.TensorProto.FLOAT, [2])],
        [onnx.helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [2])]))
    with pytest.raises(TypeError, match="complex"):
        initializers.write_model(graph_only, {"w": torch.zeros(2, dtype=torch.complex64)}, tmp_path / "m.onnx")
    assert not (tmp_path / "m.onnx").exists()


def test_a_loaded_model_is_saved_one_initializer_at_a_time_as_protobuf_writes_it(tmp_path):
    """``onnx_files.save_onnx`` (every variant, merged and deduplicated file under 2 GB) writes the bytes protobuf's
    own serialization gives, fields before and after the weights included, without holding them as one message."""
    from onnx import helper

    from exportcore.postprocess import protowire
    from exportcore.postprocess.onnx_files import save_onnx

    rng = np.random.default_rng(5)
    weights = [numpy_helper.from_array(rng.standard_normal(shape).astype(np.float32), name)
               for name, shape in (("w", (64, 300)), ("b", (300,)))]
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["h"]), helper.make_node("Add", ["h", "b"], ["y"])], "g",
        [helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, ["batch", 64])],
        [helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, ["batch", 300])], weights,
        doc_string="a graph", value_info=[helper.make_tensor_value_info("h", onnx.TensorProto.FLOAT, ["batch", 300])])
    model = helper.make_model(graph, producer_name="test", doc_string="a model",
                              opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)])
    helper.set_model_props(model, {"kept": "after the graph"})
    assert protowire._pieces(model)[0] == model.ByteSize()  # written in pieces, not from one serialized message
    files = save_onnx(model, tmp_path / "m.onnx")
    assert files == [tmp_path / "m.onnx"]
    assert (tmp_path / "m.onnx").read_bytes() == model.SerializeToString()
    session = ort.InferenceSession(str(tmp_path / "m.onnx"), providers=["CPUExecutionProvider"])
    x = np.ones((2, 64), np.float32)
    expected = x @ numpy_helper.to_array(weights[0]) + numpy_helper.to_array(weights[1])
    np.testing.assert_allclose(session.run(None, {"x": x})[0], expected, rtol=1e-5)


def test_what_the_piecewise_writer_does_not_carry_is_written_as_protobuf_writes_it(tmp_path, monkeypatch):
    """Unknown fields (a newer ONNX's) and a model without a graph keep protobuf's own bytes; a model over the
    limit is refused before any file is written."""
    from onnx import helper

    from exportcore.postprocess import protowire

    graph = helper.make_graph([helper.make_node("Identity", ["x"], ["y"])], "g",
                              [helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [2])],
                              [helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [2])],
                              [numpy_helper.from_array(np.ones(300, np.float32), "unused")])
    newer = onnx.ModelProto()
    newer.ParseFromString(helper.make_model(graph).SerializeToString() + b"\xf8\x0f\x01")  # field 255 = 1
    graphless = onnx.ModelProto(ir_version=10, producer_name="test")
    for model in (newer, graphless):
        protowire.write_model(model, tmp_path / "m.onnx")
        assert (tmp_path / "m.onnx").read_bytes() == model.SerializeToString()
    monkeypatch.setattr(protowire, "LIMIT", 1000)
    with pytest.raises(ValueError, match="2 GB"):
        protowire.write_model(helper.make_model(graph), tmp_path / "big.onnx")
    assert not (tmp_path / "big.onnx").exists()


def _every_kind_of_initializer():
    """Initializers of every type this onnx has (4-, 2- and 6-bit ones packed), odd element counts, empty and scalar
    ones, dims no file could hold (a damaged file's), one in ``float_data``, a string one, one with external data,
    one with metadata."""
    from onnx import TensorProto, helper

    tensors = []
    for name, number in TensorProto.DataType.items():
        if name in ("UNDEFINED", "STRING"):
            continue
        try:
            dtype = helper.tensor_dtype_to_np_dtype(number)
        except Exception:  # noqa: BLE001 - a type this onnx has no NumPy type for
            continue
        for dims in ((3, 5), (7,), (), (0, 4)):
            values = np.ones(dims, dtype)  # onnx itself packs them (sub-byte types several to a byte)
            tensors.append(helper.make_tensor(f"{name.lower()}_{len(dims)}_{values.size}", number, dims, values,
                                              raw=True))
    tensors.append(TensorProto(name="negative", data_type=TensorProto.FLOAT, dims=[-1], raw_data=bytes(4)))
    tensors.append(TensorProto(name="huge", data_type=TensorProto.FLOAT, dims=[2**40], raw_data=bytes(4)))
    tensors.append(helper.make_tensor("listed", TensorProto.FLOAT, (2, 3), [1.0, 2, 3, 4, 5, 6]))
    tensors.append(helper.make_tensor("words", TensorProto.STRING, (2,), [b"a", b"bc"]))
    outside = helper.make_tensor("outside", TensorProto.FLOAT, (4,), np.zeros(4, np.float32).tobytes(), raw=True)
    onnx.external_data_helper.set_external_data(outside, "w.bin", offset=0, length=16)
    outside.ClearField("raw_data")
    outside.data_location = TensorProto.EXTERNAL
    tensors.append(outside)
    described = helper.make_tensor("described", TensorProto.FLOAT, (2,), np.ones(2, np.float32).tobytes(), raw=True)
    described.doc_string = "a weight with a note"
    described.metadata_props.add(key="origin", value="test")
    tensors.append(described)
    return tensors


def test_every_kind_of_initializer_is_written_as_protobuf_writes_it(tmp_path, monkeypatch):
    """Each initializer is serialized once, its size known from its dims and type beforehand: right for every
    type (sub-byte ones packed), for ones without raw bytes, and a tensor whose raw bytes disagree with its dims
    (a damaged or foreign file) is still written exactly, from protobuf's own serialization."""
    from onnx import helper

    from exportcore.postprocess import protowire

    tensors = _every_kind_of_initializer()
    for tensor in tensors:
        assert protowire.tensor_size(tensor) == tensor.ByteSize(), tensor.name
    graph = helper.make_graph([], "g", [], [], tensors)
    model = helper.make_model(graph, producer_name="test")
    with monkeypatch.context() as patch:  # written in pieces, not from protobuf's own serialization
        patch.setattr(protowire, "_write_whole", lambda *args: pytest.fail("written whole"))
        protowire.write_model(model, tmp_path / "m.onnx")
    assert (tmp_path / "m.onnx").read_bytes() == model.SerializeToString()

    damaged = onnx.ModelProto()
    damaged.CopyFrom(model)
    damaged.graph.initializer[1].raw_data = damaged.graph.initializer[1].raw_data + b"\x00"  # one byte too many
    assert protowire.tensor_size(damaged.graph.initializer[1]) != damaged.graph.initializer[1].ByteSize()
    protowire.write_model(damaged, tmp_path / "damaged.onnx")
    assert (tmp_path / "damaged.onnx").read_bytes() == damaged.SerializeToString()
