"""Client of the warm inspect helper (``python -m exportcore.inspect_server``), entirely asynchronous.

The helper imports torch/transformers once (seconds), prints ``{"ready": true}``, then answers one JSON request per
line in milliseconds. This client starts it at launch, reports "warming up" until ready, and sends inspection
requests with *newest wins* semantics: at most one request is in flight; while it runs, further requests replace
each other, and only the newest is sent next. A reply that is no longer the newest request is dropped. Identical
requests are answered from a small cache. A helper that dies is restarted (a few times) and the pending request is
sent again. Nothing here blocks the GUI thread: QProcess signals only.
"""

from __future__ import annotations

import json
import time
from collections import OrderedDict, deque
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from .paths import inspect_server_command
from .process_link import ProcessLink

STATES = ("stopped", "starting", "warming", "ready", "failed")


class InspectClient(QObject):
    stateChanged = Signal(str)
    #: request id, plan document, the request (model, options)
    planReady = Signal(int, object, object)
    #: request id, error object {code, message, next_step, params}, the request
    inspectFailed = Signal(int, object, object)
    #: a request was accepted (the inspector may show "updating…")
    busyChanged = Signal(bool)
    #: request id, pre-flight document (exportcore.preflight.Preflight.to_dict()), the request
    preflightReady = Signal(int, object, object)
    #: request id, error object, the request
    preflightFailed = Signal(int, object, object)

    def __init__(self, command: list[str] | None = None, parent: QObject | None = None, *, max_restarts: int = 3,
                 cache_size: int = 64, warmup_model: str | None = "demo:tiny-bert") -> None:
        super().__init__(parent)
        #: inspected once after ``{"ready": true}`` (the helper's first real inspection loads ~3 s of modules);
        #: the client reports "ready" only when that answer is back.
        self.warmup_model = warmup_model
        self._warmup_id: int | None = None
        self.command = list(command) if command else inspect_server_command()
        self.state = "stopped"
        self.warmup_seconds: float | None = None
        self.last_latency: float | None = None
        self.stderr_tail: deque[str] = deque(maxlen=60)
        self._link: ProcessLink | None = None
        self._next_id = 0
        self._newest: tuple[int, dict] | None = None  # the request the user wants answered
        self._preflight: tuple[int, dict] | None = None  # the newest pre-flight asked for (after inspections)
        self._in_flight: tuple[int, dict, float] | None = None
        self._cache: OrderedDict[str, dict] = OrderedDict()
        self._cache_size = cache_size
        self._restarts = 0
        self._max_restarts = max_restarts
        self._stopping = False
        self._started_at = 0.0

    # -- lifecycle ------------------------------------------------------------------------------------------------
    def start(self) -> None:
        if self._link is not None:
            return
        self._stopping = False
        link = ProcessLink(self)
        link.received.connect(self._handle)
        link.badLine.connect(self.stderr_tail.append)  # a helper's stdout is the protocol: anything else is noise
        link.stderrLine.connect(self.stderr_tail.append)
        link.failedToStart.connect(self._failed_to_start)
        link.ended.connect(self._ended)
        self._link = link
        self._started_at = time.perf_counter()
        self._set_state("starting")
        link.start(self.command)
        self._set_state("warming")

    def stop(self) -> None:
        """Ask the helper to quit (EOF + quit command); kill it if it has not gone after 1 s. Never waits."""
        self._stopping = True
        link = self._link
        if link is None:
            return
        if link.running:
            link.send({"id": -1, "cmd": "quit"})
            link.close_input()
            QTimer.singleShot(1000, link.kill)
        self._set_state("stopped")

    def shutdown_now(self) -> None:
        """At application exit: end the helper at once."""
        self._stopping = True
        if self._link is not None and self._link.running:
            self._link.kill()
            self._link.wait_for_finished(1000)

    @property
    def is_ready(self) -> bool:
        return self.state == "ready"

    # -- requests -------------------------------------------------------------------------------------------------
    def inspect(self, model: str, options: dict[str, Any] | None = None, pipeline_tag: str | None = None) -> int:
        """Queue an inspection; returns its id. Only the newest request's answer is ever emitted. ``pipeline_tag``:
        the Hub's, when the app knows it (a Hub model opened from its downloaded folder)."""
        self._next_id += 1
        request = {"model": model, "options": _clean(options or {})}
        if pipeline_tag:
            request["pipeline_tag"] = pipeline_tag
        key = _key(request)
        if key in self._cache:
            self._cache.move_to_end(key)
            self._newest = None
            rid = self._next_id
            plan = self._cache[key]
            self.last_latency = 0.0
            QTimer.singleShot(0, lambda: self._emit_cached(rid, plan, request))
            self._newest = (rid, request)
            return rid
        self._newest = (self._next_id, request)
        self.busyChanged.emit(True)
        self._pump()
        return self._next_id

    def preflight(self, model: str, options: dict[str, Any], pipeline_tag: str | None = None) -> int:
        """Queue the pre-flight of an export (``options``: ExportOptions fields, output folder included). Inspections
        go first (the helper answers one request at a time and a pre-flight may wait on the Hub); only the newest
        pre-flight is sent and answered. Never cached: disk space and memory change."""
        self._next_id += 1
        request = {"cmd": "preflight", "model": model,
                   "options": {k: v for k, v in options.items() if k != "model"}}
        if pipeline_tag:
            request["pipeline_tag"] = pipeline_tag
        self._preflight = (self._next_id, request)
        self._pump()
        return self._next_id

    def _emit_cached(self, rid: int, plan: dict, request: dict) -> None:
        if self._newest and self._newest[0] == rid:
            self._newest = None
            self.planReady.emit(rid, plan, request)
            if self._in_flight is None:
                self.busyChanged.emit(False)

    def _pump(self) -> None:
        if self.state != "ready" or self._in_flight is not None or self._link is None:
            return
        if self._newest is not None:
            rid, request = self._newest
        elif self._preflight is not None:
            rid, request = self._preflight
        else:
            return
        self._in_flight = (rid, request, time.perf_counter())
        self._link.send({"id": rid, **request})

    # -- replies --------------------------------------------------------------------------------------------------
    def _handle(self, msg: dict) -> None:
        if msg.get("ready"):
            if self.warmup_model and self._link is not None:
                self._next_id += 1
                self._warmup_id = self._next_id
                request = {"model": self.warmup_model, "options": {}}
                self._in_flight = (self._warmup_id, request, time.perf_counter())
                self._link.send({"id": self._warmup_id, **request})
            else:
                self._became_ready()
            return
        if self._in_flight is None or msg.get("id") != self._in_flight[0]:
            return  # a stale answer
        if msg.get("id") == self._warmup_id:
            self._in_flight = None
            self._warmup_id = None
            if isinstance(msg.get("plan"), dict):
                self._remember({"model": self.warmup_model, "options": {}}, msg["plan"])
            self._became_ready()
            return
        rid, request, sent = self._in_flight
        self._in_flight = None
        if request.get("cmd") == "preflight":
            self._preflight_answer(rid, request, msg)
            self._pump()
            return
        self.last_latency = time.perf_counter() - sent
        newest = self._newest is not None and self._newest[0] == rid
        if "plan" in msg and isinstance(msg["plan"], dict):
            self._remember(request, msg["plan"])
            if newest:
                self._newest = None
                self.planReady.emit(rid, msg["plan"], request)
        elif newest:
            self._newest = None
            error = msg.get("error") if isinstance(msg.get("error"), dict) else {"code": "internal_error",
                                                                                  "params": {"reason": "bad reply"}}
            self.inspectFailed.emit(rid, error, request)
        if self._newest is None:
            self.busyChanged.emit(False)
        self._pump()

    def _preflight_answer(self, rid: int, request: dict, msg: dict) -> None:
        if self._preflight is None or self._preflight[0] != rid:
            return  # a newer pre-flight was asked for meanwhile
        self._preflight = None
        if isinstance(msg.get("preflight"), dict):
            self.preflightReady.emit(rid, msg["preflight"], request)
        else:
            error = msg.get("error") if isinstance(msg.get("error"), dict) else {"code": "internal_error",
                                                                                  "params": {"reason": "bad reply"}}
            self.preflightFailed.emit(rid, error, request)

    def _became_ready(self) -> None:
        self.warmup_seconds = time.perf_counter() - self._started_at
        self._restarts = 0
        self._set_state("ready")
        self._pump()

    def _remember(self, request: dict, plan: dict) -> None:
        self._cache[_key(request)] = plan
        while len(self._cache) > self._cache_size:
            self._cache.popitem(last=False)

    def clear_cache(self) -> None:
        self._cache.clear()

    # -- the helper's life ----------------------------------------------------------------------------------------
    def _failed_to_start(self, _reason: str) -> None:
        self.stderr_tail.append(f"failed to start: {' '.join(self.command)}")
        self._died("failed to start")

    def _ended(self, code: int, crashed: bool) -> None:
        self._died(f"exit status {code}" + (" (crashed)" if crashed else ""))

    def _died(self, reason: str) -> None:
        link, self._link = self._link, None
        if link is not None:
            link.deleteLater()
        in_flight, self._in_flight = self._in_flight, None
        if in_flight is not None and in_flight[0] == self._warmup_id:
            in_flight = None
        self._warmup_id = None
        if self._stopping:
            self._set_state("stopped")
            return
        if in_flight is not None and in_flight[1].get("cmd") == "preflight":
            if self._preflight is None:
                self._preflight = (in_flight[0], in_flight[1])
        elif in_flight is not None and self._newest is None:
            self._newest = (in_flight[0], in_flight[1])  # ask again after the restart
        if self._restarts < self._max_restarts:
            self._restarts += 1
            self.stderr_tail.append(f"inspect helper stopped ({reason}); restarting")
            QTimer.singleShot(200 * self._restarts, self.start)
            self._set_state("starting")
            return
        self._set_state("failed")
        if self._preflight is not None:
            rid, request = self._preflight
            self._preflight = None
            self.preflightFailed.emit(rid, {"code": "helper_failed", "params": {"reason": reason}}, request)
        if self._newest is not None:
            rid, request = self._newest
            self._newest = None
            self.inspectFailed.emit(rid, {"code": "helper_failed", "params": {"reason": reason},
                                          "details": "\n".join(self.stderr_tail)}, request)
        self.busyChanged.emit(False)

    def _set_state(self, state: str) -> None:
        if state != self.state:
            self.state = state
            self.stateChanged.emit(state)


def _clean(options: dict[str, Any]) -> dict[str, Any]:
    """Options as the helper takes them: ExportOptions fields, without model/output_dir."""
    return {k: v for k, v in options.items() if k not in ("model", "output_dir")}


def _key(request: dict) -> str:
    return json.dumps(request, sort_keys=True, ensure_ascii=False)
