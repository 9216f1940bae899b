"""Decoder merge, weight deduplication and external data.

The decoders are tiny GPT-2 / T5 models (seeded random weights) exported with the adapter's wrappers on the
TorchScript path, named as Optimum names them.
"""

from __future__ import annotations

import numpy as np
import onnx
import onnxruntime as ort
import pytest
import torch
from onnx import TensorProto, helper, numpy_helper

transformers = pytest.importorskip("transformers")

from exportcore.export import adapter  # noqa: E402
from exportcore.postprocess import dedupe, merge, onnx_files  # noqa: E402
from exportcore.errors import ExportError  # noqa: E402

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::UserWarning")

LAYERS = 2
ATOL = 1e-5


def _export(wrapper, model, args, path, inputs, outputs, axes):
    axes = {name: axes[name] for name in inputs + outputs if name in axes}
    with adapter.export_context(model):
        torch.onnx.export(wrapper, tuple(args), str(path), input_names=inputs, output_names=outputs,
                          dynamic_axes=axes, dynamo=False, opset_version=17)


@pytest.fixture(scope="module")
def gpt2_decoders(tmp_path_factory):
    """(folder, model): decoder_model.onnx and decoder_with_past_model.onnx of a tiny GPT-2."""
    folder = tmp_path_factory.mktemp("gpt2")
    torch.manual_seed(0)
    model = transformers.GPT2LMHeadModel(transformers.GPT2Config(
        n_embd=32, n_layer=LAYERS, n_head=4, n_positions=64, vocab_size=100, bos_token_id=0, eos_token_id=0)).eval()
    past = [f"past_key_values.{i}.{kv}" for i in range(LAYERS) for kv in ("key", "value")]
    present = [n.replace("past_key_values", "present") for n in past]
    base = ["input_ids", "attention_mask", "position_ids"]
    axes = {"input_ids": {0: "batch_size", 1: "sequence_length"},
            "position_ids": {0: "batch_size", 1: "sequence_length"},
            "logits": {0: "batch_size", 1: "sequence_length"},
            **{n: {0: "batch_size", 2: "past_sequence_length"} for n in past},
            **{n: {0: "batch_size", 2: "past_sequence_length + sequence_length"} for n in present}}
    ids = torch.randint(0, 100, (2, 3))
    pos = torch.arange(3).expand(2, 3)
    first = adapter.CausalLMWrapper(model, use_past=True)
    _export(first, model, (ids, torch.ones(2, 3, dtype=torch.long), pos), folder / "decoder_model.onnx",
            base, ["logits"] + present, {**axes, "attention_mask": {0: "batch_size", 1: "sequence_length"}})
    pasts = [torch.randn(2, 4, 4, 8) for _ in past]
    _export(adapter.CausalLMWrapper(model, use_past_in_inputs=True), model,
            (ids, torch.ones(2, 7, dtype=torch.long), pos + 4, *pasts), folder / "decoder_with_past_model.onnx",
            base + past, ["logits"] + present,
            {**axes, "attention_mask": {0: "batch_size", 1: "past_sequence_length + sequence_length"}})
    return folder


@pytest.fixture(scope="module")
def t5_decoders(tmp_path_factory):
    folder = tmp_path_factory.mktemp("t5")
    torch.manual_seed(0)
    model = transformers.T5ForConditionalGeneration(transformers.T5Config(
        d_model=32, d_ff=64, num_layers=LAYERS, num_heads=4, d_kv=8, vocab_size=100,
        decoder_start_token_id=0)).eval()
    past = [f"past_key_values.{i}.{a}.{kv}" for i in range(LAYERS) for a in ("decoder", "encoder")
            for kv in ("key", "value")]
    present_all = [n.replace("past_key_values", "present") for n in past]
    present_dec = [n for n in present_all if ".decoder." in n]
    base = ["input_ids", "encoder_hidden_states", "encoder_attention_mask"]
    axes = {"input_ids": {0: "batch_size", 1: "decoder_sequence_length"},
            "encoder_hidden_states": {0: "batch_size", 1: "encoder_sequence_length"},
            "encoder_attention_mask": {0: "batch_size", 1: "encoder_sequence_length"},
            "logits": {0: "batch_size", 1: "decoder_sequence_length"}}
    for n in past + present_all:
        part = "decoder" if ".decoder." in n else "encoder"
        axes[n] = {0: "batch_size", 2: f"{'past_' if n in past else ''}{part}_sequence_length"}
    axes.update({n: {0: "batch_size", 2: "past_decoder_sequence_length + 1"} for n in present_dec})
    hidden = torch.randn(2, 5, 32)
    mask = torch.ones(2, 5, dtype=torch.long)
    ids = torch.randint(0, 100, (2, 3))
    first = adapter.Seq2SeqDecoderWrapper(model, use_past=True)
    _export(first, model, (ids, hidden, mask), folder / "decoder_model.onnx", base, ["logits"] + present_all, axes)
    with torch.no_grad():
        presents = first(ids, hidden, mask)[1:]
    _export(adapter.Seq2SeqDecoderWrapper(model, use_past_in_inputs=True), model,
            (ids[:, :1], hidden, mask, *presents), folder / "decoder_with_past_model.onnx", base + past,
            ["logits"] + present_dec, axes)
    return folder


def _session(path):
    return ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])


def _feeds(session, values):
    return {i.name: values[i.name] for i in session.get_inputs()}


def _gpt2_feeds(batch, seq, past):
    rng = np.random.default_rng(batch * 100 + seq * 10 + past)
    mask = np.ones((batch, past + seq), dtype=np.int64)
    mask[0, :1] = 0
    feeds = {"input_ids": rng.integers(0, 100, (batch, seq)), "attention_mask": mask,
             "position_ids": np.clip(mask.cumsum(-1) - 1, 0, None)[:, past:]}
    for i in range(LAYERS):
        for kv in ("key", "value"):
            feeds[f"past_key_values.{i}.{kv}"] = rng.standard_normal((batch, 4, past, 8)).astype(np.float32)
    return feeds


def _weights(graph):
    return [t for t in graph.initializer if dedupe._is_weight(t)]


def _check_branches(merged_path, folder, feeds_no_past, feeds_with_past):
    merged = _session(merged_path)
    names = [o.name for o in merged.get_outputs()]
    for branch, model_file, feeds in ((False, "decoder_model.onnx", feeds_no_past),
                                      (True, "decoder_with_past_model.onnx", feeds_with_past)):
        single = _session(folder / model_file)
        expected = dict(zip([o.name for o in single.get_outputs()], single.run(None, _feeds(single, feeds))))
        got = dict(zip(names, merged.run(None, _feeds(merged, {**feeds, "use_cache_branch": np.array([branch])}))))
        for name, value in expected.items():
            assert got[name].shape == value.shape, (branch, name)
            assert np.abs(got[name] - value).max() <= ATOL, (branch, name)
    return merged


def test_merge_gpt2(gpt2_decoders, tmp_path):
    folder = gpt2_decoders
    path = tmp_path / "decoder_model_merged.onnx"
    merged = merge.merge_decoders(folder / "decoder_model.onnx", folder / "decoder_with_past_model.onnx", path)
    assert [n.op_type for n in merged.graph.node] == ["If"]
    inputs = [i.name for i in merged.graph.input]
    assert inputs[:3] == ["input_ids", "attention_mask", "position_ids"]
    assert inputs[-1] == "use_cache_branch" and len(inputs) == 3 + 2 * LAYERS + 1
    use_cache = merged.graph.input[-1].type.tensor_type
    assert use_cache.elem_type == TensorProto.BOOL and [d.dim_value for d in use_cache.shape.dim] == [1]
    with_past = onnx.load(str(folder / "decoder_with_past_model.onnx"))
    assert [o.name for o in merged.graph.output] == [o.name for o in with_past.graph.output]
    # Weights stored once, in the outer graph.
    assert len(_weights(merged.graph)) == len(_weights(with_past.graph))
    for branch in merged.graph.node[0].attribute:
        assert not _weights(branch.g)
    weight_bytes = sum(len(t.raw_data) for t in _weights(with_past.graph))
    assert sum(len(t.raw_data) for t in _weights(merged.graph)) == weight_bytes

    no_past_feeds = _gpt2_feeds(3, 5, 0)  # the caller feeds zero-length pasts on the first step
    with_past_feeds = _gpt2_feeds(3, 1, 6)
    session = _check_branches(path, folder, no_past_feeds, with_past_feeds)
    # A two-step loop through the merged model equals one no-past run over the whole sequence.
    ids = np.random.default_rng(7).integers(0, 100, (2, 6))
    mask = np.ones((2, 6), dtype=np.int64)
    names = [o.name for o in session.get_outputs()]
    empty = {f"past_key_values.{i}.{kv}": np.zeros((2, 4, 0, 8), np.float32) for i in range(LAYERS)
             for kv in ("key", "value")}
    step1 = dict(zip(names, session.run(None, {"input_ids": ids[:, :4], "attention_mask": mask[:, :4],
                                              "position_ids": np.tile(np.arange(4), (2, 1)), **empty,
                                              "use_cache_branch": np.array([False])})))
    pasts = {n.replace("present", "past_key_values"): v for n, v in step1.items() if n.startswith("present")}
    step2 = session.run(None, {"input_ids": ids[:, 4:], "attention_mask": mask,
                               "position_ids": np.tile(np.arange(4, 6), (2, 1)), **pasts,
                               "use_cache_branch": np.array([True])})
    whole = session.run(None, {"input_ids": ids, "attention_mask": mask, "position_ids": np.tile(np.arange(6), (2, 1)),
                               **empty, "use_cache_branch": np.array([False])})
    assert np.abs(step2[0] - whole[0][:, 4:]).max() <= ATOL


@pytest.mark.parametrize("mode", ["passthrough", "empty"])
def test_merge_t5(t5_decoders, tmp_path, mode):
    folder = t5_decoders
    path = tmp_path / "decoder_model_merged.onnx"
    merged = merge.merge_decoders(folder / "decoder_model.onnx", folder / "decoder_with_past_model.onnx", path,
                                  encoder_presents=mode)
    no_past = onnx.load(str(folder / "decoder_model.onnx"))
    assert [o.name for o in merged.graph.output] == [o.name for o in no_past.graph.output]
    assert "present.1.encoder.value" in [o.name for o in merged.graph.output]

    rng = np.random.default_rng(3)
    batch, enc = 3, 7
    mask = np.ones((batch, enc), dtype=np.int64)
    mask[0, -2:] = 0
    common = {"encoder_hidden_states": rng.standard_normal((batch, enc, 32)).astype(np.float32),
              "encoder_attention_mask": mask}
    pasts = {}
    for i in range(LAYERS):
        for part, length in (("decoder", 4), ("encoder", enc)):
            for kv in ("key", "value"):
                shape = (batch, 4, length, 8)
                pasts[f"past_key_values.{i}.{part}.{kv}"] = rng.standard_normal(shape).astype(np.float32)
    zero = {n: v[:, :, :0] for n, v in pasts.items()}
    session = _check_branches(path, folder, {**common, **zero, "input_ids": rng.integers(0, 100, (batch, 4))},
                              {**common, **pasts, "input_ids": rng.integers(0, 100, (batch, 1))})
    names = [o.name for o in session.get_outputs()]
    got = dict(zip(names, session.run(None, {**common, **pasts, "input_ids": np.ones((batch, 1), np.int64),
                                             "use_cache_branch": np.array([True])})))
    for i in range(LAYERS):
        value = got[f"present.{i}.encoder.key"]
        if mode == "passthrough":
            assert np.array_equal(value, pasts[f"past_key_values.{i}.encoder.key"])
        else:
            assert value.shape[0] == 0


def test_merge_with_external_data(gpt2_decoders, tmp_path):
    folder = gpt2_decoders
    # Inputs stored with external data too (any data file name is followed).
    for name in ("decoder_model", "decoder_with_past_model"):
        files = onnx_files.save_onnx(onnx.load(str(folder / f"{name}.onnx")), tmp_path / f"{name}.onnx", external_data=True)
        assert [f.name for f in files] == [f"{name}.onnx", f"{name}.onnx_data"]
    path = tmp_path / "decoder_model_merged.onnx"
    merge.merge_decoders(tmp_path / "decoder_model.onnx", tmp_path / "decoder_with_past_model.onnx", path,
                         external_data=True)
    assert onnx_files.external_data_files(path) == [tmp_path / "decoder_model_merged.onnx_data"]
    weights = sum(len(t.raw_data) for t in _weights(onnx.load(str(folder / "decoder_with_past_model.onnx")).graph))
    # Tensors under 1 KB stay inline.
    assert 0.9 * weights <= (tmp_path / "decoder_model_merged.onnx_data").stat().st_size < 1.5 * weights
    _check_branches(path, folder, _gpt2_feeds(2, 3, 0), _gpt2_feeds(2, 1, 3))


def test_save_onnx_chooses_external_data_by_size(gpt2_decoders, tmp_path, monkeypatch):
    model = onnx.load(str(gpt2_decoders / "decoder_model.onnx"))
    assert onnx_files.save_onnx(model, tmp_path / "small.onnx") == [tmp_path / "small.onnx"]
    monkeypatch.setattr(onnx_files, "EXTERNAL_DATA_THRESHOLD", onnx_files.GRAPH_SLACK + 1000)
    stale = tmp_path / "big.onnx_data"
    stale.write_bytes(b"x" * 10)  # onnx would append to it
    files = onnx_files.save_onnx(model, tmp_path / "big.onnx")
    assert files == [tmp_path / "big.onnx", stale]
    reloaded = onnx.load(str(tmp_path / "big.onnx"))
    assert {t.name for t in reloaded.graph.initializer} == {t.name for t in model.graph.initializer}
    _session(tmp_path / "big.onnx")


def _matmul_model(weights: dict[str, np.ndarray], chain: list[str], extra_inputs=()) -> onnx.ModelProto:
    """y = x @ W1 @ W2 ... with the given initializers."""
    nodes, current = [], "x"
    for i, name in enumerate(chain):
        out = "y" if i == len(chain) - 1 else f"h{i}"
        nodes.append(helper.make_node("MatMul", [current, name], [out], name=f"mm{i}"))
        current = out
    graph = helper.make_graph(
        nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 4]), *extra_inputs],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 4])],
        initializer=[numpy_helper.from_array(v, name) for v, name in ((v, k) for k, v in weights.items())])
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=9)


def _run_x(model_or_path, **feeds):
    source = model_or_path.SerializeToString() if isinstance(model_or_path, onnx.ModelProto) else str(model_or_path)
    session = ort.InferenceSession(source, providers=["CPUExecutionProvider"])
    x = np.arange(8, dtype=np.float32).reshape(2, 4)
    return session.run(None, {"x": x, **feeds})[0]


def test_dedupe_tied_weights(tmp_path):
    rng = np.random.default_rng(0)
    a = rng.standard_normal((4, 4)).astype(np.float32)
    emb = rng.standard_normal((4, 6)).astype(np.float32)
    model = _matmul_model({"A": a, "A_copy": a.copy(), "E": emb, "E_t": emb.T.copy(), "B": a + 1},
                          ["A", "A_copy", "E", "E_t", "B"])
    path = tmp_path / "model.onnx"
    onnx.save(model, str(path))
    expected = _run_x(path)
    assert dedupe.dedupe_tied_weights(path) == 2  # A_copy stored once with A; E_t a Transpose of E
    deduped = onnx.load(str(path))
    assert sorted(t.name for t in deduped.graph.initializer) == ["A", "B", "E"]
    assert deduped.graph.node[0].op_type == "Transpose"
    assert np.allclose(_run_x(path), expected)
    assert dedupe.dedupe_tied_weights(path) == 0


def test_merge_keeps_same_named_different_weights_apart(tmp_path):
    w1 = np.eye(4, dtype=np.float32)
    w2 = 2 * np.eye(4, dtype=np.float32)
    shared = np.full((4, 4), 0.5, np.float32)
    scale = helper.make_tensor_value_info("past_key_values.0.key", TensorProto.FLOAT, ["batch", 4])
    no_past = _matmul_model({"W": w1, "S": shared}, ["W", "S"])
    with_past = _matmul_model({"W": w2, "S_other_name": shared}, ["W", "S_other_name"], extra_inputs=[scale])
    # The no-past graph also has an intermediate value named like a with-past weight.
    no_past.graph.node[0].output[0] = "S_other_name"
    no_past.graph.node[1].input[0] = "S_other_name"
    merged = merge.merge_decoders(no_past, with_past)
    # W twice (different data, so one is renamed), S once; no name equals the no-past intermediate value.
    names = {t.name for t in merged.graph.initializer}
    assert len(merged.graph.initializer) == len(names) == 3 and "S_other_name" not in names
    pk = np.zeros((2, 4), np.float32)
    x = np.arange(8, dtype=np.float32).reshape(2, 4)
    assert np.allclose(_run_x(merged, **{"past_key_values.0.key": pk, "use_cache_branch": np.array([False])}),
                       x @ w1 @ shared)
    assert np.allclose(_run_x(merged, **{"past_key_values.0.key": pk, "use_cache_branch": np.array([True])}),
                       x @ w2 @ shared)


def test_merge_rejects_mismatches(gpt2_decoders):
    folder = gpt2_decoders
    decoder = onnx.load(str(folder / "decoder_model.onnx"))
    with_past = onnx.load(str(folder / "decoder_with_past_model.onnx"))
    other_opset = onnx.ModelProto()
    other_opset.CopyFrom(with_past)
    other_opset.opset_import[0].version = 14
    with pytest.raises(ExportError) as err:
        merge.merge_decoders(decoder, other_opset)
    assert err.value.code == "merge_failed"
    # Swapped: the with-past model may not have outputs the no-past one lacks; logits-only no-past decoder.
    logits_only = onnx.ModelProto()
    logits_only.CopyFrom(decoder)
    del logits_only.graph.output[1:]
    with pytest.raises(ExportError):
        merge.merge_decoders(logits_only, with_past)
    # The inputs given as protos are not modified.
    assert len(decoder.graph.initializer) == len(onnx.load(str(folder / "decoder_model.onnx")).graph.initializer)


def test_tied_embedding_then_merge(gpt2_decoders, tmp_path):
    """GPT-2 ties lm_head to wte; the exporter stores lm_head as a transposed copy, which becomes a Transpose."""
    for name in ("decoder_model.onnx", "decoder_with_past_model.onnx"):
        (tmp_path / name).write_bytes((gpt2_decoders / name).read_bytes())
        before = onnx.load(str(tmp_path / name))
        assert dedupe.dedupe_tied_weights(tmp_path / name) == 1
        after = onnx.load(str(tmp_path / name))
        assert len(after.graph.initializer) == len(before.graph.initializer) - 1
        assert [n.op_type for n in after.graph.node].count("Transpose") == \
            [n.op_type for n in before.graph.node].count("Transpose") + 1
    path = tmp_path / "decoder_model_merged.onnx"
    merge.merge_decoders(tmp_path / "decoder_model.onnx", tmp_path / "decoder_with_past_model.onnx", path)
    # Compared with the original (not deduplicated) decoders.
    _check_branches(path, gpt2_decoders, _gpt2_feeds(2, 4, 0), _gpt2_feeds(2, 1, 5))
