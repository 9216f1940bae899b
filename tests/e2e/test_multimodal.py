"""Vision-language models (issue 14) in the parts transformers.js runs them from: ``vision_encoder.onnx``,
``embed_tokens.onnx``, ``decoder_model_merged.onnx``. Each family exports, every part validates at the default shape
sets, and the export's end-to-end check passes: image(s) + prompt -> greedy tokens through the three parts in
onnxruntime, with the cache, against PyTorch ``generate`` (tokens and every step's logits; batch 1 with one image,
with two images or three one-image prompts, and a left-padded batch 2).

Tiny models from tests/architectures.py's IMAGE_TEXT_CONFIGS with weights spread wider than the default init.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from exportcore.errors import ExportError, exit_code_for
from tests.architectures import IMAGE_TEXT_CONFIGS, ISSUE_14_ARCHITECTURES
from tests.e2e.test_hybrid import spread

PARTS = ["vision_encoder.onnx", "embed_tokens.onnx", "decoder_model_merged.onnx"]
E2E = "end-to-end (greedy, 8 tokens)"


def build(model_type: str, folder):
    import torch
    import transformers

    class_name, kwargs = IMAGE_TEXT_CONFIGS[model_type]
    torch.manual_seed(0)
    config = getattr(transformers, class_name)(**kwargs, architectures=[ISSUE_14_ARCHITECTURES[model_type]])
    model = transformers.AutoModelForImageTextToText.from_config(config).eval()
    spread(model, 0.5 if model_type in ("paligemma", "gemma3") else 0.2)  # Gemma's norms need a wider spread
    model.save_pretrained(folder)
    return folder


def export(model_type: str, tmp_path, **options):
    from exportcore.options import ExportOptions
    from exportcore.run import run_export

    source = build(model_type, tmp_path / model_type)
    return run_export(ExportOptions(model=str(source), output_dir=str(tmp_path / "onnx"), **options)), tmp_path / "onnx"


def end_to_end_rows(rows):
    return [r for r in rows if r.submodel == E2E]


@pytest.mark.parametrize("model_type", [
    "paligemma", "gemma3", "idefics3", "lfm2_vl", "qwen2_vl",
    pytest.param("qwen2_5_vl", marks=pytest.mark.slow), pytest.param("smolvlm", marks=pytest.mark.slow),
])
def test_parts_export_and_generate_like_pytorch(model_type, tmp_path):
    outcome, out = export(model_type, tmp_path)
    assert outcome.validation == "passed"
    assert [f["name"] for f in outcome.files if f["name"].endswith(".onnx")] == PARTS
    for part in ("vision_encoder", "embed_tokens", "decoder_model_merged"):
        assert len({r.shape_set for r in outcome.rows if r.submodel == part}) >= 3, part
    # the decoder's rows say the prompt's length they were checked at (its embeddings' axis), not only the batch
    decoder_sets = {r.shape_set for r in outcome.rows if r.submodel == "decoder_model_merged"}
    assert all(re.search(r"(^|, )sequence=\d+", label) for label in decoder_sets), decoder_sets
    e2e = end_to_end_rows(outcome.rows)
    assert all(r.passed for r in e2e), [r.to_dict() for r in e2e if not r.passed][:3]
    cases = {r.shape_set for r in e2e}
    assert "batch 1, 1 image" in cases and "batch 2 left-padded, 1 image each" in cases
    assert len(cases) == (4 if model_type.startswith("qwen") else 3)  # Qwen: also two images of two sizes
    assert sum(r.output == "tokens" for r in e2e) == len(cases)
    config = json.loads((out / "config.json").read_text(encoding="utf-8"))
    if model_type == "qwen2_vl":  # transformers.js reads its decoder's sizes at the top level
        assert config["num_hidden_layers"] == config["text_config"]["num_hidden_layers"] == 2
    else:
        assert "num_hidden_layers" not in config


def test_llava_by_the_command_line(tmp_path):
    source = build("llava", tmp_path / "llava")
    (source / "processor_config.json").write_text(json.dumps({
        "processor_class": "LlavaProcessor", "patch_size": 8,
        "image_processor": {"image_processor_type": "CLIPImageProcessor", "crop_size": {"height": 32, "width": 32}}}))
    (source / "tokenizer_config.json").write_text(json.dumps({"tokenizer_class": "PreTrainedTokenizerFast"}))
    (source / "chat_template.jinja").write_text("{% for m in messages %}{{ m['content'] }}{% endfor %}")
    out = tmp_path / "onnx"
    done = subprocess.run([sys.executable, "-m", "exportcore", "export", str(source), str(out)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert all((out / name).is_file() for name in PARTS)
    report = json.loads((out / "validation_report.json").read_text(encoding="utf-8"))
    e2e = [r for r in report["rows"] if r["submodel"] == E2E]
    assert {r["shape_set"] for r in e2e} == {"batch 1, 1 image", "batch 1, 2 images",
                                              "batch 2 left-padded, 1 image each"}
    assert all(r["passed"] for r in e2e)
    # what transformers.js reads beside the parts, from what transformers 5 saved
    preprocessor = json.loads((out / "preprocessor_config.json").read_text(encoding="utf-8"))
    assert preprocessor["image_processor_type"] == "CLIPImageProcessor"
    assert preprocessor["processor_class"] == "LlavaProcessor"
    assert json.loads((out / "tokenizer_config.json").read_text())["chat_template"].startswith("{% for m in")
    assert (out / "processor_config.json").is_file() and (out / "chat_template.jinja").is_file()
    assert "no image processor settings" not in done.stdout + done.stderr


def test_missing_processor_files_export_with_a_warning(tmp_path):
    outcome, out = export("llava", tmp_path, validate=False)
    assert (out / "vision_encoder.onnx").is_file()
    log = (out / "export.log").read_text(encoding="utf-8")
    assert "WARNING" in log and "no image processor settings" in log and "a runtime needs them" in log


def test_an_image_size_the_model_cannot_take_is_refused_before_any_work(tmp_path):
    from exportcore.options import ExportOptions
    from exportcore.run import run_export

    source = build("llava", tmp_path / "llava")
    out = tmp_path / "onnx"
    for shapes in ({"image_height": 48}, {"image_width": 64, "image_height": 32}):
        with pytest.raises(ExportError) as caught:
            run_export(ExportOptions(model=str(source), output_dir=str(out), shapes=shapes))
        assert caught.value.code == "image_size_unsupported"
        assert "32x32" in caught.value.message
        assert not out.exists()
    events = []
    with pytest.raises(ExportError) as caught:
        run_export(ExportOptions(model=str(source), output_dir=str(out),
                                 validation_shapes=[{"batch_size": 1, "image_height": 40}]), on_event=events.append)
    assert caught.value.code == "image_size_unsupported" and exit_code_for(caught.value.code) == 2
    assert "--validation-shapes asks for 40x32" in caught.value.message
    assert not out.exists() and "load" not in {getattr(e, "stage", None) for e in events}


def test_the_inspect_document_lists_each_part_with_its_inputs_and_outputs(tmp_path):
    source = build("lfm2_vl", tmp_path / "lfm2_vl")
    done = subprocess.run([sys.executable, "-m", "exportcore", "inspect", str(source), "--json"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    assert document["files"] == PARTS and document["task"] == "image-to-text-with-past"
    parts = {s["name"]: s for s in document["submodels"]}
    assert list(parts["vision_encoder"]["inputs"]) == ["pixel_values", "pixel_attention_mask", "spatial_shapes"]
    assert parts["vision_encoder"]["input_dtypes"]["spatial_shapes"] == "int64"
    assert list(parts["vision_encoder"]["outputs"]) == ["image_features"]
    assert list(parts["embed_tokens"]["inputs"]) == ["input_ids"]
    assert list(parts["embed_tokens"]["outputs"]) == ["inputs_embeds"]
    decoder = parts["decoder_model_merged"]
    assert list(decoder["inputs"])[:3] == ["inputs_embeds", "attention_mask", "position_ids"]
    # LFM2 text layers: conv, attention, conv -> the states keep their absolute layer index
    assert list(decoder["inputs"])[3:] == ["past_key_values.1.key", "past_key_values.1.value", "past_conv.0",
                                           "past_conv.2"]
    assert list(decoder["outputs"]) == ["logits", "present.1.key", "present.1.value", "present_conv.0",
                                        "present_conv.2"]
    # the inspector says "past key/values" only of the part that carries them
    assert [(p["use_past"], p["use_past_in_inputs"]) for p in parts.values()] == [(False, False), (False, False),
                                                                                   (True, True)]


def test_the_end_to_end_check_fails_when_the_files_do_not_generate_what_pytorch_does(tmp_path):
    """The check can fail: the same exported parts against a reference whose tokens and logits differ."""
    import numpy as np

    from exportcore.options import ExportOptions
    from exportcore.plan import make_plan
    from exportcore.validate.end_to_end import Generation, compare_generation, end_to_end_config

    outcome, out = export("idefics3", tmp_path)
    assert outcome.validation == "passed"
    plan = make_plan(ExportOptions(model=str(tmp_path / "idefics3"), output_dir=str(out)))
    case = end_to_end_config(plan).generation_cases()[0]
    steps = 3
    tokens = np.full((1, steps), 7)
    logits = [np.zeros((1, 128), np.float32) for _ in range(steps)]
    rows = compare_generation(plan, out, [Generation("altered", case, tokens, logits, frozenset())], lambda row: None)
    assert [r.output for r in rows] == ["tokens", "logits (step 1)", "logits (step 2)", "logits (step 3)"]
    assert not any(r.passed for r in rows)


@pytest.mark.parametrize("model_type, part", [("llava_next", "vision_encoder"), ("llava_onevision", "vision_encoder"),
                                              ("florence2", "encoder_model")])
def test_a_near_miss_type_says_which_part_could_not_be_derived(model_type, part, tmp_path):
    (tmp_path / "config.json").write_text(json.dumps({"model_type": model_type, "architectures": ["X"]}))
    done = subprocess.run([sys.executable, "-m", "exportcore", "inspect", str(tmp_path)], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 2
    assert f"error [part_not_derivable]: Model type '{model_type}' is not supported: its {part} part" in done.stderr
