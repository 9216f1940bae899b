"""The recorded table of model types the generic path may derive a configuration for (light: a JSON file).

``resources/generic_models.json`` is recorded from the installed transformers by
``python -m exportcore.plan.generic_build --write``: for each model type that transformers maps to a task through its
Auto classes (``MODEL_FOR_CAUSAL_LM_MAPPING_NAMES`` …) and that has no hand-written configuration, the model class
of each task, the names its ``forward`` takes (their order is the ONNX inputs' order) and whether its configuration
nests a vision tower. The registry reads it without importing transformers; the table says which transformers it
was recorded from (an export under another one still validates everything it writes).
"""

from __future__ import annotations

from functools import lru_cache

from .. import safe_json

TABLE_FILE = "generic_models.json"
TABLE_FORMAT = 1


def table_path():
    from ..demo import resources_dir

    return resources_dir() / TABLE_FILE


@lru_cache(maxsize=1)
def table() -> dict:
    """The recorded table (an empty one when the file is missing or unreadable: no generic types then)."""
    try:
        data = safe_json.read(table_path())
    except (OSError, safe_json.BadJson):
        return {"format": TABLE_FORMAT, "transformers_version": None, "types": {}}
    if not isinstance(data, dict) or data.get("format") != TABLE_FORMAT or not isinstance(data.get("types"), dict):
        return {"format": TABLE_FORMAT, "transformers_version": None, "types": {}}
    return data


#: Remote-code types adopted in this process (``generic.adopt_remote``): model type -> entry.
_remote: dict[str, dict] = {}


def add_remote(model_type: str, remote_entry: dict) -> None:
    _remote[model_type] = remote_entry


def entry(model_type: str) -> dict | None:
    """The recorded entry of ``model_type`` (``config_class``, ``tasks``: task -> ``model_class``, ``forward``)."""
    if model_type in _remote:
        return _remote[model_type]
    types = table()["types"]
    for key in (model_type, model_type.replace("_", "-"), model_type.replace("-", "_")):
        if key in types:
            return types[key]
    return None


def recorded_types() -> list[str]:
    return sorted(table()["types"])


def transformers_version() -> str | None:
    return table().get("transformers_version")
