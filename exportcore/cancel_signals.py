"""SIGTERM and SIGHUP cancel an export the way Ctrl-C does, in the CLI and in the worker.

The handler raises ``KeyboardInterrupt`` rather than an ordinary exception: library code wraps ordinary exceptions
(transformers turns any error while it reads config.json into its own), but lets ``KeyboardInterrupt`` through.
The run turns it into ``ExportError('cancelled')`` once it has cleaned up. Only the first signal raises; later
ones only set the flag, so that a second Ctrl-C cannot interrupt the cleanup of the first. A signal the process
was told to ignore (``nohup``, a background job) stays ignored.

Inside :func:`no_interrupt` (publishing the finished run, swapping file descriptors) a signal only sets the flag:
the run looks at the flag where stopping is safe.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Iterator

CANCEL_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

_previous: list[dict[int, object]] = []  # handlers to put back, one dict per install()
_deferred = 0


def install(flag: threading.Event | None = None) -> threading.Event:
    """Make the cancel signals set ``flag`` and interrupt the main thread once. Returns the flag."""
    flag = flag if flag is not None else threading.Event()

    def on_signal(signum, frame):
        if frame is not None and frame.f_code.co_name == "__del__" and not flag.is_set():
            # Python would swallow an exception raised in a finalizer ("Exception ignored in …"): ask again soon.
            threading.Timer(0.05, os.kill, (os.getpid(), signum)).start()
            return
        first = not flag.is_set()
        flag.set()
        if first and not _deferred:
            raise KeyboardInterrupt

    saved = {}
    for signum in CANCEL_SIGNALS:
        current = signal.getsignal(signum)
        saved[signum] = current
        if current is not signal.SIG_IGN:
            signal.signal(signum, on_signal)
    _previous.append(saved)
    return flag


def restore() -> None:
    """Put back the handlers the last :func:`install` replaced."""
    if _previous:
        for signum, handler in _previous.pop().items():
            signal.signal(signum, handler if handler is not None else signal.SIG_DFL)


@contextlib.contextmanager
def no_interrupt() -> Iterator[None]:
    global _deferred
    _deferred += 1
    try:
        yield
    finally:
        _deferred -= 1
