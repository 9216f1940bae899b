"""The option rules' reasons in the UI language: ``exportcore.option_rules`` gives each rule a stable code, its
English sentence and the values to put in it; the app translates by code (context ``OptionRules``).

The English texts here are the core's ``REASONS``, word for word (tests/app/test_option_words.py compares them), so
that the words a person reads in English are the core's. A code the app does not know yet shows the core's English.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from exportcore.option_rules import Rule

C = "OptionRules"

#: code -> the core's sentence, marked for translation
TEXTS: dict[str, str] = {
    "past_not_for_task": QT_TRANSLATE_NOOP(
        "OptionRules", "'{task}' has no variant with past key/values for this model."),
    "past_not_for_model": QT_TRANSLATE_NOOP("OptionRules", "This model exports no past key/values."),
    "past_not_in_one_file": QT_TRANSLATE_NOOP(
        "OptionRules", "One file (monolith) holds no past key/values; choose encoder + decoder files to export them."),
    "past_off": QT_TRANSLATE_NOOP("OptionRules", "Only meaningful when past key/values are exported."),
    "seq2seq_past_inputs": QT_TRANSLATE_NOOP(
        "OptionRules", "Encoder–decoder models always get a decoder without past inputs and one with them."),
    "layout_not_seq2seq": QT_TRANSLATE_NOOP(
        "OptionRules", "Only encoder–decoder models (such as T5, BART, Whisper) are split into files."),
    "layout_one_file_task": QT_TRANSLATE_NOOP(
        "OptionRules", "For '{task}' this encoder–decoder model is exported as one file."),
    "layout_one_file_without_past": QT_TRANSLATE_NOOP(
        "OptionRules", "Without past key/values, '{task}' is exported as one file."),
    "merge_needs_past": QT_TRANSLATE_NOOP(
        "OptionRules", "Merging joins the decoder with and without past; turn on past key/values first."),
    "post_process_merges": QT_TRANSLATE_NOOP(
        "OptionRules", "Merges the decoders with and without past into decoder_model_merged.onnx and stores shared "
                       "weights once."),
    "post_process_dedupes": QT_TRANSLATE_NOOP(
        "OptionRules", "Stores weights the model shares between layers (such as a tied LM head) once."),
    "no_integer_inputs": QT_TRANSLATE_NOOP("OptionRules", "This model takes no integer inputs."),
    "opset_range_torchscript": QT_TRANSLATE_NOOP(
        "OptionRules", "The TorchScript exporter writes opsets {low}–{high}."),
    "opset_range_dynamo": QT_TRANSLATE_NOOP(
        "OptionRules", "torch.export writes opsets {low}–{high} (it silently keeps {low} below that)."),
    "cpu_only": QT_TRANSLATE_NOOP("OptionRules", "This build exports on the CPU only."),
    "dynamo_unsupported_model": QT_TRANSLATE_NOOP(
        "OptionRules", "The torch.export path cannot export {model_type} models ({why}); the TorchScript exporter is "
                       "used."),
    "dynamo_eager_attention": QT_TRANSLATE_NOOP(
        "OptionRules", "torch.export exports {model_type} models with eager attention (it fails on their sdpa "
                       "attention)."),
    "shape_unused": QT_TRANSLATE_NOOP("OptionRules", "'{name}' changes none of this model's dummy inputs."),
    "shape_static": QT_TRANSLATE_NOOP(
        "OptionRules", "This model runs at {name} = {size} only: the export and every validation use {size}, and "
                       "inputs must be padded to it."),
    "bf16_not_validated": QT_TRANSLATE_NOOP(
        "OptionRules", "onnxruntime's CPU provider cannot run bfloat16 models: a bf16 export cannot be validated "
                       "here."),
    "validation_off": QT_TRANSLATE_NOOP("OptionRules", "Validation is turned off."),
    "static_axes_traced_shapes": QT_TRANSLATE_NOOP(
        "OptionRules", "A file with static axes is validated at the traced shapes only."),
    "local_model_no_hub": QT_TRANSLATE_NOOP(
        "OptionRules", "A local folder is read where it is: no Hub cache or revision applies."),
    "demo_model_no_hub": QT_TRANSLATE_NOOP(
        "OptionRules", "Demo models are built on this machine: no Hub cache or revision applies."),
    "pad_token_not_needed": QT_TRANSLATE_NOOP(
        "OptionRules", "Only decoder models that classify text (GPT-2, Llama… for text-classification) need a "
                       "padding token id."),
    "pad_token_from_tokenizer": QT_TRANSLATE_NOOP(
        "OptionRules", "This model classifies text with a decoder, which needs a padding token id. By default it is "
                       "taken from the config or the tokenizer saved with the model; set it here if neither has one "
                       "(often the end-of-sequence id)."),
    "pad_token_in_config": QT_TRANSLATE_NOOP(
        "OptionRules", "The model's config sets pad_token_id {pad_token_id}; a value here replaces it."),
    "library_sentence_transformers": QT_TRANSLATE_NOOP(
        "OptionRules", "A sentence-transformers model (modules.json): automatic exports its pooling in the graph "
                       "(token_embeddings, sentence_embedding); transformers exports last_hidden_state."),
    "library_transformers_only": QT_TRANSLATE_NOOP(
        "OptionRules", "Only sentence-transformers models (modules.json with a Pooling module) exported for feature "
                       "extraction have another library."),
    "variants_need_fp32": QT_TRANSLATE_NOOP(
        "OptionRules", "Variants are made from an fp32 export; choose the fp32 dtype to make them."),
    "optimize_needs_fp32": QT_TRANSLATE_NOOP(
        "OptionRules", "Graph optimization applies to an fp32 export; choose the fp32 dtype to use it."),
}


#: ``--library`` values -> how the options panel names them (product names: not translated)
LIBRARY_NAMES = {"transformers": "transformers", "sentence_transformers": "sentence-transformers"}


def library_name(value: object) -> str:
    return LIBRARY_NAMES.get(str(value), str(value))


class _Keep(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def words(code: str, params: dict[str, Any], english: str = "") -> str:
    """The sentence for ``code`` with ``params``, in the UI language (``english``: for a code not in the table)."""
    if code not in TEXTS:
        return english
    text = QCoreApplication.translate(C, TEXTS[code])
    try:
        return text.format_map(_Keep(params))
    except (ValueError, IndexError):  # a translation with a broken placeholder: the core's English
        return english or text


def rule_text(rule: Rule) -> str:
    """Why ``rule``'s option is disabled, or its remark ("" for none), in the UI language."""
    return words(rule.code, rule.params, rule.reason) if rule.reason else ""


def excluded_text(rule: Rule, value: Any) -> str:
    """Why ``value`` is impossible under ``rule`` ("" when it is possible)."""
    for excluded, code, reason in rule.excluded:
        if excluded == value:
            return words(code, rule.params, reason)
    return ""
