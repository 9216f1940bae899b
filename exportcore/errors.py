"""Stable error codes. Every failure a user can meet is an ``ExportError(code, **params)``.

The code is the contract (CLI exit status, GUI wording, tests); ``params`` carry the facts the
sentence needs. The English one-liner and next step live here so that the CLI and the worker say
the same thing; the GUI translates by code.
"""

from __future__ import annotations

import contextlib
import errno
import math
import os
from typing import TYPE_CHECKING, Any, Iterator

from .sizes import format_size

if TYPE_CHECKING:
    from .dtypes import DType

# code -> (one-line message template, next step template)
MESSAGES: dict[str, tuple[str, str]] = {
    "unsupported_model_type": (
        "Model type '{model_type}' is not supported.",
        "Run 'exportcore models' to list the supported model types.",
    ),
    "unsupported_task": (
        "Task '{task}' is not supported for model type '{model_type}'. Supported: {supported}.",
        "Pass one of the supported tasks with --task.",
    ),
    "unknown_task": (
        "Unknown task '{task}'.",
        "Run 'exportcore tasks' to list the task names.",
    ),
    "task_not_inferable": (
        "Could not infer the task for '{model}': {reason}.",
        "Pass the task explicitly with --task.",
    ),
    "missing_config": (
        "No config.json in '{path}'.",
        "Point to a folder that holds a Hugging Face model (config.json next to the weights).",
    ),
    "malformed_config": (
        "config.json in '{path}' cannot be read: {reason}.",
        "Fix or re-download config.json.",
    ),
    "not_a_model": (
        "'{path}' is neither a model folder nor a Hub model id.",
        "Give a local folder containing config.json, or a Hub id such as 'org/name'.",
    ),
    "model_not_readable": (
        "The model cannot be read at '{path}': {reason}.",
        "Make the model's folder and files readable for you, or copy the model to a folder you can read.",
    ),
    "damaged_weights": (
        "The weights file '{path}' is damaged: {reason}.",
        "Download or save the model's weights again; nothing was exported.",
    ),
    "invalid_dtype": (
        "Unknown {kind} '{value}'. Choose one of: {choices}.",
        "Fix the dtype option.",
    ),
    "invalid_option": (
        "Invalid option: {reason}.",
        "Check the command line options ('exportcore export --help').",
    ),
    "unsupported_framework": (
        "Framework '{framework}' is not available: {reason}.",
        "Use framework 'pt' (PyTorch tensors) or 'np' (NumPy arrays).",
    ),
    "hub_unreachable": (
        "The Hugging Face Hub could not be reached for '{model}': {reason}.",
        "Check the network, or set HF_HUB_OFFLINE=1 to use the local cache only.",
    ),
    "hub_not_found": (
        "'{model}' was not found on the Hub.",
        "Check the model id (and --revision), or log in if the repository is private.",
    ),
    "hub_gated": (
        "'{model}' is gated or private: access was refused.",
        "Accept the model's terms on the Hub and log in (HF_TOKEN or 'hf auth login').",
    ),
    "not_in_cache": (
        "'{model}' is not in the local cache and the Hub is offline.",
        "Unset HF_HUB_OFFLINE to download it, or give a local folder.",
    ),
    "missing_weights": (
        "No weights found for '{model}' (looked for {looked_for}).",
        "Download the full model (safetensors or pytorch_model.bin), not only its config.",
    ),
    "model_load_failed": (
        "The model could not be loaded: {reason}.",
        "Check that the folder is complete and that the installed transformers supports it.",
    ),
    "remote_code_required": (
        "'{model}' needs custom code from its repository.",
        "Re-run with --trust-remote-code only if you trust the repository's code.",
    ),
    "export_failed": (
        "Exporting '{submodel}' to ONNX failed: {reason}.",
        "Try another --opset, or the other exporter path (--dynamo / without it).",
    ),
    "dynamo_unsupported": (
        "The torch.export (dynamo) path cannot export '{submodel}': {reason}.",
        "Run again without --dynamo to use the TorchScript exporter.",
    ),
    "merge_failed": (
        "Merging the decoders into one file failed: {reason}.",
        "Run again with --no-post-process to keep the decoders as separate files.",
    ),
    "validation_failed": (  # build it with validation_failed(): the next step depends on the dtype and the numbers
        "Validation failed: {failed} of {total} checks differ from PyTorch beyond tolerance.",
        "{advice}",
    ),
    "validation_error": (
        "Validation could not run: {reason}.",
        "Re-run with --no-validation to keep the files unvalidated, or report the model.",
    ),
    "part_not_derivable": (
        "Model type '{model_type}' is not supported: its {part} part could not be derived: {reason}.",
        "Run 'exportcore models' to list the supported model types; docs/supported-models.md lists the "
        "vision-language models and their parts.",
    ),
    "image_size_unsupported": (
        "A {model_type} model takes images of {takes} pixels; {where} asks for {given}.",
        "Leave the image size out (the export uses the model's own) or give {takes}.",
    ),
    "validation_shapes_unsupported": (
        "PyTorch itself cannot run '{submodel}' at the validation shapes {shapes}: {reason}.",
        "Choose --validation-shapes the model accepts (e.g. a sequence length within max_position_embeddings).",
    ),
    "destination_not_empty": (
        "The output folder '{path}' is not empty.",
        "Choose an empty folder or pass --overwrite.",
    ),
    "disk_full": (  # build it with disk_full(): the numbers are not always known
        "Not enough free disk space in '{path}': {detail}.",
        "Free some space on that disk, or choose a folder on another disk.",
    ),
    "output_not_writable": (
        "Cannot write to '{path}': {reason}.",
        "Choose an output folder you can write to, or fix the permissions of this one.",
    ),
    "studio_cache_not_writable": (
        "Cannot write to ONNX Export Studio's cache folder '{path}': {reason}.",
        "Make it writable, or set EXPORTSTUDIO_CACHE to a folder you can write to.",
    ),
    "cancelled": (
        "The export was cancelled.",
        "Nothing was written to the destination; start it again when ready.",
    ),
    "worker_crashed": (
        "The export process stopped unexpectedly ({reason}).",
        "See the log for details; the application is still usable.",
    ),
    "pad_token_required": (
        "A {model_type} text classifier needs a padding token id: its config has none and its tokenizer gives none.",
        "Pass --pad-token-id N (often the tokenizer's end-of-sequence id).",
    ),
    "internal_error": (
        "Unexpected error: {reason}.",
        "Please report this with the run log.",
    ),
    "generic_not_exportable": (
        "Model type '{model_type}' has no hand-written configuration, and the generic path cannot export it: "
        "{reason} (tried on transformers {version}).",
        "Run 'exportcore models' to list the hand-written and generic model types; docs/supported-models.md lists "
        "the types tried and why each failed.",
    ),
    "generic_derivation_failed": (
        "No export configuration could be derived for model type '{model_type}': its configuration has no "
        "{attribute} (tried {tried}).",
        "Check the model's config.json; if it is a standard decoder under other names, please report the type.",
    ),
    "generic_cache_mismatch": (
        "The configuration derived for model type '{model_type}' does not describe the cache the model returns: "
        "derived {derived}, the model returns {actual}.",
        "Nothing was exported. Please report the model type with the run log.",
    ),
    "sentence_transformers_unsupported": (
        "This sentence-transformers model cannot be exported with its pooling: {reason}.",
        "Export it with --library transformers (and without --task sentence-similarity) to get the transformer's "
        "last_hidden_state, and pool outside the graph.",
    ),
    "rewrite_mismatch": (
        "The export-friendly rewrite of {what} changes the model's outputs (largest difference {difference}).",
        "Nothing was exported. Please report the model type with the run log.",
    ),
    "weights_mismatch": (
        "The weights do not fit the model's configuration: {detail}.",
        "Use a config.json and weights of the same model, and the task the checkpoint was trained for; nothing "
        "was exported.",
    ),
    "insufficient_memory": (
        "Exporting '{model}' needs about {needed} of memory (an estimate); this machine has {available} available.",
        "Close other programs or use a machine with more memory; --force tries anyway.",
    ),
    "hub_access_denied": (
        "Your Hugging Face token has no access to '{model}'.",
        "Accept the model's terms on its Hub page with the account of this token, or use a token that has access.",
    ),
    "hub_token_invalid": (
        "The Hugging Face token was refused as invalid while opening '{model}'.",
        "Log in again ('hf auth login') or set a valid HF_TOKEN.",
    ),
    "hub_disabled": (
        "'{model}' has been disabled on the Hub.",
        "Pick another model; a disabled repository cannot be downloaded.",
    ),
    "hub_unavailable": (
        "The Hugging Face Hub is temporarily unavailable ({reason}).",
        "Try again in a few minutes.",
    ),
    "hub_unsafe_path": (
        "The Hub's answer for '{model}' would write outside the cache ({reason}); the download was refused.",
        "Check HF_ENDPOINT: it should point at the Hugging Face Hub or a mirror you trust.",
    ),
    "cache_not_writable": (
        "Cannot write to the cache folder '{path}': {reason}.",
        "Free space there or point HF_HUB_CACHE (or --cache-dir) at a folder you can write to.",
    ),
    "hub_file_not_found": (
        "'{model}' has no file '{file}' on the Hub.",
        "Check the file name and the revision, or pick another model.",
    ),
    "unknown_variant": (
        "Unknown variant '{name}'. Choose from: {choices}.",
        "Fix --variants (a comma list such as fp16,q8,q4, or all); docs/variants.md says what each is for.",
    ),
    "variant_not_applicable": (
        "The {variant} variant cannot be made for this export: {reason}.",
        "{advice}",
    ),
    "variant_failed": (
        "Building the {variant} variant of '{file}' failed: {reason}.",
        "Run again without {variant} in --variants, or report the model with the run log.",
    ),
    "optimize_failed": (
        "Optimizing '{file}' at level {level} failed: {reason}.",
        "Run again with a lower --optimize level or without it, or report the model with the run log.",
    ),
}


class _SafeDict(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


class ExportError(Exception):
    """A failure with a stable ``code`` and the ``params`` that explain it."""

    def __init__(self, code: str, **params: Any) -> None:
        if code not in MESSAGES:
            raise ValueError(f"unknown ExportError code {code!r}")
        self.code = code
        self.params = params
        super().__init__(self.message)

    @property
    def message(self) -> str:
        return MESSAGES[self.code][0].format_map(_SafeDict(self.params))

    @property
    def next_step(self) -> str:
        return MESSAGES[self.code][1].format_map(_SafeDict(self.params))

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "next_step": self.next_step,
            "params": {k: _jsonable(v) for k, v in self.params.items()},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ExportError":
        return cls(data["code"], **data.get("params", {}))


def _size_params(name: str, num_bytes: int) -> dict[str, Any]:
    """A size as params: ``name`` in words (``format_size``), ``name_bytes`` exact, ``name_mb`` in MiB (rounded up
    for what is needed, down for what is there; kept for readers of the params)."""
    mib = -(-num_bytes // 2**20) if name == "needed" else num_bytes // 2**20
    return {name: format_size(num_bytes), f"{name}_bytes": num_bytes, f"{name}_mb": mib}


def disk_full(path: Any, needed_bytes: int | None = None, free_bytes: int | None = None, quota: bool = False,
              writing: str = "") -> "ExportError":
    """``disk_full`` with whatever is known: the space an estimate needed, or only that a write failed."""
    params: dict[str, Any] = {"path": str(path)}
    if free_bytes is not None:
        params.update(_size_params("free", free_bytes))
    if needed_bytes is not None:
        params.update(_size_params("needed", needed_bytes))
    if quota:
        detail = "the disk quota was exceeded"
    elif needed_bytes is not None and free_bytes is not None:
        detail = f"{params['needed']} needed, {params['free']} free"
    else:
        detail = "the disk is full"
    if writing:
        detail += f" (while writing {writing})"
    if free_bytes is not None and needed_bytes is None and not quota:
        detail += f"; {params['free']} free now"
    return ExportError("disk_full", detail=detail, **params)


def insufficient_memory(model: str, needed_bytes: int, available_bytes: int) -> "ExportError":
    return ExportError("insufficient_memory", model=model, **_size_params("needed", needed_bytes),
                       **_size_params("available", available_bytes))


def suggested_atol(max_abs_diff: float) -> float:
    """The smallest of 1, 2, 5 × 10^k at or above ``max_abs_diff`` (with 5 % headroom): a tolerance that passes the
    checks that failed, written the way people write tolerances."""
    target = max_abs_diff * 1.05
    exponent = math.floor(math.log10(target)) if target > 0 else -8
    for k in (exponent, exponent + 1):
        for mantissa in (1, 2, 5):
            value = mantissa * 10.0 ** k
            if value >= target:
                return float(f"{value:.0e}")
    return float(f"{10.0 ** (exponent + 1):.0e}")


def validation_failed(failed: int, total: int, kept: str, dtype: "DType",
                      max_abs_diff: float | None, atol: float | None = None) -> "ExportError":
    """``validation_failed`` with a next step that fits: half precision is expected to drift from the fp32
    reference; fp32 that misses the tolerance is either loose numerics or a wrong export. ``dtype``: the export's
    float dtype (``dtypes.get(options.float_dtype)``: this module cannot import the vocabulary, which raises ours);
    ``atol``: the tolerance the user gave (``--atol``), None for each model's default."""
    float_dtype = dtype.name
    params: dict[str, Any] = {"failed": failed, "total": total, "kept": kept, "float_dtype": float_dtype}
    if atol is not None:
        params["atol"] = atol
    usable = max_abs_diff is not None and math.isfinite(max_abs_diff) and max_abs_diff > 0
    if usable:
        params.update(max_abs_diff=max_abs_diff, suggested_atol=suggested_atol(max_abs_diff))
    if not usable:
        advice = ("See validation_report.json: the outputs differ in shape or are not finite, which no tolerance "
                  "fixes; report the model")
    elif dtype.is_half:
        tolerance = "the default tolerance" if atol is None else f"--atol {atol:g}"
        advice = (f"{float_dtype} differs more from PyTorch's fp32 reference than {tolerance} allows: export "
                  f"with --dtype fp32, or pass --atol {params['suggested_atol']:g} (the largest difference was "
                  f"{max_abs_diff:.2e}), or keep an fp32 export and convert it to {float_dtype} afterwards")
    else:
        advice = (f"See validation_report.json: --atol {params['suggested_atol']:g} would pass every check (the largest "
                  f"difference was {max_abs_diff:.2e}); raise it only if that precision is enough for you, otherwise "
                  "report the model")
    return ExportError("validation_failed", advice=advice, **params)


def variants_out_of_budget(failed: list[tuple[str, str]], failed_checks: int, checks: int, kept: str) -> "ExportError":
    """``validation_failed`` for variants outside their accuracy budget (validate/budgets.py). ``failed``:
    (variant, why) per failed variant; ``failed_checks`` of ``checks``: the judged figures over all variants."""
    names = [variant for variant, _ in failed]
    keep = "; ".join(f"{variant}: {why}" for variant, why in failed)
    advice = (f"The {', '.join(names)} variant{'s are' if len(names) > 1 else ' is'} outside the accuracy budget "
              f"({keep}); see validation_report.json, 'variants', and docs/budgets.md. Export again without "
              f"{'them' if len(names) > 1 else 'it'} in --variants, or use the files kept in {kept} if that "
              "accuracy is enough for you")
    return ExportError("validation_failed", failed=failed_checks, total=checks, kept=kept, advice=advice,
                       variants=names)


#: errno of a full disk -> whether it is a quota that is full rather than the disk.
FULL_DISK_ERRNOS = {errno.ENOSPC: False, errno.EDQUOT: True}


def causes(exc: BaseException) -> list[BaseException]:
    """The exception and what it was raised from or while handling, each once, outermost first."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def full_disk_in_words(chain: list[BaseException]) -> bool | None:
    """Whether a message in the chain says a disk (False) or a quota (True) is full, as C++ and Rust writers (torch's,
    onnx's, hf_xet's) report it in their own exception types; None when none does."""
    for error in chain:
        for number, quota in FULL_DISK_ERRNOS.items():
            if os.strerror(number) in str(error):
                return quota
    return None


@contextlib.contextmanager
def library_failure_as(code: str, **params: Any) -> Iterator[None]:
    """A library's failure inside the block becomes ``code`` with its first line as ``reason``; our own coded errors,
    OS errors and a full disk said in words stay themselves (the run recodes those as disk_full)."""
    try:
        yield
    except ExportError:
        raise
    except Exception as exc:  # noqa: BLE001 - whatever the library raises
        if isinstance(exc, OSError) or full_disk_in_words(causes(exc)) is not None:
            raise
        raise ExportError(code, reason=first_line(exc), **params) from exc


def first_line(exc: BaseException, limit: int | None = 300) -> str:
    """The first line of an exception's message (its type's name when it has none), for one-line reasons."""
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:limit]


def _jsonable(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return str(value)


#: Process exit status per error code (CLI and worker). Everything not listed here exits 3.
EXIT_OK = 0
EXIT_VALIDATION_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_FAILURE = 3
EXIT_CANCELLED = 130

BAD_INPUT_CODES = frozenset(
    {
        "unsupported_model_type",
        "generic_not_exportable",
        "generic_derivation_failed",
        "sentence_transformers_unsupported",
        "unsupported_task",
        "unknown_task",
        "task_not_inferable",
        "missing_config",
        "malformed_config",
        "not_a_model",
        "model_not_readable",
        "damaged_weights",
        "invalid_dtype",
        "invalid_option",
        "unsupported_framework",
        "hub_not_found",
        "hub_gated",
        "not_in_cache",
        "missing_weights",
        "remote_code_required",
        "destination_not_empty",
        "pad_token_required",
        "validation_shapes_unsupported",
        "image_size_unsupported",
        "part_not_derivable",
        "weights_mismatch",
        "hub_access_denied",
        "hub_token_invalid",
        "hub_disabled",
        "hub_unsafe_path",
        "unknown_variant",
        "variant_not_applicable",
    }
)


def exit_code_for(code: str) -> int:
    if code == "validation_failed":
        return EXIT_VALIDATION_FAILED
    if code == "cancelled":
        return EXIT_CANCELLED
    if code in BAD_INPUT_CODES:
        return EXIT_BAD_INPUT
    return EXIT_FAILURE
