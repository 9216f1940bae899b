"""A model and its config.json: a demo name, a local folder or a Hub id — told apart here and nowhere else.

Reads config.json as JSON first so that the common mistakes (no such folder, no config.json, broken
JSON, an unsupported model type, impossible layer counts or sizes) are reported fast, before transformers is
imported.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from .. import demo, safe_json
from ..errors import ExportError
from .config_checks import check_structure, shown

_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.\-]*(/[\w.\-]+)?$")


@dataclass
class ModelSource:
    model: str  # what the user gave
    folder: Path  # a folder holding config.json (weights may be absent)
    raw_config: dict
    kind: str  # "local" | "hub" | "demo"
    revision: str | None = None
    pipeline_tag: str | None = None  # the Hub's, for a Hub model: the task when config.json names no architecture
    #: False for a Hub model read from the cache whose pipeline tag nobody recorded (offline): None is not "none".
    pipeline_tag_known: bool = True

    @classmethod
    def read(cls, model: str, folder: Path, kind: str, revision: str | None = None,
             pipeline_tag: str | None = None, pipeline_tag_known: bool = True) -> "ModelSource":
        """The source whose config.json is in ``folder`` (read and checked now)."""
        return cls(model, folder, read_config_json(folder), kind, revision, pipeline_tag, pipeline_tag_known)

    @property
    def model_type(self) -> str:
        return self.raw_config["model_type"]

    def check_task_source(self, task_source: str) -> None:
        """The model type's default task is no answer when the Hub's pipeline tag is unknown (offline, never
        recorded) and config.json names no architecture: it would drop a classifier's head without a word."""
        if task_source == "default" and not self.pipeline_tag_known:
            raise ExportError("task_not_inferable", model=self.model, reason="config.json names no architecture and "
                              "the Hub's pipeline tag is not in the cache (offline), so the model type's default task "
                              "could drop the model's head")

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
    try:
        if not path.is_file():
            raise ExportError("missing_config", path=str(folder))
        data = safe_json.read(path)
    except safe_json.BadJson as exc:
        raise ExportError("malformed_config", path=str(folder), reason=exc.reason) from None
    except OSError as exc:
        raise not_readable(folder, exc) from None
    if not isinstance(data, dict):
        raise ExportError("malformed_config", path=str(folder), reason="it is not a JSON object")
    if not isinstance(data.get("model_type"), str) or not data["model_type"]:
        raise ExportError("malformed_config", path=str(folder), reason="it has no 'model_type'")
    check_structure(data, str(folder))
    return data


def model_kind(model: str) -> tuple[str, Path | None]:
    """What ``model`` names: ``("demo", its shipped config folder)``, ``("local", the folder)`` or ``("hub", None)``;
    ``not_a_model`` for anything else (an unknown demo name lists the known ones)."""
    if demo.is_demo(model):
        return "demo", demo.config_folder(model)
    path = Path(model).expanduser()
    try:
        if path.is_dir():
            return "local", path
        exists = path.exists()
    except OSError as exc:  # a folder on the way we may not enter
        raise not_readable(path, exc) from None
    if exists or not looks_like_hub_id(model):
        raise ExportError("not_a_model", path=model)
    return "hub", None


def not_readable(path: Path, exc: OSError) -> ExportError:
    """``model_not_readable`` for an ``OSError`` met reading a model's folder or files (a chmod 000 folder)."""
    return ExportError("model_not_readable", path=os.fsdecode(exc.filename) if exc.filename else str(path),
                       reason=exc.strerror or str(exc))


def locate(model: str, revision: str | None = None, cache_dir: str | None = None, offline: bool | None = None) -> ModelSource:
    """Find config.json for ``model`` (downloading only that file for a Hub id)."""
    kind, folder = model_kind(model)
    if folder is not None:
        return ModelSource.read(model, folder, kind)
    from .. import hub  # huggingface_hub, no torch

    config_path = Path(hub.download_file(model, "config.json", revision=revision, cache_dir=cache_dir, offline=offline))
    try:  # exports infer the task from it too (the pre-flight): inspection must say the same
        details = hub.model_info(model, revision=revision, cache_dir=cache_dir, offline=offline)
        tag, known = details.pipeline_tag, details.pipeline_tag_known
    except ExportError:  # the Hub went away after config.json came: the task comes from config.json alone
        tag, known = None, False
    return ModelSource.read(model, config_path.parent, "hub", revision, pipeline_tag=tag, pipeline_tag_known=known)
