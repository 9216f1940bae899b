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
    """Registry key for a model type ('xlm_roberta' and 'xlm-roberta' are the same)."""
    _load()
    if model_type in _REGISTRY:
        return model_type
    for candidate in (model_type.replace("_", "-"), model_type.replace("-", "_")):
        if candidate in _REGISTRY:
            return candidate
    raise ExportError("unsupported_model_type", model_type=model_type)


def supported_model_types() -> list[str]:
    _load()
    return sorted(_REGISTRY)


def supported_choices(model_type: str) -> list[TaskChoice]:
    return list(_REGISTRY[canonical_model_type(model_type)])


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
        return _REGISTRY[key][choice]
    except KeyError:
        raise ExportError(
            "unsupported_task", task=choice.name, model_type=key, supported=", ".join(supported_tasks(key))
        ) from None


def default_choice(model_type: str, task: str) -> TaskChoice:
    """``task`` with the cache where the model type supports it: an inferred task exports it by default."""
    return TaskChoice(task, TaskChoice(task, True) in _REGISTRY[canonical_model_type(model_type)])


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
    raise ExportError("task_not_inferable", model=model_type, reason="config.json names no architecture")


def model_table() -> list[dict]:
    """``exportcore models --json``: one entry per model type."""
    _load()
    rows = []
    for model_type in sorted(_REGISTRY):
        classes = list(dict.fromkeys(cls.__name__ for cls in _REGISTRY[model_type].values()))
        rows.append({"model_type": model_type, "tasks": supported_tasks(model_type), "config_class": classes[0]})
    return rows
