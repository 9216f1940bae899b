"""Export jobs: a QThread supervises one ``exportcore.worker`` child process; its JSON-lines events become signals.

The GUI thread never waits on the child: the supervisor lives in its own QThread (with an event loop), owns the
QProcess, parses stdout there, and forwards each event as a queued signal. Cancel sends SIGTERM, then kills the
child if it is still there after ``KILL_AFTER_MS`` (well within 2 s). A child that crashes or exits without saying
why becomes a ``worker_crashed`` error — the window carries on. :class:`ExportQueue` runs several jobs one after
another. An *in-process* mode (``runner=``) runs a callable in the supervisor thread instead of a child process
(tests; the production app always uses the child process: docs/facts.md, "The app": 285 ms GUI stalls otherwise).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
import time
import traceback
from collections import deque
from typing import Callable

from PySide6.QtCore import QObject, QThread, QTimer, Signal, Slot

from exportcore.events import (
    ErrorEvent, Event, LogLine, PlanReady, Progress, RunResult, StageFinished, StageStarted, ValidationRow,
)

from .job_state import EXIT_OUTCOMES, JobState
from .paths import worker_command
from .process_link import ProcessLink, as_event
from .transfer import Transfer

KILL_AFTER_MS = 1500
#: stderr lines that are known noise (docs/facts.md, "torch.onnx in torch 2.13") and are not shown in the log pane.
NOISE = ("TracerWarning", "torchvision is not installed", "[torch.onnx]", "warnings.warn(")
SIGNAL_NAMES = {134: "aborted", 135: "bus error", 136: "floating point exception", 137: "killed",
                139: "segmentation fault", 143: "terminated"}

Emit = Callable[[dict], None]
Runner = Callable[[dict, Emit, Callable[[], bool]], int]


class _Supervisor(QObject):
    """Lives in the job's QThread. Runs the child (or the in-process runner) and reports events."""

    events = Signal(list)  # a batch of exportcore.events, in order
    done = Signal(str, int)  # outcome, exit code

    #: Events of the child are handed to the GUI thread at most this often, as one batch: a worker that writes
    #: hundreds of rows per second then costs the window one update (and one repaint) per batch, not per row.
    BATCH_MS = 40

    def __init__(self, options: dict, command: list[str] | None, runner: Runner | None, kill_after_ms: int) -> None:
        super().__init__()
        self.options = options
        self.command = command
        self.runner = runner
        self.kill_after_ms = kill_after_ms
        self.cancel_flag = threading.Event()
        self.link: ProcessLink | None = None
        self.job_dir = ""
        self._terminal: RunResult | ErrorEvent | None = None  # the last result/error event
        self._stderr: deque[str] = deque(maxlen=80)
        self._finished = False
        self._pending: list[Event] = []
        self._flush_timer: QTimer | None = None

    @Slot()
    def run(self) -> None:
        if self.runner is not None:
            self._run_in_process()
            return
        self.job_dir = tempfile.mkdtemp(prefix="oes-job-")
        job_file = os.path.join(self.job_dir, "job.json")
        with open(job_file, "w", encoding="utf-8") as fh:
            json.dump(self.options, fh, ensure_ascii=False, indent=1)
        link = ProcessLink(self, events=True)
        link.received.connect(self._handle)
        link.badLine.connect(self._bad_line)
        link.stderrLine.connect(self._on_stderr)
        link.ended.connect(self._conclude)
        link.failedToStart.connect(self._failed_to_start)
        self.link = link
        if self.cancel_flag.is_set():
            self._finish(JobState.CANCELLED, 130, ErrorEvent(code="cancelled", message=""))
            return
        link.start([*(self.command or worker_command()), job_file])

    # -- in-process mode ------------------------------------------------------------------------------------------
    def _run_in_process(self) -> None:
        def emit(data: dict) -> None:
            self._handle(as_event(dict(data)) or LogLine(level="info", message=json.dumps(data, default=str)))

        try:
            code = int(self.runner(dict(self.options), emit, self.cancel_flag.is_set))
        except Exception as exc:  # the runner's bug is an error row, not a crash of the app
            code = 3
            self._handle(ErrorEvent(code="internal_error", message=str(exc),
                                    params={"reason": f"{type(exc).__name__}: {exc}"}, details=traceback.format_exc()))
        if self.cancel_flag.is_set() and code != 0:
            code = 130
        self._conclude(code, crashed=False)

    # -- events ---------------------------------------------------------------------------------------------------
    def _handle(self, ev: Event) -> None:
        if isinstance(ev, (RunResult, ErrorEvent)):
            self._terminal = ev
        self._send(ev)

    def _send(self, ev: Event) -> None:
        if self.runner is not None:  # in-process: the runner blocks this thread, no timer could fire
            self.events.emit([ev])
            return
        self._pending.append(ev)
        if self._flush_timer is None:
            self._flush_timer = QTimer(self)
            self._flush_timer.setSingleShot(True)
            self._flush_timer.setInterval(self.BATCH_MS)
            self._flush_timer.timeout.connect(self._flush)
        if not self._flush_timer.isActive():
            self._flush_timer.start()

    def _flush(self) -> None:
        if self._pending:
            batch, self._pending = self._pending, []
            self.events.emit(batch)

    def _bad_line(self, text: str) -> None:
        self._handle(LogLine(level="info", message=text))

    def _on_stderr(self, line: str) -> None:
        self._stderr.append(line)
        if not any(n in line for n in NOISE):
            self._send(LogLine(level="stderr", message=line))

    def _failed_to_start(self, reason: str) -> None:
        self._finish(JobState.FAILED, -1, ErrorEvent(code="worker_not_started", message="", params={"reason": reason}))

    # -- the outcome ----------------------------------------------------------------------------------------------
    def _conclude(self, exit_code: int, crashed: bool) -> None:
        cancelled = self.cancel_flag.is_set()
        terminal = self._terminal
        error_code = terminal.code if isinstance(terminal, ErrorEvent) else None
        if cancelled and (crashed or exit_code != 0):
            outcome = JobState.CANCELLED
            if error_code != "cancelled":
                self._handle(ErrorEvent(code="cancelled", message="The export was cancelled."))
        elif crashed or exit_code not in EXIT_OUTCOMES or (exit_code != 0 and error_code is None):
            outcome = JobState.CRASHED
            reason = (f"exit code {exit_code}, {SIGNAL_NAMES[exit_code]}" if exit_code in SIGNAL_NAMES
                      else "it crashed" if crashed else f"exit code {exit_code}")
            self._handle(ErrorEvent(code="worker_crashed", message=f"worker stopped: {reason}",
                                    params={"reason": reason}, details="\n".join(self._stderr)))
        elif exit_code == 0 and not isinstance(terminal, RunResult):
            outcome = JobState.CRASHED
            self._handle(ErrorEvent(code="worker_crashed", message="worker ended without a result",
                                    params={"reason": "no result was reported"}, details="\n".join(self._stderr)))
        else:
            outcome = JobState.CANCELLED if error_code == "cancelled" else EXIT_OUTCOMES[exit_code]
        self._finish(outcome, exit_code, None)

    def _finish(self, outcome: JobState, exit_code: int, error: ErrorEvent | None) -> None:
        if self._finished:
            return
        self._finished = True
        if error is not None:
            error.details = "\n".join(self._stderr)
            self._handle(error)
        if self.job_dir:
            shutil.rmtree(self.job_dir, ignore_errors=True)
        self._flush()  # every event before the outcome
        self.done.emit(str(outcome), exit_code)
        QThread.currentThread().quit()

    @Slot()
    def cancel(self) -> None:
        """Runs in the supervisor thread (queued): SIGTERM now, SIGKILL later if needed."""
        self.cancel_flag.set()
        if self.link is None or not self.link.running:
            return
        self.link.terminate()
        QTimer.singleShot(self.kill_after_ms, self._kill_if_running)

    def _kill_if_running(self) -> None:
        if self.link is not None and self.link.running:
            self._handle(LogLine(level="warning",
                                 message=f"worker ignored SIGTERM for {self.kill_after_ms} ms: killed"))
            self.link.kill()


class ExportJob(QObject):
    """One export. Lives in the GUI thread; its signals are always emitted there."""

    started = Signal()
    #: every batch of events, in order, after the signals below were emitted for each (the run view follows these)
    eventsArrived = Signal(list)
    stageStarted = Signal(str, str)
    stageFinished = Signal(str, float, str)
    progress = Signal(float, str, str)
    #: a ``progress`` event of a download: its :class:`app.transfer.Transfer` (bytes, rate, file)
    transferProgress = Signal(object)
    logLine = Signal(str, str)
    planReceived = Signal(object)
    validationRow = Signal(object)
    validationRows = Signal(list)  # the rows of one batch (validationRow is emitted for each as well)
    resultReady = Signal(object)
    errorOccurred = Signal(object)
    finished = Signal(str)
    _cancelRequested = Signal()

    _counter = 0

    def __init__(self, options: dict, *, command: list[str] | None = None, runner: Runner | None = None,
                 kill_after_ms: int = KILL_AFTER_MS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        ExportJob._counter += 1
        self.number = ExportJob._counter
        self.options = dict(options)
        self.command = command
        self.runner = runner
        self.kill_after_ms = kill_after_ms
        self.state = JobState.QUEUED
        self.outcome: JobState | None = None
        self.exit_code: int | None = None
        self.started_at: float | None = None
        self.finished_at: float | None = None
        self.result: RunResult | None = None
        self.error: ErrorEvent | None = None
        self.plan: dict | None = None
        #: the task the inspector resolved for these options (the worker's plan, once it arrives, wins)
        self.expected_task = ""
        self.rows: list[ValidationRow] = []
        self.events: list[Event] = []
        self._thread: QThread | None = None
        self._sup: _Supervisor | None = None

    @property
    def model(self) -> str:
        return str(self.options.get("model", ""))

    @property
    def task(self) -> str:
        """The task being exported: the resolved one once the worker sent its plan (never just "auto")."""
        if self.plan and self.plan.get("task"):
            return str(self.plan["task"])
        return self.expected_task or str(self.options.get("task") or "auto")

    @property
    def kept_folder(self) -> str:
        """Where a run that failed validation left its files (the ``validation_failed`` error's ``kept``), or ""."""
        if self.error is None or self.error.code != "validation_failed":
            return ""
        return str((self.error.params or {}).get("kept") or "")

    @property
    def is_done(self) -> bool:
        return self.state.is_done

    def elapsed(self) -> float:
        if self.started_at is None:
            return 0.0
        return (self.finished_at or time.time()) - self.started_at

    def start(self) -> None:
        if self.state != JobState.QUEUED:
            return
        self.state = JobState.RUNNING
        self.started_at = time.time()
        thread = QThread()
        thread.setObjectName(f"export-job-{self.number}")
        sup = _Supervisor(self.options, self.command, self.runner, self.kill_after_ms)
        sup.moveToThread(thread)
        thread.started.connect(sup.run)
        sup.events.connect(self._on_events)
        sup.done.connect(self._on_done)
        self._cancelRequested.connect(sup.cancel)
        thread.finished.connect(self._on_thread_finished)
        self._thread, self._sup = thread, sup
        thread.start()
        self.started.emit()

    def cancel(self) -> None:
        if self.state == JobState.QUEUED:
            self.state = self.outcome = JobState.CANCELLED
            self.finished_at = time.time()
            self.finished.emit(str(self.state))
        elif self.state == JobState.RUNNING and self._sup is not None:
            self._sup.cancel_flag.set()  # seen at once by an in-process runner
            self._cancelRequested.emit()  # queued to the supervisor thread

    def wait_for_thread(self, ms: int = 3000) -> bool:
        """Only for application exit: join the supervisor thread (its quit never needs the GUI loop)."""
        return self._thread.wait(ms) if self._thread is not None else True

    # -- from the supervisor (queued into the GUI thread) ---------------------------------------------------------
    def _on_events(self, batch: list) -> None:
        rows: list[ValidationRow] = []
        for ev in batch:
            if isinstance(ev, ValidationRow):
                rows.append(ev)
            elif rows:  # keep the order: the rows before this event are announced first
                self.validationRows.emit(rows)
                rows = []
            self._on_event(ev)
        if rows:
            self.validationRows.emit(rows)
        self.eventsArrived.emit(batch)

    def _on_event(self, ev: Event) -> None:
        self.events.append(ev)
        match ev:
            case StageStarted():
                self.stageStarted.emit(str(ev.stage), str(ev.detail or ""))
            case StageFinished():
                self.stageFinished.emit(str(ev.stage), float(ev.seconds or 0.0), str(ev.detail or ""))
            case Progress():
                self.progress.emit(float(ev.fraction or 0.0), str(ev.stage or ""), str(ev.message or ""))
                transfer = Transfer.from_progress(ev)
                if transfer is not None:
                    self.transferProgress.emit(transfer)
            case LogLine():
                self.logLine.emit(str(ev.level or "info"), str(ev.message or ""))
            case PlanReady():
                self.plan = ev.plan if isinstance(ev.plan, dict) else None
                if self.plan is not None:
                    self.planReceived.emit(self.plan)
            case ValidationRow():
                self.rows.append(ev)
                self.validationRow.emit(ev)
            case RunResult():
                self.result = ev
                self.resultReady.emit(ev)
            case ErrorEvent():
                self.error = ev
                self.errorOccurred.emit(ev)

    def _on_done(self, outcome: str, exit_code: int) -> None:
        self.outcome, self.exit_code = JobState(outcome), exit_code

    def _on_thread_finished(self) -> None:
        self.finished_at = time.time()
        self.state = self.outcome or JobState.CRASHED
        thread, sup = self._thread, self._sup
        self._sup = None
        if sup is not None:
            sup.deleteLater()
        if thread is not None:
            thread.deleteLater()
        self._thread = None
        self.finished.emit(str(self.state))


class ExportQueue(QObject):
    """Runs export jobs one at a time, in the order they were added."""

    jobAdded = Signal(object)
    jobStarted = Signal(object)
    jobFinished = Signal(object)
    changed = Signal()

    def __init__(self, parent: QObject | None = None, *, command: list[str] | None = None,
                 runner: Runner | None = None) -> None:
        super().__init__(parent)
        self.command = command
        self.runner = runner
        self.jobs: list[ExportJob] = []

    @property
    def running(self) -> ExportJob | None:
        return next((j for j in self.jobs if j.state == JobState.RUNNING), None)

    def pending(self) -> list[ExportJob]:
        return [j for j in self.jobs if j.state == JobState.QUEUED]

    def enqueue(self, options: dict) -> ExportJob:
        job = ExportJob(options, command=self.command, runner=self.runner, parent=self)
        job.finished.connect(lambda _outcome, j=job: self._on_finished(j))
        self.jobs.append(job)
        self.jobAdded.emit(job)
        self.changed.emit()
        QTimer.singleShot(0, self._start_next)
        return job

    def cancel(self, job: ExportJob) -> None:
        job.cancel()
        self.changed.emit()

    def cancel_all(self) -> None:
        for job in list(self.jobs):
            if not job.is_done:
                job.cancel()

    def clear_finished(self) -> None:
        self.jobs = [j for j in self.jobs if not j.is_done]
        self.changed.emit()

    def _start_next(self) -> None:
        if self.running is not None:
            return
        nxt = next(iter(self.pending()), None)
        if nxt is None:
            return
        nxt.start()
        self.jobStarted.emit(nxt)
        self.changed.emit()

    def _on_finished(self, job: ExportJob) -> None:
        self.jobFinished.emit(job)
        self.changed.emit()
        QTimer.singleShot(0, self._start_next)

    def shutdown(self, ms: int = 3000) -> None:
        """At application exit: cancel everything and join the supervisor threads."""
        self.cancel_all()
        deadline = time.time() + ms / 1000
        for job in self.jobs:
            job.wait_for_thread(max(0, int((deadline - time.time()) * 1000)))
