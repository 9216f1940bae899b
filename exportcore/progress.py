"""CLI rendering of run events: a progress bar on a terminal, plain lines otherwise, or JSON lines.

During a download (progress events with ``bytes_done``) the bar counts bytes: done and in all, the rate and the
time left, and the file being downloaded; without a terminal, a line every ``DOWNLOAD_LINE_SECONDS``.
"""

from __future__ import annotations

import os
import shutil
import sys
import threading
import time
from typing import TextIO

from .events import (ErrorEvent, Event, LogLine, Progress, RunResult, StageFinished, StageStarted, ValidationRow,
                     VariantResult)
from .sizes import format_size


def format_duration(seconds: float) -> str:
    """``45 s``, ``3 min 20 s``, ``2 h 05 min``."""
    seconds = max(0, int(round(seconds)))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


def download_text(event: Progress) -> str:
    """``1.5 GB / 3.5 GB · 25.3 MB/s · 1 min 20 s left · downloading model.safetensors``."""
    from .hub import format_size

    done, total, rate = event.bytes_done or 0, event.bytes_total, event.bytes_per_second
    parts = [f"{format_size(done)} / {format_size(total)}" if total else format_size(done)]
    if rate:
        parts.append(f"{format_size(int(rate))}/s")
        if total and total > done:
            parts.append(f"{format_duration((total - done) / rate)} left")
    if event.message:
        parts.append(event.message)
    return " · ".join(parts)


_STDOUT_LOCK = threading.Lock()


def write_json_line(text: str) -> None:
    """One whole line per event on stdout, whichever thread sends it (``print`` writes the text and the newline
    separately, so two threads printing interleave their JSON)."""
    with _STDOUT_LOCK:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()


class ConsoleReporter:
    MAX_FAILED_ROWS = 8
    #: Without a terminal, one line per this many seconds while a download runs (and one when it ends).
    DOWNLOAD_LINE_SECONDS = 10.0

    def __init__(self, json_events: bool = False, tty: bool = False, stream: TextIO | None = None) -> None:
        self.json_events = json_events
        self.tty = tty
        self.stream = stream or sys.stderr
        self.rows: list[ValidationRow] = []
        self.variants: list[VariantResult] = []
        self.warnings: list[str] = []  # said again under the result: they scroll away during a long run
        self.last_draw = 0.0
        self.bar_visible = False
        self.bar_width = 0
        self.last_download_line: float | None = None
        self.gone = False  # the stream's reader closed it
        # Events come from the run's thread and its heartbeat: one whole line at a time, or two JSON lines interleave.
        self.lock = threading.RLock()

    def __call__(self, event: Event) -> None:
        """Render one event. A reader that went away (`… | head`) must not fail the export: output just stops."""
        with self.lock:
            try:
                self._render(event)
            except OSError:  # BrokenPipeError included
                self.gone = True

    def _render(self, event: Event) -> None:
        if self.gone:
            return
        if self.json_events:
            write_json_line(event.to_json())
            return
        if isinstance(event, Progress):
            self._bar(event)
        elif isinstance(event, StageStarted):
            self._line(f"▸ {event.stage}" + (f" ({event.detail})" if event.detail else ""))
        elif isinstance(event, StageFinished):
            self._line(f"  {event.stage} done in {event.seconds:.2f} s")
        elif isinstance(event, LogLine) and event.level in ("warning", "error"):
            self._line(f"  {event.level}: {event.message}")
            if event.level == "warning":
                self.warnings.append(event.message)
        elif isinstance(event, ValidationRow):
            self.rows.append(event)
            shown = sum(not r.passed for r in self.rows)
            if not event.passed and shown == self.MAX_FAILED_ROWS + 1:
                self._line("  … more failed checks: see validation_report.json")
            if not event.passed and shown <= self.MAX_FAILED_ROWS:
                diff = "n/a" if event.max_abs_diff is None else f"{event.max_abs_diff:.2e}"
                if event.note:
                    problem = event.note
                elif not event.shape_ok:
                    problem = f"shape {event.actual_shape} ≠ {event.expected_shape}"
                else:
                    problem = f"max diff {diff} > atol {event.atol:g}"
                self._line(f"  ✗ {event.submodel} [{event.shape_set}] {event.output}: {problem}"[:300])
        elif isinstance(event, VariantResult):
            self.variants.append(event)
            if not event.passed:
                self._line(f"  ✗ variant {event.variant}: {event.why}"[:300])
        elif isinstance(event, RunResult):
            self._result(event)
        elif isinstance(event, ErrorEvent):
            if any(not v.passed for v in self.variants):  # the run ends here: show every variant's figures
                for line in variants_table(self.variants):
                    self._line(line)
            self._clear_bar()

    def note(self, text: str) -> None:
        """A line of our own before the run's events (the task, the pre-flight's figures): a log event in JSON."""
        with self.lock:
            if self.gone:
                return
            try:
                if self.json_events:
                    write_json_line(LogLine(level="info", message=text).to_json())
                else:
                    self._line(text)
            except OSError:
                self.gone = True

    def _bar(self, event: Progress) -> None:
        downloading = event.bytes_done is not None and bool(event.bytes_total or event.bytes_done)  # 0 of 0: cached
        if not self.tty:
            if downloading:
                self._download_line(event)
            return
        now = time.monotonic()
        if now - self.last_draw < 0.1 and event.fraction < 1.0:
            return
        self.last_draw = now
        width = 30
        if downloading:  # the bar is the download's own: the run's fraction hardly moves while it lasts
            fraction = event.bytes_done / event.bytes_total if event.bytes_total else 0.0
            text = download_text(event)  # the file's name last: a narrow terminal cuts it first
            width = 20
        else:
            fraction, text = event.fraction, f"{event.message[:40]:<40}"
        fraction = max(0.0, min(1.0, fraction))
        filled = int(width * fraction)
        line = f"[{'█' * filled}{' ' * (width - filled)}] {fraction * 100:5.1f}% {text}"
        line = line[:max(20, shutil.get_terminal_size((100, 24)).columns - 1)]
        padding = " " * max(0, self.bar_width - len(line))  # cover the end of a longer bar drawn before
        self.stream.write(f"\r{line}{padding}")
        self.stream.flush()
        self.bar_visible = True
        self.bar_width = len(line)

    def _download_line(self, event: Progress) -> None:
        now = time.monotonic()
        finished = bool(event.bytes_total) and (event.bytes_done or 0) >= event.bytes_total
        if self.last_download_line is not None and now - self.last_download_line < self.DOWNLOAD_LINE_SECONDS \
                and not finished:
            return
        if finished and self.last_download_line == float("inf"):
            return  # said already
        self.last_download_line = float("inf") if finished else now
        self._line(f"  {download_text(event)}")

    def _clear_bar(self) -> None:
        if self.bar_visible:
            self.stream.write("\r" + " " * max(80, self.bar_width) + "\r")
            self.bar_visible = False
            self.bar_width = 0
            self.last_draw = 0.0  # a line took the bar's place: the next progress event redraws it at once

    def _line(self, text: str) -> None:
        self._clear_bar()
        print(text, file=self.stream, flush=True)

    def _result(self, event: RunResult) -> None:
        passed = sum(r.passed for r in self.rows)
        worst = max((r.max_abs_diff or 0.0 for r in self.rows), default=0.0)
        self._line("")
        if event.validation == "skipped":
            self._line("Validation skipped (--no-validation).")
        else:
            shapes = len({(r.submodel, r.shape_set) for r in self.rows})
            self._line(f"Validation {event.validation}: {passed}/{len(self.rows)} checks over {shapes} submodel × shape sets, worst max abs diff {worst:.2e}.")
        if self.variants:
            for line in variants_table(self.variants):
                self._line(line)
        self._line(f"Exported to {event.output_dir} in {event.seconds:.1f} s:")
        for f in event.files:
            self._line(f"  {f['name']:<36} {format_size(f['bytes']):>10}")
        for message in self.warnings:
            self._line(f"  warning: {message}")
        if self.tty and not os.environ.get("OES_SERVED_BY") and not os.environ.get("OES_NO_SERVER"):
            self._line("Tip: keep `exportcore serve` running in another terminal and later exports skip the 4–5 s of "
                       "loading torch and transformers.")

    def close(self) -> None:
        try:
            self._clear_bar()
        except OSError:  # BrokenPipeError included
            self.gone = True


def variants_table(results: list[VariantResult]) -> list[str]:
    """The variants under the validation line: size against fp32, CPU time against fp32, each judged figure with
    its budget (docs/budgets.md)."""
    from .validate.budgets import SHORT

    lines = ["Variants against PyTorch fp32 (figure ≥ budget):"]
    for r in results:
        size = f"{format_size(r.bytes)} ({r.bytes / r.fp32_bytes:.2f}×)" if r.fp32_bytes else format_size(r.bytes)
        speed = f"time {r.latency_ratio:.2f}×" if r.latency_ratio is not None else "time n/a"
        judged = " · ".join(f"{SHORT[f['figure']]} {f['value']:.4f}{'' if f['passed'] else ' ✗'} (≥{f['budget']:g})"
                            for f in r.figures if f["budget"] is not None)
        # Passed with no judged figure (no output any figure applies to) is not "ok".
        status = "FAILED" if not r.passed else "ok" if judged else "unjudged"
        lines.append(f"  {r.variant:<6} {status:<8} {size:<20} {speed:<11} {judged or r.note}"[:300])
    return lines
