"""Built-in demo models: tiny configs shipped in ``resources/demo_models``, weights built on demand.

``demo:<name>`` is accepted wherever a model is. Listing is light (JSON only); building weights
imports torch and transformers (worker side only).
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import sys
from pathlib import Path

from .errors import ExportError
from .studio_cache import studio_cache

PREFIX = "demo:"


def resources_dir() -> Path:
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def demo_root() -> Path:
    return resources_dir() / "demo_models"


def list_demo_models() -> list[dict]:
    """[{name, title, task, model_type, description}] for every shipped demo model."""
    models = []
    for folder in sorted(demo_root().glob("*/")):
        meta_file, config_file = folder / "demo.json", folder / "config.json"
        if not (meta_file.is_file() and config_file.is_file()):
            continue
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        config = json.loads(config_file.read_text(encoding="utf-8"))
        models.append({"name": folder.name, "model_type": config.get("model_type"), **meta})
    return models


def is_demo(model: str) -> bool:
    return model.startswith(PREFIX)


def config_folder(model: str) -> Path:
    """The folder holding the demo's config.json (enough for inspection)."""
    name = model[len(PREFIX):]
    folder = demo_root() / name
    if not name or not (folder / "config.json").is_file():
        known = ", ".join(PREFIX + m["name"] for m in list_demo_models())
        raise ExportError("not_a_model", path=f"{model} (demo models: {known})")
    return folder


def cache_root() -> Path:
    return studio_cache() / "demo_models"


def built_folder(model: str) -> Path | None:
    """The folder of the demo's built weights, or None before they are built (the pre-flight counts them)."""
    folder = cache_root() / config_folder(model).name
    try:
        return folder if folder.is_dir() else None
    except OSError as exc:  # a studio cache we may not enter
        raise _cache_error(exc) or ExportError("studio_cache_not_writable", path=str(studio_cache()),
                                               reason=exc.strerror or str(exc)) from None


def materialize(model: str) -> Path:
    """A folder with config, weights and tokenizer files for the demo model, built once (seeded)."""
    source = config_folder(model)
    target = cache_root() / source.name
    marker = target / ".complete"
    try:
        if marker.is_file() and marker.read_text() == _fingerprint(source):
            return target
        from .source.demo_build import build_demo_model  # torch + transformers

        build_demo_model(source, target)
        marker.write_text(_fingerprint(source))
    except Exception as exc:  # noqa: BLE001 - safetensors reports a full disk as its own error type
        coded = _cache_error(exc)
        if coded is None:
            raise
        raise coded from exc
    return target


def _cache_error(exc: BaseException) -> ExportError | None:
    """A full or unwritable studio cache, named (it is not where the user asked the export to go)."""
    from .errors import disk_full

    code = getattr(exc, "errno", None)
    full = code in (errno.ENOSPC, errno.EDQUOT) or os.strerror(errno.ENOSPC) in str(exc)
    if full:
        return disk_full(cache_root(), quota=code == errno.EDQUOT)
    if isinstance(exc, OSError) and code in (errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOTDIR, errno.EEXIST):
        return ExportError("studio_cache_not_writable", path=str(studio_cache()), reason=exc.strerror or str(exc))
    return None


def _fingerprint(source: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(source.glob("*.json")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()
