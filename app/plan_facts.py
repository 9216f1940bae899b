"""What the plans resolved for the chosen model say about it, so that the options offer only what fits: its tasks (and
which have a variant with past key/values), whether it is an encoder–decoder, which dummy shapes matter, its
tolerance, and whether it needs a padding token. Plain Python: no Qt.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Mapping

from exportcore.tasks import split_past

#: which dummy-shape keywords each group holds (the options show a group only where the plan uses it)
SHAPE_GROUPS = {
    "batch": ("batch_size",),
    "text": ("sequence_length",),
    "choices": ("num_choices",),
    "vision": ("image_width", "image_height", "num_channels"),
    "audio_features": ("feature_size", "nb_max_frames"),
    "audio_wave": ("audio_sequence_length",),
}


def supported_tasks_for(plan: Mapping[str, Any] | None) -> list[str]:
    """Tasks the model type supports: from the plan, else the registry, else the plan's own task."""
    if not plan:
        return []
    tasks = plan.get("supported_tasks")
    if not tasks and plan.get("model_type"):
        try:  # light (docs/interfaces.md) but pulls numpy: imported on first use, not at start-up
            from exportcore import registry

            tasks = list(registry.supported_tasks(plan["model_type"]))
        except Exception:
            tasks = None
    return list(tasks or ([plan["task"]] if plan.get("task") else []))


@dataclass(frozen=True)
class PlanFacts:
    """Learnt from every plan of one model (a new model starts from ``PlanFacts()``)."""

    model_type: str = ""
    #: the tasks offered (without ``-with-past``), in the registry's order; empty until a plan arrived
    base_tasks: tuple[str, ...] = ()
    #: the base tasks that have a ``-with-past`` variant
    past_tasks: frozenset[str] = frozenset()
    #: once seen, kept: a monolith plan of an encoder–decoder has one submodel, yet the file layouts still apply
    is_seq2seq: bool = False
    shape_groups: frozenset[str] = field(default_factory=lambda: frozenset({"batch", "text"}))
    #: the largest tolerance of the plan's submodels (the atol field's placeholder)
    plan_atol: float | None = None
    #: the task the helper chose under "auto" (without ``-with-past``)
    resolved_task: str = ""
    #: a decoder classifying text needs a padding token id
    needs_pad_token: bool = False

    @property
    def tasks_known(self) -> bool:
        return bool(self.base_tasks)

    def learn(self, plan: Mapping[str, Any]) -> "PlanFacts":
        bases: list[str] = []
        past: set[str] = set()
        for task in supported_tasks_for(plan):
            base, with_past = split_past(task)
            if with_past:
                past.add(base)
            if base not in bases:
                bases.append(base)
        subs = plan.get("submodels") or []
        names = {s.get("name") for s in subs}
        roles = {s.get("behavior") for s in subs}  # the core's word for a submodel's role
        inputs: set[str] = set()
        for s in subs:
            inputs |= set((s.get("inputs") or {}).keys())
        task = split_past(str(plan.get("task") or ""))[0]
        groups = {"text"} if inputs & {"input_ids", "decoder_input_ids"} or not inputs else set()
        if "pixel_values" in inputs:
            groups.add("vision")
        if "input_features" in inputs:
            groups.add("audio_features")
        if "input_values" in inputs:
            groups.add("audio_wave")
        if task == "multiple-choice":
            groups.add("choices")
        groups.add("batch")
        atols = [s.get("atol") for s in subs if isinstance(s.get("atol"), (int, float))]
        return PlanFacts(
            model_type=str(plan.get("model_type") or ""),
            base_tasks=tuple(bases),
            past_tasks=frozenset(past),
            is_seq2seq=self.is_seq2seq or "encoder_model" in names or "encoder" in roles,
            shape_groups=frozenset(groups),
            plan_atol=max(atols) if atols else None,
            resolved_task=task,
            needs_pad_token=task == "text-classification"
            and any("TextDecoderOnnxConfig" in (s.get("class_chain") or []) for s in subs),
        )

    def offering(self, task: str) -> "PlanFacts":
        """These facts with ``task`` offered too (a run loaded from the history may name one the plan does not)."""
        return self if task in self.base_tasks else replace(self, base_tasks=(*self.base_tasks, task))
