"""What the window works on, without a widget: the chosen model, its export options, the plan and pre-flight the
helper resolved for them, the export queue and the run history.

The widgets are views and editors over one :class:`Session`: the options panel writes the options into it, the
main window feeds it the inspect helper's answers and asks it whether Export may be offered, where an export
writes to and which run the run view follows. Plain Python objects with Qt signals (no widget is imported here), so
it is tested without a window (tests/app/test_session.py).
"""

from __future__ import annotations

import dataclasses
import json
import os
from enum import Enum
from typing import Any, Mapping

from PySide6.QtCore import QObject, Signal

from exportcore.errors import ExportError
from exportcore.options import ExportOptions

from .export_job import ExportJob, ExportQueue
from .plan_facts import PlanFacts
from .preflight import PreflightFacts
from .run_output import history_entry
from .settings import Settings

#: ExportOptions fields the pre-flight's figures depend on (besides the model): a change asks again.
PREFLIGHT_FIELDS = ("task", "float_dtype", "output_dir", "revision", "cache_dir", "trust_remote_code", "monolith",
                    "use_past", "variants", "library")


class Readiness(Enum):
    """Whether Export may be offered for the chosen model, or what it waits for (in this order)."""

    NO_MODEL = "no_model"
    #: a value in the options panel cannot be read
    PROBLEMS = "problems"
    #: the inspection of these options failed
    INSPECT_ERROR = "inspect_error"
    #: no plan yet for the options as they are now
    RESOLVING = "resolving"
    #: the plan is there, its pre-flight not yet
    CHECKING = "checking"
    #: the pre-flight says the model or task cannot be exported
    UNSUPPORTED = "unsupported"
    READY = "ready"


def inspect_fields(options: Mapping[str, Any], seq2seq: bool) -> dict[str, Any]:
    """The ExportOptions fields that shape the plan, as the inspect helper takes them: ``use_past`` and
    ``use_past_in_inputs`` only once set, the file layout only for an encoder–decoder."""
    fields = {key: options.get(key) for key in ("task", "float_dtype", "int_dtype", "opset", "dynamo", "shapes",
                                                 "atol", "library")}
    for key in ("use_past", "use_past_in_inputs"):
        if options.get(key) is not None:
            fields[key] = options[key]
    if seq2seq:
        fields["monolith"] = options.get("monolith", False)
        fields["post_process"] = options.get("post_process", True)
    return fields


def preflight_key(model: str | None, pipeline_tag: str | None, options: Mapping[str, Any]) -> str:
    return json.dumps([model, pipeline_tag, {k: options.get(k) for k in PREFLIGHT_FIELDS}], sort_keys=True)


def export_name(ref: str) -> str:
    """The name an export of ``ref`` is written under: a demo's name, a folder's, the last part of a Hub id."""
    if ref.startswith("demo:"):
        name = ref[5:]
    elif os.path.isabs(ref):
        name = os.path.basename(ref.rstrip(os.sep)) or ref
    else:
        name = ref.split("/")[-1]
    return name.replace(":", "-") or "model"


def unique_folder(path: str) -> str:
    """``path``, or ``path-2``, ``path-3``… whichever does not exist yet."""
    candidate, n = path, 1
    while os.path.exists(candidate):
        n += 1
        candidate = f"{path}-{n}"
    return candidate


class Session(QObject):
    #: a model was chosen (its reference)
    modelChanged = Signal(str)
    #: a plan, or an inspection error, arrived for the chosen model (``facts`` may have changed)
    planChanged = Signal()
    #: a pre-flight was asked for (answer None) or answered
    preflightChanged = Signal()
    #: a finished run was added to the history (the entry; newest first)
    historyAdded = Signal(dict)
    historyCleared = Signal()
    #: the run view follows this job now
    jobShown = Signal(object)

    def __init__(self, settings: Settings | None = None, queue: ExportQueue | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        #: where history, recent models and the default output folder are kept (None: in memory only)
        self.settings = settings
        self.queue = queue if queue is not None else ExportQueue()
        if self.queue.parent() is None:
            self.queue.setParent(self)
        # -- the chosen model
        self.ref = ""
        #: the Hub's pipeline tag of the chosen model, when the Hub pane knows it (passed to the helper)
        self.pipeline_tag: str | None = None
        # -- its options, as the options panel says them
        #: None before a model is chosen, or when the panel's values make no ExportOptions (``options_error``)
        self.options: ExportOptions | None = None
        self.options_error: ExportError | None = None
        self.output_folder = ""
        #: what the panel cannot read (e.g. "atol", "validation_shapes", "output_folder")
        self.problems: tuple[str, ...] = ()
        # -- what the helper said
        self.facts = PlanFacts()
        self.plan: dict | None = None
        #: (model, inspect options) of the newest plan for the chosen model
        self.planned: tuple[str, dict] | None = None
        self.inspect_error: dict | None = None
        self.preflight_key: str | None = None
        #: the pre-flight's answer for ``preflight_key``: its facts, an error object, or None while it is asked
        self.preflight: PreflightFacts | dict | None = None
        # -- runs
        self.history: list[dict] = list(settings.history) if settings is not None else []
        self.shown_job: ExportJob | None = None
        self.queue.jobStarted.connect(self._job_started)
        self.queue.jobFinished.connect(self._job_finished)

    # -- the model ------------------------------------------------------------------------------------------------
    def choose_model(self, ref: str, pipeline_tag: str | None = None) -> None:
        """A model was chosen (again): what was resolved for the previous choice no longer holds. Choosing another
        model also forgets the last one's plan, what its plans said and its options."""
        if ref != self.ref:
            self.plan, self.facts = None, PlanFacts()
            self.options, self.options_error = None, None
        self.ref, self.pipeline_tag = ref, pipeline_tag
        self.planned, self.inspect_error = None, None
        self.preflight_key, self.preflight = None, None
        if self.settings is not None:
            self.settings.add_recent_model(ref)
        self.modelChanged.emit(ref)

    # -- the options ----------------------------------------------------------------------------------------------
    def set_options(self, options: ExportOptions | None, *, error: ExportError | None = None,
                    output_folder: str = "", problems: tuple[str, ...] = ()) -> None:
        """What the options panel says now: the options (for the chosen model, no output folder yet) or why its
        values make none, the output folder and what it cannot read."""
        self.options, self.options_error = options, error
        self.output_folder = output_folder
        self.problems = tuple(problems)

    def offer_task(self, task: str) -> None:
        """Offer ``task`` among the model's tasks (a run loaded from the history names it)."""
        self.facts = self.facts.offering(task)

    def inspect_options(self) -> dict[str, Any] | None:
        """What the inspect helper is asked for these options; None when there is nothing to ask."""
        if self.options is None:
            return None
        return inspect_fields(self.options.to_dict(), self.facts.is_seq2seq)

    # -- the plan -------------------------------------------------------------------------------------------------
    def learn_from_plan(self, plan: Mapping[str, Any]) -> None:
        self.facts = self.facts.learn(plan)

    def plan_arrived(self, request: Mapping[str, Any], plan: dict) -> bool:
        """A plan from the helper; False (and nothing changes) when it is for another model than the chosen one."""
        if request.get("model") != self.ref:
            return False
        self.planned, self.inspect_error = (self.ref, dict(request.get("options") or {})), None
        self.plan = plan
        self.learn_from_plan(plan)
        self.planChanged.emit()
        return True

    def inspection_failed(self, request: Mapping[str, Any], error: Mapping[str, Any]) -> bool:
        if request.get("model") != self.ref:
            return False
        self.inspect_error = dict(error)
        self.planChanged.emit()
        return True

    def plan_resolved(self) -> bool:
        """The helper resolved a plan for the chosen model with the options as they are now (and no later
        inspection failed): only then is Export offered."""
        return (self.inspect_error is None and self.planned is not None
                and self.planned == (self.ref, self.inspect_options()))

    # -- the pre-flight -------------------------------------------------------------------------------------------
    def preflight_request(self) -> dict[str, Any] | None:
        """The options to ask the pre-flight about (the export's, into its output folder), when they differ from the
        last asked in what the figures depend on; None when there is nothing new to ask. Asking forgets the answer."""
        if not self.ref or self.options is None:
            return None
        try:
            options = dataclasses.replace(self.options, output_dir=self.destination_base(self.ref)).to_dict()
        except ExportError:
            return None
        key = preflight_key(self.ref, self.pipeline_tag, options)
        if key == self.preflight_key:
            return None
        self.preflight_key, self.preflight = key, None
        self.preflightChanged.emit()
        return options

    def preflight_arrived(self, request: Mapping[str, Any], data: Mapping[str, Any]) -> bool:
        return self._preflight_answer(request, PreflightFacts.from_reply(dict(data)))

    def preflight_failed(self, request: Mapping[str, Any], error: Mapping[str, Any]) -> bool:
        """No figures: the export runs its own checks."""
        return self._preflight_answer(request, dict(error))

    def _preflight_answer(self, request: Mapping[str, Any], answer: PreflightFacts | dict) -> bool:
        key = preflight_key(request.get("model"), request.get("pipeline_tag"), request.get("options") or {})
        if key != self.preflight_key:
            return False  # asked for an earlier choice
        self.preflight = answer
        self.preflightChanged.emit()
        return True

    def preflight_done(self) -> bool:
        return self.preflight_key is not None and self.preflight is not None

    # -- may it export? -------------------------------------------------------------------------------------------
    def readiness(self) -> Readiness:
        if not self.ref:
            return Readiness.NO_MODEL
        if self.problems:
            return Readiness.PROBLEMS
        if self.inspect_error is not None:
            return Readiness.INSPECT_ERROR
        if not self.plan_resolved():
            return Readiness.RESOLVING
        if not self.preflight_done():
            return Readiness.CHECKING
        if isinstance(self.preflight, PreflightFacts) and not self.preflight.supported:
            return Readiness.UNSUPPORTED
        return Readiness.READY

    # -- where exports go -----------------------------------------------------------------------------------------
    def destination_base(self, ref: str) -> str:
        base = self.output_folder or (self.settings.output_folder if self.settings is not None else "")
        return os.path.join(base, f"{export_name(ref)}-onnx")

    def destination_for(self, ref: str, options: Mapping[str, Any] | None = None) -> str:
        """The folder an export of ``ref`` writes to: ``<output folder>/<name>-onnx``, or with ``-2``, ``-3``… when
        that is not empty or a queued export writes there already (unless it overwrites)."""
        path = self.destination_base(ref)
        overwrite = (options or {}).get("overwrite", self.options.overwrite if self.options is not None else False)
        if overwrite:
            return path
        taken = {str(j.options.get("output_dir")) for j in self.queue.jobs if not j.is_done}
        candidate, n = path, 1
        while candidate in taken or (os.path.isdir(candidate) and os.listdir(candidate)):
            n += 1
            candidate = f"{path}-{n}"
        return candidate

    # -- exports --------------------------------------------------------------------------------------------------
    def export_options(self, *, force: bool = False) -> ExportOptions:
        """The job's options for the chosen model. A task the inspector took from the Hub's pipeline tag is written
        into them: a model folder does not carry the tag, and the export (and its copied command) must do what was
        shown. Raises ExportError for options the core refuses."""
        if self.options is None:
            raise self.options_error or ExportError("invalid_option", reason="no model chosen")
        plan = self.plan or {}
        pinned = {}
        if self.options.task == "auto" and plan.get("task_source") == "pipeline_tag" and plan.get("task"):
            pinned["task"] = str(plan["task"])
        options = dataclasses.replace(self.options, force=force, **pinned)
        return dataclasses.replace(options, output_dir=self.destination_for(self.ref, options.to_dict()))

    def export(self, *, force: bool = False) -> ExportJob:
        """Queue an export of the chosen model; it shows the task the inspector resolved until the worker sends
        its own plan. Raises ExportError for options the core refuses."""
        task = str(self.plan["task"]) if self.plan and self.plan.get("task") else ""
        return self.enqueue(self.export_options(force=force).to_dict(), expected_task=task)

    def enqueue(self, options: dict, *, expected_task: str = "") -> ExportJob:
        """Queue a job; the run view follows it unless it follows another that still runs."""
        job = self.queue.enqueue(options)
        job.expected_task = expected_task
        if self.queue.running is None or self.shown_job is None or self.shown_job.is_done:
            self.show_job(job)
        return job

    def rerun(self, entry: Mapping[str, Any]) -> ExportJob | None:
        """Queue a run of the history again, into a new folder when its own is not empty (and it does not
        overwrite)."""
        options = dict(entry.get("options") or {})
        if not options.get("model"):
            return None
        out = str(options.get("output_dir") or "")
        if not out:
            options["output_dir"] = self.destination_for(options["model"], options)
        elif not options.get("overwrite") and os.path.isdir(out) and os.listdir(out):
            options["output_dir"] = unique_folder(out)
        return self.enqueue(options)

    def show_job(self, job: ExportJob) -> None:
        self.shown_job = job
        self.jobShown.emit(job)

    def _job_started(self, job: ExportJob) -> None:
        if self.shown_job is not job and (self.shown_job is None or self.shown_job.is_done):
            self.show_job(job)

    # -- history --------------------------------------------------------------------------------------------------
    def _job_finished(self, job: ExportJob) -> None:
        entry = history_entry(job)
        if self.settings is not None:
            self.settings.add_history(entry)
        self.history.insert(0, entry)
        self.historyAdded.emit(entry)

    def clear_history(self) -> None:
        if self.settings is not None:
            self.settings.clear_history()
        self.history = []
        self.historyCleared.emit()
