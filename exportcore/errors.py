"""Stable error codes. Every failure a user can meet is an ``ExportError(code, **params)``.

The code is the contract (CLI exit status, GUI wording, tests); ``params`` carry the facts the
sentence needs. The English one-liner and next step live here so that the CLI and the worker say
the same thing; the GUI translates by code.
"""

from __future__ import annotations

from typing import Any

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
    "validation_failed": (
        "Validation failed: {failed} of {total} checks differ from PyTorch beyond tolerance.",
        "See validation_report.json; try a larger --atol or fp32, or report the model.",
    ),
    "validation_error": (
        "Validation could not run: {reason}.",
        "Re-run with --no-validation to keep the files unvalidated, or report the model.",
    ),
    "validation_shapes_unsupported": (
        "PyTorch itself cannot run '{submodel}' at the validation shapes {shapes}: {reason}.",
        "Choose --validation-shapes the model accepts (e.g. a sequence length within max_position_embeddings).",
    ),
    "destination_not_empty": (
        "The output folder '{path}' is not empty.",
        "Choose an empty folder or pass --overwrite.",
    ),
    "disk_full": (
        "Not enough free disk space in '{path}': {needed_mb} MB needed, {free_mb} MB free.",
        "Free some space or choose another output folder.",
    ),
    "output_not_writable": (
        "Cannot write to '{path}': {reason}.",
        "Choose a folder you can write to.",
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
    "hub_file_not_found": (
        "'{model}' has no file '{file}' on the Hub.",
        "Check the file name and the revision, or pick another model.",
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
        "unsupported_task",
        "unknown_task",
        "task_not_inferable",
        "missing_config",
        "malformed_config",
        "not_a_model",
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
