"""The generic path (configs/generic.py): every model type it takes exports and validates on a tiny seeded model, and
a derivation that guesses wrong publishes nothing.

Each case builds ``AutoModelForCausalLM.from_config(tests.generic_tiny.tiny_config(type))`` with
``torch.manual_seed(0)`` (and ``untie_routers``), saves it, and runs ``exportcore.run.run_export`` with ``text-generation-with-past`` and the
default validation (onnxruntime against PyTorch at >= 3 shape sets), as tests/e2e/test_architectures.py does for the
hand-written types. ``SAMPLE`` (dense, mixture-of-experts, latent attention, interleaved rotary, sliding windows) runs
by default; every other generic type is marked ``slow`` (``.ci/run`` runs them: ``python -m pytest -m slow
tests/e2e/test_generic.py``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from exportcore import registry

#: The default run's sample: one of each kind the generic path handles (text generation with the cache).
SAMPLE = (
    "mixtral",  # mixture of experts (batched_mm)
    "qwen3_moe",
    "deepseek_v3",  # multi-head latent attention: compressed cache, other key and value sizes
    "cohere",  # interleaved rotary embedding (repeat_interleave rewritten)
    "glm",
    "olmo3",  # sliding-window layers
    "exaone4",
    "seed_oss",  # a plain new decoder
    "apertus",  # xIELU (expm1 rewritten)
    "gpt_oss",  # experts with biases, sinks, sliding windows
)
#: … and of the other derived tasks.
SAMPLE_TASKS = (("gte", "fill-mask"), ("eurobert", "text-classification"), ("mixtral", "text-classification"),
                ("ijepa", "image-classification"))
GENERIC_TYPES = registry.generic_model_types()
#: Every generic (type, task): text generation with the cache, the other tasks as they are.
GENERIC_PAIRS = [(t, task) for t in GENERIC_TYPES for task in registry.supported_tasks(t)
                 if task != "text-generation"]


def _params():
    for model_type, task in GENERIC_PAIRS:
        sampled = model_type in SAMPLE if task == "text-generation-with-past" else (model_type, task) in SAMPLE_TASKS
        yield pytest.param(model_type, task, id=f"{model_type}-{task}", marks=[] if sampled else [pytest.mark.slow])


def tiny_generic_model(model_type: str, folder: Path, task: str = "text-generation") -> Path:
    import torch
    import transformers

    from exportcore.tasks import auto_classes
    from tests.generic_tiny import tiny_config, untie_routers

    base = task.removesuffix("-with-past")
    torch.manual_seed(0)
    auto = getattr(transformers, auto_classes(base)[0])
    model = auto.from_config(tiny_config(model_type, decoder=base == "text-generation"))
    untie_routers(model)
    model.config.architectures = [type(model).__name__]
    model.save_pretrained(folder)
    # An alias type (gpt-sw3's configuration class is GPT-2's) saves its class's model_type: write the one asked for,
    # as such checkpoints do.
    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    if config.get("model_type") != model_type:
        (folder / "config.json").write_text(json.dumps({**config, "model_type": model_type}), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def mixtral_dir(tmp_path_factory) -> Path:
    return tiny_generic_model("mixtral", tmp_path_factory.mktemp("generic") / "mixtral")


def test_the_recorded_generic_table_is_current():
    """resources/generic_models.json is what the installed transformers and the registry give (re-record with
    python -m exportcore.plan.generic_build --write, then light_config_build --write and supported_models)."""
    from exportcore.configs import generic_table
    from exportcore.plan import generic_build
    from exportcore.plan.light_config import installed_transformers_version

    shipped = generic_table.table_path().read_text(encoding="utf-8")
    if generic_table.transformers_version() != installed_transformers_version():
        pytest.skip("recorded for another transformers")
    assert shipped == generic_build.render(generic_build.build_table()), "run python -m exportcore.plan.generic_build --write"


def test_the_sample_is_generic():
    """The sample names types the generic path takes (a type registered by hand later leaves it: pick another)."""
    assert set(SAMPLE) <= set(GENERIC_TYPES)
    assert set(SAMPLE_TASKS) <= set(GENERIC_PAIRS)
    assert len(GENERIC_TYPES) >= 90


@pytest.mark.parametrize("model_type, task", list(_params()))
def test_generic_type_exports_and_validates(model_type, task, tmp_path):
    from exportcore.options import ExportOptions
    from exportcore.run import run_export

    source = tiny_generic_model(model_type, tmp_path / "model", task)
    out = tmp_path / "onnx"
    outcome = run_export(ExportOptions(model=str(source), output_dir=str(out), task=task))

    failed = [r.to_dict() for r in outcome.rows if not r.passed]
    assert outcome.validation == "passed", f"validation failed: {failed[:3]}"
    assert len({row.shape_set for row in outcome.rows}) >= 3
    plan = json.loads((out / "export_plan.json").read_text(encoding="utf-8"))
    assert plan["configuration"] == "generic" and plan["configuration_note"] == "derived, validated on export"
    inputs = list(plan["submodels"][0]["inputs"])
    if task == "text-generation-with-past":  # in the forward's order (GPT-2-like ones take the cache before the mask)
        assert inputs[0] == "input_ids" and "attention_mask" in inputs and "past_key_values.0.key" in inputs
        assert "present.0.key" in plan["submodels"][0]["outputs"]
    elif task == "image-classification":
        assert inputs == ["pixel_values"]
    else:
        assert inputs[0] == "input_ids" and "attention_mask" in inputs


def test_inspect_and_models_mark_generic_types(mixtral_dir):
    from exportcore.options import ExportOptions
    from exportcore.plan import inspect

    document = inspect(ExportOptions(model=str(mixtral_dir)))
    assert document["task"] == "text-generation-with-past"
    assert document["configuration"] == "generic"
    assert document["submodels"][0]["class_chain"][:3] == [
        "GenericMixtralOnnxConfig", "GenericCausalLMOnnxConfig", "TextDecoderOnnxConfig"]
    rows = {row["model_type"]: row for row in registry.model_table()}
    assert rows["mixtral"]["generic"] is True and rows["llama"]["generic"] is False


def test_inspecting_a_generic_type_stays_light(mixtral_dir):
    """The generic types are in the recorded configuration table too: inspection imports neither torch nor
    transformers (decision 26)."""
    import subprocess
    import sys

    code = ("import sys; from exportcore.cli import main; main(['inspect', sys.argv[1], '--json']);"
            "print('LEAK', [m for m in ('torch', 'transformers') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code, str(mixtral_dir)], capture_output=True, text=True, check=True)
    assert '"configuration": "generic"' in out.stdout
    assert "LEAK []" in out.stdout


def _no_destination(out: Path) -> bool:
    return not out.exists() or not any(out.iterdir())


def test_a_mismatched_derivation_is_refused_and_nothing_is_published(mixtral_dir, tmp_path, monkeypatch):
    """A derived cache layout that is not the model's (here: one key/value head too many) stops before the trace."""
    from exportcore.configs.generic import GenericCausalLMOnnxConfig
    from exportcore.errors import ExportError, exit_code_for
    from exportcore.options import ExportOptions
    from exportcore.run import run_export

    right = GenericCausalLMOnnxConfig.cache_layout
    monkeypatch.setattr(GenericCausalLMOnnxConfig, "cache_layout",
                        lambda self: [(kh + 1, kd, vh + 1, vd) for kh, kd, vh, vd in right(self)])
    out = tmp_path / "onnx"
    with pytest.raises(ExportError) as excinfo:
        run_export(ExportOptions(model=str(mixtral_dir), output_dir=str(out), task="text-generation-with-past"))
    assert excinfo.value.code == "generic_cache_mismatch"
    assert "key 3x8" in str(excinfo.value) and "key 2x8" in str(excinfo.value)  # derived, then the model's
    assert exit_code_for("generic_cache_mismatch") == 3
    assert _no_destination(out)


def test_a_wrong_derivation_past_the_cache_check_fails_and_nothing_is_published(mixtral_dir, tmp_path, monkeypatch):
    """Without the cache check, a wrong derivation still never publishes: the trace or validation stops it."""
    from exportcore.configs.generic import GenericCausalLMOnnxConfig
    from exportcore.errors import ExportError
    from exportcore.export import generic_model
    from exportcore.options import ExportOptions
    from exportcore.run import run_export

    right = GenericCausalLMOnnxConfig.cache_layout
    monkeypatch.setattr(GenericCausalLMOnnxConfig, "cache_layout",
                        lambda self: [(kh, kd * 2, vh, vd * 2) for kh, kd, vh, vd in right(self)])
    monkeypatch.setattr(generic_model, "actual_layout", lambda model, sample: [(2, 16, 2, 16)] * 2)  # "agrees"
    out = tmp_path / "onnx"
    with pytest.raises(ExportError) as excinfo:
        run_export(ExportOptions(model=str(mixtral_dir), output_dir=str(out), task="text-generation-with-past"))
    assert excinfo.value.code != "generic_cache_mismatch"  # the check was bypassed; something later said no
    assert _no_destination(out)


def test_an_experts_rewrite_that_changes_outputs_is_refused(mixtral_dir, tmp_path, monkeypatch):
    """The mixture-of-experts rewrite is checked against the original implementation's outputs."""
    from exportcore.errors import ExportError
    from exportcore.export import adapter
    from exportcore.options import ExportOptions
    from exportcore.run import run_export

    original = adapter.traceable_experts

    def wrong(model):
        original(model)
        for module in model.modules():
            if type(module).__name__.endswith("Experts"):
                module.down_proj.data.mul_(2.0)

    monkeypatch.setattr(adapter, "traceable_experts", wrong)
    out = tmp_path / "onnx"
    with pytest.raises(ExportError) as excinfo:
        run_export(ExportOptions(model=str(mixtral_dir), output_dir=str(out), task="text-generation-with-past"))
    assert excinfo.value.code == "rewrite_mismatch"
    assert _no_destination(out)


def test_types_the_generic_path_tried_and_cannot_export_say_why(tmp_path):
    from exportcore.errors import ExportError, exit_code_for
    from exportcore.options import ExportOptions
    from exportcore.plan import resolve

    folder = tmp_path / "deepseek_v32"
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps({"model_type": "deepseek_v32",
                                                    "architectures": ["DeepseekV32ForCausalLM"]}))
    with pytest.raises(ExportError) as excinfo:
        resolve(ExportOptions(model=str(folder)), light=True)
    assert excinfo.value.code == "generic_not_exportable"
    assert "indexer keys" in str(excinfo.value) and exit_code_for("generic_not_exportable") == 2
    assert not registry.is_exportable("deepseek_v32")


def test_a_configuration_without_the_derived_attributes_is_a_coded_error():
    from exportcore.configs.generic import config_class
    from exportcore.errors import ExportError

    cls = config_class("seed_oss", "text-generation")
    with pytest.raises(ExportError) as excinfo:
        cls({"model_type": "seed_oss", "hidden_size": 32}, task="text-generation")
    assert excinfo.value.code == "generic_derivation_failed"
    assert "num_hidden_layers, n_layer" in str(excinfo.value)


def test_the_cache_layout_follows_per_layer_configurations():
    """Read from config.json alone (as inspection does): a heterogeneous configuration's per-layer head size
    (Gemma 4's full-attention layers), layers that reuse an earlier layer's keys and values (Gemma 3n, Gemma 4)
    and a looped block's cache per loop (Dory) give the cache inputs the model really takes."""
    from exportcore.configs.generic import config_class

    gemma4 = {"model_type": "gemma4_text", "vocab_size": 128, "num_hidden_layers": 4, "num_attention_heads": 4,
              "num_key_value_heads": 2, "head_dim": 8, "hidden_size": 32, "num_kv_shared_layers": 1,
              "per_layer_config": {"2": {"head_dim": 16}}}
    cfg = config_class("gemma4_text", "text-generation")(gemma4, task="text-generation", use_past=True,
                                                          use_past_in_inputs=True)
    assert cfg.cache_layout() == [(2, 8, 2, 8), (2, 8, 2, 8), (2, 16, 2, 16)]
    arrays = cfg.generate_dummy_inputs("np", batch_size=1, sequence_length=3, past_sequence_length=5)
    assert [arrays[f"past_key_values.{i}.key"].shape for i in range(3)] == [(1, 2, 5, 8), (1, 2, 5, 8), (1, 2, 5, 16)]
    assert "past_key_values.3.key" not in arrays

    dory = {"model_type": "dory", "num_hidden_layers": 3, "num_attention_heads": 4, "num_key_value_heads": 2,
            "head_dim": 8, "hidden_size": 32, "n_recurrent_layers": 1, "n_recurrent_loops": 3,
            "recurrent_kv_cache_mode": "per_loop"}
    assert len(config_class("dory", "text-generation")(dory, task="text-generation").cache_layout()) == 5


def test_index_add_with_repeated_indices_sums_them_in_the_onnx_file():
    """Experts that add each token's k results into its row (JetMoE) rely on index_add summing repeated indices; the
    exporter's own translation keeps one of them."""
    import io

    import numpy as np
    import onnxruntime
    import torch

    from exportcore.export.traceable_ops import traceable_ops

    class AddRows(torch.nn.Module):
        def forward(self, x, index, rows, columns):
            return x.index_add(0, index, rows), x.index_add(1, index, columns, alpha=2.0)

    x = torch.randn(5, 5)
    inputs = {"x": x, "index": torch.tensor([0, 1, 2, 3]), "rows": torch.randn(4, 5), "columns": torch.randn(5, 4)}
    buffer = io.BytesIO()
    with traceable_ops():
        torch.onnx.export(AddRows(), tuple(inputs.values()), buffer, dynamo=False, opset_version=20,
                          input_names=list(inputs),
                          dynamic_axes={"index": {0: "n"}, "rows": {0: "n"}, "columns": {1: "n"}})
    inputs["index"] = torch.tensor([2, 2, 0, 2])  # repeated, unlike the trace's
    got = onnxruntime.InferenceSession(buffer.getvalue()).run(None, {k: v.numpy() for k, v in inputs.items()})
    for actual, expected in zip(got, AddRows()(*inputs.values())):
        assert np.allclose(actual, expected.numpy(), atol=1e-6)


def _remote_code_model(folder: Path) -> Path:
    """A tiny model whose config.json maps to classes in its own folder (auto_map): a type transformers does not ship,
    with a standard Llama structure."""
    import torch
    import transformers

    folder.mkdir(parents=True)
    (folder / "configuration_tiny.py").write_text(
        "from transformers import LlamaConfig\n\n\nclass TinyRemoteConfig(LlamaConfig):\n    model_type = 'tiny_remote'\n")
    (folder / "modeling_tiny.py").write_text(
        "from transformers import LlamaForCausalLM\n\nfrom .configuration_tiny import TinyRemoteConfig\n\n\n"
        "class TinyRemoteForCausalLM(LlamaForCausalLM):\n    config_class = TinyRemoteConfig\n")
    torch.manual_seed(0)
    config = transformers.LlamaConfig(vocab_size=128, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                                      num_key_value_heads=2, intermediate_size=37, max_position_embeddings=128)
    transformers.LlamaForCausalLM(config).save_pretrained(folder)
    raw = json.loads((folder / "config.json").read_text())
    raw.update(model_type="tiny_remote", architectures=["TinyRemoteForCausalLM"],
               auto_map={"AutoConfig": "configuration_tiny.TinyRemoteConfig",
                         "AutoModelForCausalLM": "modeling_tiny.TinyRemoteForCausalLM"})
    (folder / "config.json").write_text(json.dumps(raw))
    return folder


def test_a_remote_code_model_takes_the_generic_path_only_with_trust_remote_code(tmp_path, monkeypatch):
    from exportcore.errors import ExportError
    from exportcore.options import ExportOptions
    from exportcore.run import run_export

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    source = _remote_code_model(tmp_path / "model")
    out = tmp_path / "onnx"
    with pytest.raises(ExportError) as excinfo:
        run_export(ExportOptions(model=str(source), output_dir=str(out)))
    assert excinfo.value.code == "remote_code_required"
    assert _no_destination(out)

    outcome = run_export(ExportOptions(model=str(source), output_dir=str(out), trust_remote_code=True))
    assert outcome.validation == "passed"
    plan = json.loads((out / "export_plan.json").read_text(encoding="utf-8"))
    assert plan["configuration"] == "generic" and plan["task"] == "text-generation-with-past"
