"""The warm export engine: ``exportcore serve`` running beside the window, so that exports skip 4–5 s of imports.

Export workers find the engine by themselves (``exportcore.server.delegate``) and run in a process forked from it;
this class only starts it, ends it with the window (EOF on its stdin) and reports its state. If it cannot start,
exports run as before, importing everything themselves. It costs ≈ 400 MB of memory while the app runs, which is
why the user can turn it off (View ▸ Keep the export engine loaded).
"""

from __future__ import annotations

import json
import os

import shiboken6
from PySide6.QtCore import QObject, QProcess, QTimer, Signal

from .paths import engine_command
from .qt_util import child_process

STATES = ("stopped", "starting", "ready", "failed")


class ExportEngine(QObject):
    stateChanged = Signal(str)

    def __init__(self, command: list[str] | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.command = command or engine_command()
        self.state = "stopped"
        self.load_seconds: float | None = None
        self._proc: QProcess | None = None
        self._buffer = b""
        self._external_socket: str | None = None
        self._watch = QTimer(self)
        self._watch.setInterval(3000)
        self._watch.timeout.connect(self._check_external)

    def start(self) -> None:
        if self._proc is not None:
            return
        proc = child_process(self)
        proc.readyReadStandardOutput.connect(self._on_stdout)
        proc.errorOccurred.connect(lambda _error, p=proc: self._finished(p))
        proc.finished.connect(lambda *_, p=proc: self._finished(p))
        self._proc = proc
        self._buffer = b""
        self._set_state("starting")
        proc.start(self.command[0], [*self.command[1:], "serve", "--exit-with-stdin"])

    def _check_external(self) -> None:
        if self._external_socket and not os.path.exists(self._external_socket):
            self._watch.stop()
            self._external_socket = None
            self._proc = None
            self.start()

    def stop(self) -> None:
        """End the engine: EOF on its stdin (it removes its socket and exits), killed if still there after 3 s."""
        self._watch.stop()
        self._external_socket = None
        proc, self._proc = self._proc, None
        if proc is not None and proc.state() != QProcess.ProcessState.NotRunning:
            proc.closeWriteChannel()
            QTimer.singleShot(3000, proc.kill)
        self._set_state("stopped")

    def shutdown_now(self) -> None:
        """At application exit: still loading, it has no socket yet and is killed at once; serving, it gets EOF on
        its stdin and up to 2.5 s to remove its socket (it checks every second)."""
        self._watch.stop()
        proc, self._proc = self._proc, None
        if proc is None or proc.state() == QProcess.ProcessState.NotRunning:
            return
        if self.state == "ready":
            proc.closeWriteChannel()
            if proc.waitForFinished(2500):
                return
        proc.kill()
        proc.waitForFinished(1000)

    @property
    def is_ready(self) -> bool:
        return self.state == "ready"

    def _on_stdout(self) -> None:
        if self._proc is None:
            return
        self._buffer += bytes(self._proc.readAllStandardOutput())
        while b"\n" in self._buffer:
            line, self._buffer = self._buffer.split(b"\n", 1)
            try:
                message = json.loads(line)
            except ValueError:
                continue
            if message.get("ready"):
                self.load_seconds = message.get("seconds")
                self._set_state("ready")
            elif message.get("reason") == "already running":
                # One started elsewhere (a terminal, another window, ours just being stopped) serves us too; once
                # its socket is gone, start our own.
                self._external_socket = message.get("socket")
                self._watch.start()
                self._set_state("ready")

    def _finished(self, proc: QProcess) -> None:
        if proc is not self._proc or not shiboken6.isValid(proc):
            return  # an engine we stopped or replaced, or one going away with its window (QProcess's destructor)
        if self.state != "ready" or proc.exitCode() != 0:
            self._set_state("failed")

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.stateChanged.emit(state)
