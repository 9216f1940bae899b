"""CLI rendering of run events: a progress bar on a terminal, plain lines otherwise, or JSON lines."""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO

from .events import ErrorEvent, Event, LogLine, Progress, RunResult, StageFinished, StageStarted, ValidationRow


class ConsoleReporter:
    MAX_FAILED_ROWS = 8

    def __init__(self, json_events: bool = False, tty: bool = False, stream: TextIO | None = None) -> None:
        self.json_events = json_events
        self.tty = tty
        self.stream = stream or sys.stderr
        self.rows: list[ValidationRow] = []
        self.last_draw = 0.0
        self.bar_visible = False
        self.gone = False  # the stream's reader closed it

    def __call__(self, event: Event) -> None:
        """Render one event. A reader that went away (`… | head`) must not fail the export: output just stops."""
        try:
            self._render(event)
        except OSError:  # BrokenPipeError included
            self.gone = True

    def _render(self, event: Event) -> None:
        if self.gone:
            return
        if self.json_events:
            print(event.to_json(), flush=True)
            return
        if isinstance(event, Progress):
            self._bar(event)
        elif isinstance(event, StageStarted):
            self._line(f"▸ {event.stage}" + (f" ({event.detail})" if event.detail else ""))
        elif isinstance(event, StageFinished):
            self._line(f"  {event.stage} done in {event.seconds:.2f} s")
        elif isinstance(event, LogLine) and event.level in ("warning", "error"):
            self._line(f"  {event.level}: {event.message}")
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
        elif isinstance(event, RunResult):
            self._result(event)
        elif isinstance(event, ErrorEvent):
            self._clear_bar()

    def _bar(self, event: Progress) -> None:
        if not self.tty:
            return
        now = time.monotonic()
        if now - self.last_draw < 0.1 and event.fraction < 1.0:
            return
        self.last_draw = now
        width = 30
        filled = int(width * max(0.0, min(1.0, event.fraction)))
        self.stream.write(f"\r[{'█' * filled}{' ' * (width - filled)}] {event.fraction * 100:5.1f}% {event.message[:40]:<40}")
        self.stream.flush()
        self.bar_visible = True

    def _clear_bar(self) -> None:
        if self.bar_visible:
            self.stream.write("\r" + " " * 80 + "\r")
            self.bar_visible = False
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
        self._line(f"Exported to {event.output_dir} in {event.seconds:.1f} s:")
        for f in event.files:
            self._line(f"  {f['name']:<36} {f['bytes'] / 1024:>10.1f} KiB")
        if self.tty and not os.environ.get("OES_SERVED_BY") and not os.environ.get("OES_NO_SERVER"):
            self._line("Tip: keep `exportcore serve` running in another terminal and later exports skip the 4–5 s of "
                       "loading torch and transformers.")

    def close(self) -> None:
        try:
            self._clear_bar()
        except OSError:  # BrokenPipeError included
            self.gone = True
