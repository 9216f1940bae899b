"""What the plans resolved for the chosen model say about it, so that the options offer only what fits. Plain
Python: no Qt.

The app decides none of it: the plan document's ``facts`` section and :func:`exportcore.option_rules.rules` (the
one home of "which options make sense for a plan, and why not"; docs/architecture.md, decision 71) do. This module
keeps the newest plan document of the chosen model and asks the rules about the options the panel shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from exportcore import option_rules
from exportcore.option_facts import document_task, facts_of
from exportcore.options import ExportOptions


@dataclass(frozen=True)
class PlanFacts:
    """Learnt from the plans of one model (a new model starts from ``PlanFacts()``)."""

    #: the newest plan document of the model (None before the first arrives)
    document: Mapping[str, Any] | None = None
    #: tasks offered besides the plan's (a run loaded from the history may name one the plan does not)
    extra_tasks: tuple[str, ...] = ()

    @property
    def facts(self) -> dict[str, Any]:
        """The document's ``facts`` section (what the core works out for a document without one)."""
        return facts_of(self.document) if self.document is not None else {}

    @property
    def model_type(self) -> str:
        return str((self.document or {}).get("model_type") or "")

    @property
    def tasks_known(self) -> bool:
        return self.document is not None

    @property
    def base_tasks(self) -> tuple[str, ...]:
        """The tasks offered (without ``-with-past``), in the registry's order."""
        tasks = [document_task(t).task for t in (self.document or {}).get("supported_tasks") or []]
        return tuple(dict.fromkeys([*tasks, *self.extra_tasks]))

    @property
    def is_seq2seq(self) -> bool:
        """Some task of this model is exported as an encoder–decoder (its file layout is then sent to the helper:
        the same for every plan of the model, so that a plan is recognised as made for the options shown)."""
        return bool(self.facts.get("seq2seq_tasks"))

    @property
    def resolved_task(self) -> str:
        """The task the helper chose under "auto" (without ``-with-past``); "" when the plan was made for a task
        the user named."""
        doc = self.document or {}
        if doc.get("task_source") == "option":
            return ""
        return document_task(doc.get("task")).task

    def rules(self, options: ExportOptions) -> dict[str, option_rules.Rule]:
        """:func:`exportcore.option_rules.rules` for these options over the newest plan (an empty document before
        the first: the rules then know nothing about the model)."""
        return option_rules.rules(self.document or {}, options)

    def learn(self, plan: Mapping[str, Any]) -> "PlanFacts":
        return PlanFacts(document=dict(plan), extra_tasks=self.extra_tasks)

    def offering(self, task: str) -> "PlanFacts":
        """These facts with ``task`` offered too."""
        if task in self.base_tasks:
            return self
        return PlanFacts(document=self.document, extra_tasks=(*self.extra_tasks, task))
