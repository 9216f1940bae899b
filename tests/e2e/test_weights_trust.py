"""Weights that do not fit the model are never exported as a validated random model (issue 11, item 2).

transformers initialises every weight a checkpoint lacks randomly and drops every tensor the model has no place
for; validation (PyTorch vs ONNX of the same model) cannot notice. An export whose checkpoint and config.json
disagree must stop with ``weights_mismatch`` (exit 2, one line naming keys and counts, nothing at the destination),
while the legitimate differences keep exporting: tied weights, a base model from a task checkpoint (its head and
pooler are not exported), a class's declared ignorable keys.

Models are tiny seeded transformers models (tests/conftest.py configurations); the mismatches are made by editing
their config.json or rewriting their safetensors file.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import tiny_config

SEED = 0


# --------------------------------------------------------------------------------------------- helpers
def _save(model_class: str, config, folder: Path) -> Path:
    import torch
    import transformers

    torch.manual_seed(SEED)
    model = getattr(transformers, model_class)(config)
    model.config.architectures = [model_class]
    model.save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def checkpoints(tmp_path_factory):
    """model class -> a saved tiny checkpoint of it (built once per module)."""
    base = tmp_path_factory.mktemp("checkpoints")
    built: dict[str, Path] = {}

    def get(model_class: str, model_type: str, **overrides) -> Path:
        key = f"{model_class}-{'-'.join(f'{k}={v}' for k, v in sorted(overrides.items()))}"
        if key not in built:
            built[key] = _save(model_class, tiny_config(model_type, **overrides), base / key)
        return built[key]

    return get


def _variant(source: Path, folder: Path, tensors=None, config=None) -> Path:
    """A copy of ``source`` with its tensors rewritten by ``tensors(dict) -> dict`` and its config.json by
    ``config(dict)`` (in place)."""
    from safetensors.torch import load_file, save_file

    shutil.copytree(source, folder)
    if tensors is not None:
        weights = folder / "model.safetensors"
        save_file(tensors(load_file(weights)), weights, metadata={"format": "pt"})
    if config is not None:
        data = json.loads((folder / "config.json").read_text(encoding="utf-8"))
        config(data)
        (folder / "config.json").write_text(json.dumps(data), encoding="utf-8")
    return folder


def _keys(folder: Path) -> list[str]:
    from safetensors import safe_open

    with safe_open(folder / "model.safetensors", framework="pt") as weights:
        return list(weights.keys())


def _cli(capsys, *args: str) -> tuple[int, str]:
    from exportcore.cli import main

    code = main(["export", *args])
    return code, capsys.readouterr().err


def _one_error(stderr: str, code: str) -> str:
    """The message of the single ``error [code]: …`` line (followed by a next step); no traceback."""
    assert "Traceback" not in stderr, stderr[-2000:]
    lines = stderr.splitlines()
    errors = [i for i, line in enumerate(lines) if line.startswith("error [")]
    assert len(errors) == 1, stderr[-2000:]
    assert lines[errors[0]].startswith(f"error [{code}]: "), lines[errors[0]]
    assert lines[errors[0] + 1].startswith("  next step: "), stderr[-2000:]
    return lines[errors[0]].split(": ", 1)[1]


def _assert_refused(capsys, source: Path, destination: Path, *args: str) -> str:
    code, err = _cli(capsys, str(source), str(destination), *args)
    assert code == 2, err[-2000:]
    message = _one_error(err, "weights_mismatch")
    assert not destination.exists(), "a refused export must leave nothing at the destination"
    assert not [p for p in destination.parent.iterdir() if destination.name in p.name], "a run folder was left"
    return message


def _plan_for(folder: Path, task: str):
    from exportcore.options import ExportOptions
    from exportcore.plan import make_plan, resolve

    options = ExportOptions(model=str(folder), output_dir=str(folder.parent / "unused"), task=task)
    return make_plan(options, resolve(options))


def _load(folder: Path, task: str) -> tuple[object, list[str]]:
    from exportcore.export.torch_stages import load_for_plan

    lines: list[str] = []
    model = load_for_plan(_plan_for(folder, task), log=lines.append)
    return model, lines


# --------------------------------------------------------------------------------------------- refused (exit 2)
def test_keys_with_another_prefix_are_refused(checkpoints, tmp_path, capsys):
    source = _variant(checkpoints("BertModel", "bert"), tmp_path / "prefixed",
                      tensors=lambda t: {f"encoder_model.{k}": v for k, v in t.items()})
    message = _assert_refused(capsys, source, tmp_path / "out")
    assert "weights of BertModel are not in the checkpoint and would be random" in message
    assert "embeddings.word_embeddings.weight" in message or "embeddings.LayerNorm.weight" in message
    assert "were not used (encoder_model." in message, "the unused checkpoint tensors show the prefix"


def test_an_empty_safetensors_file_is_refused(checkpoints, tmp_path, capsys):
    source = _variant(checkpoints("BertModel", "bert"), tmp_path / "empty", tensors=lambda t: {})
    message = _assert_refused(capsys, source, tmp_path / "out")
    assert f"{len(_keys(checkpoints('BertModel', 'bert')))} weights of BertModel are not in the checkpoint" in message


def _damaged_header(folder: Path) -> None:
    import struct

    header = json.dumps({"weight": {"dtype": "F32", "shape": [-15], "data_offsets": [0, 4]}}).encode()
    (folder / "model.safetensors").write_bytes(struct.pack("<Q", len(header)) + header + bytes(4))


@pytest.mark.parametrize(("damage", "says"), [
    pytest.param(lambda folder: (folder / "model.safetensors").write_bytes(b""), "the file is empty", id="zero-bytes"),
    pytest.param(_damaged_header, "tensor 'weight' has the shape [-15]", id="negative-shape"),
    pytest.param(lambda folder: (folder / "model.safetensors").write_bytes(b"\x40" + bytes(7) + b"{}"),
                 "more than the file holds", id="cut-header"),
])
def test_a_damaged_weights_file_is_bad_input_said_before_loading(damage, says, checkpoints, tmp_path, capsys):
    """A zero-byte model.safetensors was model_load_failed (exit 3); a negative shape made the pre-flight print
    "-15 parameters". Both are a damaged file: exit 2, naming the file, from the pre-flight and the export."""
    source = tmp_path / "damaged"
    shutil.copytree(checkpoints("BertModel", "bert"), source)
    damage(source)
    code, err = _cli(capsys, str(source), str(tmp_path / "out"))
    assert code == 2, err[-2000:]
    message = _one_error(err, "damaged_weights")
    assert str(source / "model.safetensors") in message and says in message
    assert not (tmp_path / "out").exists()
    from exportcore.cli import main

    assert main(["preflight", str(source)]) == 2
    captured = capsys.readouterr()
    assert says in _one_error(captured.err, "damaged_weights") and " parameters" not in captured.out


def test_a_config_declaring_more_layers_than_the_checkpoint_is_refused(checkpoints, tmp_path, capsys):
    source = _variant(checkpoints("GPT2LMHeadModel", "gpt2"), tmp_path / "more",
                      config=lambda c: c.update(n_layer=c["n_layer"] + 1))
    message = _assert_refused(capsys, source, tmp_path / "out")
    assert "transformer.h.2." in message and "would be random" in message


def test_a_config_declaring_fewer_layers_than_the_checkpoint_is_refused(checkpoints, tmp_path, capsys):
    source = _variant(checkpoints("GPT2LMHeadModel", "gpt2"), tmp_path / "fewer",
                      config=lambda c: c.update(n_layer=c["n_layer"] - 1))
    message = _assert_refused(capsys, source, tmp_path / "out")
    # (not all 12 of the layer: GPT-2's ignore pattern "attn.bias" also matches its c_attn.bias)
    assert "tensors of the checkpoint fit no weight of the model" in message and "transformer.h.1.ln_1.bias" in message


def test_a_config_leaving_out_trained_biases_is_refused(checkpoints, tmp_path, capsys):
    source = _variant(checkpoints("LlamaForCausalLM", "llama", attention_bias=True), tmp_path / "no-bias",
                      config=lambda c: c.update(attention_bias=False))
    message = _assert_refused(capsys, source, tmp_path / "out")
    assert "fit no weight of the model" in message and "self_attn.q_proj.bias" in message


def test_weights_of_other_shapes_are_refused(checkpoints, tmp_path, capsys):
    source = _variant(checkpoints("BertModel", "bert"), tmp_path / "wider",
                      config=lambda c: c.update(intermediate_size=c["intermediate_size"] + 3))
    message = _assert_refused(capsys, source, tmp_path / "out")
    assert "other shapes than config.json describes" in message and "intermediate.dense" in message


def test_a_task_head_missing_from_the_checkpoint_is_refused_naming_the_way_out(checkpoints, tmp_path, capsys):
    source = checkpoints("BertModel", "bert")
    message = _assert_refused(capsys, source, tmp_path / "out", "--task", "text-classification")
    assert "no weights for the task head of BertForSequenceClassification (classifier.bias, classifier.weight)" in message
    assert "names BertModel" in message and "--task" in message


def test_a_negative_layer_count_is_malformed_config(checkpoints, tmp_path, capsys):
    source = _variant(checkpoints("BertModel", "bert"), tmp_path / "no-layers",
                      config=lambda c: c.update(num_hidden_layers=-1))
    destination = tmp_path / "out"
    code, err = _cli(capsys, str(source), str(destination))
    assert code == 2, err[-2000:]
    assert "'num_hidden_layers' is -1" in _one_error(err, "malformed_config")
    assert not destination.exists()


# --------------------------------------------------------------------------------------------- legitimate: exported
def test_a_base_model_from_a_masked_lm_checkpoint_exports(checkpoints, tmp_path, capsys):
    """The masked-LM head (``cls.*``) belongs to no part of BertModel, and the pooler (not in a masked-LM checkpoint)
    reaches no exported output (feature-extraction exports ``last_hidden_state``)."""
    source = checkpoints("BertForMaskedLM", "bert")
    destination = tmp_path / "out"
    code, err = _cli(capsys, str(source), str(destination), "--task", "feature-extraction")
    assert code == 0, err[-2000:]
    assert json.loads((destination / "validation_report.json").read_text())["status"] == "passed"


def test_what_a_base_model_leaves_out_is_logged(checkpoints):
    _, lines = _load(checkpoints("BertForMaskedLM", "bert"), "feature-extraction")
    text = "\n".join(lines)
    assert "reach no exported output" in text and "pooler.dense.weight" in text
    assert "belong to parts BertModel does not have" in text and "cls.predictions.bias" in text


def test_loaded_weights_are_the_checkpoints(checkpoints):
    """The base model that passes the check really holds the checkpoint's weights (not random ones)."""
    import torch
    from safetensors.torch import load_file

    model, _ = _load(checkpoints("BertForMaskedLM", "bert"), "feature-extraction")
    saved = load_file(checkpoints("BertForMaskedLM", "bert") / "model.safetensors")
    for name, tensor in model.state_dict().items():
        if not name.startswith("pooler."):
            assert torch.equal(tensor, saved[f"bert.{name}"]), name


@pytest.mark.parametrize(
    ("model_class", "model_type", "task"),
    [
        pytest.param("GPT2LMHeadModel", "gpt2", "text-generation-with-past", id="tied-lm-head"),
        pytest.param("BertForPreTraining", "bert", "fill-mask", id="masked-lm-from-pretraining-checkpoint"),
        pytest.param("MarianMTModel", "marian", "feature-extraction", id="class-declared-missing-keys"),
        pytest.param("Wav2Vec2ForXVector", "wav2vec2", "feature-extraction", id="head-named-like-a-base-module"),
        pytest.param("ViTForMaskedImageModeling", "vit", "feature-extraction", id="mask-token-of-another-task"),
        pytest.param("T5ForConditionalGeneration", "t5", "text2text-generation-with-past", id="tied-t5-embeddings"),
    ],
)
def test_legitimate_differences_load(model_class, model_type, task, checkpoints):
    _load(checkpoints(model_class, model_type), task)


def test_the_tied_lm_head_is_not_reported(checkpoints):
    model, lines = _load(checkpoints("GPT2LMHeadModel", "gpt2"), "text-generation-with-past")
    assert lines == []
    assert model.lm_head.weight is model.transformer.wte.weight
