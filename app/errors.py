"""Friendly errors: a human sentence and a next step for each error code, with the technical details folded away.
(The widgets that show them are in :mod:`app.error_views`.)

The codes are exportcore's (``exportcore.errors.MESSAGES``) plus a few the app itself meets (the inspect helper
failing to start, …). Texts are translatable (context ``Errors``); ``{name}`` placeholders are filled from the
error's params. Dialogs never show a raw traceback: :func:`clean_details` keeps only the final exception line of a
traceback, the full text stays in the run log.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from exportcore.errors import suggested_atol
from exportcore.events import ErrorEvent
from exportcore.hub import format_size

C = "Errors"

#: code -> (title, sentence, next step). The sentence speaks to a person using the app, not to a CLI user.
TEXTS: dict[str, tuple[str, str, str]] = {
    "unsupported_model_type": (
        QT_TRANSLATE_NOOP("Errors", "Model not supported"),
        QT_TRANSLATE_NOOP("Errors", "This model is a '{model_type}' model, which ONNX Export Studio cannot export yet."),
        QT_TRANSLATE_NOOP("Errors", "Pick a model of a supported type: the Hub list marks exportable models with a badge."),
    ),
    "unsupported_task": (
        QT_TRANSLATE_NOOP("Errors", "Task not available"),
        QT_TRANSLATE_NOOP("Errors", "The task '{task}' cannot be exported for '{model_type}' models."),
        QT_TRANSLATE_NOOP("Errors", "Choose one of the tasks offered in the Options panel: {supported}."),
    ),
    "unknown_task": (
        QT_TRANSLATE_NOOP("Errors", "Unknown task"),
        QT_TRANSLATE_NOOP("Errors", "'{task}' is not a task name we know."),
        QT_TRANSLATE_NOOP("Errors", "Choose a task from the list in the Options panel."),
    ),
    "task_not_inferable": (
        QT_TRANSLATE_NOOP("Errors", "Task unclear"),
        QT_TRANSLATE_NOOP("Errors", "We could not tell which task '{model}' is for ({reason})."),
        QT_TRANSLATE_NOOP("Errors", "Choose the task yourself in the Options panel."),
    ),
    "missing_config": (
        QT_TRANSLATE_NOOP("Errors", "Not a model folder"),
        QT_TRANSLATE_NOOP("Errors", "The folder '{path}' has no config.json, so it does not look like a Hugging Face model."),
        QT_TRANSLATE_NOOP("Errors", "Open the folder that holds config.json next to the model weights."),
    ),
    "malformed_config": (
        QT_TRANSLATE_NOOP("Errors", "Damaged configuration"),
        QT_TRANSLATE_NOOP("Errors", "The model's config.json in '{path}' cannot be read ({reason})."),
        QT_TRANSLATE_NOOP("Errors", "Download the model again, or fix config.json."),
    ),
    "not_a_model": (
        QT_TRANSLATE_NOOP("Errors", "Not a model"),
        QT_TRANSLATE_NOOP("Errors", "'{path}' is neither a model folder nor a Hub model id."),
        QT_TRANSLATE_NOOP("Errors", "Open a folder containing config.json, or enter a Hub id such as 'org/name'."),
    ),
    "invalid_dtype": (
        QT_TRANSLATE_NOOP("Errors", "Unknown data type"),
        QT_TRANSLATE_NOOP("Errors", "'{value}' is not a valid {kind}."),
        QT_TRANSLATE_NOOP("Errors", "Choose one of: {choices}."),
    ),
    "invalid_option": (
        QT_TRANSLATE_NOOP("Errors", "Invalid option"),
        QT_TRANSLATE_NOOP("Errors", "One of the options cannot be used: {reason}."),
        QT_TRANSLATE_NOOP("Errors", "Correct the highlighted option in the Options panel."),
    ),
    "image_size_unsupported": (
        QT_TRANSLATE_NOOP("Errors", "Image size not possible"),
        QT_TRANSLATE_NOOP("Errors", "A {model_type} model takes images of {takes} pixels; {where} asks for {given}."),
        QT_TRANSLATE_NOOP("Errors", "Leave the image size at the model's own, or set it to {takes}."),
    ),
    "part_not_derivable": (
        QT_TRANSLATE_NOOP("Errors", "Model not supported"),
        QT_TRANSLATE_NOOP("Errors", "{model_type} models cannot be exported: their {part} part could not be derived "
                          "({reason})."),
        QT_TRANSLATE_NOOP("Errors", "Choose a supported model; the list of supported vision-language models and their "
                          "parts is in docs/supported-models.md."),
    ),
    "unsupported_framework": (
        QT_TRANSLATE_NOOP("Errors", "Framework not available"),
        QT_TRANSLATE_NOOP("Errors", "The framework '{framework}' is not available ({reason})."),
        QT_TRANSLATE_NOOP("Errors", "Reinstall ONNX Export Studio; PyTorch is part of it."),
    ),
    "hub_unreachable": (
        QT_TRANSLATE_NOOP("Errors", "Hub unreachable"),
        QT_TRANSLATE_NOOP("Errors", "The Hugging Face Hub could not be reached for '{model}' ({reason})."),
        QT_TRANSLATE_NOOP("Errors", "Check your network connection, or switch to offline mode to use downloaded models only."),
    ),
    "hub_not_found": (
        QT_TRANSLATE_NOOP("Errors", "Model not found"),
        QT_TRANSLATE_NOOP("Errors", "'{model}' was not found on the Hub."),
        QT_TRANSLATE_NOOP("Errors", "Check the spelling of the model id; private models need you to log in."),
    ),
    "hub_gated": (
        QT_TRANSLATE_NOOP("Errors", "Access required"),
        QT_TRANSLATE_NOOP("Errors", "'{model}' is gated or private, and the Hub refused access."),
        QT_TRANSLATE_NOOP("Errors", "Accept the model's terms on its Hub page, then log in (set HF_TOKEN) and try again."),
    ),
    "hub_file_not_found": (
        QT_TRANSLATE_NOOP("Errors", "File not on the Hub"),
        QT_TRANSLATE_NOOP("Errors", "'{model}' has no file '{file}' on the Hub."),
        QT_TRANSLATE_NOOP("Errors", "Check the revision, or pick another model."),
    ),
    "unknown_variant": (
        QT_TRANSLATE_NOOP("Errors", "Unknown variant"),
        QT_TRANSLATE_NOOP("Errors", "'{name}' is not a variant we can make. The variants are: {choices}."),
        QT_TRANSLATE_NOOP("Errors", "Choose the variants from the list in the Options panel."),
    ),
    "variant_not_applicable": (
        QT_TRANSLATE_NOOP("Errors", "Variant not possible"),
        QT_TRANSLATE_NOOP("Errors", "The {variant} variant cannot be made for this export: {reason}."),
        QT_TRANSLATE_NOOP("Errors", "{advice}"),
    ),
    "variant_failed": (
        QT_TRANSLATE_NOOP("Errors", "Variant failed"),
        QT_TRANSLATE_NOOP("Errors", "Making the {variant} variant of '{file}' failed ({reason})."),
        QT_TRANSLATE_NOOP("Errors", "Export again without that variant, or report the model with the run log."),
    ),
    "optimize_failed": (
        QT_TRANSLATE_NOOP("Errors", "Optimization failed"),
        QT_TRANSLATE_NOOP("Errors", "Optimizing '{file}' at level {level} failed ({reason})."),
        QT_TRANSLATE_NOOP("Errors", "Export again with a lower optimization level or none, or report the model."),
    ),
    "not_in_cache": (
        QT_TRANSLATE_NOOP("Errors", "Not downloaded"),
        QT_TRANSLATE_NOOP("Errors", "'{model}' is not in the local cache, and offline mode is on."),
        QT_TRANSLATE_NOOP("Errors", "Turn offline mode off to download it, or open a local folder instead."),
    ),
    "missing_weights": (
        QT_TRANSLATE_NOOP("Errors", "Weights missing"),
        QT_TRANSLATE_NOOP("Errors", "'{model}' has a configuration but no weights (looked for {looked_for})."),
        QT_TRANSLATE_NOOP("Errors", "Download the complete model, including its .safetensors or .bin files."),
    ),
    "model_not_readable": (
        QT_TRANSLATE_NOOP("Errors", "Model cannot be read"),
        QT_TRANSLATE_NOOP("Errors", "The model cannot be read at '{path}' ({reason})."),
        QT_TRANSLATE_NOOP("Errors", "Make the model's folder and files readable for your user account, or copy the "
                                    "model to a folder you can read."),
    ),
    "damaged_weights": (
        QT_TRANSLATE_NOOP("Errors", "Damaged weights"),
        QT_TRANSLATE_NOOP("Errors", "The weights file '{path}' is damaged ({reason})."),
        QT_TRANSLATE_NOOP("Errors", "Download the model again; nothing was exported."),
    ),
    "pad_token_required": (
        QT_TRANSLATE_NOOP("Errors", "Padding token needed"),
        QT_TRANSLATE_NOOP("Errors", "This {model_type} text classifier needs a padding token id, and neither its "
                                    "configuration nor its tokenizer has one."),
        QT_TRANSLATE_NOOP("Errors", "Set “Pad token id” in the export options (often the end-of-sequence id)."),
    ),
    "model_load_failed": (
        QT_TRANSLATE_NOOP("Errors", "Model could not be loaded"),
        QT_TRANSLATE_NOOP("Errors", "The model could not be loaded ({reason})."),
        QT_TRANSLATE_NOOP("Errors", "Check that the model folder is complete; re-download it if in doubt."),
    ),
    "remote_code_required": (
        QT_TRANSLATE_NOOP("Errors", "Custom code required"),
        QT_TRANSLATE_NOOP("Errors", "'{model}' needs code from its own repository to run, which we do not execute by default."),
        QT_TRANSLATE_NOOP("Errors", "Only if you trust the repository, use the command line with --trust-remote-code."),
    ),
    "export_failed": (
        QT_TRANSLATE_NOOP("Errors", "Export failed"),
        QT_TRANSLATE_NOOP("Errors", "Converting '{submodel}' to ONNX failed."),
        QT_TRANSLATE_NOOP("Errors", "Try another opset, or switch the exporter (the torch.export option) and export again."),
    ),
    "dynamo_unsupported": (
        QT_TRANSLATE_NOOP("Errors", "torch.export cannot handle this model"),
        QT_TRANSLATE_NOOP("Errors", "The torch.export (dynamo) exporter cannot export '{submodel}'."),
        QT_TRANSLATE_NOOP("Errors", "Turn off \"Use torch.export\" in the Options panel and export again."),
    ),
    "merge_failed": (
        QT_TRANSLATE_NOOP("Errors", "Merging failed"),
        QT_TRANSLATE_NOOP("Errors", "Merging the two decoders into one file failed."),
        QT_TRANSLATE_NOOP("Errors", "Choose \"Encoder + decoder, not merged\" in the Options panel and export again."),
    ),
    "validation_failed": (
        QT_TRANSLATE_NOOP("Errors", "Validation failed"),
        QT_TRANSLATE_NOOP("Errors", "{failed} of {total} checks gave results that differ from PyTorch by more than the tolerance."),
        QT_TRANSLATE_NOOP("Errors", "Look at the red rows; try fp32 or a larger tolerance (atol), or report the model."),
    ),
    "validation_error": (
        QT_TRANSLATE_NOOP("Errors", "Validation could not run"),
        QT_TRANSLATE_NOOP("Errors", "The exported files could not be checked against PyTorch ({reason})."),
        QT_TRANSLATE_NOOP("Errors", "Turn validation off to keep the files unchecked, or report the model."),
    ),
    "validation_shapes_unsupported": (
        QT_TRANSLATE_NOOP("Errors", "Validation shapes not accepted"),
        QT_TRANSLATE_NOOP("Errors", "PyTorch itself cannot run '{submodel}' at the validation shapes {shapes}."),
        QT_TRANSLATE_NOOP("Errors", "Choose validation shapes the model accepts, such as a shorter sequence length."),
    ),
    "destination_not_empty": (
        QT_TRANSLATE_NOOP("Errors", "Output folder not empty"),
        QT_TRANSLATE_NOOP("Errors", "The output folder '{path}' already contains files."),
        QT_TRANSLATE_NOOP("Errors", "Choose another output folder, or tick \"Overwrite\" in the Options panel."),
    ),
    "disk_full": (
        QT_TRANSLATE_NOOP("Errors", "Not enough disk space"),
        QT_TRANSLATE_NOOP("Errors", "The export needs about {needed} in '{path}', but only {free} are free."),
        QT_TRANSLATE_NOOP("Errors", "Free some disk space, or choose an output folder on another disk."),
    ),
    "disk_full/no_numbers": (  # disk_full when only the failed write is known, not the sizes
        QT_TRANSLATE_NOOP("Errors", "Not enough disk space"),
        QT_TRANSLATE_NOOP("Errors", "The disk that holds '{path}' is full."),
        QT_TRANSLATE_NOOP("Errors", "Free some disk space, or choose an output folder on another disk."),
    ),
    "studio_cache_not_writable": (
        QT_TRANSLATE_NOOP("Errors", "Cannot write to the app's cache"),
        QT_TRANSLATE_NOOP("Errors", "ONNX Export Studio cannot write to its cache folder '{path}' ({reason})."),
        QT_TRANSLATE_NOOP("Errors", "Make that folder writable, or set EXPORTSTUDIO_CACHE to a folder you can write to."),
    ),
    "output_not_writable": (
        QT_TRANSLATE_NOOP("Errors", "Cannot write there"),
        QT_TRANSLATE_NOOP("Errors", "ONNX Export Studio is not allowed to write to '{path}'."),
        QT_TRANSLATE_NOOP("Errors", "Choose an output folder you can write to."),
    ),
    "cancelled": (
        QT_TRANSLATE_NOOP("Errors", "Export cancelled"),
        QT_TRANSLATE_NOOP("Errors", "The export was cancelled."),
        QT_TRANSLATE_NOOP("Errors", "Nothing was written to the output folder. Start the export again when you are ready."),
    ),
    "worker_crashed": (
        QT_TRANSLATE_NOOP("Errors", "Export process stopped"),
        QT_TRANSLATE_NOOP("Errors", "The export process stopped unexpectedly ({reason})."),
        QT_TRANSLATE_NOOP("Errors", "The application is still fine. See the log for what happened, then try again."),
    ),
    "internal_error": (
        QT_TRANSLATE_NOOP("Errors", "Something went wrong"),
        QT_TRANSLATE_NOOP("Errors", "An unexpected error happened ({reason})."),
        QT_TRANSLATE_NOOP("Errors", "Please report it together with the details below."),
    ),
    "generic_not_exportable": (
        QT_TRANSLATE_NOOP("Errors", "Model not supported"),
        QT_TRANSLATE_NOOP("Errors", "This '{model_type}' model has no hand-written export, and the generic path cannot "
                                    "export it: {reason}."),
        QT_TRANSLATE_NOOP("Errors", "The list of supported models says which types were tried and why each failed."),
    ),
    "generic_derivation_failed": (
        QT_TRANSLATE_NOOP("Errors", "Model not supported"),
        QT_TRANSLATE_NOOP("Errors", "No export could be derived for this '{model_type}' model: its configuration has no "
                                    "{attribute} (tried {tried})."),
        QT_TRANSLATE_NOOP("Errors", "Check the model's config.json."),
    ),
    "generic_cache_mismatch": (
        QT_TRANSLATE_NOOP("Errors", "Generic export failed"),
        QT_TRANSLATE_NOOP("Errors", "The export derived for this '{model_type}' model does not match its cache "
                                    "(derived {derived}, the model returns {actual})."),
        QT_TRANSLATE_NOOP("Errors", "Nothing was exported. Please report the model type with the log."),
    ),
    "sentence_transformers_unsupported": (
        QT_TRANSLATE_NOOP("Errors", "Sentence embeddings not supported"),
        QT_TRANSLATE_NOOP("Errors", "This sentence-transformers model cannot be exported with its pooling: {reason}."),
        QT_TRANSLATE_NOOP("Errors", "Choose the transformers library (Model ▸ Library) to export its transformer "
                                    "alone, and pool outside the model."),
    ),
    "rewrite_mismatch": (
        QT_TRANSLATE_NOOP("Errors", "Export failed"),
        QT_TRANSLATE_NOOP("Errors", "The export-friendly rewrite of {what} changes the model's outputs."),
        QT_TRANSLATE_NOOP("Errors", "Nothing was exported. Please report the model type with the log."),
    ),
    "weights_mismatch": (
        QT_TRANSLATE_NOOP("Errors", "Weights do not match the model"),
        QT_TRANSLATE_NOOP("Errors", "The weights do not fit the model's configuration ({detail}). Exporting them would "
                                    "fill the missing parts with random numbers."),
        QT_TRANSLATE_NOOP("Errors", "Check that config.json and the weights come from the same model. Nothing was exported."),
    ),
    "insufficient_memory": (
        QT_TRANSLATE_NOOP("Errors", "Not enough memory"),
        QT_TRANSLATE_NOOP("Errors", "Exporting '{model}' needs about {needed} of memory; this computer has {available} available."),
        QT_TRANSLATE_NOOP("Errors", "Close other programs or use a computer with more memory. You may also export anyway: "
                                    "it may then fail or make the computer very slow."),
    ),
    "hub_access_denied": (
        QT_TRANSLATE_NOOP("Errors", "No access with your token"),
        QT_TRANSLATE_NOOP("Errors", "Your Hugging Face token was accepted, but it has no access to '{model}'."),
        QT_TRANSLATE_NOOP("Errors", "Open the model's page on huggingface.co with the account of this token and accept its "
                                    "terms (or request access), or use a token that has access."),
    ),
    "hub_token_invalid": (
        QT_TRANSLATE_NOOP("Errors", "Token not accepted"),
        QT_TRANSLATE_NOOP("Errors", "The Hub refused your Hugging Face token as invalid while opening '{model}'."),
        QT_TRANSLATE_NOOP("Errors", "Log in again ('hf auth login') or set a valid HF_TOKEN, then try again."),
    ),
    "hub_disabled": (
        QT_TRANSLATE_NOOP("Errors", "Model disabled"),
        QT_TRANSLATE_NOOP("Errors", "'{model}' has been disabled on the Hub; its files cannot be downloaded."),
        QT_TRANSLATE_NOOP("Errors", "Pick another model."),
    ),
    "hub_unavailable": (
        QT_TRANSLATE_NOOP("Errors", "Hub temporarily unavailable"),
        QT_TRANSLATE_NOOP("Errors", "The Hugging Face Hub answered, but cannot serve the request right now ({reason})."),
        QT_TRANSLATE_NOOP("Errors", "Your connection works. Try again in a few minutes."),
    ),
    "hub_unsafe_path": (
        QT_TRANSLATE_NOOP("Errors", "Download refused"),
        QT_TRANSLATE_NOOP("Errors", "The server's answer for '{model}' would have written outside the model cache "
                                    "({reason}), so the download was stopped."),
        QT_TRANSLATE_NOOP("Errors", "Check the HF_ENDPOINT setting: it should point at the Hugging Face Hub or a mirror you trust."),
    ),
    "cache_not_writable": (
        QT_TRANSLATE_NOOP("Errors", "Cannot write to the model cache"),
        QT_TRANSLATE_NOOP("Errors", "The model cache folder '{path}' cannot be written to ({reason})."),
        QT_TRANSLATE_NOOP("Errors", "Free some disk space there, or set HF_HUB_CACHE to a folder you can write to."),
    ),
    # -- codes of the app itself ---------------------------------------------------------------------------------
    "helper_failed": (
        QT_TRANSLATE_NOOP("Errors", "Inspector unavailable"),
        QT_TRANSLATE_NOOP("Errors", "The background helper that reads model configurations stopped ({reason})."),
        QT_TRANSLATE_NOOP("Errors", "It restarts on its own; if this keeps happening, restart the application."),
    ),
    "worker_not_started": (
        QT_TRANSLATE_NOOP("Errors", "Export could not start"),
        QT_TRANSLATE_NOOP("Errors", "The export process could not be started ({reason})."),
        QT_TRANSLATE_NOOP("Errors", "Reinstall ONNX Export Studio, or run the export from the command line."),
    ),
}

GENERIC = (
    QT_TRANSLATE_NOOP("Errors", "Something went wrong"),
    QT_TRANSLATE_NOOP("Errors", "The operation failed."),
    QT_TRANSLATE_NOOP("Errors", "See the details below."),
)


class _Safe(dict):
    def __missing__(self, key: str) -> str:
        return "…"


def _fill(template: str, params: dict[str, Any]) -> str:
    values = {k: (", ".join(map(str, v)) if isinstance(v, (list, tuple)) else v) for k, v in params.items()}
    for key, value in params.items():  # needed_mb=138282 also as needed="145.0 GB" (sizes people read)
        if key.endswith("_mb") and isinstance(value, (int, float)) and not isinstance(value, bool):
            values.setdefault(key[:-3], format_size(int(value * 2**20)))
    try:
        return template.format_map(_Safe(values))
    except (ValueError, IndexError):
        return template


@dataclass
class FriendlyError:
    code: str
    title: str
    sentence: str
    next_step: str
    details: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    raw: dict[str, Any] = field(default_factory=dict)  # what it was made from (to re-word it in another language)


def describe(code: str, params: dict[str, Any] | None = None, message: str = "", next_step: str = "",
             details: str = "") -> FriendlyError:
    """Words for an error, in the current UI language. ``message``/``next_step`` are the core's English texts,
    used only for a code we do not know; they always appear in the details."""
    params = dict(params or {})
    tr = QCoreApplication.translate
    key = code
    if code == "disk_full" and not {"needed_mb", "free_mb"} <= set(params):
        key = "disk_full/no_numbers"
    if key in TEXTS:
        title, sentence, step = (tr(C, t) for t in TEXTS[key])
        sentence, step = _fill(sentence, params), _fill(step, params)
    else:
        title = tr(C, GENERIC[0])
        sentence = message or tr(C, GENERIC[1])
        step = next_step or tr(C, GENERIC[2])
    lines = [f"code: {code}"]
    if message:
        lines.append(f"message: {message}")
    if params:
        lines.append("params: " + json.dumps(params, ensure_ascii=False, default=str))
    cleaned = clean_details(details)
    if cleaned:
        lines += ["", cleaned]
    raw = {"code": code, "params": params, "message": message, "next_step": next_step, "details": details}
    return FriendlyError(code, title, sentence, step, "\n".join(lines), params, raw)


def from_error_dict(data: dict[str, Any]) -> FriendlyError:
    """From an inspect-helper error object (code, message, next_step, params, details)."""
    return describe(str(data.get("code", "internal_error")), data.get("params") or {}, str(data.get("message", "")),
                    str(data.get("next_step", "")), str(data.get("details", "")))


def from_error_event(ev: ErrorEvent) -> FriendlyError:
    """From an export's ``error`` event."""
    return describe(str(ev.code or "internal_error"), ev.params or {}, str(ev.message or ""), str(ev.next_step or ""),
                    str(ev.details or ""))


def validation_advice(float_dtype: str, max_diff: float | None, atol: float | None = None,
                      suggested: float | None = None) -> tuple[str, float | None]:
    """What to try after a failed validation (in the UI language) and the tolerance that would have passed.
    ``atol``: the tolerance the run used (the error's ``atol`` when the user gave one, else what the failed rows
    were held to); ``suggested``: the core's suggestion (the error's ``suggested_atol``), else worked out here. A
    suggestion no larger than the tolerance used would not help (the shapes differ): none is made."""
    usable = isinstance(max_diff, (int, float)) and math.isfinite(max_diff) and max_diff > 0
    if not _is_positive(suggested):
        suggested = suggested_atol(max_diff) if usable else None
    if suggested is not None and _is_positive(atol) and suggested <= atol:
        suggested = None
    used = f"{atol:g}" if _is_positive(atol) else ""
    if float_dtype in ("fp16", "bf16") and suggested is not None:
        if used:
            text = QCoreApplication.translate(
                "Errors", "%1 results differ more from PyTorch's fp32 reference than the tolerance this run used "
                          "(atol %4) allows. Try one of: export in fp32; or raise the tolerance (atol) to %2 "
                          "(the largest difference was %3); or keep an fp32 export and convert it to %1 later.")
        else:
            text = QCoreApplication.translate(
                "Errors", "%1 results differ more from PyTorch's fp32 reference than the tolerance allows. Try "
                          "one of: export in fp32; or raise the tolerance (atol) to %2 (the largest difference "
                          "was %3); or keep an fp32 export and convert it to %1 later.")
        return (text.replace("%1", float_dtype).replace("%2", f"{suggested:g}").replace("%3", f"{max_diff:.2e}")
                .replace("%4", used), suggested)
    if suggested is not None:
        if used:
            text = QCoreApplication.translate(
                "Errors", "Look at the red rows. This run allowed a difference of %3; a tolerance (atol) of %1 "
                          "would pass them all (the largest difference was %2). Raise it only if that precision "
                          "is enough for you, otherwise report the model.")
        else:
            text = QCoreApplication.translate(
                "Errors", "Look at the red rows. A tolerance (atol) of %1 would pass them all (the largest "
                          "difference was %2); raise it only if that precision is enough for you, otherwise "
                          "report the model.")
        return (text.replace("%1", f"{suggested:g}").replace("%2", f"{max_diff:.2e}").replace("%3", used),
                suggested)
    return QCoreApplication.translate(
        "Errors", "Look at the red rows: their shapes differ from PyTorch's. Please report the model."), None


def _is_positive(value: Any) -> bool:
    return (isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
            and value > 0)


_FRAME = re.compile(r'^\s+(File ".*", line \d+.*|\S.*)$')


def clean_details(text: str, max_lines: int = 40) -> str:
    """Remove traceback frames: a traceback block becomes its last line (the exception). Keep other lines."""
    out: list[str] = []
    in_tb = False
    for line in (text or "").splitlines():
        if line.startswith("Traceback (most recent call last)"):
            in_tb = True
            continue
        if in_tb:
            if line.startswith((" ", "\t")) or not line.strip() or line.strip().startswith("^"):
                continue
            if line.startswith(("During handling", "The above exception")):
                continue
            in_tb = False
        out.append(line.rstrip())
    return "\n".join(out[-max_lines:]).strip()
