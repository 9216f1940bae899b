"""The registry: model type -> task -> export configuration class.

Model modules register themselves with ``@register(model_type, *tasks)``; the first query imports
them (they are light: no torch, no transformers). The app's "exportable" badge, ``exportcore models``
and ``docs/supported-models.md`` all read this one registry.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Iterable

from .errors import ExportError
from .tasks import candidate_tasks_for_architecture, PIPELINE_TAGS, TaskChoice

if TYPE_CHECKING:
    from .configs.base import OnnxConfig

_REGISTRY: dict[str, dict[TaskChoice, type["OnnxConfig"]]] = {}
_LOADED = False


def register(model_type: str, *tasks: str):
    """Class decorator: ``model_type`` supports ``tasks``, named as Optimum names them (``-with-past`` variants listed
    explicitly)."""

    def decorator(cls):
        entry = _REGISTRY.setdefault(model_type, {})
        for task in tasks:
            entry[TaskChoice.parse(task)] = cls
        return cls

    return decorator


def _load() -> None:
    global _LOADED
    if not _LOADED:
        importlib.import_module("exportcore.configs.models")
        _LOADED = True


def canonical_model_type(model_type: str) -> str:
    """Registry key for a model type ('xlm_roberta' and 'xlm-roberta' are the same); a type without a hand-written
    configuration that the generic path may derive one for is its own key (``is_generic``)."""
    _load()
    if model_type in _REGISTRY:
        return model_type
    for candidate in (model_type.replace("_", "-"), model_type.replace("-", "_")):
        if candidate in _REGISTRY:
            return candidate
    from .configs import generic

    if generic.generic_tasks(model_type):
        return model_type
    reason = generic.not_generic_reason(model_type)
    if reason:
        from .configs import generic_table

        raise ExportError("generic_not_exportable", model_type=model_type, reason=reason,
                          version=generic_table.transformers_version() or "?")
    from .configs.modality_image_text import NOT_DERIVED_PARTS

    if model_type in NOT_DERIVED_PARTS:  # a near miss: say which part could not be derived
        part, why = NOT_DERIVED_PARTS[model_type]
        raise ExportError("part_not_derivable", model_type=model_type, part=part, reason=why)
    raise ExportError("unsupported_model_type", model_type=model_type)


def is_generic(model_type: str) -> bool:
    """Whether ``model_type`` is exported through a derived configuration (``configs/generic.py``): no hand-written
    one, and the generic path may take it."""
    _load()
    from .configs import generic

    return model_type not in _REGISTRY and bool(generic.generic_tasks(model_type))


def hand_written_tasks(model_type: str) -> set[str]:
    """The base tasks a hand-written configuration of ``model_type`` covers (none for a generic type)."""
    _load()
    return {choice.task for choice in _REGISTRY.get(model_type, {})}


def generic_tasks_of(model_type: str) -> list[str]:
    """The tasks of ``model_type`` whose configuration is derived (all of them for a generic type; for a hand-written
    type, the tasks transformers has a class for and no hand-written configuration covers)."""
    key = canonical_model_type(model_type)
    return [choice.name for choice in supported_choices(key) if choice not in _REGISTRY.get(key, {})]


def generic_model_types() -> list[str]:
    """The model types the generic path takes (recorded from the installed transformers' Auto classes)."""
    _load()
    from .configs import generic, generic_table

    return [t for t in generic_table.recorded_types() if t not in _REGISTRY and generic.generic_tasks(t)]


def supported_model_types() -> list[str]:
    _load()
    return sorted(_REGISTRY)


def supported_choices(model_type: str) -> list[TaskChoice]:
    from .configs import generic

    key = canonical_model_type(model_type)
    derived = [TaskChoice.parse(task) for task in generic.generic_tasks(key)]  # tasks no hand-written class has
    return list(_REGISTRY.get(key, {})) + [choice for choice in derived if choice not in _REGISTRY.get(key, {})]


def supported_tasks(model_type: str) -> list[str]:
    """The tasks as the plan document and ``exportcore tasks`` name them (``-with-past`` variants included)."""
    return [choice.name for choice in supported_choices(model_type)]


def is_exportable(model_type: str | None, task: str | None = None) -> bool:
    if not model_type:
        return False
    try:
        choices = supported_choices(model_type)
    except ExportError:
        return False
    if task is None:
        return True
    try:
        wanted = TaskChoice.parse(task).task
    except ExportError:
        return False
    return any(choice.task == wanted for choice in choices)


def get_config_class(model_type: str, task: TaskChoice | str) -> type["OnnxConfig"]:
    """The configuration class for the task (a name such as ``causal-lm-with-past`` is parsed)."""
    key = canonical_model_type(model_type)
    choice = task if isinstance(task, TaskChoice) else TaskChoice.parse(task)
    try:
        if choice not in _REGISTRY.get(key, {}) and choice in supported_choices(key):
            from .configs import generic

            return generic.config_class(key, choice.task)
        return _REGISTRY[key][choice]
    except KeyError:
        raise ExportError(
            "unsupported_task", task=choice.name, model_type=key, supported=", ".join(supported_tasks(key))
        ) from None


def default_choice(model_type: str, task: str) -> TaskChoice:
    """``task`` with the cache where the model type supports it: an inferred task exports it by default."""
    return TaskChoice(task, TaskChoice(task, True) in supported_choices(model_type))


def infer_task(model_type: str, architectures: Iterable[str] | None = None,
               pipeline_tag: str | None = None) -> TaskChoice:
    """The task a model is for, from ``config.architectures`` (local folders) or the Hub pipeline tag. Entries that
    are not class names (config.json is the user's file: numbers, nulls) name no task."""
    bases = [choice.task for choice in supported_choices(model_type)]
    architectures = [name for name in architectures or () if isinstance(name, str)]
    for architecture in architectures:
        for candidate in candidate_tasks_for_architecture(architecture):
            if candidate in bases:
                return default_choice(model_type, candidate)
    if pipeline_tag and PIPELINE_TAGS.get(pipeline_tag) in bases:
        return default_choice(model_type, PIPELINE_TAGS[pipeline_tag])
    if architectures or pipeline_tag:
        what = ", ".join(architectures) or f"pipeline tag {pipeline_tag}"
        raise ExportError("task_not_inferable", model=model_type, reason=f"no supported task matches {what}")
    if "feature-extraction" in bases:
        return default_choice(model_type, "feature-extraction")
    if bases and is_generic(model_type):  # its first recorded task: text generation for a decoder
        return default_choice(model_type, bases[0])
    raise ExportError("task_not_inferable", model=model_type, reason="config.json names no architecture")


def model_table(generic: bool = True) -> list[dict]:
    """``exportcore models --json``: one entry per model type; ``generic`` says whether its configuration is derived
    ("derived, validated on export") rather than hand-written. ``generic=False`` lists the hand-written ones only."""
    _load()
    rows = []
    for model_type in sorted(_REGISTRY):
        classes = list(dict.fromkeys(cls.__name__ for cls in _REGISTRY[model_type].values()))
        rows.append({"model_type": model_type, "tasks": supported_tasks(model_type), "config_class": classes[0],
                     "generic": False, "generic_tasks": generic_tasks_of(model_type)})
    if generic:
        for model_type in generic_model_types():
            tasks = supported_tasks(model_type)
            rows.append({"model_type": model_type, "tasks": tasks, "generic": True, "generic_tasks": tasks,
                         "config_class": get_config_class(model_type, tasks[0]).__name__})
        rows.sort(key=lambda row: row["model_type"])
    return rows
