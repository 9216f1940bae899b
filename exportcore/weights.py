"""Find a model's weights for an export: demo (built on demand), local folder, HF cache or the Hub.

The pre-flight (:mod:`exportcore.preflight`) runs first, on config.json and the Hub's metadata: an unsupported
model type or task is refused before any weight byte is downloaded, and so is an export that will not fit on the
disks or in memory unless ``options.force``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from . import demo
from .errors import ExportError
from .options import ExportOptions
from .source import ModelSource, looks_like_hub_id, read_config_json

WEIGHT_PATTERNS = ("*.safetensors", "pytorch_model*.bin")

#: ``progress(bytes_done, bytes_total, file_being_downloaded)``: the bytes still to download (the cache's are not
#: counted), and the file arriving now (None before the first). ``hub.TransferMeter().add(bytes_done)`` gives the rate.
DownloadProgress = Callable[[int, int, "str | None"], None]


def has_weights(folder: Path) -> bool:
    return any(any(folder.glob(pattern)) for pattern in WEIGHT_PATTERNS)


def paced(progress: DownloadProgress) -> DownloadProgress:
    """``progress``, called at most ten times a second (and whenever a file starts or the download ends): a
    download reports every received chunk, and each report becomes an event on the worker's stdout."""
    from .hub import TransferMeter

    meter = TransferMeter(interval=0.1)

    def report(done: int, total: int, filename: str | None) -> None:
        if meter.due(done, total, filename):
            progress(done, total, filename)

    return report


def locate_weights(options: ExportOptions, progress: DownloadProgress | None = None, cancel: Any = None,
                   log: Callable[[str], None] | None = None) -> ModelSource:
    from . import preflight

    model = options.model
    force = options.force
    check = preflight.run(options)
    check.enforce(force=force)
    if force and check.refusals and log is not None:
        for refusal in check.refusals:
            log(f"--force: going on although {refusal.message[0].lower()}{refusal.message[1:]}")
    if demo.is_demo(model):
        demo.config_folder(model)  # clear error for an unknown demo name
        folder = demo.materialize(model)
        return ModelSource(model, folder, read_config_json(folder), "demo")
    path = Path(model).expanduser()
    if path.is_dir():
        raw = read_config_json(path)
        if not has_weights(path):
            raise ExportError("missing_weights", model=model, looked_for=", ".join(WEIGHT_PATTERNS))
        return ModelSource(model, path, raw, "local")
    if path.exists() or not looks_like_hub_id(model):
        raise ExportError("not_a_model", path=model)
    from . import hub

    folder = hub.snapshot_download(
        model, revision=options.revision, cache_dir=options.cache_dir, progress=paced(progress) if progress else None,
        cancel=cancel, export_files_only=True,  # configs, tokenizer files and one PyTorch weight format
        log=log, check_space=not force, details=check.details,
    )
    folder = Path(folder)
    raw = read_config_json(folder)
    if not has_weights(folder):
        raise ExportError("missing_weights", model=model, looked_for=", ".join(WEIGHT_PATTERNS))
    return ModelSource(model, folder, raw, "hub", options.revision, pipeline_tag=check.pipeline_tag)
