"""Variants, ``--optimize`` and the transformers.js layout on tiny exports (issue 12), in-process.

- an encoder (tiny BERT, fill-mask: its LM head tied to the embeddings) with every variant, O2 and the
  transformers.js layout, validated: the onnx/ tree, each variant's file name, the records (every file with its
  size, the variants, what O2 ran), fp32 inputs and outputs in fp16, tied weights stored once;
- an encoder–decoder with the cache (tiny T5: encoder + merged decoder) with O2, fp16, q8 and q4: each part's
  variant, the merged layout kept (``use_cache_branch``), O2's fusions in the merged decoder, greedy decoding in
  onnxruntime over both branches;
- a decoder with the cache (tiny GPT-2) whose disk fills up while the variants are written: ``disk_full``, nothing
  published;
- a decoder with the cache (tiny GPT-2, one file with past inputs): fp16, q8 and q4f16 (slow: every variant)
  decoding greedily in onnxruntime with fp32 inputs and outputs;
- slow: (when node and transformers.js are installed) transformers.js 4 loading each tiny export in the
  transformers.js layout with every dtype.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import numpy as np
import onnx
import pytest

from exportcore.errors import ExportError
from exportcore.options import ExportOptions
from exportcore.postprocess.variants import VARIANTS, variant_file_name
from exportcore.run import run_export
from tests.e2e.ort_generate import greedy_decoder_only, greedy_seq2seq
from tests.e2e.transformers_js import transformers_js_dir

HERE = Path(__file__).resolve().parent
ALL = tuple(VARIANTS)


def _export(folder: Path, model: str, **options) -> Path:
    run_export(ExportOptions(model=model, output_dir=str(folder), **options))
    return folder


@pytest.fixture(scope="module")
def bert_js(tmp_path_factory) -> Path:
    return _export(tmp_path_factory.mktemp("variants") / "bert", "demo:tiny-bert", variants=ALL,
                   layout="transformers.js", optimize="O2")


@pytest.fixture(scope="module")
def t5(tmp_path_factory) -> Path:
    return _export(tmp_path_factory.mktemp("variants") / "t5", "demo:tiny-t5", variants=("fp16", "q8", "q4"),
                   optimize="O2", validate=False)


def _io_types(path: Path) -> set[int]:
    graph = onnx.load(str(path), load_external_data=False).graph
    return {v.type.tensor_type.elem_type for v in (*graph.input, *graph.output)}


def _weights(path: Path) -> list[onnx.TensorProto]:
    found = []

    def walk(graph) -> None:
        found.extend(t for t in graph.initializer if len(t.raw_data) >= 1024)
        for node in graph.node:
            for attr in node.attribute:
                for sub in ([attr.g] if attr.HasField("g") else []) + list(attr.graphs):
                    walk(sub)

    walk(onnx.load(str(path)).graph)
    return found


def _stored_once(path: Path) -> None:
    digests = [hashlib.sha256(t.raw_data).hexdigest() for t in _weights(path)]
    assert len(digests) == len(set(digests)), f"{path.name} stores a weight twice"


def test_encoder_every_variant_in_the_transformers_js_tree(bert_js):
    top = sorted(p.name for p in bert_js.iterdir())
    assert top == ["config.json", "export.log", "export_options.json", "export_plan.json", "onnx",
                   "validation_report.json"]
    expected = ["model.onnx"] + [variant_file_name("model.onnx", v) for v in ALL]
    assert sorted(p.name for p in (bert_js / "onnx").iterdir()) == sorted(expected)
    report = json.loads((bert_js / "validation_report.json").read_text())
    assert report["status"] == "passed"  # the optimized fp32 file, validated against PyTorch again
    sizes = {f["name"]: f["bytes"] for f in report["files"]}
    assert {f"onnx/{name}" for name in expected} <= set(sizes)
    assert all(sizes[name] == (bert_js / name).stat().st_size for name in sizes if name.startswith("onnx/"))
    assert report["variant_files"]["q8"] == {"onnx/model.onnx": "onnx/model_quantized.onnx"}
    assert set(report["variant_files"]) == set(ALL)
    [optimized] = report["optimized"]
    assert optimized["file"] == "onnx/model.onnx" and optimized["level"] == "O2"
    assert any("fusions" in step for step in optimized["ran"])
    assert any("LayerNormalization" in op and after > before for op, (before, after) in optimized["ops"].items())


def test_fp16_keeps_fp32_inputs_and_outputs_and_tied_weights_once(bert_js):
    fp16 = bert_js / "onnx" / "model_fp16.onnx"
    assert onnx.TensorProto.FLOAT16 not in _io_types(fp16)
    config = json.loads((bert_js / "config.json").read_text())
    table = {(config["vocab_size"], config["hidden_size"]), (config["hidden_size"], config["vocab_size"])}
    embeddings = [t for t in _weights(fp16) if tuple(t.dims) in table]
    assert len(embeddings) == 1 and embeddings[0].data_type == onnx.TensorProto.FLOAT16  # the tie, once, in fp16
    for name in ("model.onnx", *(variant_file_name("model.onnx", v) for v in ALL)):
        _stored_once(bert_js / "onnx" / name)


def test_encoder_decoder_variants_are_merged_and_decode(t5):
    for variant in ("fp16", "q8", "q4"):
        for part in ("encoder_model.onnx", "decoder_model_merged.onnx"):
            assert (t5 / variant_file_name(part, variant)).is_file()
        merged = t5 / variant_file_name("decoder_model_merged.onnx", variant)
        names = [i.name for i in onnx.load(str(merged), load_external_data=False).graph.input]
        assert names[-1] == "use_cache_branch"
        _stored_once(merged)
    assert not list(t5.glob(".*")) and not (t5 / "decoder_model.onnx").exists()  # no kept parts published
    assert onnx.TensorProto.FLOAT16 not in _io_types(t5 / "decoder_model_merged_fp16.onnx")
    optimized = {r["file"]: r for r in json.loads((t5 / "validation_report.json").read_text())["optimized"]}
    fused = optimized["decoder_model_merged.onnx"]["ops"]["com.microsoft::SkipSimplifiedLayerNormalization"]
    assert fused[0] == 0 and fused[1] > 0  # O2's fusions reached the merged decoder (through its two parts)
    ids, mask = np.array([[4, 5, 6, 7]]), np.ones((1, 4), dtype=np.int64)
    start = json.loads((t5 / "config.json").read_text())["decoder_start_token_id"]
    reference, _ = greedy_seq2seq(t5 / "encoder_model.onnx", t5 / "decoder_model_merged.onnx", ids, mask, start, 4)
    for variant in ("fp16", "q8", "q4"):
        encoder, decoder = (t5 / variant_file_name(part, variant)
                            for part in ("encoder_model.onnx", "decoder_model_merged.onnx"))
        tokens, logits = greedy_seq2seq(encoder, decoder, ids, mask, start, 4)
        assert tokens.shape == reference.shape and np.isfinite(logits).all()
        if variant == "fp16":
            assert (tokens == reference).all()


def test_disk_full_while_writing_variants_publishes_nothing(tmp_path, monkeypatch):
    from exportcore.postprocess import variants_build

    def full(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(tmp_path / "out.tmp" / "model_q4.onnx"))

    monkeypatch.setattr(variants_build.onnx_files, "save_onnx", full)
    with pytest.raises(ExportError) as caught:
        _export(tmp_path / "out", "demo:tiny-gpt2", variants=("q4",), validate=False)
    assert caught.value.code == "disk_full"
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no destination, no run folder left beside it


@pytest.mark.parametrize("variants", [pytest.param(("fp16", "q8", "q4f16"), id="some"),
                                      pytest.param(ALL, id="all", marks=pytest.mark.slow)])
def test_decoder_with_cache_variants_decode(tmp_path, variants):
    out = _export(tmp_path / "gpt2", "demo:tiny-gpt2", variants=variants, validate=False)
    ids, mask = np.array([[4, 5, 6]]), np.ones((1, 3), dtype=np.int64)
    reference, _ = greedy_decoder_only(out / "model.onnx", ids, mask, 4)
    assert sorted(p.name for p in out.glob("*.onnx")) == sorted(
        ["model.onnx", *(variant_file_name("model.onnx", v) for v in variants)])
    for variant in variants:
        path = out / variant_file_name("model.onnx", variant)
        assert onnx.TensorProto.FLOAT16 not in _io_types(path)
        tokens, logits = greedy_decoder_only(path, ids, mask, 4)
        assert tokens.shape == reference.shape and np.isfinite(logits).all()


# ---- transformers.js 4 in Node -------------------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.skipif(shutil.which("node") is None or transformers_js_dir() is None,
                    reason="needs node and transformers.js: (cd tests/tjs && npm ci)")
@pytest.mark.parametrize("model, kind", [("demo:tiny-bert", "encoder"), ("demo:tiny-gpt2", "decoder"),
                                         ("demo:tiny-t5", "seq2seq")])
def test_transformers_js_loads_every_dtype(tmp_path, model, kind):
    out = _export(tmp_path / "js", model, variants=ALL, layout="transformers.js", validate=False)
    dtypes = ["fp32", *ALL]
    done = subprocess.run(["node", str(HERE / "tjs_load.mjs"), str(transformers_js_dir()), str(out), kind, *dtypes],
                          capture_output=True, text=True, timeout=300)
    results = json.loads(done.stdout.strip().splitlines()[-1])
    assert done.returncode == 0, results
    assert [r["dtype"] for r in results] == dtypes
    assert all(set(r["loaded"].values()) == {r["dtype"]} for r in results)  # each dtype's own files were opened
    if kind != "encoder":
        assert results[1]["ids"] == results[0]["ids"]  # fp16 decodes as fp32 does
