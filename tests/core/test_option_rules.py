"""exportcore.option_rules over real plan documents: which options make sense for a plan and why not, the
combinations the core refuses (the same errors, without the work), and the facts the plan document carries.

Each plan is made as ``exportcore inspect`` makes it; most rules are checked twice: on a document without the
``facts`` section (an older run's export_plan.json: facts worked out by ``document_facts``) and on the document as
``plan_document`` makes it, with the ``facts`` section.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import pytest

from exportcore import option_rules as R
from exportcore import registry
from exportcore.errors import ExportError
from exportcore.options import DYNAMO_OPSETS, FLOAT_DTYPES, TORCHSCRIPT_OPSETS, ExportOptions
from exportcore.plan import make_plan, plan_document, resolve
from exportcore.plan.light_config import NeedsTransformers
from exportcore.tasks import split_past

ROOT = Path(__file__).resolve().parents[2]


def planned(options: ExportOptions, facts: bool = False):
    """(plan, document) as ``exportcore inspect`` makes them (config.json alone, else transformers); without
    ``facts`` the document is stripped of its ``facts`` section, as documents were before it."""

    def build(light: bool):
        plan = make_plan(options, resolve(options, light=light))
        document = plan_document(plan)
        assert document["facts"] == R.plan_facts(plan)
        if not facts:
            del document["facts"]
        return plan, document

    try:
        return build(True)
    except NeedsTransformers:
        return build(False)


@pytest.fixture(scope="module")
def models(tiny_model_dir):
    """name -> model id: the demo models and tiny config folders."""
    return {
        "bert": "demo:tiny-bert",
        "gpt2": "demo:tiny-gpt2",
        "t5": "demo:tiny-t5",
        "vit": "demo:tiny-vit",
        "gpt2-classifier": str(tiny_model_dir("gpt2", "text-classification")),
        "llama-classifier": str(tiny_model_dir("llama", "text-classification")),  # its config sets pad_token_id 0
        "bert-classifier": str(tiny_model_dir("bert", "text-classification")),
        "bart": str(tiny_model_dir("bart", "text2text-generation")),
        "whisper": str(tiny_model_dir("whisper", "automatic-speech-recognition")),
        "bert-multiple-choice": str(tiny_model_dir("bert", "multiple-choice")),
        "wav2vec2": str(tiny_model_dir("wav2vec2")),
    }


@pytest.fixture(params=[False, True], ids=["document", "facts"])
def with_facts(request):
    return request.param


def rules_for(models, name, with_facts=False, **options):
    """The rules for ``options`` over the document of the model's default plan (as the app has it while the user
    changes options)."""
    model = models[name]
    _, document = planned(ExportOptions(model=model), with_facts)
    return R.rules(document, ExportOptions(model=model, **options))


def assert_off(rule: R.Rule, code: str, reason: str) -> None:
    assert (rule.enabled, rule.code, rule.reason) == (False, code, reason)


def assert_on(rule: R.Rule, code: str = "ok", reason: str = "") -> None:
    assert (rule.enabled, rule.code, rule.reason) == (True, code, reason)


NO_PAST = "This model exports no past key/values."
NOT_SEQ2SEQ = "Only encoder–decoder models (such as T5, BART, Whisper) are split into files."
PAST_OFF = "Only meaningful when past key/values are exported."
SEQ2SEQ_PAST_INPUTS = "Encoder–decoder models always get a decoder without past inputs and one with them."
MERGE_NEEDS_PAST = "Merging joins the decoder with and without past; turn on past key/values first."
ONE_FILE_NO_PAST = ("One file (monolith) holds no past key/values; choose encoder + decoder files to export them.")
BF16 = "onnxruntime's CPU provider cannot run bfloat16 models: a bf16 export cannot be validated here."
VALIDATION_OFF = "Validation is turned off."
NO_PAD = "Only decoder models that classify text (GPT-2, Llama… for text-classification) need a padding token id."
PAD_FROM_TOKENIZER = ("This model classifies text with a decoder, which needs a padding token id. By default it is "
                      "taken from the config or the tokenizer saved with the model; set it here if neither has one "
                      "(often the end-of-sequence id).")
DEDUPES = "Stores weights the model shares between layers (such as a tied LM head) once."
MERGES = "Merges the decoders with and without past into decoder_model_merged.onnx and stores shared weights once."


# ---- every option has a rule -----------------------------------------------------------------------------------------
def test_every_export_option_has_a_rule(models, with_facts):
    """A new ExportOptions field without a rule fails here."""
    option_fields = {f.name for f in fields(ExportOptions)}
    assert option_fields <= set(R.rule_names())
    for name in ("bert", "gpt2", "t5", "vit", "whisper"):
        answered = rules_for(models, name, with_facts)
        assert set(answered) == set(R.rule_names()), name
        for key, rule in answered.items():
            assert isinstance(rule, R.Rule) and rule.code in R.REASONS, key
            assert rule.reason == R.REASONS[rule.code].format(**rule.params), key
            assert rule.enabled or rule.reason, f"{key} is disabled without a reason"


# ---- an encoder ------------------------------------------------------------------------------------------------------
def test_encoder_model(models, with_facts):
    r = rules_for(models, "bert", with_facts)
    assert_on(r["task"])
    assert r["task"].values == ("auto", "feature-extraction", "fill-mask", "text-classification", "multiple-choice",
                                "token-classification", "question-answering")
    assert r["task"].default == "fill-mask"  # inferred from config.architectures
    assert_off(r["use_past"], "past_not_for_model", NO_PAST)
    assert_off(r["use_past_in_inputs"], "past_not_for_model", NO_PAST)  # the app shows use_past's reason here too
    assert_off(r["file_layout"], "layout_not_seq2seq", NOT_SEQ2SEQ)
    assert_off(r["monolith"], "layout_not_seq2seq", NOT_SEQ2SEQ)
    assert_on(r["post_process"], "post_process_dedupes", DEDUPES)  # --no-post-process still means "no dedupe"
    assert_off(r["pad_token_id"], "pad_token_not_needed", NO_PAD)
    assert_on(r["dynamo"])
    assert_off(r["device"], "cpu_only", "This build exports on the CPU only.")
    assert r["float_dtype"].values == FLOAT_DTYPES and r["int_dtype"].enabled
    assert_off(r["cache_dir"], "demo_model_no_hub", "Demo models are built on this machine: no Hub cache or revision "
                                                    "applies.")
    assert r["revision"] == r["cache_dir"]
    for key in ("model", "output_dir", "dynamic_axes", "constant_folding", "trust_remote_code", "overwrite", "force"):
        assert_on(r[key])
    # an explicit task without a past variant, on a model that has none at all
    assert_off(rules_for(models, "bert", with_facts, task="text-classification")["use_past"], "past_not_for_task",
               "'text-classification' has no variant with past key/values for this model.")


def test_shapes_that_matter(models, with_facts):
    r = rules_for(models, "bert", with_facts)
    assert r["shapes"].values == ("batch_size", "sequence_length")
    assert_on(r["shapes.sequence_length"])
    assert_off(r["shapes.image_width"], "shape_unused", "'image_width' changes none of this model's dummy inputs.")
    assert_off(r["shapes.past_sequence_length"], "shape_unused",
               "'past_sequence_length' changes none of this model's dummy inputs.")
    assert rules_for(models, "bert-multiple-choice", with_facts)["shapes.num_choices"].enabled
    assert rules_for(models, "wav2vec2", with_facts)["shapes"].values == ("batch_size", "audio_sequence_length")
    assert rules_for(models, "gpt2", with_facts)["shapes"].values == ("batch_size", "sequence_length",
                                                                      "past_sequence_length")


def test_shapes_a_config_fixes_are_known_only_from_the_facts(models):
    """The app shows the image and audio-feature sizes for every model that takes images or features; the facts say
    which ones change the dummy inputs (a ViT's image size and Whisper's mel bins come from its config)."""
    assert rules_for(models, "vit")["shapes"].values == ("batch_size", "image_width", "image_height", "num_channels")
    facts = rules_for(models, "vit", True)
    assert facts["shapes"].values == ("batch_size",)
    assert_off(facts["shapes.image_width"], "shape_unused", "'image_width' changes none of this model's dummy inputs.")
    assert rules_for(models, "whisper")["shapes.feature_size"].enabled
    assert not rules_for(models, "whisper", True)["shapes.feature_size"].enabled


# ---- a decoder -------------------------------------------------------------------------------------------------------
def test_decoder_past(models, with_facts):
    r = rules_for(models, "gpt2", with_facts)
    assert_on(r["use_past"])
    assert r["use_past"].default is True  # the inferred task becomes -with-past
    assert_on(r["use_past_in_inputs"])
    assert r["use_past_in_inputs"].default is True  # generation feeds the cache back
    assert_off(r["file_layout"], "layout_not_seq2seq", NOT_SEQ2SEQ)
    assert_off(rules_for(models, "gpt2", with_facts, use_past=False)["use_past_in_inputs"], "past_off", PAST_OFF)
    # feature-extraction-with-past returns the cache but takes none by default; a named task means no cache
    fe = rules_for(models, "gpt2", with_facts, task="feature-extraction")
    assert fe["use_past"].default is False and fe["use_past_in_inputs"].enabled is False
    fe_past = rules_for(models, "gpt2", with_facts, task="feature-extraction", use_past=True)
    assert fe_past["use_past_in_inputs"].default is False
    r = rules_for(models, "gpt2", with_facts, task="text-classification")
    assert_off(r["use_past"], "past_not_for_task", "'text-classification' has no variant with past key/values for "
                                                   "this model.")
    assert r["use_past_in_inputs"] == r["use_past"]


def test_past_for_the_inferred_task_follows_the_core(models, with_facts):
    """The app allowed past under 'auto' whenever the model type has a past task; the core adds -with-past to the
    inferred task, which a GPT-2 classifier's task has not: refused (core's truth)."""
    r = rules_for(models, "gpt2-classifier", with_facts)
    assert_off(r["use_past"], "past_not_for_task", "'text-classification' has no variant with past key/values for "
                                                   "this model.")


def test_opset_range_per_exporter(models, with_facts):
    r = rules_for(models, "bert", with_facts)
    assert_on(r["opset"], "opset_range_torchscript", "The TorchScript exporter writes opsets 7–23.")
    assert r["opset"].values == tuple(TORCHSCRIPT_OPSETS)
    r = rules_for(models, "bert", with_facts, dynamo=True)
    assert_on(r["opset"], "opset_range_dynamo", "torch.export writes opsets 18–25 (it silently keeps 18 below that).")
    assert r["opset"].values == tuple(DYNAMO_OPSETS) == tuple(R.opset_range(True))
    assert r["opset"].default == (18 if with_facts else None)  # the document shows the opset chosen, not the default


# ---- an encoder–decoder ----------------------------------------------------------------------------------------------
def test_seq2seq_file_layouts(models, with_facts):
    r = rules_for(models, "t5", with_facts)
    assert_on(r["file_layout"])
    assert r["file_layout"].values == ("monolith", "merged", "separate") and r["file_layout"].default == "merged"
    assert_on(r["monolith"])
    assert_on(r["post_process"], "post_process_merges", MERGES)
    assert_off(r["use_past_in_inputs"], "seq2seq_past_inputs", SEQ2SEQ_PAST_INPUTS)
    assert_on(r["use_past"])

    r = rules_for(models, "t5", with_facts, use_past=False)
    assert r["file_layout"].values == ("monolith", "separate") and r["file_layout"].default == "separate"
    assert r["file_layout"].excluded == (("merged", "merge_needs_past", MERGE_NEEDS_PAST),)
    assert r["file_layout"].excluded_reason("merged") == MERGE_NEEDS_PAST
    assert_off(r["use_past_in_inputs"], "past_off", PAST_OFF)
    assert_on(r["post_process"], "post_process_dedupes", DEDUPES)


def test_one_file_has_no_past(models, with_facts):
    """monolith drops the cache (plan.resolve): the app left past on and the inspection then failed."""
    r = rules_for(models, "t5", with_facts, monolith=True)
    assert_off(r["use_past"], "past_not_in_one_file", ONE_FILE_NO_PAST)
    assert r["use_past_in_inputs"] == r["use_past"]
    assert_on(r["file_layout"])  # still a choice: the user may go back to two files
    assert_on(r["post_process"], "post_process_dedupes", DEDUPES)


def test_tasks_an_encoder_decoder_writes_as_one_file(models, with_facts):
    r = rules_for(models, "t5", with_facts, task="feature-extraction")
    assert_off(r["file_layout"], "layout_one_file_without_past",
               "Without past key/values, 'feature-extraction' is exported as one file.")
    assert r["monolith"] == r["file_layout"]
    assert rules_for(models, "t5", with_facts, task="feature-extraction", use_past=True)["file_layout"].enabled
    r = rules_for(models, "bart", with_facts, task="text-classification")
    assert_off(r["file_layout"], "layout_one_file_task",
               "For 'text-classification' this encoder–decoder model is exported as one file.")
    assert_off(r["pad_token_id"], "pad_token_not_needed", NO_PAD)  # BART classifies with its encoder–decoder
    # BART's text-generation is its decoder alone: a decoder-only export, past inputs a real choice
    r = rules_for(models, "bart", with_facts, task="text-generation", use_past=True)
    assert_off(r["file_layout"], "layout_not_seq2seq", NOT_SEQ2SEQ)
    assert_on(r["use_past_in_inputs"])
    assert r["use_past_in_inputs"].default is True


def test_whisper(models, with_facts):
    r = rules_for(models, "whisper", with_facts)
    assert r["file_layout"].enabled and r["file_layout"].default == "merged"
    assert_off(r["use_past_in_inputs"], "seq2seq_past_inputs", SEQ2SEQ_PAST_INPUTS)
    assert_on(r["dynamo"])
    r = rules_for(models, "whisper", with_facts, task="audio-classification")
    assert_off(r["file_layout"], "layout_one_file_task",
               "For 'audio-classification' this encoder–decoder model is exported as one file.")
    assert_off(r["use_past"], "past_not_for_task", "'audio-classification' has no variant with past key/values for "
                                                   "this model.")


def test_dynamo_follows_the_adapter_not_the_app(models, with_facts):
    """The app disabled torch.export for T5; the adapter exports T5 there with eager attention (checked by hand:
    `exportcore export demo:tiny-t5 --dynamo` validates). Core's truth: allowed, with the remark."""
    r = rules_for(models, "t5", with_facts, dynamo=True)
    assert_on(r["dynamo"], "dynamo_eager_attention",
              "torch.export exports t5 models with eager attention (it fails on their sdpa attention).")
    assert r["opset"].code == "opset_range_dynamo"
    assert R.check(planned(ExportOptions(model=models["t5"]))[1], ExportOptions(model=models["t5"], dynamo=True)) == []


def test_a_model_type_the_dynamo_path_cannot_export(models, with_facts, monkeypatch):
    monkeypatch.setitem(R.DYNAMO_UNSUPPORTED, "bert", "a made-up reason")
    r = rules_for(models, "bert", with_facts, dynamo=True)
    assert_off(r["dynamo"], "dynamo_unsupported_model", "The torch.export path cannot export bert models (a made-up "
                                                        "reason); the TorchScript exporter is used.")
    assert r["opset"].code == "opset_range_torchscript"
    _, document = planned(ExportOptions(model=models["bert"]), with_facts)
    if with_facts:
        document["facts"]["dynamo_supported"] = False
    [error] = R.check(document, ExportOptions(model=models["bert"], dynamo=True))
    assert error.code == "invalid_option" and "--dynamo" in error.message


# ---- precision and validation ----------------------------------------------------------------------------------------
def test_integer_dtype_only_for_integer_inputs(models, with_facts):
    assert_off(rules_for(models, "vit", with_facts)["int_dtype"], "no_integer_inputs",
               "This model takes no integer inputs.")
    assert rules_for(models, "whisper", with_facts)["int_dtype"].enabled  # the decoder's input_ids


def test_bf16_is_not_validated(models, with_facts):
    r = rules_for(models, "vit", with_facts, float_dtype="bf16")
    assert_off(r["validate"], "bf16_not_validated", BF16)
    assert_off(r["validation_shapes"], "bf16_not_validated", BF16)
    assert_off(r["atol"], "bf16_not_validated", BF16)
    r = rules_for(models, "vit", with_facts, float_dtype="bf16", validate=False)  # what the app sends
    assert_off(r["validation_shapes"], "validation_off", VALIDATION_OFF)
    assert_off(r["atol"], "validation_off", VALIDATION_OFF)


def test_validation_options(models, with_facts):
    r = rules_for(models, "gpt2", with_facts)
    assert_on(r["validate"])
    assert_on(r["atol"])
    assert r["validation_shapes"].values == ("batch_size", "sequence_length", "past_sequence_length")
    assert r["atol"].default == 1e-4
    fp16 = rules_for(models, "gpt2", with_facts, float_dtype="fp16")["atol"].default
    assert fp16 == (1e-2 if with_facts else 1e-4)  # without the fact only the document's (fp32) tolerance is known
    r = rules_for(models, "gpt2", with_facts, validate=False)
    assert_off(r["validation_shapes"], "validation_off", VALIDATION_OFF)
    assert_off(r["atol"], "validation_off", VALIDATION_OFF)
    assert_off(rules_for(models, "gpt2", with_facts, dynamic_axes=False)["validation_shapes"],
               "static_axes_traced_shapes", "A file with static axes is validated at the traced shapes only.")


# ---- padding token ---------------------------------------------------------------------------------------------------
def test_pad_token_id_only_for_decoder_classifiers(models, with_facts):
    assert_on(rules_for(models, "gpt2-classifier", with_facts)["pad_token_id"], "pad_token_from_tokenizer",
              PAD_FROM_TOKENIZER)
    # the document made for text-generation, the user now picks text-classification
    assert rules_for(models, "gpt2", with_facts, task="text-classification")["pad_token_id"].enabled
    assert_off(rules_for(models, "gpt2", with_facts)["pad_token_id"], "pad_token_not_needed", NO_PAD)
    assert_off(rules_for(models, "bert-classifier", with_facts)["pad_token_id"], "pad_token_not_needed", NO_PAD)
    llama = rules_for(models, "llama-classifier", with_facts)["pad_token_id"]
    if with_facts:
        assert_on(llama, "pad_token_in_config", "The model's config sets pad_token_id 0; a value here replaces it.")
        assert llama.default == 0
    else:  # the document does not show the config's id
        assert_on(llama, "pad_token_from_tokenizer", PAD_FROM_TOKENIZER)


def test_hub_options_only_for_hub_models(models):
    assert_on(rules_for(models, "bert-classifier")["cache_dir"])  # without the fact the source is unknown
    assert_off(rules_for(models, "bert-classifier", True)["cache_dir"], "local_model_no_hub",
               "A local folder is read where it is: no Hub cache or revision applies.")
    _, document = planned(ExportOptions(model=models["bert-classifier"]), True)
    document["facts"]["source"] = "hub"
    assert_on(R.rules(document, ExportOptions(model="org/name"))["revision"])


def test_auto_after_a_named_task(models, with_facts):
    """A document made for a named task does not say what 'auto' infers: past is offered if any task has it (the
    app's rule), and nothing is refused."""
    _, document = planned(ExportOptions(model=models["gpt2"], task="text-classification"), with_facts)
    r = R.rules(document, ExportOptions(model=models["gpt2"]))
    assert_on(r["use_past"])
    assert r["task"].default is None
    assert R.check(document, ExportOptions(model=models["gpt2"], use_past=True)) == []


# ---- combinations the core refuses -----------------------------------------------------------------------------------
def core_error(options: ExportOptions) -> ExportError | None:
    try:
        planned(options)
    except ExportError as exc:
        return exc
    return None


REFUSED = [
    ("gpt2", dict(task="text-classification", use_past=True), "unsupported_task"),
    ("gpt2", dict(task="text-classification-with-past"), "unsupported_task"),
    ("gpt2", dict(task="sequence-classification-with-past"), "unsupported_task"),  # a synonym, named as the core does
    ("bert", dict(use_past=True), "unsupported_task"),
    ("bert", dict(task="text2text-generation"), "unsupported_task"),
    ("bert", dict(task="no-such-task"), "unknown_task"),
    ("t5", dict(monolith=True, use_past=True), "invalid_option"),
    ("t5", dict(monolith=True, task="text2text-generation-with-past"), "invalid_option"),
    ("t5", dict(monolith=True, task="feature-extraction", use_past=True), "invalid_option"),
]


@pytest.mark.parametrize("name, options, code", REFUSED, ids=[f"{n}-{'-'.join(map(str, o.values()))}"
                                                                for n, o, _ in REFUSED])
def test_check_refuses_what_the_core_refuses(models, with_facts, name, options, code):
    model = models[name]
    _, document = planned(ExportOptions(model=model), with_facts)
    errors = R.check(document, ExportOptions(model=model, **options))
    expected = core_error(ExportOptions(model=model, **options))
    assert expected is not None and expected.code == code
    assert [(e.code, e.message) for e in errors] == [(expected.code, expected.message)]


def test_check_bf16_with_validation_says_what_the_run_says(tmp_path):
    from exportcore.run import run_export

    options = ExportOptions(model="demo:tiny-vit", output_dir=str(tmp_path / "out"), float_dtype="bf16")
    with pytest.raises(ExportError) as info:
        run_export(options, on_event=lambda event: None)
    [error] = R.check(None, options)
    assert (error.code, error.message) == (info.value.code, info.value.message) == ("invalid_option", error.message)
    assert R.check(None, ExportOptions(model="demo:tiny-vit", float_dtype="bf16", validate=False)) == []
    with pytest.raises(ExportError):
        R.refuse(None, options)


def test_check_opset_range_like_the_options():
    options = ExportOptions(model="demo:tiny-bert", opset=14)
    assert R.check(None, options) == []
    options.dynamo = True  # changed after construction, which would have refused it
    [error] = R.check(None, options)
    with pytest.raises(ExportError) as info:
        ExportOptions(model="demo:tiny-bert", opset=14, dynamo=True)
    assert error.message == info.value.message


GRID_MODELS = ("bert", "gpt2", "t5", "vit", "gpt2-classifier", "llama-classifier", "bart", "whisper")


@pytest.mark.parametrize("name", GRID_MODELS)
def test_rules_and_check_agree_with_the_plans_the_core_makes(models, with_facts, name):
    """Every task × use_past × monolith × post_process: check() refuses exactly what the core refuses, and where it
    accepts, the plan the core makes is what the rules (over the default plan's document) said."""
    model = models[name]
    _, document = planned(ExportOptions(model=model), with_facts)
    tasks = ["auto", *dict.fromkeys(split_past(t)[0] for t in document["supported_tasks"])]
    for task, use_past, monolith, post in itertools.product(tasks, (None, True, False), (False, True), (True, False)):
        options = ExportOptions(model=model, task=task, use_past=use_past, monolith=monolith, post_process=post)
        label = f"{name} {task} use_past={use_past} monolith={monolith} post_process={post}"
        errors = R.check(document, options)
        expected = core_error(options)
        wanted = [(expected.code, expected.message)] if expected else []
        assert [(e.code, e.message) for e in errors[:1]] == wanted, label
        if expected:
            continue
        plan, made = planned(options)
        r = R.rules(document, options)
        past = made["task"].endswith("-with-past")
        if not r["use_past"].enabled:
            assert not past, label
        elif use_past is None:
            assert past == r["use_past"].default, label
        layout = r["file_layout"]
        if not layout.enabled or monolith:
            assert made["files"] == ["model.onnx"], label
        else:
            assert "encoder_model.onnx" in made["files"], label
            assert made["merge"] == (post and "merged" in layout.values), label
        cfg = plan.submodels[0].onnx_config
        if r["use_past_in_inputs"].enabled:
            assert cfg.use_past_in_inputs == r["use_past_in_inputs"].default, label
        decoder_classifier = (split_past(made["task"])[0] == "text-classification"
                              and getattr(cfg, "is_causal_lm", False))
        assert r["pad_token_id"].enabled == decoder_classifier, label  # pipeline.ensure_pad_token's test


# ---- the facts -------------------------------------------------------------------------------------------------------
def test_plan_facts_keys(models):
    plan, document = planned(ExportOptions(model=models["t5"]))
    facts = R.plan_facts(plan)
    assert tuple(facts) == R.FACT_KEYS
    json.dumps(facts)  # the document is JSON
    assert facts == {
        "source": "demo",
        "seq2seq_tasks": ["feature-extraction", "text2text-generation"],
        "split_tasks": ["feature-extraction-with-past", "text2text-generation", "text2text-generation-with-past"],
        "decoder_only_tasks": [],
        "config_pad_token_id": facts["config_pad_token_id"],
        "dynamo_supported": True,
        "dynamo_attention": "eager",
        "shape_keywords": ["batch_size", "sequence_length", "past_sequence_length"],
        "default_opset": 18,
        "atol_for_validation": 1e-4,
    }
    assert set(R.document_facts(document)) == set(R.FACT_KEYS) - {"config_pad_token_id", "default_opset",
                                                                  "atol_for_validation"}


def test_the_core_reads_these_rules_from_here():
    """One home: the plan, the adapter and the options answer with these very rules."""
    from exportcore import options
    from exportcore.export import adapter
    from exportcore.plan import submodels, task_choice

    assert submodels.splits_into_files is R.splits_into_files and submodels.past_in_inputs is R.past_in_inputs
    assert task_choice.option_rules is R and adapter.DYNAMO_EAGER_ATTENTION is R.DYNAMO_EAGER_ATTENTION
    assert R.opset_range is options.opset_range
    assert R.opset_range(False) == TORCHSCRIPT_OPSETS and R.opset_range(True) == DYNAMO_OPSETS


#: Sizes a model's configuration may fix (image size, channels, mel bins, frames): the input names alone cannot tell.
CONFIG_FIXABLE = {"image_width", "image_height", "num_channels", "feature_size", "nb_max_frames",
                  "audio_sequence_length"}


def test_facts_over_every_registered_type_and_task(folder):
    """plan_facts against the plans the core makes, and document_facts (today's documents) against plan_facts; also
    the app's own guesses (a "TextDecoderOnnxConfig" in the class chain, an encoder_model submodel) where they
    agree."""
    for model_type in registry.supported_model_types():
        for task in registry.supported_tasks(model_type):
            options = ExportOptions(model=str(folder(model_type)), task=task)
            plan, document = planned(options)
            facts, guessed = R.plan_facts(plan), R.document_facts(document)
            label = f"{model_type} {task}"
            for key in ("seq2seq_tasks", "split_tasks", "decoder_only_tasks", "dynamo_supported", "dynamo_attention"):
                assert guessed[key] == facts[key], label
            assert set(facts["shape_keywords"]) <= set(guessed["shape_keywords"]), label
            fixed = set(R.static_shapes(document))  # axes the model runs at one size only (Nystromformer)
            assert set(guessed["shape_keywords"]) - set(facts["shape_keywords"]) <= CONFIG_FIXABLE | fixed, label
            base = split_past(task)[0]
            cfg = plan.submodels[0].onnx_config
            assert (base in facts["decoder_only_tasks"]) == bool(getattr(cfg, "is_causal_lm", False)), label
            split = any(s.name == "encoder_model" for s in plan.submodels)
            assert (task in facts["split_tasks"]) == split, label
            app_decoder_classifier = base == "text-classification" and any(
                "TextDecoderOnnxConfig" in s["class_chain"] for s in document["submodels"])
            assert app_decoder_classifier == (base == "text-classification" and base in facts["decoder_only_tasks"])


def test_shape_keywords_are_what_changes_the_dummy_inputs(models):
    plan, _ = planned(ExportOptions(model=models["vit"]))
    cfg = plan.submodels[0].onnx_config
    assert cfg.dummy_shapes(**plan.shapes) == cfg.dummy_shapes(**{**plan.shapes, "image_width": 500})
    assert R.shape_keywords([cfg], plan.shapes) == ["batch_size"]


# ---- light -----------------------------------------------------------------------------------------------------------
def test_the_module_is_light(models):
    """Importing it and answering over a document (the app's situation) loads no torch, transformers, numpy or Qt."""
    _, document = planned(ExportOptions(model=models["t5"]))
    code = ("import json, sys\n"
            "import exportcore.option_rules as R\n"
            "from exportcore.options import ExportOptions\n"
            "document = json.loads(sys.stdin.read())\n"
            "R.rules(document, ExportOptions(model='demo:tiny-t5')); R.check(document, ExportOptions(model='x'))\n"
            "print(sorted(m for m in ('torch', 'transformers', 'numpy', 'onnx', 'PySide6') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], input=json.dumps(document), capture_output=True, text=True,
                         timeout=60, cwd=str(ROOT))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"
