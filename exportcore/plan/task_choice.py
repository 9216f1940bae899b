"""Which task an export uses, and where it came from: ``--task``, config.json's ``architectures``, the Hub's
pipeline tag, or the model type's default. Printed before an export and shown by ``inspect`` and the app."""

from __future__ import annotations

from typing import Iterable

from .. import registry
from ..errors import ExportError

#: Where a task came from (``task_source``) -> how the CLI says it.
TASK_SOURCES = {
    "option": "--task",
    "architectures": "config.architectures",
    "pipeline_tag": "the Hub's pipeline tag",
    "default": "the default for the model type",
}


def infer_task(model_type: str, architectures: Iterable[str] | None, pipeline_tag: str | None) -> tuple[str, str]:
    """``registry.infer_task``'s answer and where it came from: ``architectures``, ``pipeline_tag`` or ``default``."""
    names = [name for name in architectures or () if isinstance(name, str)]
    task = registry.infer_task(model_type, names, pipeline_tag)
    for source, args in (("architectures", (names, None)), ("pipeline_tag", (None, pipeline_tag))):
        if args[0] or args[1]:
            try:
                if registry.infer_task(model_type, *args) == task:
                    return task, source
            except ExportError:
                pass
    return task, "default"


def describe_task(task: str | None, source: str | None) -> str:
    """``text-classification (from the Hub's pipeline tag)``."""
    if not task:
        return "?"
    return f"{task} (from {TASK_SOURCES[source]})" if source in TASK_SOURCES else task
