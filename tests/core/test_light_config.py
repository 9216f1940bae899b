"""Inspection without transformers (``exportcore.light_config``) gives exactly what transformers' classes give.

For every registered (model type, task) the plan document read from config.json alone equals the one built on
``AutoConfig``, or the light path declines (``NeedsTransformers``) and ``inspect`` falls back. Attacked on
purpose: config.json files that omit an attribute transformers derives from another (``head_dim``, T5's
``num_decoder_layers``…), aliases (``n_embd``), sub-configurations, a table recorded for another transformers
version, and remote code. The table itself must match the installed transformers.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from exportcore import light_config, registry
from exportcore.light_config import LightConfig, NeedsTransformers
from exportcore.light_config_build import build_table, render, table_path
from exportcore.options import ExportOptions
from exportcore.plan import inspect, make_plan, plan_document, resolve
from exportcore.source import locate
from tests.conftest import TINY_CONFIGS

PAIRS = [(mt, task) for mt in registry.supported_model_types() for task in registry.supported_tasks(mt)]

#: What most exports are: these must be inspected without transformers from a save_pretrained config.json.
MUST_BE_LIGHT = {"bert", "distilbert", "roberta", "gpt2", "llama", "qwen2", "t5", "bart", "vit", "clip", "whisper",
                 "mistral", "phi3", "gemma", "xlm-roberta", "mbart", "marian", "deberta-v2", "convnext", "swin"}


def _documents(folder, **options):
    opts = ExportOptions(model=str(folder), **options)
    source = locate(str(folder))
    full = plan_document(make_plan(opts, resolve(opts, source)))
    try:
        light = plan_document(make_plan(opts, resolve(opts, source, light=True)))
    except NeedsTransformers:
        light = None
    return full, light


@pytest.fixture(scope="module")
def folder(tiny_model_dir):
    folders: dict = {}

    def get(model_type: str):
        if model_type not in folders:
            folders[model_type] = tiny_model_dir(model_type)
        return folders[model_type]

    return get


@pytest.mark.parametrize("model_type,task", PAIRS, ids=[f"{m}:{t}" for m, t in PAIRS])
def test_light_plan_equals_transformers_plan(model_type, task, folder):
    full, light = _documents(folder(model_type), task=task)
    if model_type in MUST_BE_LIGHT:
        assert light is not None, f"{model_type} fell back to transformers"
    if light is not None:
        assert light == full


def _save_raw(tmp_path, raw: dict):
    tmp_path.mkdir(parents=True, exist_ok=True)
    (tmp_path / "config.json").write_text(json.dumps(raw), encoding="utf-8")
    return tmp_path


def _derived_attribute_cases():
    """(model type, attribute) for every attribute some recorded class derives: omitted from a file that sets its sources."""
    table = json.loads(table_path().read_text(encoding="utf-8"))
    cases = []
    for model_type, class_name in sorted(table["model_types"].items()):
        if model_type not in TINY_CONFIGS:
            continue
        for attribute in table["classes"][class_name]["derived"]:
            cases.append((model_type, attribute))
    return cases


DERIVED = _derived_attribute_cases()


@pytest.mark.parametrize("model_type,attribute", DERIVED, ids=[f"{m}-{a}" for m, a in DERIVED])
def test_omitting_a_derived_attribute_never_gives_a_wrong_plan(model_type, attribute, tmp_path):
    raw = TINY_CONFIGS[model_type]().to_dict()  # every attribute explicit (what hand-written files tend to be)
    raw.pop(attribute, None)
    folder = _save_raw(tmp_path, raw)
    full, light = _documents(folder)
    assert light is None or light == full
    assert inspect(ExportOptions(model=str(folder))) == full


def test_a_hand_written_llama_without_head_dim_falls_back_and_is_right(tmp_path):
    raw = {"model_type": "llama", "hidden_size": 64, "num_attention_heads": 4, "num_hidden_layers": 2,
           "intermediate_size": 128, "vocab_size": 100, "architectures": ["LlamaForCausalLM"]}
    folder = _save_raw(tmp_path, raw)
    with pytest.raises(NeedsTransformers):
        resolve(ExportOptions(model=str(folder)), locate(str(folder)), light=True).config.num_key_value_heads
    document = inspect(ExportOptions(model=str(folder)))
    past = document["submodels"][0]["dummy_shapes"]["past_key_values.0.key"]
    assert past[1:] == [4, past[2], 16]  # 4 KV heads (= attention heads), head_dim 64 / 4


def test_aliases_and_sub_configurations_read_like_transformers():
    table = json.loads(table_path().read_text(encoding="utf-8"))
    gpt2 = light_config.light_config({"model_type": "gpt2", "n_embd": 48, "n_layer": 3}, "gpt2")
    assert (gpt2.hidden_size, gpt2.num_hidden_layers, gpt2.n_head) == (48, 3, table["classes"]["GPT2Config"]["defaults"]["n_head"])
    clip = light_config.light_config({"model_type": "clip", "text_config": {"hidden_size": 40}}, "clip")
    assert isinstance(clip.text_config, LightConfig)
    assert clip.text_config.hidden_size == 40
    assert clip.vision_config.image_size == table["classes"]["CLIPVisionConfig"]["defaults"]["image_size"]
    with pytest.raises(AttributeError):
        clip.no_such_attribute


def test_a_table_for_another_transformers_version_is_not_used(monkeypatch, folder):
    real = json.loads(table_path().read_text(encoding="utf-8"))
    monkeypatch.setattr(light_config.metadata, "version", lambda name: real["transformers_version"] + ".post9")
    light_config._table.cache_clear()
    try:
        with pytest.raises(NeedsTransformers):
            light_config.light_config({"model_type": "bert"}, "bert")
        full, _ = _documents(folder("bert"))
        assert inspect(ExportOptions(model=str(folder("bert")))) == full
    finally:
        light_config._table.cache_clear()


def test_remote_code_is_left_to_transformers():
    with pytest.raises(NeedsTransformers):
        light_config.light_config({"model_type": "bert", "auto_map": {"AutoConfig": "x.Y"}}, "bert", trust_remote_code=True)


def test_the_recorded_table_matches_the_installed_transformers():
    assert render(build_table()) == table_path().read_text(encoding="utf-8"), (
        "resources/config_defaults.json is stale: run python -m exportcore.light_config_build --write")


def test_inspect_of_a_saved_config_imports_neither_torch_nor_transformers(folder):
    code = ("import sys; from exportcore.cli import main; main(['inspect', sys.argv[1], '--json']);"
            "print('LEAK', [m for m in ('torch', 'transformers') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code, str(folder("llama"))], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "LEAK []"
