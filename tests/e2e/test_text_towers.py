"""CLIP's and SigLIP's text towers saved alone (issue 13 §3: Optimum's clip-text, clip-text-with-projection,
siglip-text, siglip-text-with-projection; decisions 188-189): the class the checkpoint names is the class exported,
with Optimum's names, and the file gives the model's own embeddings for text as the tokenizers pad it."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from exportcore.options import ExportOptions
from tests.conftest import TINY_CONFIGS

V = 128
EOS = V - 1  # transformers' pooling for today's checkpoints: the first end-of-text token (CLIP's eos is its last id)


def _save(folder: Path, class_name: str, **changes) -> Path:
    import torch
    import transformers

    model_type = "siglip_text_model" if class_name.startswith("Siglip") else "clip_text_model"
    config = TINY_CONFIGS[model_type]()
    for name, value in changes.items():
        setattr(config, name, value)
    torch.manual_seed(0)
    model = getattr(transformers, class_name)(config).eval()
    model.config.architectures = [class_name]
    model.save_pretrained(folder)
    return folder


def _export(base: Path, class_name: str, **changes):
    from exportcore.run import run_export

    source = _save(base / class_name, class_name, **changes)
    out = base / f"{class_name}-onnx"
    outcome = run_export(ExportOptions(model=str(source), output_dir=str(out)))  # the task inferred
    assert outcome.validation == "passed", [r.to_dict() for r in outcome.rows if not r.passed][:3]
    assert len({row.shape_set for row in outcome.rows}) >= 3
    return source, out


@pytest.fixture(scope="module")
def clip_exports(tmp_path_factory):
    base = tmp_path_factory.mktemp("clip-text")
    return {name: _export(base, name, eos_token_id=EOS, projection_dim=16)
            for name in ("CLIPTextModel", "CLIPTextModelWithProjection")}


def _session(out: Path):
    import onnxruntime as ort

    return ort.InferenceSession(str(out / "model.onnx"), providers=["CPUExecutionProvider"])


def _padded_text(lengths: list[int], width: int, eos: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows padded on the right as CLIP's and SigLIP's tokenizers pad them: a start token, words, the end token,
    then padding (the end token again)."""
    rng = np.random.default_rng(0)
    ids = np.full((len(lengths), width), eos, dtype=np.int64)
    mask = np.zeros_like(ids)
    for row, length in enumerate(lengths):
        ids[row, 0], ids[row, 1:length - 1] = 0, rng.integers(3, V - 1, length - 2)
        mask[row, :length] = 1
    return ids, mask


@pytest.mark.parametrize("class_name, outputs", [
    ("CLIPTextModel", ["last_hidden_state", "pooler_output"]),
    ("CLIPTextModelWithProjection", ["text_embeds", "last_hidden_state"]),
])
def test_clip_text_exports_the_class_its_checkpoint_names(clip_exports, class_name, outputs):
    _, out = clip_exports[class_name]
    plan = json.loads((out / "export_plan.json").read_text(encoding="utf-8"))
    assert plan["task"] == "feature-extraction" and plan["task_source"] == "architectures"
    (submodel,) = plan["submodels"]
    assert submodel["inputs"] == {"input_ids": {"0": "batch_size", "1": "sequence_length"}}
    assert list(submodel["outputs"]) == outputs
    session = _session(out)
    assert [o.name for o in session.get_outputs()] == outputs
    if class_name.endswith("WithProjection"):
        assert submodel["outputs"]["text_embeds"] == {"0": "batch_size"}  # [batch, projection_dim]


@pytest.mark.parametrize("class_name", ["CLIPTextModel", "CLIPTextModelWithProjection"])
def test_clip_text_without_a_mask_is_the_masked_model_on_padded_text(clip_exports, class_name):
    """No attention_mask input: CLIP's attention is causal and its tokenizer pads on the right, so the tokens up to
    the end token, and the pooled end token, never see the padding (decision 188)."""
    import torch
    import transformers

    source, out = clip_exports[class_name]
    model = getattr(transformers, class_name).from_pretrained(source).eval()
    ids, mask = _padded_text([3, 9, 20], 24, EOS)
    got = dict(zip([o.name for o in _session(out).get_outputs()], _session(out).run(None, {"input_ids": ids})))
    with torch.no_grad():
        expected = model(input_ids=torch.from_numpy(ids), attention_mask=torch.from_numpy(mask))
    pooled = "text_embeds" if class_name.endswith("WithProjection") else "pooler_output"
    assert np.abs(got[pooled] - expected[pooled].numpy()).max() <= 1e-4
    for row, length in enumerate(mask.sum(1)):
        words = got["last_hidden_state"][row, :length]
        assert np.abs(words - expected.last_hidden_state[row, :length].numpy()).max() <= 1e-4
    assert np.abs(got[pooled][0] - got[pooled][1]).max() > 1e-2  # the end token is found per row


def test_siglip_text_runs_at_its_tokenizers_padded_length(tmp_path):
    """SigLIP's tokenizer pads every text to 64 tokens and gives no mask; the file, traced at 16, runs there and gives
    the model's pooled vector (the last position through the head)."""
    import torch
    import transformers

    source, out = _export(tmp_path, "SiglipTextModel")
    plan = json.loads((out / "export_plan.json").read_text(encoding="utf-8"))
    assert list(plan["submodels"][0]["inputs"]) == ["input_ids"]
    assert list(plan["submodels"][0]["outputs"]) == ["last_hidden_state", "pooler_output"]
    model = transformers.SiglipTextModel.from_pretrained(source).eval()
    width = model.config.max_position_embeddings
    ids, _ = _padded_text([5, 12], width, 1)
    last, pooled = _session(out).run(None, {"input_ids": ids})
    with torch.no_grad():
        expected = model(input_ids=torch.from_numpy(ids))
    assert last.shape == (2, width, model.config.hidden_size)
    assert np.abs(pooled - expected.pooler_output.numpy()).max() <= 1e-4


def test_inspect_reads_the_projection_from_config_json(tmp_path):
    from exportcore.plan.document import inspect

    config = TINY_CONFIGS["clip_text_model"]()
    config.architectures = ["CLIPTextModelWithProjection"]
    config.save_pretrained(tmp_path)
    document = inspect(ExportOptions(model=str(tmp_path)))
    assert (document["model_type"], document["task"], document["task_source"]) == (
        "clip_text_model", "feature-extraction", "architectures")
    assert list(document["submodels"][0]["outputs"]) == ["text_embeds", "last_hidden_state"]
