"""A model's configuration read from config.json alone, without importing transformers (or torch).

Inspection needs a handful of attributes (layers, heads, sizes…). transformers 5 imports torch as soon as
a configuration class is touched (≈2–3 s here), so ``exportcore inspect`` reads config.json itself and
fills what it does not say from ``resources/config_defaults.json``: each configuration class's
defaults, attribute aliases and sub-configurations, recorded from the installed transformers by
``exportcore.plan.light_config_build``.

Where the table cannot vouch for a value, reading it raises ``NeedsTransformers`` and the caller
falls back to transformers' own class: an attribute ``__init__`` derives from others the file sets
(``head_dim`` from ``hidden_size`` when the file gives no ``head_dim``), one ``__init__`` rewrites, one
next to an argument the recording could not probe; a file with a key ``__init__`` consumes (a legacy alias),
an explicit null, an alias beside its target; remote code, or a table recorded for another transformers
version. Unknown keys the class does not mention (old training flags) are kept as plain attributes, as
transformers keeps them.

The table ships for the transformers version in the lock (constraints.txt). Under any other transformers the
table for the installed version is recorded once into the studio cache (``light_config_build.record_table``,
by ``exportcore inspect``, ``exportcore serve`` and the app's inspect helper, which pay for importing
transformers anyway) and read from there afterwards; until then inspection falls back to transformers.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Any

from .. import safe_json

_MISSING = object()
TABLE_FILE = "config_defaults.json"
#: Bumped whenever light_config_build records something new or differently: older recordings are then re-made.
TABLE_FORMAT = 2


def table_path() -> Path:
    """The table shipped with the code (recorded for the locked transformers)."""
    from ..demo import resources_dir

    return resources_dir() / TABLE_FILE


def installed_transformers_version() -> str | None:
    """Read from the package metadata: knowing it must not cost importing transformers."""
    try:
        return metadata.version("transformers")
    except metadata.PackageNotFoundError:
        return None


def recorded_table_path(version: str | None = None) -> Path:
    """Where the table for another transformers than the shipped one is recorded (the studio cache)."""
    from ..studio_cache import studio_cache

    return studio_cache() / "config-tables" / f"transformers-{version or installed_transformers_version()}.json"


class NeedsTransformers(Exception):
    """This configuration (or one attribute of it) must be read by transformers itself."""


def usable(table: object, version: str | None) -> bool:
    """A table describes the installed transformers (and every model type this version of exportcore registers)."""
    from .. import registry

    return (isinstance(table, dict) and table.get("format") == TABLE_FORMAT and version is not None
            and table.get("transformers_version") == version
            and set(registry.supported_model_types()) <= set(table.get("model_types", {})))


def _read(path: Path) -> dict | None:
    try:
        return safe_json.read(path)
    except (OSError, safe_json.BadJson):
        return None


#: A table recorded by this process (used even when it could not be saved to the cache).
_recorded_here: dict | None = None


@lru_cache(maxsize=1)
def _table() -> dict | None:
    version = installed_transformers_version()
    if usable(_recorded_here, version):
        return _recorded_here
    for path in (table_path(), recorded_table_path(version)):
        table = _read(path)
        if usable(table, version):
            return table
    return None


def table_missing() -> bool:
    """No table for the installed transformers: inspection would import transformers until one is recorded."""
    return installed_transformers_version() is not None and _table() is None


def use_table(table: dict) -> None:
    """Use ``table`` from now on in this process (just recorded, whether or not it could be saved)."""
    global _recorded_here
    _recorded_here = table
    _table.cache_clear()


class LightConfig:
    """Attribute access like a transformers configuration; dict-valued sub-configurations are LightConfigs."""

    def __init__(self, raw: dict, class_name: str) -> None:
        table = _table()
        if table is None or class_name not in table["classes"]:
            raise NeedsTransformers(class_name)
        entry = table["classes"][class_name]
        aliases = entry["attribute_map"]
        defaults = entry["defaults"]
        _check_vouchable(raw, entry, class_name)
        object.__setattr__(self, "_entry", entry)
        object.__setattr__(self, "_class_name", class_name)
        object.__setattr__(self, "_explicit", {aliases.get(key, key): value for key, value in raw.items()})
        changed = {k for k, v in self._explicit.items() if defaults.get(k, _MISSING) != v}
        object.__setattr__(self, "_changed", changed)
        object.__setattr__(self, "_blind", bool(changed & set(entry["unprobed"])))

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        entry = self._entry
        name = entry["attribute_map"].get(name, name)
        if name in entry["transformed"] and name in self._explicit:
            raise NeedsTransformers(f"{self._class_name}.{name}")
        value = self._explicit.get(name, _MISSING)
        if value is _MISSING:
            value = entry["defaults"].get(name, _MISSING)
            if value is _MISSING and name in entry.get("hidden", ()):
                raise NeedsTransformers(f"{self._class_name}.{name}")  # its __init__ sets it, no file says it
            if value is _MISSING:
                raise AttributeError(f"{self._class_name} has no attribute {name!r}")
            if self._blind or self._changed & set(entry["derived"].get(name, ())):
                raise NeedsTransformers(f"{self._class_name}.{name}")
        if name in entry["sub_configs"] and isinstance(value, dict):
            return self._sub_config(name, value)
        return value

    def _sub_config(self, name: str, raw: dict) -> LightConfig:
        class_name = self._entry["sub_configs"][name]
        if class_name is None:  # an AutoConfig slot: the dict names its own model type
            class_name = (_table() or {}).get("model_types", {}).get(raw.get("model_type", ""))
            if class_name is None:
                raise NeedsTransformers(f"{self._class_name}.{name}")
        return LightConfig(raw, class_name)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("a LightConfig is read-only")

    def to_dict(self) -> dict:
        return {**self._entry["defaults"], **self._explicit}

    def __repr__(self) -> str:
        return f"LightConfig({self._class_name}, model_type={self._explicit.get('model_type')!r})"


def _check_vouchable(raw: dict, entry: dict, class_name: str) -> None:
    """``NeedsTransformers`` for a file whose meaning depends on what ``__init__`` does with it: a key the class's
    module knows but does not store as such (a legacy alias it consumes), an explicit null for a derived
    attribute, a sub-configuration or a number (``__init__`` derives or rejects it), or an alias given together
    with the name it stands for."""
    defaults, aliases, consumed = entry["defaults"], entry["attribute_map"], set(entry["consumed"])
    for key, value in raw.items():
        if key not in defaults and key not in aliases and key in consumed:
            raise NeedsTransformers(f"{class_name}: {key!r} is interpreted by its __init__")
        target = aliases.get(key, key)
        default = defaults.get(target)
        if value is None and (target in entry["derived"] or target in entry["sub_configs"]
                              or isinstance(default, (int, float))):
            raise NeedsTransformers(f"{class_name}: {key!r} is null, __init__ decides")
        if key in aliases and target in raw:
            raise NeedsTransformers(f"{class_name}: both {key!r} and {target!r}")


def light_config(raw: dict, model_type: str, trust_remote_code: bool = False) -> LightConfig:
    """The configuration of a registered ``model_type`` from its config.json, or ``NeedsTransformers``."""
    if "auto_map" in raw and trust_remote_code:
        raise NeedsTransformers("remote code")
    table = _table()
    class_name = (table or {}).get("model_types", {}).get(model_type)
    if class_name is None:
        raise NeedsTransformers(model_type)
    return LightConfig(raw, class_name)
