"""Where a model comes from: a demo name, a local folder, or a Hub id (config.json only, for inspection).

Reads config.json as JSON first so that the common mistakes (no such folder, no config.json, broken
JSON, an unsupported model type) are reported fast, before transformers is imported.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from . import demo
from .errors import ExportError

_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.\-]*(/[\w.\-]+)?$")


@dataclass
class ModelSource:
    model: str  # what the user gave
    folder: Path  # a folder holding config.json (weights may be absent)
    raw_config: dict
    kind: str  # "local" | "hub" | "demo"
    revision: str | None = None

    @property
    def model_type(self) -> str:
        return self.raw_config["model_type"]

    @property
    def architectures(self) -> list[str]:
        value = self.raw_config.get("architectures") or []
        return [value] if isinstance(value, str) else list(value)


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
    if not isinstance(data, dict):
        raise ExportError("malformed_config", path=str(folder), reason="it is not a JSON object")
    if not isinstance(data.get("model_type"), str) or not data["model_type"]:
        raise ExportError("malformed_config", path=str(folder), reason="it has no 'model_type'")
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
    from .hub import download_file  # huggingface_hub, no torch

    config_path = Path(download_file(model, "config.json", revision=revision, cache_dir=cache_dir, offline=offline))
    return ModelSource(model, config_path.parent, read_config_json(config_path.parent), "hub", revision)
