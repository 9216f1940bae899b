"""Find a model's weights for an export: demo (built on demand), local folder, HF cache or the Hub.

The pre-flight (:mod:`exportcore.plan.preflight`) runs first, on config.json and the Hub's metadata: an unsupported
model type or task is refused before any weight byte is downloaded, and so is an export that will not fit on the
disks or in memory unless ``options.force``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from .. import demo
from ..errors import ExportError
from ..options import ExportOptions
from ..weight_files import WEIGHT_PATTERNS, check_weight_files, has_weights
from .model_source import ModelSource, model_kind

#: ``progress(bytes_done, bytes_total, file_being_downloaded)``: the bytes still to download (the cache's are not
#: counted), and the file arriving now (None before the first). ``hub.TransferMeter().add(bytes_done)`` gives the rate.
DownloadProgress = Callable[[int, int, "str | None"], None]


def paced(progress: DownloadProgress) -> DownloadProgress:
    """``progress``, called at most ten times a second (and whenever a file starts or the download ends): a
    download reports every received chunk, and each report becomes an event on the worker's stdout."""
    from ..hub import TransferMeter

    meter = TransferMeter(interval=0.1)

    def report(done: int, total: int, filename: str | None) -> None:
        if meter.due(done, total, filename):
            progress(done, total, filename)

    return report


def locate_weights(options: ExportOptions, progress: DownloadProgress | None = None, cancel: Any = None,
                   log: Callable[[str], None] | None = None) -> ModelSource:
    from ..plan import preflight

    model = options.model
    force = options.force
    check = preflight.run(options)
    check.enforce(force=force)
    if force and check.refusals and log is not None:
        for refusal in check.refusals:
            log(f"--force: going on although {refusal.message[0].lower()}{refusal.message[1:]}")
    kind, folder = model_kind(model)
    if kind == "demo":
        return ModelSource.read(model, demo.materialize(model), "demo")
    if kind == "local":
        source = ModelSource.read(model, folder, "local")
        _require_weights(source)
        return source
    from .. import hub

    folder = hub.snapshot_download(
        model, revision=options.revision, cache_dir=options.cache_dir, progress=paced(progress) if progress else None,
        cancel=cancel, export_files_only=True,  # configs, tokenizer files and one PyTorch weight format
        log=log, check_space=not force, details=check.details,
    )
    source = ModelSource.read(model, Path(folder), "hub", options.revision, pipeline_tag=check.pipeline_tag)
    _require_weights(source)
    return source


def _require_weights(source: ModelSource) -> None:
    if not has_weights(source.folder):
        raise ExportError("missing_weights", model=source.model, looked_for=", ".join(WEIGHT_PATTERNS))
    check_weight_files(source.folder)
