"""Record which model types the generic path may try: ``python -m exportcore.plan.generic_build --write``.

Writes ``resources/generic_models.json`` (read by :mod:`exportcore.configs.generic_table`) from the installed
transformers: every model type an Auto mapping of a generic task names (``MODEL_FOR_CAUSAL_LM_MAPPING_NAMES`` for
text generation, ``MODEL_FOR_MASKED_LM_MAPPING_NAMES`` for fill-mask, …: ``MAPPINGS``) whose task exportcore has no
hand-written configuration for, with the model class, the parameters of its
``forward`` and whether its configuration nests a vision tower. Imports transformers (and torch); re-run it with
``python -m exportcore.plan.light_config_build --write`` when the locked transformers changes.
"""

from __future__ import annotations

import inspect
import json
import warnings

from .. import registry
from ..supported_models import NOT_EXPORTABLE
from ..configs import generic_table
from .light_config import installed_transformers_version

#: task -> the name of transformers' Auto mapping that lists its model classes.
MAPPINGS = {
    "text-generation": "MODEL_FOR_CAUSAL_LM_MAPPING_NAMES",
    "fill-mask": "MODEL_FOR_MASKED_LM_MAPPING_NAMES",
    "text-classification": "MODEL_FOR_SEQUENCE_CLASSIFICATION_MAPPING_NAMES",
    "token-classification": "MODEL_FOR_TOKEN_CLASSIFICATION_MAPPING_NAMES",
    "image-classification": "MODEL_FOR_IMAGE_CLASSIFICATION_MAPPING_NAMES",
}


def _forward_params(model_class: type) -> list[str]:
    params = list(inspect.signature(model_class.forward).parameters)[1:]
    return [name for name in params if name not in ("kwargs", "args")]


def build_table() -> dict:
    import transformers
    from transformers.models.auto import modeling_auto
    from transformers.models.auto.configuration_auto import CONFIG_MAPPING

    transformers.utils.logging.set_verbosity_error()
    registered = set(registry.supported_model_types())
    types: dict[str, dict] = {}
    for task, mapping_name in MAPPINGS.items():
        for model_type, class_name in getattr(modeling_auto, mapping_name).items():
            key = next((k for k in (model_type, model_type.replace("_", "-"), model_type.replace("-", "_"))
                        if k in registered), None)
            if model_type not in CONFIG_MAPPING or (key and task in registry.hand_written_tasks(key)):
                continue  # a hand-written configuration has the task: it is not derived
            if model_type in NOT_EXPORTABLE:
                continue  # documented as not exportable, with its own reason (supported_models.py)
            if isinstance(class_name, (list, tuple)):
                class_name = class_name[0]
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    model_class = getattr(transformers, class_name)
                    config_class = CONFIG_MAPPING[model_type]
            except Exception as exc:  # noqa: BLE001 - an optional dependency missing: recorded as such
                types.setdefault(model_type, {"config_class": None, "tasks": {}})["import_error"] = (
                    f"{type(exc).__name__}: {str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ''}")
                continue
            sub_configs = getattr(config_class, "sub_configs", {}) or {}
            entry = types.setdefault(key or model_type, {"config_class": config_class.__name__, "tasks": {}})
            entry["hand_written"] = bool(key)  # registered for other tasks: only this task is derived
            entry["vision"] = any("vision" in name or "image" in name or "audio" in name for name in sub_configs)
            entry["text_config"] = "text_config" in sub_configs
            entry["tasks"][task] = {"model_class": class_name, "forward": _forward_params(model_class)}
    return {"format": generic_table.TABLE_FORMAT, "transformers_version": installed_transformers_version(),
            "types": dict(sorted(types.items()))}


def render(table: dict) -> str:
    return json.dumps(table, indent=1, sort_keys=True) + "\n"


def main(argv: list[str] | None = None) -> int:
    from .light_config_build import table_main

    return table_main(argv, __doc__.splitlines()[0], generic_table.table_path(), lambda: render(build_table()))


if __name__ == "__main__":
    raise SystemExit(main())
