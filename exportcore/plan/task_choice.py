"""Which task an export uses, and where it came from: ``--task``, config.json's ``architectures``, the Hub's
pipeline tag, or the model type's default. Printed before an export and shown by ``inspect`` and the app."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Iterable

from .. import option_rules, registry
from ..errors import ExportError
from ..options import ExportOptions
from ..tasks import TaskChoice

if TYPE_CHECKING:
    from ..configs.base import OnnxConfig

#: Where a task came from (``task_source``) -> how the CLI says it.
TASK_SOURCES = {
    "option": "--task",
    "architectures": "config.architectures",
    "pipeline_tag": "the Hub's pipeline tag",
    "default": "the default for the model type",
}


def infer_task(model_type: str, architectures: Iterable[str] | None,
               pipeline_tag: str | None) -> tuple[TaskChoice, str]:
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


def choose_task(options: ExportOptions, model_type: str, architectures: Callable[[], Iterable[Any] | None],
                pipeline_tag: str | None) -> tuple[TaskChoice, str, type["OnnxConfig"]]:
    """The task an export uses and whether it carries the cache, where the task came from, and its configuration
    class: ``--task`` (or the inferred task), then ``--past`` / ``--no-past``, then ``--monolith``. The registry's
    checks only, no configuration read: the pre-flight asks it too. ``architectures`` is asked only when the task
    is inferred (an explicit ``--task`` ignores it, as transformers does)."""
    if options.task == "auto":
        choice, source = infer_task(model_type, architectures(), pipeline_tag)
    else:
        choice, source = TaskChoice.parse(options.task), "option"
    choice = option_rules.with_use_past(choice, options.use_past)
    config_class = registry.get_config_class(model_type, choice)
    if options.monolith and choice.use_past and config_class.exports_encoder_decoder(choice.task):
        choice = option_rules.one_file(choice, options)
        config_class = registry.get_config_class(model_type, choice)
    return choice, source, config_class


def describe_task(task: str | None, source: str | None) -> str:
    """``text-classification (from the Hub's pipeline tag)``."""
    if not task:
        return "?"
    return f"{task} (from {TASK_SOURCES[source]})" if source in TASK_SOURCES else task
