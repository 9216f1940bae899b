"""Where a model comes from: a demo name, a local folder, or a Hub id (config.json only, for inspection).

Reads config.json as JSON first so that the common mistakes (no such folder, no config.json, broken
JSON, an unsupported model type, impossible layer counts or sizes) are reported fast, before transformers is
imported.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from . import demo
from .config_checks import check_structure, shown
from .errors import ExportError

_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.\-]*(/[\w.\-]+)?$")


@dataclass
class ModelSource:
    model: str  # what the user gave
    folder: Path  # a folder holding config.json (weights may be absent)
    raw_config: dict
    kind: str  # "local" | "hub" | "demo"
    revision: str | None = None
    pipeline_tag: str | None = None  # the Hub's, for a Hub model: the task when config.json names no architecture

    @property
    def model_type(self) -> str:
        return self.raw_config["model_type"]

    @property
    def architectures(self) -> list[str]:
        """The class names config.json lists; ``task_not_inferable`` when ``architectures`` is something else (a
        number, a list of numbers): asked only to infer the task, which such a value cannot tell."""
        value = self.raw_config.get("architectures") or []
        if isinstance(value, str):
            return [value]
        if isinstance(value, list) and all(isinstance(name, str) for name in value):
            return value
        raise ExportError("task_not_inferable", model=self.model,
                          reason=f"'architectures' in config.json is {shown(value)}, not a list of class names")


def looks_like_hub_id(model: str) -> bool:
    return bool(_HUB_ID.match(model)) and not model.startswith((".", "~"))


def read_config_json(folder: Path) -> dict:
    path = folder / "config.json"
    if not path.is_file():
        raise ExportError("missing_config", path=str(folder))
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ExportError("malformed_config", path=str(folder), reason=str(exc)) from None
    except RecursionError:
        raise ExportError("malformed_config", path=str(folder), reason="it nests objects or lists too deeply") from None
    if not isinstance(data, dict):
        raise ExportError("malformed_config", path=str(folder), reason="it is not a JSON object")
    if not isinstance(data.get("model_type"), str) or not data["model_type"]:
        raise ExportError("malformed_config", path=str(folder), reason="it has no 'model_type'")
    check_structure(data, str(folder))
    return data


def locate(model: str, revision: str | None = None, cache_dir: str | None = None, offline: bool | None = None) -> ModelSource:
    """Find config.json for ``model`` (downloading only that file for a Hub id)."""
    if demo.is_demo(model):
        folder = demo.config_folder(model)
        return ModelSource(model, folder, read_config_json(folder), "demo")
    path = Path(model).expanduser()
    if path.is_dir():
        return ModelSource(model, path, read_config_json(path), "local")
    if path.exists() or not looks_like_hub_id(model):
        raise ExportError("not_a_model", path=model)
    from .hub import download_file, model_info  # huggingface_hub, no torch

    config_path = Path(download_file(model, "config.json", revision=revision, cache_dir=cache_dir, offline=offline))
    raw = read_config_json(config_path.parent)
    try:  # exports infer the task from it too (exportcore.preflight): inspection must say the same
        tag = model_info(model, revision=revision, cache_dir=cache_dir, offline=offline).pipeline_tag
    except ExportError:  # the Hub went away after config.json came: the task comes from config.json alone
        tag = None
    return ModelSource(model, config_path.parent, raw, "hub", revision, pipeline_tag=tag)
