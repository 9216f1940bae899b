"""The warm export engine: ``exportcore serve`` running beside the window, so that exports skip 4–5 s of imports.

Export workers find the engine by themselves (``exportcore.server.delegate``) and run in a process forked from it;
this class only starts it, ends it with the window (EOF on its stdin) and reports its state. If it cannot start,
exports run as before, importing everything themselves. It costs ≈ 400 MB of memory while the app runs, which is
why the user can turn it off (View ▸ Keep the export engine loaded).
"""

from __future__ import annotations

import os

from PySide6.QtCore import QObject, QTimer, Signal

from .paths import engine_command
from .process_link import ProcessLink

STATES = ("stopped", "starting", "ready", "failed")


class ExportEngine(QObject):
    stateChanged = Signal(str)

    def __init__(self, command: list[str] | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.command = command or engine_command()
        self.state = "stopped"
        self.load_seconds: float | None = None
        self._link: ProcessLink | None = None
        self._external_socket: str | None = None
        self._watch = QTimer(self)
        self._watch.setInterval(3000)
        self._watch.timeout.connect(self._check_external)

    def start(self) -> None:
        if self._link is not None:
            return
        link = ProcessLink(self)
        link.received.connect(self._announced)
        link.ended.connect(self._ended)
        link.failedToStart.connect(lambda _reason: self._set_state("failed"))
        self._link = link
        self._set_state("starting")
        link.start([*self.command, "serve", "--exit-with-stdin"])

    def _check_external(self) -> None:
        if self._external_socket and not os.path.exists(self._external_socket):
            self._watch.stop()
            self._external_socket = None
            self._forget_link()
            self.start()

    def stop(self) -> None:
        """End the engine: EOF on its stdin (it removes its socket and exits), killed if still there after 3 s."""
        self._watch.stop()
        self._external_socket = None
        link = self._forget_link()
        if link is not None and link.running:
            link.close_input()
            QTimer.singleShot(3000, link.kill)
        self._set_state("stopped")

    def shutdown_now(self) -> None:
        """At application exit: still loading, it has no socket yet and is killed at once; serving, it gets EOF on
        its stdin and up to 2.5 s to remove its socket (it checks every second)."""
        self._watch.stop()
        link = self._forget_link()
        if link is None or not link.running:
            return
        if self.state == "ready":
            link.close_input()
            if link.wait_for_finished(2500):
                return
        link.kill()
        link.wait_for_finished(1000)

    def _forget_link(self) -> ProcessLink | None:
        """The engine process we no longer follow: its last words (an exit, a failure) are not ours to report."""
        link, self._link = self._link, None
        if link is not None:
            link.blockSignals(True)
        return link

    @property
    def is_ready(self) -> bool:
        return self.state == "ready"

    def _announced(self, message: dict) -> None:
        if message.get("ready"):
            self.load_seconds = message.get("seconds")
            self._set_state("ready")
        elif message.get("reason") == "already running":
            # One started elsewhere (a terminal, another window, ours just being stopped) serves us too; once
            # its socket is gone, start our own.
            self._external_socket = message.get("socket")
            self._watch.start()
            self._set_state("ready")

    def _ended(self, exit_code: int, crashed: bool) -> None:
        if self.state != "ready" or exit_code != 0 or crashed:
            self._set_state("failed")

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.stateChanged.emit(state)
