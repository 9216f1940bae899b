"""Hybrid and state-space decoders (issue 14): the convolution / SSM state travels as ``past_conv.{i}`` /
``past_ssm.{i}`` inputs and ``present_conv.{i}`` / ``present_ssm.{i}`` outputs beside the attention cache, one graph
serves the prompt and every step, and the export's end-to-end check (greedy generation in onnxruntime against
PyTorch ``generate``, tokens and each step's logits, batch 1 and a left-padded batch 2, a prompt longer than the
convolution window and across several scan chunks) passes.

Tiny models from tests/architectures.py's HYBRID_CONFIGS, with weights spread wider than the default init (a narrow
init makes greedy decoding repeat one token, and a comparison of such tokens proves little).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.architectures import HYBRID_CONFIGS, ISSUE_14_ARCHITECTURES

E2E = "end-to-end (greedy, 10 tokens)"


def spread(model, std: float = 0.15):
    import torch

    generator = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for parameter in model.parameters():
            if parameter.dim() >= 2:
                parameter.copy_(torch.randn(parameter.shape, generator=generator) * std)
    return model


def build(model_type: str, folder):
    import torch
    import transformers

    class_name, kwargs = HYBRID_CONFIGS[model_type]
    torch.manual_seed(0)
    config = getattr(transformers, class_name)(**kwargs, architectures=[ISSUE_14_ARCHITECTURES[model_type]])
    model = spread(transformers.AutoModelForCausalLM.from_config(config).eval())
    model.save_pretrained(folder)
    return folder


def export(model_type: str, tmp_path):
    from exportcore.options import ExportOptions
    from exportcore.run import run_export

    source = build(model_type, tmp_path / model_type)
    return run_export(ExportOptions(model=str(source), output_dir=str(tmp_path / "onnx"))), tmp_path / "onnx"


def assert_end_to_end_passed(rows):
    e2e = [r for r in rows if r.submodel == E2E]
    assert {r.shape_set for r in e2e} >= {"batch 1, prompt 14", "batch 2 left-padded, prompt 14"}
    assert all(r.passed for r in e2e), [r.to_dict() for r in e2e if not r.passed][:3]
    assert sum(r.output == "tokens" for r in e2e) == 3
    # a step per new token; generate stops early once every row has ended its sequence
    assert 3 <= sum(r.output.startswith("logits") for r in e2e) <= 30


@pytest.mark.parametrize("model_type", [
    "mamba2",  # the Mamba2 scan of the next three, without their attention and experts: the cheapest to run
    pytest.param("granitemoehybrid", marks=pytest.mark.slow),
    pytest.param("falcon_h1", marks=pytest.mark.slow),
    pytest.param("nemotron_h", marks=pytest.mark.slow),
])
def test_hybrid_exports_and_generates_like_pytorch(model_type, tmp_path):
    outcome, out = export(model_type, tmp_path)
    assert outcome.validation == "passed"
    assert_end_to_end_passed(outcome.rows)
    plan = json.loads((out / "export_plan.json").read_text(encoding="utf-8"))
    (model,) = plan["submodels"]
    inputs, outputs = list(model["inputs"]), list(model["outputs"])
    assert "past_conv.0" in inputs and "past_ssm.0" in inputs and "present_ssm.0" in outputs
    assert model["inputs"]["past_ssm.0"] == {"0": "batch_size"}  # state sizes are fixed numbers in the graph
    if model_type != "mamba2":
        layer = 1 if model_type != "falcon_h1" else 0  # Falcon-H1: attention and Mamba in every layer
        assert f"past_key_values.{layer}.key" in inputs and f"present.{layer}.value" in outputs
    if model_type == "nemotron_h":  # layer 2 is an MLP: it holds nothing, and the indices stay absolute
        assert not any(name.endswith(".2") or ".2." in name for name in inputs)


def test_lfm2_by_the_command_line(tmp_path):
    source = build("lfm2", tmp_path / "lfm2")
    out = tmp_path / "onnx"
    done = subprocess.run([sys.executable, "-m", "exportcore", "export", str(source), str(out)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads((out / "validation_report.json").read_text(encoding="utf-8"))
    e2e = [r for r in report["rows"] if r["submodel"] == E2E]
    assert e2e and all(r["passed"] for r in e2e)
    import onnxruntime as ort

    session = ort.InferenceSession(str(out / "model.onnx"), providers=["CPUExecutionProvider"])
    names = [i.name for i in session.get_inputs()]
    assert names[:3] == ["input_ids", "attention_mask", "position_ids"]
    # LFM2: layers 0 and 2 are convolutions ([batch, hidden, L_cache]), layer 1 attention
    assert set(names[3:]) == {"past_key_values.1.key", "past_key_values.1.value", "past_conv.0", "past_conv.2"}
    conv = next(i for i in session.get_inputs() if i.name == "past_conv.0")
    config = HYBRID_CONFIGS["lfm2"][1]
    assert conv.shape[1:] == [config["hidden_size"], config["conv_L_cache"]]


def test_the_scan_stand_in_equals_transformers_scan():
    """The export's Mamba2 scan (adapter_forwards.mamba2_scan) against transformers' own, from a non-zero state, at
    lengths that are and are not whole chunks, and at one token (transformers' recurrent branch)."""
    import torch
    import transformers

    from exportcore.export import adapter, adapter_forwards

    class_name, kwargs = HYBRID_CONFIGS["granitemoehybrid"]
    config = getattr(transformers, class_name)(**kwargs)
    torch.manual_seed(0)
    model = spread(transformers.AutoModelForCausalLM.from_config(config).eval())
    adapter.traceable_experts(model)
    states = [(0, "conv"), (0, "ssm"), (1, "key"), (1, "value")]
    generator = torch.Generator().manual_seed(1)
    for length in (1, 4, 5, 9):
        past = [torch.randn(2, 80, 4, generator=generator) * 0.3, torch.randn(2, 4, 16, 8, generator=generator) * 0.3,
                torch.randn(2, 2, 3, 8, generator=generator), torch.randn(2, 2, 3, 8, generator=generator)]
        ids = torch.randint(4, 128, (2, length), generator=generator)
        mask = torch.ones(2, 3 + length, dtype=torch.long)
        positions = torch.arange(3, 3 + length).expand(2, length)
        results = []
        for stand_in in (False, True):
            cache = adapter.flat_to_state_cache(model.config, states, past)
            with torch.no_grad(), (adapter_forwards.mamba2_scan(model) if stand_in else torch.no_grad()):
                out = model(input_ids=ids, attention_mask=mask, position_ids=positions, cache=cache, use_cache=True)
            results.append([out.logits, *adapter.state_cache_to_flat(out.cache, states)])
        for original, replaced in zip(*results):
            torch.testing.assert_close(replaced, original, atol=1e-5, rtol=1e-4)
