"""Inspection without transformers (``exportcore.plan.light_config``) gives exactly what transformers' classes give.

For every registered (model type, task) the plan document read from config.json alone equals the one built on
``AutoConfig``, or the light path declines (``NeedsTransformers``) and ``inspect`` falls back. Attacked on
purpose: config.json files that omit an attribute transformers derives from another (``head_dim``, T5's
``num_decoder_layers``…), aliases (``n_embd``), sub-configurations, a table recorded for another transformers
version, and remote code. The table itself must match the installed transformers.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from exportcore import registry
from exportcore.plan import light_config, light_config_build
from exportcore.errors import ExportError
from exportcore.plan.light_config import LightConfig, NeedsTransformers
from exportcore.plan.light_config_build import build_table, render, table_path
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


def test_a_table_for_another_transformers_version_is_not_used(monkeypatch, folder, tmp_path):
    real = json.loads(table_path().read_text(encoding="utf-8"))
    monkeypatch.setattr(light_config.metadata, "version", lambda name: real["transformers_version"] + ".post9")
    monkeypatch.setenv("EXPORTSTUDIO_CACHE", str(tmp_path / "empty-cache"))  # nothing recorded for that version
    monkeypatch.setattr(light_config, "_recorded_here", None)
    light_config._table.cache_clear()
    try:
        assert light_config.table_missing()
        with pytest.raises(NeedsTransformers):
            light_config.light_config({"model_type": "bert"}, "bert")
        full, _ = _documents(folder("bert"))
        assert inspect(ExportOptions(model=str(folder("bert")))) == full
    finally:
        light_config._table.cache_clear()


_FAKE_VERSION = """
import importlib.metadata as m, sys
real = m.version
m.version = lambda name: "5.99.0" if name == "transformers" else real(name)
from exportcore.cli import main
code = main(sys.argv[1:])
print("LEAK", [x for x in ("torch", "transformers") if x in sys.modules], file=sys.stderr)
sys.exit(code)
"""


def test_another_transformers_gets_its_table_recorded_once_then_inspection_is_light(folder, tmp_path):
    """A transformers release newer than the lock: the first inspect says once what it does and records the table
    into the studio cache; from then on inspection is light again and prints the same plan."""
    env = {**os.environ, "EXPORTSTUDIO_CACHE": str(tmp_path / "studio")}
    command = [sys.executable, "-c", _FAKE_VERSION, "inspect", str(folder("llama")), "--json"]
    first = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    assert first.returncode == 0, first.stderr[-2000:]
    notes = [line for line in first.stderr.splitlines() if line.startswith("note:")]
    assert len(notes) == 1 and "transformers 5.99.0" in notes[0] and "recording" in notes[0], first.stderr[-2000:]
    recorded = tmp_path / "studio" / "config-tables" / "transformers-5.99.0.json"
    assert json.loads(recorded.read_text(encoding="utf-8"))["transformers_version"] == "5.99.0"
    second = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
    assert second.returncode == 0, second.stderr[-2000:]
    assert not [line for line in second.stderr.splitlines() if line.startswith("note:")]
    assert second.stderr.strip().splitlines()[-1] == "LEAK []"  # neither torch nor transformers imported
    assert json.loads(second.stdout) == json.loads(first.stdout)


def test_a_table_that_cannot_be_saved_is_still_used_by_the_process_that_recorded_it(monkeypatch, tmp_path):
    shipped = json.loads(table_path().read_text(encoding="utf-8"))
    monkeypatch.setattr(light_config.metadata, "version", lambda name: "5.99.0")
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the cache folder should be")
    monkeypatch.setenv("EXPORTSTUDIO_CACHE", str(blocked))
    monkeypatch.setattr(light_config, "_recorded_here", None)
    monkeypatch.setattr(light_config_build, "build_table", lambda: {**shipped, "transformers_version": "5.99.0"})
    light_config._table.cache_clear()
    lines: list[str] = []
    try:
        assert light_config_build.record_table(announce=lines.append) is None
        assert len(lines) == 2 and "could not save" in lines[1] and str(blocked) in lines[1]
        # it said "inspection keeps importing transformers", which this very process does not (issue 11 audit)
        assert lines[1].endswith("this process uses it; other processes will record it again"), lines[1]
        assert not light_config.table_missing()
        assert light_config.light_config({"model_type": "bert", "hidden_size": 48}, "bert").hidden_size == 48
        assert not list(tmp_path.rglob("*.partial"))
    finally:
        light_config._table.cache_clear()


def test_remote_code_is_left_to_transformers():
    with pytest.raises(NeedsTransformers):
        light_config.light_config({"model_type": "bert", "auto_map": {"AutoConfig": "x.Y"}}, "bert", trust_remote_code=True)


def test_the_table_in_use_matches_the_installed_transformers():
    """The shipped table when the installed transformers is the locked one (it must then be exactly current), else
    the one recorded for it (tests/conftest.py records it once, as the product does)."""
    in_use = light_config._table()
    assert in_use is not None, "no configuration table for the installed transformers"
    shipped = json.loads(table_path().read_text(encoding="utf-8"))
    current = render(build_table())
    if shipped["transformers_version"] == light_config.installed_transformers_version():
        assert render(shipped) == current, (
            "resources/config_defaults.json is stale: run python -m exportcore.plan.light_config_build --write")
    assert render(in_use) == current


def test_inspect_of_a_saved_config_imports_neither_torch_nor_transformers(folder):
    code = ("import sys; from exportcore.cli import main; main(['inspect', sys.argv[1], '--json']);"
            "print('LEAK', [m for m in ('torch', 'transformers') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code, str(folder("llama"))], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "LEAK []"


#: config.json files whose meaning depends on what the configuration class's __init__ does with them.
INIT_DEPENDENT = {
    "legacy-alias-bloom": {"model_type": "bloom", "n_embed": 256, "n_head": 8, "n_layer": 2},
    "legacy-alias-falcon": {"model_type": "falcon", "n_embed": 256, "num_attention_heads": 8, "num_hidden_layers": 2},
    "legacy-sub-config-dicts": {"model_type": "clip", "text_config_dict": {"hidden_size": 64},
                                "vision_config_dict": {"image_size": 112, "hidden_size": 64}},
    "null-sub-config": {"model_type": "clip", "vision_config": None},
    "alias-and-target": {"model_type": "gpt2", "hidden_size": 256, "n_embd": 128, "n_head": 4, "n_layer": 2},
    "null-derived": {"model_type": "t5", "num_decoder_layers": None, "num_layers": 3, "d_model": 64, "num_heads": 4},
}


def _outcome(function):
    try:
        return function()
    except ExportError as exc:
        return exc.code


@pytest.mark.parametrize("raw", INIT_DEPENDENT.values(), ids=INIT_DEPENDENT.keys())
def test_files_that_depend_on_init_are_left_to_transformers(raw, tmp_path):
    folder = _save_raw(tmp_path, raw)
    options = ExportOptions(model=str(folder))
    with pytest.raises(NeedsTransformers):
        resolve(options, locate(str(folder)), light=True)
    full = _outcome(lambda: plan_document(make_plan(options, resolve(options, locate(str(folder))))))
    assert _outcome(lambda: inspect(options)) == full  # the same plan, or the same error transformers gives


def test_old_training_flags_the_class_does_not_know_stay_light(tmp_path):
    """Files written by transformers 4 carry keys transformers 5 no longer has (the real all-MiniLM-L6-v2 does)."""
    raw = {"model_type": "bert", "hidden_size": 64, "num_attention_heads": 4, "num_hidden_layers": 2,
           "gradient_checkpointing": False, "position_embedding_type": "absolute", "transformers_version": "4.8.2"}
    folder = _save_raw(tmp_path, raw)
    full, light = _documents(folder)
    assert light is not None and light == full
