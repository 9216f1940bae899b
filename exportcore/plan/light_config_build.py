"""Record what transformers' configuration classes do, so that inspection can skip importing them.

``python -m exportcore.plan.light_config_build --write`` writes ``resources/config_defaults.json`` for the
installed transformers: per configuration class, its defaults (``cls().to_dict()``), its
``attribute_map``, its sub-configurations, and which attributes its ``__init__`` derives from others
(found by changing each argument alone and watching what else changes), and the other names its module
mentions (keys ``__init__`` may consume from ``**kwargs``). ``exportcore.plan.light_config``
reads the table; a test checks it matches the installed transformers. Imports transformers (and torch).

Under a transformers other than the locked one, :func:`record_table` records the same table into the studio
cache once (≈10 s), so that inspection stays light with whatever transformers the user has.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import warnings
from pathlib import Path
from typing import Any, Callable

from .. import registry
from . import light_config
from .light_config import TABLE_FORMAT, installed_transformers_version, recorded_table_path, table_path


def _perturbations(value: Any) -> list[Any]:
    """Other values for one argument: enough to see what depends on it, plausible enough to be accepted."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return []
    if isinstance(value, int):
        return [value * 2 if value > 0 else value + 2, value + 1]
    if isinstance(value, float):
        return [value / 2 + 0.01]
    if isinstance(value, list) and value and all(isinstance(v, int) and not isinstance(v, bool) for v in value):
        return [value + value[-1:], [v * 2 for v in value]]
    return []


#: Attributes a class may hold without writing them (``to_dict`` leaves them out).
HIDDEN_CANDIDATES = ("pad_token_id", "bos_token_id", "eos_token_id")


def _instantiate(cls: type, **kwargs: Any) -> dict | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return cls(**kwargs).to_dict()
    except Exception:  # noqa: BLE001 - a rejected value only means this probe tells nothing
        return None


def _source_names(cls: type) -> set[str]:
    """Identifier-like string constants in the class's module: the names its ``__init__`` may take from
    ``**kwargs`` (legacy aliases such as BLOOM's ``n_embed``, CLIP's ``text_config_dict``)."""
    import ast
    import inspect

    try:
        tree = ast.parse(inspect.getsource(inspect.getmodule(cls)))
    except (OSError, TypeError, SyntaxError):
        return set()
    return {node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.isidentifier()}


def probe_class(cls: type) -> dict:
    defaults = _instantiate(cls)
    if defaults is None:
        raise RuntimeError(f"{cls.__name__}() cannot be built with its defaults")
    derived: dict[str, set[str]] = {}
    transformed: set[str] = set()  # given explicitly, the attribute is not kept as given
    unprobed: set[str] = set()  # no accepted perturbation: what depends on it is unknown
    for name, value in defaults.items():
        if name in getattr(cls, "sub_configs", {}) or name in ("transformers_version", "model_type"):
            continue
        candidates = _perturbations(value)
        accepted = False
        for new in candidates:
            changed = _instantiate(cls, **{name: new})
            if changed is None:
                continue
            accepted = True
            if changed.get(name) != new:
                transformed.add(name)
            for other, other_value in changed.items():
                if other != name and other_value != defaults.get(other):
                    derived.setdefault(other, set()).add(name)
        if candidates and not accepted:
            unprobed.add(name)
    sub_configs = {}
    for key, sub_cls in getattr(cls, "sub_configs", {}).items():
        sub_configs[key] = None if sub_cls.__name__ == "AutoConfig" else sub_cls.__name__
    attribute_map = dict(getattr(cls, "attribute_map", {}) or {})
    consumed = _source_names(cls) - set(defaults) - set(attribute_map)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            instance = cls()
    except Exception:  # noqa: BLE001 - built above already
        instance = None
    # Set by __init__ but left out of to_dict (Idefics3's pad_token_id in transformers 5): a file cannot say them.
    hidden = sorted(name for name in HIDDEN_CANDIDATES
                    if name not in defaults and getattr(instance, f"_{name}", getattr(instance, name, None)) is not None)
    return {
        "hidden": hidden,
        "model_type": getattr(cls, "model_type", ""),
        "defaults": defaults,
        "consumed": sorted(consumed),
        "attribute_map": attribute_map,
        "sub_configs": sub_configs,
        "derived": {name: sorted(sources) for name, sources in sorted(derived.items())},
        "transformed": sorted(transformed),
        "unprobed": sorted(unprobed),
    }


def build_table() -> dict:
    from transformers.models.auto.configuration_auto import CONFIG_MAPPING
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    classes: dict[str, dict] = {}
    model_types: dict[str, str] = {}

    def add(cls: type) -> None:
        if cls.__name__ in classes:
            return
        classes[cls.__name__] = probe_class(cls)
        for sub_cls in getattr(cls, "sub_configs", {}).values():
            if sub_cls.__name__ != "AutoConfig":
                add(sub_cls)

    # The generic path's types too (configs/generic_table.py), so that inspecting them stays light.
    for model_type in registry.supported_model_types() + registry.generic_model_types():
        key = next(k for k in (model_type, model_type.replace("-", "_"), model_type.replace("_", "-")) if k in CONFIG_MAPPING)
        cls = CONFIG_MAPPING[key]
        add(cls)
        model_types[model_type] = cls.__name__
    return {"format": TABLE_FORMAT, "transformers_version": installed_transformers_version(),
            "model_types": model_types, "classes": classes}


def render(table: dict) -> str:
    # through JSON once first: integer keys (an id2label of 11 labels or more) sort as the strings a reader gets back
    plain = json.loads(json.dumps(table, default=str))
    return json.dumps(plain, indent=1, sort_keys=True) + "\n"


def record_table(announce: Callable[[str], None] | None = None) -> Path | None:
    """Record the table for the installed transformers into the studio cache, when none fits it, and use it in this
    process from now on. Returns where it was saved (``None``: nothing to do, or it could not be saved — this
    process still uses it). ``announce`` gets one line saying what is happening."""
    if not light_config.table_missing():
        return None
    path = recorded_table_path()
    if announce:
        announce(f"transformers {installed_transformers_version()} has no configuration table yet: recording it "
                 f"once (a few seconds) into {path}; later inspections will not need to import transformers")
    table = build_table()
    light_config.use_table(table)
    partial = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, suffix=".partial", delete=False) as fh:
            partial = fh.name
            fh.write(render(table))
        os.replace(partial, path)  # another process recording at the same time writes the same table
    except OSError as exc:
        if partial:
            Path(partial).unlink(missing_ok=True)
        if announce:
            announce(f"could not save the configuration table to {path} ({exc.strerror or exc}); this process uses "
                     "it; other processes will record it again")
        return None
    return path


def table_main(argv: list[str] | None, description: str, path: Path, make_text: Callable[[], str]) -> int:
    """The command line of a recorded table: print it, or ``--write`` it to ``path`` (resources/)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--write", action="store_true", help=f"write resources/{path.name}")
    args = parser.parse_args(argv)
    text = make_text()
    if args.write:
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path}")
    else:
        sys.stdout.write(text)
    return 0


def main(argv: list[str] | None = None) -> int:
    return table_main(argv, __doc__.splitlines()[0], table_path(), lambda: render(build_table()))


if __name__ == "__main__":
    raise SystemExit(main())
