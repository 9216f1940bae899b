"""Export jobs: a QThread supervises one ``exportcore.worker`` child process; its JSON-lines events become signals.

The GUI thread never waits on the child: the supervisor lives in its own QThread (with an event loop), owns the
QProcess, parses stdout there, and forwards each event as a queued signal. Cancel sends SIGTERM, then kills the
child if it is still there after ``KILL_AFTER_MS`` (well within 2 s). A child that crashes or exits without saying
why becomes a ``worker_crashed`` error — the window carries on. :class:`ExportQueue` runs several jobs one after
another. An *in-process* mode (``runner=``) runs a callable in the supervisor thread instead of a child process
(tests; the production app always uses the child process: FACTS.md measured 285 ms GUI stalls otherwise).
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
from typing import Any, Callable

from PySide6.QtCore import (
    QModelIndex, QObject, QPersistentModelIndex, QProcess, Qt, QThread,
    QTimer, Signal, Slot,
)
from PySide6.QtGui import QColor

from .qt_util import ListTableModel, child_process
from .paths import worker_command
from .transfer import Transfer

KILL_AFTER_MS = 1500
#: stderr lines that are known noise (FACTS.md) and are not shown in the log pane.
NOISE = ("TracerWarning", "torchvision is not installed", "[torch.onnx]", "warnings.warn(")
EVENT_KINDS = ("stage_started", "stage_finished", "progress", "log", "plan", "validation_row", "result", "error")
#: outcome per worker exit status (docs/interfaces.md)
EXIT_OUTCOMES = {0: "succeeded", 1: "validation_failed", 2: "failed", 3: "failed", 130: "cancelled"}
SIGNAL_NAMES = {134: "aborted", 135: "bus error", 136: "floating point exception", 137: "killed",
                139: "segmentation fault", 143: "terminated"}

Emit = Callable[[dict], None]
Runner = Callable[[dict, Emit, Callable[[], bool]], int]


class _Supervisor(QObject):
    """Lives in the job's QThread. Runs the child (or the in-process runner) and reports events."""

    events = Signal(list)  # a batch, in order
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
        self.proc: QProcess | None = None
        self.job_dir = ""
        self._buffer = b""
        self._terminal: dict | None = None  # the last result/error event
        self._stderr: deque[str] = deque(maxlen=80)
        self._finished = False
        self._pending: list[dict] = []
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
        proc = child_process(self)
        proc.readyReadStandardOutput.connect(self._on_stdout)
        proc.readyReadStandardError.connect(self._on_stderr)
        proc.finished.connect(self._on_finished)
        proc.errorOccurred.connect(self._on_error)
        self.proc = proc
        command = list(self.command or worker_command())
        if self.cancel_flag.is_set():
            self._finish("cancelled", 130, {"code": "cancelled", "params": {}})
            return
        proc.start(command[0], [*command[1:], job_file])

    # -- in-process mode ------------------------------------------------------------------------------------------
    def _run_in_process(self) -> None:
        def emit(ev: dict) -> None:
            self._handle(dict(ev))

        try:
            code = int(self.runner(dict(self.options), emit, self.cancel_flag.is_set))
        except Exception as exc:  # the runner's bug is an error row, not a crash of the app
            code = 3
            self._handle({"event": "error", "code": "internal_error", "message": str(exc),
                          "params": {"reason": f"{type(exc).__name__}: {exc}"}, "details": traceback.format_exc()})
        if self.cancel_flag.is_set() and code != 0:
            code = 130
        self._conclude(code, crashed=False)

    # -- child process I/O ----------------------------------------------------------------------------------------
    def _on_stdout(self) -> None:
        if self.proc is None:
            return
        self._buffer += bytes(self.proc.readAllStandardOutput().data())
        *lines, self._buffer = self._buffer.split(b"\n")
        for raw in lines:
            self._parse(raw)

    def _parse(self, raw: bytes) -> None:
        raw = raw.strip()
        if not raw:
            return
        try:
            ev = json.loads(raw)
        except ValueError:
            ev = None
        if not isinstance(ev, dict) or ev.get("event") not in EVENT_KINDS:
            self._handle({"event": "log", "level": "info", "message": raw.decode("utf-8", "replace")})
            return
        self._handle(ev)

    def _handle(self, ev: dict) -> None:
        if ev.get("event") in ("result", "error"):
            self._terminal = ev
        self._send(ev)

    def _send(self, ev: dict) -> None:
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

    def _on_stderr(self) -> None:
        if self.proc is None:
            return
        text = bytes(self.proc.readAllStandardError().data()).decode("utf-8", "replace")
        for line in text.splitlines():
            if not line.strip():
                continue
            self._stderr.append(line)
            if not any(n in line for n in NOISE):
                self._send({"event": "log", "level": "stderr", "message": line})

    def _on_error(self, error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart:
            self._finish("failed", -1, {"code": "worker_not_started",
                                        "params": {"reason": self.proc.errorString() if self.proc else "?"}})

    def _on_finished(self, exit_code: int, status: QProcess.ExitStatus) -> None:
        if self.proc is not None and self._buffer:
            self._parse(self._buffer)
            self._buffer = b""
        self._conclude(exit_code, crashed=status == QProcess.ExitStatus.CrashExit)

    def _conclude(self, exit_code: int, crashed: bool) -> None:
        cancelled = self.cancel_flag.is_set()
        terminal = self._terminal or {}
        if cancelled and (crashed or exit_code != 0):
            outcome = "cancelled"
            if terminal.get("code") != "cancelled":
                self._handle({"event": "error", "code": "cancelled", "message": "The export was cancelled.",
                              "params": {}, "details": ""})
        elif crashed or exit_code not in EXIT_OUTCOMES or (exit_code != 0 and terminal.get("event") != "error"):
            outcome = "crashed"
            reason = (f"exit code {exit_code}, {SIGNAL_NAMES[exit_code]}" if exit_code in SIGNAL_NAMES
                      else "it crashed" if crashed else f"exit code {exit_code}")
            self._handle({"event": "error", "code": "worker_crashed", "message": f"worker stopped: {reason}",
                          "params": {"reason": reason}, "details": "\n".join(self._stderr)})
        elif exit_code == 0 and terminal.get("event") != "result":
            outcome = "crashed"
            self._handle({"event": "error", "code": "worker_crashed", "message": "worker ended without a result",
                          "params": {"reason": "no result was reported"}, "details": "\n".join(self._stderr)})
        else:
            outcome = EXIT_OUTCOMES[exit_code]
            if terminal.get("code") == "cancelled":
                outcome = "cancelled"
        self._finish(outcome, exit_code, None)

    def _finish(self, outcome: str, exit_code: int, error: dict | None) -> None:
        if self._finished:
            return
        self._finished = True
        if error is not None:
            self._handle({"event": "error", "message": "", "details": "\n".join(self._stderr), **error})
        if self.job_dir:
            shutil.rmtree(self.job_dir, ignore_errors=True)
        self._flush()  # every event before the outcome
        self.done.emit(outcome, exit_code)
        QThread.currentThread().quit()

    @Slot()
    def cancel(self) -> None:
        """Runs in the supervisor thread (queued): SIGTERM now, SIGKILL later if needed."""
        self.cancel_flag.set()
        proc = self.proc
        if proc is None or proc.state() == QProcess.ProcessState.NotRunning:
            return
        proc.terminate()
        QTimer.singleShot(self.kill_after_ms, self._kill_if_running)

    def _kill_if_running(self) -> None:
        if self.proc is not None and self.proc.state() != QProcess.ProcessState.NotRunning:
            self._handle({"event": "log", "level": "warning",
                          "message": f"worker ignored SIGTERM for {self.kill_after_ms} ms: killed"})
            self.proc.kill()


class ExportJob(QObject):
    """One export. Lives in the GUI thread; its signals are always emitted there."""

    started = Signal()
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
        self.state = "queued"  # queued, running, succeeded, validation_failed, failed, cancelled, crashed
        self.outcome = ""
        self.exit_code: int | None = None
        self.started_at: float | None = None
        self.finished_at: float | None = None
        self.result: dict | None = None
        self.error: dict | None = None
        self.plan: dict | None = None
        #: the task the inspector resolved for these options (the worker's plan, once it arrives, wins)
        self.expected_task = ""
        self.rows: list[dict] = []
        self.events: list[dict] = []
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
        error = self.error or {}
        if error.get("code") != "validation_failed":
            return ""
        return str((error.get("params") or {}).get("kept") or "")

    @property
    def is_done(self) -> bool:
        return self.state not in ("queued", "running")

    def elapsed(self) -> float:
        if self.started_at is None:
            return 0.0
        return (self.finished_at or time.time()) - self.started_at

    def start(self) -> None:
        if self.state != "queued":
            return
        self.state = "running"
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
        if self.state == "queued":
            self.state = self.outcome = "cancelled"
            self.finished_at = time.time()
            self.finished.emit("cancelled")
        elif self.state == "running" and self._sup is not None:
            self._sup.cancel_flag.set()  # seen at once by an in-process runner
            self._cancelRequested.emit()  # queued to the supervisor thread

    def wait_for_thread(self, ms: int = 3000) -> bool:
        """Only for application exit: join the supervisor thread (its quit never needs the GUI loop)."""
        return self._thread.wait(ms) if self._thread is not None else True

    # -- from the supervisor (queued into the GUI thread) ---------------------------------------------------------
    def _on_events(self, batch: list) -> None:
        rows: list[dict] = []
        for ev in batch:
            if ev.get("event") == "validation_row":
                rows.append(ev)
            elif rows:  # keep the order: the rows before this event are announced first
                self.validationRows.emit(rows)
                rows = []
            self._on_event(ev)
        if rows:
            self.validationRows.emit(rows)

    def _on_event(self, ev: dict) -> None:
        self.events.append(ev)
        kind = ev.get("event")
        if kind == "stage_started":
            self.stageStarted.emit(str(ev.get("stage", "")), str(ev.get("detail", "")))
        elif kind == "stage_finished":
            self.stageFinished.emit(str(ev.get("stage", "")), float(ev.get("seconds") or 0.0), str(ev.get("detail", "")))
        elif kind == "progress":
            self.progress.emit(float(ev.get("fraction") or 0.0), str(ev.get("stage", "")), str(ev.get("message", "")))
            transfer = Transfer.from_event(ev)
            if transfer is not None:
                self.transferProgress.emit(transfer)
        elif kind == "log":
            self.logLine.emit(str(ev.get("level", "info")), str(ev.get("message", "")))
        elif kind == "plan":
            self.plan = ev.get("plan") if isinstance(ev.get("plan"), dict) else None
            if self.plan is not None:
                self.planReceived.emit(self.plan)
        elif kind == "validation_row":
            self.rows.append(ev)
            self.validationRow.emit(ev)
        elif kind == "result":
            self.result = ev
            self.resultReady.emit(ev)
        elif kind == "error":
            self.error = ev
            self.errorOccurred.emit(ev)

    def _on_done(self, outcome: str, exit_code: int) -> None:
        self.outcome, self.exit_code = outcome, exit_code

    def _on_thread_finished(self) -> None:
        self.finished_at = time.time()
        self.state = self.outcome or "crashed"
        thread, sup = self._thread, self._sup
        self._sup = None
        if sup is not None:
            sup.deleteLater()
        if thread is not None:
            thread.deleteLater()
        self._thread = None
        self.finished.emit(self.state)


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
        return next((j for j in self.jobs if j.state == "running"), None)

    def pending(self) -> list[ExportJob]:
        return [j for j in self.jobs if j.state == "queued"]

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


STATE_COLOURS = {
    "queued": "#757575", "running": "#1565c0", "succeeded": "#2e7d32", "validation_failed": "#c62828",
    "failed": "#c62828", "crashed": "#c62828", "cancelled": "#ef6c00",
}


class QueueModel(ListTableModel):
    """The export queue: #, model, task, state, elapsed."""

    COLUMNS = 5

    def __init__(self, queue: ExportQueue, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.queue = queue
        self._jobs: list[ExportJob] = []
        queue.changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        jobs = list(self.queue.jobs)
        if [id(j) for j in jobs] != [id(j) for j in self._jobs]:
            self.beginResetModel()
            self._jobs = jobs
            self.endResetModel()
        elif jobs:
            self.dataChanged.emit(self.index(0, 0), self.index(len(jobs) - 1, self.COLUMNS - 1))

    def job(self, row: int) -> ExportJob:
        return self._jobs[row]

    def row_items(self) -> list[ExportJob]:
        return self._jobs

    def headers(self) -> tuple[str, ...]:
        return ("#", self.tr("Model"), self.tr("Task"), self.tr("State"), self.tr("Time"))

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._jobs):
            return None
        job = self._jobs[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return str(job.number)
            if col == 1:
                return job.model
            if col == 2:
                return job.task
            if col == 3:
                return state_text(job.state)
            if col == 4:
                return f"{job.elapsed():.1f} s" if job.started_at else ""
        if role == Qt.ItemDataRole.ForegroundRole and col == 3:
            return QColor(STATE_COLOURS.get(job.state, "#000000"))
        if role == Qt.ItemDataRole.ToolTipRole and col == 1:
            return str(job.options.get("output_dir", ""))
        return None

    def retranslate(self) -> None:
        self.retranslate_header()
        self.refresh()


def state_text(state: str) -> str:
    from PySide6.QtCore import QCoreApplication

    return {
        "queued": QCoreApplication.translate("JobState", "queued"),
        "running": QCoreApplication.translate("JobState", "running"),
        "succeeded": QCoreApplication.translate("JobState", "succeeded"),
        "validation_failed": QCoreApplication.translate("JobState", "validation failed"),
        "failed": QCoreApplication.translate("JobState", "failed"),
        "crashed": QCoreApplication.translate("JobState", "crashed"),
        "cancelled": QCoreApplication.translate("JobState", "cancelled"),
    }.get(state, state)
