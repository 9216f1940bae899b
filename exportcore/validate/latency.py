"""onnxruntime CPU latency of a variant relative to its fp32 file: batch 1, a typical input, a few repeats.

Kept short because it runs in every export with variants: one warm-up and ``REPEATS`` timed runs per file, the
median of each, summed over the export's files; each fp32 file is timed once for all variants, before any variant's
session is loaded. One intra-op thread, as the research measured it: on a shared machine the ratio is then stable
to about ±20 %, where thread scheduling made it swing more. With one intra-op thread onnxruntime runs every
operator on the calling thread, so a run is timed by that thread's CPU time: on an idle machine the same as the
wall time (0.0687 s against 0.0687 s for a GPT-2-small-sized q4 run), and not lengthened by the time other
processes — the variant builders still running beside validation (decision 199) — held the core.
"""

from __future__ import annotations

import statistics
import threading
import time
from pathlib import Path

import numpy as np

#: The input timed: one sequence of 16 tokens with an empty past (a prompt's first step).
SHAPES = {"batch_size": 1, "sequence_length": 16, "past_sequence_length": 0, "num_choices": 2,
          "audio_sequence_length": 16000}
REPEATS = 5


def open_session(path: Path):
    """A session as a runtime keeps one (weights pre-packed), on one intra-op thread. The variants' checks and
    greedy decoding run on the same session as their timing: loading a file costs more than all its runs."""
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.log_severity_level = 3
    options.intra_op_num_threads = 1
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def typical_feeds(check) -> dict[str, np.ndarray]:
    """The inputs of one timed run of ``check``'s file (a ``comparison.Check``)."""
    cfg = check.cfg
    feeds = cfg.rename_ambiguous_inputs(cfg.generate_dummy_inputs("np", **SHAPES))
    return check.extra_feeds(feeds, SHAPES) if check.extra_feeds else feeds


def _clock() -> float:
    """This thread's CPU time where the clock is fine-grained (Linux, macOS: nanoseconds); else the wall clock
    (Windows counts thread time in 15.6 ms steps, longer than a small model's run; it builds no variants beside
    validation either, having no ``fork``)."""
    return time.thread_time() if _THREAD_CLOCK_FINE else time.perf_counter()


_THREAD_CLOCK_FINE = time.get_clock_info("thread_time").resolution <= 1e-6


def _median_seconds(session, feeds: dict) -> float:
    wanted = {i.name for i in session.get_inputs()}
    feeds = {k: v for k, v in feeds.items() if k in wanted}
    session.run(None, feeds)  # warm-up: first-run allocations
    times = []
    for _ in range(REPEATS):
        start = _clock()
        session.run(None, feeds)
        times.append(_clock() - start)
    return statistics.median(times)


class LatencyTimer:
    """Times each fp32 file once and each variant file against it (from several threads: each fp32 file is still
    timed once, by the first thread that needs it)."""

    def __init__(self) -> None:
        self.fp32: dict[Path, float] = {}
        self.lock = threading.Lock()

    def time_fp32(self, path: Path, feeds: dict) -> None:
        with self.lock:
            if path not in self.fp32:
                session = open_session(path)
                self.fp32[path] = _median_seconds(session, feeds)
                del session

    def ratio(self, pairs: list[tuple[Path, object, dict]]) -> float | None:
        """``pairs``: (fp32 file, the variant file's session, feeds) per file of the export -> the variant's time
        / fp32's."""
        fp32_total = variant_total = 0.0
        for fp32_path, variant_session, feeds in pairs:
            self.time_fp32(fp32_path, feeds)
            fp32_total += self.fp32[fp32_path]
            variant_total += _median_seconds(variant_session, feeds)
        return round(variant_total / fp32_total, 3) if fp32_total > 0 else None
