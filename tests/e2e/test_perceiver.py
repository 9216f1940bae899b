"""Perceiver IO's classifiers (issue 13 §3: Optimum's ``perceiver``; decisions 196-197): the task picks byte or
image inputs under Optimum's names, the checkpoint's own image class is exported, and the file answers as the model
does on padded bytes."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from exportcore.options import ExportOptions
from tests.conftest import TINY_CONFIGS


def _export(base: Path, class_name: str, **changes) -> tuple[Path, Path]:
    import torch
    import transformers

    from exportcore.run import run_export

    config = TINY_CONFIGS["perceiver"]()
    for name, value in changes.items():
        setattr(config, name, value)
    torch.manual_seed(0)
    model = getattr(transformers, class_name)(config).eval()
    model.config.architectures = [class_name]
    source = base / class_name
    model.save_pretrained(source)
    out = base / f"{class_name}-onnx"
    outcome = run_export(ExportOptions(model=str(source), output_dir=str(out)))  # the task inferred
    assert outcome.validation == "passed", [r.to_dict() for r in outcome.rows if not r.passed][:3]
    assert len({row.shape_set for row in outcome.rows}) >= 3
    return source, out


def _session(out: Path):
    import onnxruntime as ort

    return ort.InferenceSession(str(out / "model.onnx"), providers=["CPUExecutionProvider"])


def test_the_byte_classifier_takes_optimums_names_and_padded_rows(tmp_path):
    import torch
    import transformers

    source, out = _export(tmp_path, "PerceiverForSequenceClassification", num_labels=3)
    plan = json.loads((out / "export_plan.json").read_text(encoding="utf-8"))
    assert plan["task"] == "text-classification"
    session = _session(out)
    assert [i.name for i in session.get_inputs()] == ["attention_mask", "input_ids"]
    assert [o.name for o in session.get_outputs()] == ["logits"]

    # bytes of two texts padded on the right (Perceiver's tokenizer pads with 0), longer than the trace's 16
    ids = np.zeros((2, 40), dtype=np.int64)
    mask = np.zeros((2, 40), dtype=np.int64)
    for row, length in enumerate((40, 23)):
        ids[row, :length] = np.random.default_rng(row).integers(6, 262, length)
        mask[row, :length] = 1
    (logits,) = session.run(None, {"attention_mask": mask, "input_ids": ids})
    model = transformers.AutoModelForSequenceClassification.from_pretrained(source).eval()
    with torch.no_grad():
        expected = model(inputs=torch.from_numpy(ids), attention_mask=torch.from_numpy(mask)).logits.numpy()
    np.testing.assert_allclose(logits, expected, atol=1e-4)


def test_the_masked_lm_answers_at_every_position_of_its_query_table(tmp_path):
    _, out = _export(tmp_path, "PerceiverForMaskedLM")
    session = _session(out)
    ids = np.random.default_rng(0).integers(6, 262, (3, 9)).astype(np.int64)
    (logits,) = session.run(None, {"attention_mask": np.ones_like(ids), "input_ids": ids})
    config = TINY_CONFIGS["perceiver"]()
    assert logits.shape == (3, config.max_position_embeddings, config.vocab_size)


# The cross-attention heads divide the preprocessor's channels: Fourier features of 2 x (2 x 64 bands) + 2 + 3
# pixels make 261; the convolutional stem's 64 channels + 2 x (2 x 64 bands) + 2 make 322.
@pytest.mark.parametrize("class_name, heads", [("PerceiverForImageClassificationFourier", 3),
                                               ("PerceiverForImageClassificationConvProcessing", 2)])
def test_the_image_class_the_checkpoint_names_is_exported(tmp_path, class_name, heads):
    import torch
    import transformers

    source, out = _export(tmp_path, class_name, num_cross_attention_heads=heads, d_latents=48, num_labels=5)
    plan = json.loads((out / "export_plan.json").read_text(encoding="utf-8"))
    assert plan["task"] == "image-classification"
    session = _session(out)
    assert [i.name for i in session.get_inputs()] == ["pixel_values"]
    pixels = np.random.default_rng(1).standard_normal((2, 3, 16, 16)).astype(np.float32)
    (logits,) = session.run(None, {"pixel_values": pixels})
    model = getattr(transformers, class_name).from_pretrained(source).eval()
    with torch.no_grad():
        expected = model(inputs=torch.from_numpy(pixels)).logits.numpy()
    assert logits.shape == (2, 5)
    np.testing.assert_allclose(logits, expected, atol=1e-4)
