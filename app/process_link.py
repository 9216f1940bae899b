"""A child process that answers in JSON lines on stdout: the one place the app splits, decodes and checks them.

The app's three supervisors talk to their children through a :class:`ProcessLink`: the export worker (its lines are
``exportcore.events``, turned into typed events here), the inspect helper (replies to requests) and the warm export
engine (its ``ready`` announcement), the last two as plain dicts (docs/interfaces.md). A line arrives only once its
newline did; what a child leaves without one when it ends is read as a last line, so a child that dies mid-line
gives a bad line, never a half message. stderr is free-form: its lines are passed on, never parsed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QProcess, QProcessEnvironment, Signal

from exportcore.events import EVENT_TYPES, Event, event_from_dict

from .paths import child_environment


def child_process(parent: QObject) -> QProcess:
    """A QProcess with the child environment (unbuffered output, our sources importable from a checkout)."""
    proc = QProcess(parent)
    env = QProcessEnvironment()
    for key, value in child_environment().items():
        env.insert(key, value)
    proc.setProcessEnvironment(env)
    return proc


def as_event(data: dict[str, Any]) -> Event | None:
    """A worker's message as its typed event; None when it is none (an unknown kind, a field missing)."""
    if data.get("event") not in EVENT_TYPES:
        return None
    try:
        return event_from_dict(data)
    except TypeError:
        return None


class _Lines:
    """Bytes in, whole lines out; what follows the last newline waits for the rest of its line."""

    def __init__(self) -> None:
        self.rest = b""

    def feed(self, data: bytes) -> list[bytes]:
        *lines, self.rest = (self.rest + data).split(b"\n")
        return lines

    def flush(self) -> bytes:
        rest, self.rest = self.rest, b""
        return rest


class ProcessLink(QObject):
    """One child process and its stdout as JSON messages. ``events=True``: messages are ``exportcore.events``
    objects, and a JSON line that is no event is a bad line."""

    #: one message: a dict, or with ``events=True`` an :class:`exportcore.events.Event`
    received = Signal(object)
    #: a stdout line that is not a message (not JSON, not an object, not an event), as text
    badLine = Signal(str)
    #: one line of stderr
    stderrLine = Signal(str)
    #: the child ended (exit code, crashed), after its last line was delivered
    ended = Signal(int, bool)
    #: the child could not be started (QProcess's reason)
    failedToStart = Signal(str)

    def __init__(self, parent: QObject | None = None, *, events: bool = False) -> None:
        super().__init__(parent)
        self.events = events
        self.proc: QProcess | None = None
        self._stdout = _Lines()
        self._stderr = _Lines()

    # -- control --------------------------------------------------------------------------------------------------
    def start(self, command: Sequence[str]) -> None:
        proc = child_process(self)
        proc.readyReadStandardOutput.connect(self._read_stdout)
        proc.readyReadStandardError.connect(self._read_stderr)
        proc.finished.connect(self._finished)
        proc.errorOccurred.connect(self._error)
        self.proc, self._stdout, self._stderr = proc, _Lines(), _Lines()
        proc.start(command[0], list(command[1:]))

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.state() != QProcess.ProcessState.NotRunning

    def send(self, message: dict[str, Any]) -> None:
        """One message to the child's stdin, as one line."""
        if self.proc is not None:
            self.proc.write((json.dumps(message, ensure_ascii=False) + "\n").encode("utf-8"))

    def close_input(self) -> None:
        if self.proc is not None:
            self.proc.closeWriteChannel()

    def terminate(self) -> None:
        if self.running:
            self.proc.terminate()

    def kill(self) -> None:
        if self.running:
            self.proc.kill()

    def wait_for_finished(self, ms: int) -> bool:
        """Block up to ``ms`` for the child to end (application exit only)."""
        return self.proc is None or self.proc.waitForFinished(ms)

    def error_text(self) -> str:
        return self.proc.errorString() if self.proc is not None else "?"

    # -- reading --------------------------------------------------------------------------------------------------
    def _read_stdout(self) -> None:
        if self.proc is not None:
            for raw in self._stdout.feed(bytes(self.proc.readAllStandardOutput().data())):
                self._line(raw)

    def _read_stderr(self) -> None:
        if self.proc is not None:
            for raw in self._stderr.feed(bytes(self.proc.readAllStandardError().data())):
                self._stderr_line(raw)

    def _line(self, raw: bytes) -> None:
        raw = raw.strip()
        if not raw:
            return
        try:
            message = json.loads(raw)
        except ValueError:
            message = None
        if isinstance(message, dict) and self.events:
            message = as_event(message)
        if message is None or not isinstance(message, (dict, Event)):
            self.badLine.emit(raw.decode("utf-8", "replace"))
            return
        self.received.emit(message)

    def _stderr_line(self, raw: bytes) -> None:
        text = raw.decode("utf-8", "replace").rstrip()
        if text.strip():
            self.stderrLine.emit(text)

    def _drain(self) -> None:
        """What the child wrote last, a line without its newline included."""
        self._read_stdout()
        self._read_stderr()
        self._line(self._stdout.flush())
        self._stderr_line(self._stderr.flush())

    def _finished(self, exit_code: int, status: QProcess.ExitStatus) -> None:
        if not shiboken6.isValid(self):  # the link went away with its owner (QProcess's destructor)
            return
        self._drain()
        self.ended.emit(exit_code, status == QProcess.ExitStatus.CrashExit)

    def _error(self, error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart and shiboken6.isValid(self):
            self.failedToStart.emit(self.error_text())
