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


def assert_end_to_end_passed(rows, prompt: int = 14):
    e2e = [r for r in rows if r.submodel == E2E]
    assert {r.shape_set for r in e2e} >= {f"batch 1, prompt {prompt}", f"batch 2 left-padded, prompt {prompt}"}
    assert all(r.passed for r in e2e), [r.to_dict() for r in e2e if not r.passed][:3]
    assert sum(r.output == "tokens" for r in e2e) == 3
    # a step per new token; generate stops early once every row has ended its sequence
    assert 3 <= sum(r.output.startswith("logits") for r in e2e) <= 30


#: Issue 13 §5's hybrid families: (state kind of layer 0, the first layer with keys and values or None).
MORE_HYBRIDS = {
    "bamba": ("ssm", 1), "zamba2": ("ssm", 1), "jamba": ("ssm", 1), "mamba": ("ssm", None),
    "falcon_mamba": ("ssm", None), "qwen3_next": ("recurrent", 1), "qwen3_5_text": ("recurrent", 1),
    "qwen3_5_moe_text": ("recurrent", 1), "olmo_hybrid": ("recurrent", 1), "lara_mini": ("recurrent", 1),
    "kimi_linear": ("recurrent", 1), "bailing_hybrid": ("recurrent", 1), "zaya": ("recurrent", 0), "lfm3": (None, 1),
    "lfm2_moe": (None, 1),
}
#: In the default run: one family per stand-in of export/adapter_scans.py is enough there (the cheapest).
DEFAULT_RUN = {"qwen3_5_text"}


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


@pytest.mark.parametrize("model_type", [
    model_type if model_type in DEFAULT_RUN else pytest.param(model_type, marks=pytest.mark.slow)
    for model_type in MORE_HYBRIDS])
def test_more_hybrids_export_and_generate_like_pytorch(model_type, tmp_path):
    """Mamba v1 (Mamba, Falcon-Mamba, Jamba) and the delta rule (Qwen3-Next, Qwen3.5, OLMo-Hybrid, Lara-Mini, Kimi,
    Bailing) through the loops of export/adapter_scans.py; Bamba and Zamba2 through the Mamba2 scan; ZAYA's
    convolutional attention; LFM3's and Lara-Mini's sliding-window layers (past the window: the prompt is longer)."""
    outcome, out = export(model_type, tmp_path)
    assert outcome.validation == "passed"
    assert_end_to_end_passed(outcome.rows, prompt=18 if model_type in ("lfm3", "lara_mini") else 14)
    (model,) = json.loads((out / "export_plan.json").read_text(encoding="utf-8"))["submodels"]
    inputs, outputs = list(model["inputs"]), list(model["outputs"])
    state, attention = MORE_HYBRIDS[model_type]
    assert "past_conv.0" in inputs and "present_conv.0" in outputs
    if state:
        assert f"past_{state}.0" in inputs and f"present_{state}.0" in outputs
    if attention is None:
        assert not any(name.startswith("past_key_values") for name in inputs)
    else:
        assert f"past_key_values.{attention}.key" in inputs and f"present.{attention}.value" in outputs


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


@pytest.mark.parametrize("model_type, scan", [
    ("mamba", "mamba_scan"), ("qwen3_5_text", "delta_rule"),
    pytest.param("kimi_linear", "delta_rule", marks=pytest.mark.slow),  # per-channel gates
])
def test_the_loop_stand_ins_equal_transformers_recurrent_steps(model_type, scan):
    """export/adapter_scans.py's loops over a whole input, from a non-zero state, against transformers' own one-token
    recurrent form fed the same tokens one by one (its multi-token forms either ignore the state — Mamba v1 — or
    chunk in Python): every token's logits and the final states."""
    import torch
    import transformers

    from exportcore import registry
    from exportcore.configs.modality_hybrid import io_order
    from exportcore.export import adapter, adapter_scans

    class_name, kwargs = HYBRID_CONFIGS[model_type]
    config = getattr(transformers, class_name)(**kwargs)
    torch.manual_seed(0)
    model = spread(transformers.AutoModelForCausalLM.from_config(config).eval())
    adapter.traceable_experts(model)
    cfg = registry.get_config_class(model_type, "text-generation-with-past")(config, task="text-generation")
    layers = io_order(cfg.layer_states())
    states = [(layer, kind) for layer, kind, _ in layers]
    generator = torch.Generator().manual_seed(1)
    past = [torch.zeros(2, dims[0], 0, dims[1]) if kind in ("key", "value")
            else torch.randn(2, *dims, generator=generator) * 0.3 for _, kind, dims in layers]
    ids = torch.randint(4, 128, (2, 5), generator=generator)
    with torch.no_grad():
        cache = adapter.flat_to_state_cache(model.config, states, past)
        steps = [model(input_ids=ids[:, t:t + 1], position_ids=torch.full((2, 1), t), cache=cache, use_cache=True)
                 for t in range(ids.shape[1])]
        expected = [torch.cat([step.logits for step in steps], dim=1),
                    *adapter.state_cache_to_flat(steps[-1].cache, states)]
        cache = adapter.flat_to_state_cache(model.config, states, past)
        with adapter_scans.SCANS[scan](model):
            out = model(input_ids=ids, position_ids=torch.arange(5).expand(2, 5), cache=cache, use_cache=True)
        got = [out.logits, *adapter.state_cache_to_flat(out.cache, states)]
    for reference, replaced in zip(expected, got, strict=True):
        torch.testing.assert_close(replaced, reference, atol=1e-5, rtol=1e-4)


def test_each_family_declares_the_states_its_layers_hold():
    """``STATE_INPUTS`` (what docs/supported-models.md lists without a config.json) against ``layer_states`` of the
    tiny configuration; and every layer description holds a state or keys and values."""
    import transformers

    from exportcore import registry
    from exportcore.configs.modality_hybrid import HybridDecoderOnnxConfig

    for model_type, (class_name, kwargs) in HYBRID_CONFIGS.items():
        cls = registry.get_config_class(model_type, "text-generation-with-past")
        assert issubclass(cls, HybridDecoderOnnxConfig), model_type
        layers = cls(getattr(transformers, class_name)(**kwargs), task="text-generation").layer_states()
        assert {kind for _, kind, _ in layers} - {"key", "value"} == set(cls.STATE_INPUTS), model_type
