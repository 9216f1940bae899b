"""Typed events every stage emits; one JSON object per line on the worker's stdout.

The CLI renders them as a progress bar, the GUI turns them into signals, the run log stores them.
Light module: no torch, no transformers.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Callable, ClassVar

#: The stages of a run, in order (the data flow in docs/architecture.md).
STAGES = ("resolve", "plan", "load", "export", "post-process", "validate", "publish")


@dataclass
class Event:
    kind: ClassVar[str] = "event"
    time: float = field(default_factory=time.time, kw_only=True)

    def to_dict(self) -> dict[str, Any]:
        return {"event": self.kind, **asdict(self)}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)


@dataclass
class StageStarted(Event):
    kind: ClassVar[str] = "stage_started"
    stage: str
    detail: str = ""


@dataclass
class StageFinished(Event):
    kind: ClassVar[str] = "stage_finished"
    stage: str
    seconds: float
    detail: str = ""


@dataclass
class Progress(Event):
    """Overall progress of the run in [0, 1], with what is happening now."""

    kind: ClassVar[str] = "progress"
    fraction: float
    stage: str
    message: str = ""
    #: During a download: bytes received so far and in all, and the recent rate (bytes per second).
    bytes_done: int | None = None
    bytes_total: int | None = None
    bytes_per_second: float | None = None


@dataclass
class LogLine(Event):
    kind: ClassVar[str] = "log"
    level: str  # "debug" | "info" | "warning" | "error"
    message: str


@dataclass
class PlanReady(Event):
    """The resolved plan, as ``exportcore inspect --json`` prints it."""

    kind: ClassVar[str] = "plan"
    plan: dict


@dataclass
class ValidationRow(Event):
    """One output of one submodel compared at one shape set."""

    kind: ClassVar[str] = "validation_row"
    submodel: str
    shape_set: str
    output: str
    expected_shape: list
    actual_shape: list
    shape_ok: bool
    max_abs_diff: float | None
    atol: float
    passed: bool
    note: str = ""


@dataclass
class VariantResult(Event):
    """One variant (fp16, q8, q4…) of the export judged against PyTorch fp32 with its budget (validate/budgets.py).

    ``figures``: ``[{figure, value, budget, passed}]``, ``budget``/``passed`` None for the figures reported only;
    ``files``: the fp32 file name -> the variant's file name; ``latency_ratio``: onnxruntime CPU time of the variant
    over fp32's (batch 1, a typical input), None when it was not measured."""

    kind: ClassVar[str] = "variant_result"
    variant: str
    files: dict
    bytes: int
    fp32_bytes: int
    figures: list
    passed: bool
    why: str = ""
    latency_ratio: float | None = None
    note: str = ""

    @classmethod
    def from_json(cls, line: str) -> "VariantResult":
        event = event_from_json(line)
        if not isinstance(event, cls):
            raise ValueError(f"not a {cls.kind} event: {line[:80]}")
        return event


@dataclass
class RunResult(Event):
    kind: ClassVar[str] = "result"
    output_dir: str
    files: list  # [{"name": str, "bytes": int}]
    validation: str  # "passed" | "failed" | "skipped"
    seconds: float


@dataclass
class ErrorEvent(Event):
    kind: ClassVar[str] = "error"
    code: str
    message: str
    next_step: str = ""
    params: dict = field(default_factory=dict)
    details: str = ""  # traceback or captured log tail, shown only when expanded


EVENT_TYPES: dict[str, type[Event]] = {
    cls.kind: cls
    for cls in (StageStarted, StageFinished, Progress, LogLine, PlanReady, ValidationRow, VariantResult, RunResult,
                ErrorEvent)
}

EventCallback = Callable[[Event], None]


def event_from_dict(data: dict[str, Any]) -> Event:
    data = dict(data)
    cls = EVENT_TYPES[data.pop("event")]
    names = {f.name for f in fields(cls)}
    return cls(**{k: v for k, v in data.items() if k in names})


def event_from_json(line: str) -> Event:
    return event_from_dict(json.loads(line))


def error_event(exc: Exception, details: str = "") -> ErrorEvent:
    from .errors import ExportError

    if not isinstance(exc, ExportError):
        exc = ExportError("internal_error", reason=f"{type(exc).__name__}: {exc}")
    d = exc.to_dict()
    return ErrorEvent(code=d["code"], message=d["message"], next_step=d["next_step"], params=d["params"], details=details)
