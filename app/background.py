"""Run short blocking work (network, disk) off the GUI thread; get the outcome back by signal.

::

    call = run_in_pool(hub.search_models, "bert", limit=20,
                       on_result=self._show, on_error=self._fail)
    call.cancel()            # the result (or error) of a cancelled call is never delivered

    self._search = LatestCall()          # "starting a new one cancels the stale one"
    self._search.start(hub.model_info, repo_id, on_result=..., on_error=...)

The callable runs on a ``QThreadPool`` thread; ``on_result(value)`` / ``on_error(exception)``
arrive by a queued signal on the thread that started the call (the GUI thread).
``on_finished()`` follows when the callable has returned, cancelled or not, so a view can tell
when the work really stopped. With ``pass_call=True`` the callable receives its handle as
keyword ``call``: it may call ``call.report(value)`` (delivered to ``on_progress``) and poll
``call.cancel_event`` (a ``threading.Event``) to stop early.

No exportcore import here: this module is generic and reused by the rest of the app.
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

__all__ = ["BackgroundCall", "LatestCall", "run_in_pool", "default_pool", "wait_for_idle"]

log = logging.getLogger(__name__)

_POOL: QThreadPool | None = None
_LIVE: set["BackgroundCall"] = set()  # strong references until the worker has finished
_LIVE_LOCK = threading.Lock()


def default_pool() -> QThreadPool:
    """The app's pool for short I/O work (at least 4 threads, so one stuck request blocks nothing)."""
    global _POOL
    if _POOL is None:
        pool = QThreadPool()
        pool.setObjectName("app-io-pool")
        pool.setMaxThreadCount(max(4, QThreadPool.globalInstance().maxThreadCount()))
        pool.setExpiryTimeout(30_000)
        _POOL = pool
    return _POOL


def wait_for_idle(msecs: int = 5000) -> bool:
    """Block until the default pool has no running work (tests and application shutdown only)."""
    return default_pool().waitForDone(msecs)


class _Dispatcher(QObject):
    """Lives on the thread that starts calls (the GUI thread); worker threads emit through it.

    Worker-to-GUI delivery is a queued signal on this long-lived object, so a :class:`BackgroundCall` can be
    a plain Python object: whichever thread drops its last reference, no QObject dies there.
    """

    event = Signal(object, str, object)  # call, kind, payload

    def __init__(self) -> None:
        super().__init__()
        self.event.connect(self._dispatch)

    @Slot(object, str, object)
    def _dispatch(self, call: "BackgroundCall", kind: str, payload: Any) -> None:
        call._deliver(kind, payload)


_DISPATCHERS: dict[int, _Dispatcher] = {}


def _dispatcher() -> _Dispatcher:
    key = threading.get_ident()
    found = _DISPATCHERS.get(key)
    if found is None:
        found = _DISPATCHERS[key] = _Dispatcher()
    return found


class BackgroundCall:
    """One call of a function on the pool; the handle :func:`run_in_pool` returns.

    Outcome callbacks run on the creating thread: ``on_result(value)`` or ``on_error(exc)``
    (never after :meth:`cancel`), ``on_progress(value)`` for each :meth:`report` (never after
    cancel), then ``on_finished()`` once the callable has returned, cancelled or not.
    """

    def __init__(self, fn: Callable[..., Any], args: tuple, kwargs: dict, *,
                 on_result: Callable[[Any], None] | None = None,
                 on_error: Callable[[BaseException], None] | None = None,
                 on_progress: Callable[[Any], None] | None = None,
                 on_finished: Callable[[], None] | None = None,
                 pass_call: bool = False) -> None:
        self._fn = fn
        self._args = args
        self._kwargs = dict(kwargs)
        if pass_call:
            self._kwargs["call"] = self
        self._callbacks = {"result": on_result, "error": on_error, "progress": on_progress,
                           "finished": on_finished}
        self._cancel = threading.Event()
        self._done = False
        self._settled = False
        self._dispatcher = _dispatcher()

    # ---- control (creating thread) ----------------------------------------------------------
    def cancel(self) -> None:
        """Ignore this call's outcome from now on and ask a cooperative callable to stop."""
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    @property
    def cancel_event(self) -> threading.Event:
        """Set by :meth:`cancel`; a long callable polls it (or passes it on) to stop early."""
        return self._cancel

    @property
    def done(self) -> bool:
        """True once ``on_finished`` was delivered."""
        return self._done

    @property
    def settled(self) -> bool:
        """True once the result or the error was delivered (or the call finished)."""
        return self._settled or self._done

    # ---- worker side ------------------------------------------------------------------------
    def report(self, value: Any = None) -> None:
        """Send a progress value to the creating thread (call it from the worker)."""
        if not self._cancel.is_set():
            self._dispatcher.event.emit(self, "progress", value)

    def _run(self) -> None:
        try:
            value = self._fn(*self._args, **self._kwargs)
        except BaseException as exc:  # noqa: BLE001 - every failure goes to on_error
            if not self._cancel.is_set():
                self._dispatcher.event.emit(self, "error", exc)
        else:
            if not self._cancel.is_set():
                self._dispatcher.event.emit(self, "result", value)
        finally:
            self._dispatcher.event.emit(self, "finished", None)

    # ---- delivery (creating thread) ---------------------------------------------------------
    def _deliver(self, kind: str, payload: Any) -> None:
        if kind == "finished":
            self._done = True
            with _LIVE_LOCK:
                _LIVE.discard(self)
            self._call(self._callbacks["finished"])
            return
        if self._cancel.is_set():
            return
        if kind in ("result", "error"):
            self._settled = True
        callback = self._callbacks.get(kind)
        if callback is not None:
            self._call(callback, payload)
        elif kind == "error":
            log.error("background call %r failed", self._fn, exc_info=payload)

    @staticmethod
    def _call(callback: Callable[..., None] | None, *args: Any) -> None:
        if callback is None:
            return
        try:
            callback(*args)
        except Exception:  # noqa: BLE001 - a failing view callback must not kill the event loop
            log.exception("background call callback %r failed", callback)


class _Runnable(QRunnable):
    def __init__(self, call: BackgroundCall) -> None:
        super().__init__()
        self._call = call
        self.setAutoDelete(True)

    def run(self) -> None:  # worker thread
        call, self._call = self._call, None
        call._run()


def run_in_pool(fn: Callable[..., Any], *args: Any,
                on_result: Callable[[Any], None] | None = None,
                on_error: Callable[[BaseException], None] | None = None,
                on_progress: Callable[[Any], None] | None = None,
                on_finished: Callable[[], None] | None = None,
                pass_call: bool = False,
                pool: QThreadPool | None = None,
                **kwargs: Any) -> BackgroundCall:
    """Run ``fn(*args, **kwargs)`` on a pool thread and return its :class:`BackgroundCall` handle.

    Call from the GUI thread: the callbacks run there. ``pass_call=True`` adds ``call=<BackgroundCall>``
    to the call so the callable can report progress and see cancellation.
    """
    call = BackgroundCall(fn, args, kwargs, on_result=on_result, on_error=on_error, on_progress=on_progress,
                          on_finished=on_finished, pass_call=pass_call)
    with _LIVE_LOCK:
        _LIVE.add(call)
    (pool or default_pool()).start(_Runnable(call))
    return call


class LatestCall:
    """Holds at most one live call: :meth:`start` cancels the previous one first."""

    def __init__(self, pool: QThreadPool | None = None) -> None:
        self._pool = pool
        self._call: BackgroundCall | None = None

    def start(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> BackgroundCall:
        self.cancel()
        kwargs.setdefault("pool", self._pool)
        self._call = run_in_pool(fn, *args, **kwargs)
        return self._call

    def cancel(self) -> None:
        if self._call is not None:
            self._call.cancel()
            self._call = None

    @property
    def call(self) -> BackgroundCall | None:
        return self._call

    @property
    def busy(self) -> bool:
        """A call was started, not cancelled, and its outcome has not arrived yet."""
        return self._call is not None and not self._call.settled and not self._call.cancelled
