"""SIGTERM and SIGHUP cancel an export the way Ctrl-C does, in the CLI and in the worker.

The handler raises ``KeyboardInterrupt`` rather than an ordinary exception: library code wraps ordinary exceptions
(transformers turns any error while it reads config.json into its own), but lets ``KeyboardInterrupt`` through.
The run turns it into ``ExportError('cancelled')`` once it has cleaned up. Only the first signal raises; later
ones only set the flag, so that a second Ctrl-C cannot interrupt the cleanup of the first.
"""

from __future__ import annotations

import signal
import threading

CANCEL_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def install(flag: threading.Event | None = None) -> threading.Event:
    """Make the cancel signals set ``flag`` and interrupt the main thread once. Returns the flag."""
    flag = flag if flag is not None else threading.Event()

    def on_signal(signum, frame):  # noqa: ARG001
        first = not flag.is_set()
        flag.set()
        if first:
            raise KeyboardInterrupt

    for signum in CANCEL_SIGNALS:
        signal.signal(signum, on_signal)
    return flag


def restore() -> None:
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
