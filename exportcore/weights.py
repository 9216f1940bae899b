"""Find a model's weights for an export: demo (built on demand), local folder, HF cache or the Hub."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from . import demo
from .errors import ExportError
from .options import ExportOptions
from .source import ModelSource, looks_like_hub_id, read_config_json

WEIGHT_PATTERNS = ("*.safetensors", "pytorch_model*.bin")


def has_weights(folder: Path) -> bool:
    return any(any(folder.glob(pattern)) for pattern in WEIGHT_PATTERNS)


def locate_weights(options: ExportOptions, progress: Callable[..., None] | None = None, cancel: Any = None,
                   log: Callable[[str], None] | None = None) -> ModelSource:
    model = options.model
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
        model, revision=options.revision, cache_dir=options.cache_dir, progress=progress, cancel=cancel,
        export_files_only=True,  # configs, tokenizer files and one PyTorch weight format
        log=log,
    )
    folder = Path(folder)
    raw = read_config_json(folder)
    if not has_weights(folder):
        raise ExportError("missing_weights", model=model, looked_for=", ".join(WEIGHT_PATTERNS))
    return ModelSource(model, folder, raw, "hub", options.revision)
