"""Issue 13 §4 and §2 in the plan, without exporting: which library exports a model (``--library``, decision 167) and
the axes a model can only run at one size (Nystromformer's sequence, decisions 169–170), as ``exportcore inspect``
(config.json alone, no transformers) and the options' rules see them. The exports themselves:
tests/e2e/test_sentence_transformers.py, tests/e2e/test_architectures.py and tests/e2e/test_nystromformer.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from exportcore import option_rules
from exportcore.errors import ExportError
from exportcore.options import ExportOptions, options_from_namespace
from exportcore.plan.document import inspect

BERT = {"model_type": "bert", "architectures": ["BertModel"], "vocab_size": 128, "hidden_size": 32,
        "num_hidden_layers": 2, "num_attention_heads": 4, "intermediate_size": 37, "max_position_embeddings": 64}
MODULES = [{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
           {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
           {"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"}]


def _folder(tmp_path: Path, config: dict, modules: list | None = None, name: str = "model") -> Path:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps(config))
    if modules is not None:
        (folder / "modules.json").write_text(json.dumps(modules))
        (folder / "1_Pooling").mkdir()
        (folder / "1_Pooling" / "config.json").write_text(json.dumps({"pooling_mode_mean_tokens": True}))
    return folder


def _outputs(document: dict) -> list[str]:
    return list(document["submodels"][0]["outputs"])


def test_auto_exports_a_folder_with_modules_json_as_sentence_transformers(tmp_path):
    folder = _folder(tmp_path, BERT, MODULES)
    doc = inspect(ExportOptions(model=str(folder)))
    assert doc["library"] == "sentence_transformers" and doc["task"] == "feature-extraction"
    assert _outputs(doc) == ["token_embeddings", "sentence_embedding"]
    assert "Pooling (mean) → Normalize" in doc["library_note"] and "--library transformers" in doc["library_note"]
    assert doc["library_choices"] == ["transformers", "sentence_transformers"]
    rule = option_rules.rules(doc, ExportOptions(model=str(folder)))["library"]
    assert rule.enabled and rule.default == "sentence_transformers" and "sentence_transformers" in rule.values
    # The same with the task named: feature-extraction is what sentence-transformers exports.
    assert inspect(ExportOptions(model=str(folder), task="feature-extraction"))["library"] == "sentence_transformers"


def test_library_transformers_keeps_last_hidden_state_and_still_offers_the_other(tmp_path):
    folder = _folder(tmp_path, BERT, MODULES)
    options = ExportOptions(model=str(folder), library="transformers")
    doc = inspect(options)
    assert doc["library"] == "transformers" and _outputs(doc) == ["last_hidden_state"]
    assert "--library transformers" in doc["library_note"]
    assert doc["library_choices"] == ["transformers", "sentence_transformers"]
    assert option_rules.rules(doc, options)["library"].enabled


def test_without_modules_json_auto_is_transformers_and_asking_for_sentence_transformers_is_a_coded_error(tmp_path):
    folder = _folder(tmp_path, BERT)
    doc = inspect(ExportOptions(model=str(folder)))
    assert doc["library"] == "transformers" and "library_note" not in doc and doc["library_choices"] == ["transformers"]
    rule = option_rules.rules(doc, ExportOptions(model=str(folder)))["library"]
    assert not rule.enabled and rule.code == "library_transformers_only"
    # chosen by hand, it stays changeable (the user must be able to go back)
    assert option_rules.rules(doc, ExportOptions(model=str(folder), library="sentence_transformers"))["library"].enabled
    with pytest.raises(ExportError) as excinfo:
        inspect(ExportOptions(model=str(folder), library="sentence_transformers"))
    assert excinfo.value.code == "sentence_transformers_unsupported" and "modules.json is missing" in str(excinfo.value)


def test_another_task_stays_plain_unless_sentence_transformers_is_asked_for(tmp_path):
    folder = _folder(tmp_path, {**BERT, "architectures": ["BertForSequenceClassification"]}, MODULES)
    doc = inspect(ExportOptions(model=str(folder)))
    assert doc["task"] == "text-classification" and doc["library"] == "transformers" and _outputs(doc) == ["logits"]
    with pytest.raises(ExportError) as excinfo:
        inspect(ExportOptions(model=str(folder), library="sentence_transformers"))
    assert excinfo.value.code == "sentence_transformers_unsupported" and "text-classification" in str(excinfo.value)


def test_sentence_similarity_with_library_transformers_is_refused_before_any_work(tmp_path):
    folder = _folder(tmp_path, BERT, MODULES)
    options = ExportOptions(model=str(folder), task="sentence-similarity", library="transformers")
    assert [e.code for e in option_rules.check(None, options)] == ["invalid_option"]
    with pytest.raises(ExportError) as excinfo:
        inspect(options)
    assert excinfo.value.code == "invalid_option" and "--library" in str(excinfo.value)


def test_the_library_flag_takes_optimums_and_the_hubs_spelling():
    import argparse

    from exportcore.options import add_option_arguments

    parser = argparse.ArgumentParser()
    add_option_arguments(parser, "inspect")
    for word in ("sentence_transformers", "sentence-transformers", "Sentence-Transformers"):
        assert options_from_namespace(parser.parse_args(["m", "--library", word]), "inspect").library == \
            "sentence_transformers"
    assert ExportOptions(model="m").library == "auto"
    with pytest.raises(ExportError) as excinfo:
        ExportOptions(model="m", library="timm")
    assert excinfo.value.code == "invalid_option" and "sentence_transformers" in str(excinfo.value)
    assert ExportOptions(model="m", library="transformers").to_cli_args()[-2:] == ["--library", "transformers"]


# ---- axes a model runs at one size only ------------------------------------------------------------------------
NYSTROMFORMER = {"model_type": "nystromformer", "architectures": ["NystromformerForSequenceClassification"],
                 "vocab_size": 128, "hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 4,
                 "intermediate_size": 37, "max_position_embeddings": 80, "num_landmarks": 4,
                 "segment_means_seq_len": 64, "type_vocab_size": 2}


def test_nystromformer_declares_its_fixed_sequence_length_in_the_plan_and_the_rules(tmp_path):
    folder = _folder(tmp_path, NYSTROMFORMER)
    options = ExportOptions(model=str(folder), shapes={"sequence_length": 9})
    doc = inspect(options)
    sub = doc["submodels"][0]
    assert sub["inputs"]["input_ids"] == {"0": "batch_size"}  # written static in the file
    assert sub["outputs"]["logits"] == {"0": "batch_size"}
    fixed = sub["static_axes"]["input_ids"]["1"]
    assert (fixed["shape"], fixed["size"]) == ("sequence_length", 64) and "pad" in fixed["reason"]
    assert set(sub["static_axes"]) == {"input_ids", "attention_mask", "token_type_ids"}
    assert sub["dummy_shapes"]["input_ids"] == [2, 64]  # the trace's length is the model's, whatever was asked
    rules = option_rules.rules(doc, options)
    seq = rules["shapes.sequence_length"]
    assert not seq.enabled and seq.code == "shape_static" and "64" in seq.reason
    assert rules["shapes.batch_size"].enabled
    # multiple-choice: the sequence is axis 2 there, and the choices still vary
    mc = inspect(ExportOptions(model=str(folder), task="multiple-choice"))["submodels"][0]
    assert mc["inputs"]["input_ids"] == {"0": "batch_size", "1": "num_choices"}
    assert mc["static_axes"]["input_ids"]["2"]["size"] == 64


def test_validation_labels_say_the_length_validated_at():
    from exportcore import registry
    from exportcore.plan.light_config import light_config
    from exportcore.validate.comparison import shape_set_label

    cfg_class = registry.get_config_class("nystromformer", "fill-mask")
    cfg = cfg_class(light_config(NYSTROMFORMER, "nystromformer"), task="fill-mask")
    assert shape_set_label({"batch_size": 3, "sequence_length": 11}, cfg) == "batch=3, sequence=64"
    arrays = cfg.generate_dummy_inputs("np", batch_size=3, sequence_length=11)
    assert {name: list(a.shape) for name, a in arrays.items()} == {name: [3, 64] for name in arrays}


def test_nystromformer_with_as_many_landmarks_as_tokens_keeps_a_dynamic_sequence(tmp_path):
    """transformers takes plain attention then: any length runs, and nothing is fixed."""
    folder = _folder(tmp_path, {**NYSTROMFORMER, "num_landmarks": 64})
    sub = inspect(ExportOptions(model=str(folder)))["submodels"][0]
    assert sub["static_axes"] == {} and sub["inputs"]["input_ids"] == {"0": "batch_size", "1": "sequence_length"}


def test_the_cli_shows_the_fixed_length_and_why(tmp_path):
    from exportcore.cli import render_plan

    text = render_plan(inspect(ExportOptions(model=str(_folder(tmp_path, NYSTROMFORMER)))))
    assert "1: sequence_length = 64 (fixed)" in text
    assert "fixed: sequence_length = 64 — landmark attention" in text


def test_after_an_export_the_cli_repeats_the_fixed_length(tmp_path):
    """`exportcore export` ends with the line, read from the published export_plan.json."""
    from exportcore.cli import fixed_size_notes

    out = tmp_path / "out"
    out.mkdir()
    (out / "export_plan.json").write_text(json.dumps(inspect(ExportOptions(model=str(_folder(tmp_path,
                                                                                            NYSTROMFORMER))))))
    assert [line.split(" — ")[0] for line in fixed_size_notes(out)] == ["fixed: sequence_length = 64"]
    (out / "export_plan.json").write_text(json.dumps(inspect(ExportOptions(model=str(_folder(tmp_path, BERT,
                                                                                            name="bert"))))))
    assert fixed_size_notes(out) == [] and fixed_size_notes(tmp_path / "missing") == []
