"""Download progress: huggingface_hub's progress bar turned into byte counts and a cancel check, and the pacing
and rate of the reports."""

from __future__ import annotations

import contextlib
import threading
import time
from typing import Any, Callable, Iterator

from .failures import Cancelled

ProgressCallback = Callable[[int, int, "str | None"], None]

#: Bytes per read while one of our downloads runs. huggingface_hub reads 10 MiB (``DOWNLOAD_CHUNK_SIZE``) before it
#: reports or lets a cancel in: a 7.9 MB file at 220 kB/s showed "0 B / 7.9 MB" for 36 s.
CHUNK_SIZE = 64 * 1024
_chunks_lock = threading.Lock()
_chunk_users = 0
_usual_chunk_size: int | None = None


@contextlib.contextmanager
def small_chunks() -> Iterator[None]:
    """Downloads in this block read ``CHUNK_SIZE`` bytes at a time: progress and cancel move inside a file.
    huggingface_hub 2.4 reads ``constants.DOWNLOAD_CHUNK_SIZE`` at each download (``http_get``); the usual value is
    back once no download of ours runs (downloads may run in several threads)."""
    from huggingface_hub import constants

    global _chunk_users, _usual_chunk_size
    with _chunks_lock:
        if _chunk_users == 0:
            _usual_chunk_size = constants.DOWNLOAD_CHUNK_SIZE
            constants.DOWNLOAD_CHUNK_SIZE = min(CHUNK_SIZE, _usual_chunk_size)
        _chunk_users += 1
    try:
        yield
    finally:
        with _chunks_lock:
            _chunk_users -= 1
            if _chunk_users == 0:
                constants.DOWNLOAD_CHUNK_SIZE = _usual_chunk_size


def cancel_requested(cancel: Any) -> bool:
    if cancel is None:
        return False
    if isinstance(cancel, threading.Event):
        return cancel.is_set()
    if callable(cancel):
        return bool(cancel())
    return bool(getattr(cancel, "is_set", lambda: False)())


class ByteCounter:
    """Receives chunk counts from huggingface_hub (as its ``tqdm_class``) and reports totals.

    huggingface_hub treats it as a tqdm bar: plain HTTP downloads call ``update(n)`` per chunk,
    Xet downloads also ``update_transfer(n)`` (network bytes; ignored here) and may set ``total``
    or ``n``. Our own state lives in underscore attributes; unknown tqdm methods are no-ops.
    """

    def __init__(self, base: int, grand_total: int, filename: str, progress: ProgressCallback | None,
                 cancel: Any):
        self._base = base
        self._grand_total = grand_total
        self._filename = filename
        self._progress = progress
        self._cancel = cancel
        self.done = 0
        # tqdm-like attributes huggingface_hub may read or write
        self.total: int | None = None
        self.n = 0

    def __enter__(self) -> "ByteCounter":
        return self

    def __exit__(self, *exc: Any) -> None:
        return None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return _noop

    def update(self, n: int | float | None = 1) -> None:
        step = int(n or 0)
        self.done += step
        self.n += step
        if self._progress is not None:
            self._progress(self._base + max(self.done, 0), self._grand_total, self._filename)
        if cancel_requested(self._cancel):
            raise Cancelled()

    def update_transfer(self, n: int | float | None = 1) -> None:
        if cancel_requested(self._cancel):
            raise Cancelled()


def _noop(*args: Any, **kwargs: Any) -> None:
    return None


class TqdmShim:
    """A class-like callable: ``TqdmShim(counter)(**kwargs)`` returns the shared counter.

    huggingface_hub calls non-tqdm progress classes as ``cls(**kwargs)``; the ``update_transfer``
    attribute tells its Xet reporter to route network bytes to the same (one) bar.
    """

    def __init__(self, counter: ByteCounter):
        self.counter = counter

    def __call__(self, *args: Any, **kwargs: Any) -> ByteCounter:
        return self.counter

    def update_transfer(self, n: int | float | None = 1) -> None:  # marker, see class docstring
        return None


class TransferMeter:
    """Pacing and rate of a download's progress reports.

    ``add(done)`` records the bytes received so far and returns the rate in bytes per second over the last
    ``window`` seconds (None until half a second of data); ``due(done, total, file)`` says whether a report should
    go out now: at most one per ``interval`` seconds, but always when a new file starts and when the transfer ends.
    """

    def __init__(self, interval: float = 0.1, window: float = 5.0, clock: Callable[[], float] = time.monotonic):
        self.interval = interval
        self.window = window
        self.clock = clock
        self._samples: list[tuple[float, int]] = []
        self._last: float | None = None
        self._file: str | None = None

    def add(self, done: int) -> float | None:
        now = self.clock()
        if self._samples and done < self._samples[-1][1]:
            self._samples.clear()  # a new transfer
        self._samples.append((now, done))
        while len(self._samples) > 2 and now - self._samples[1][0] >= self.window:
            self._samples.pop(0)
        (t0, d0), (t1, d1) = self._samples[0], self._samples[-1]
        return (d1 - d0) / (t1 - t0) if t1 - t0 >= 0.5 else None

    def due(self, done: int, total: int, file: str | None) -> bool:
        now = self.clock()
        if file != self._file or (total and done >= total) or self._last is None or now - self._last >= self.interval:
            self._file, self._last = file, now
            return True
        return False
