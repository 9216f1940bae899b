"""The run view: stage list (state, elapsed), overall progress, the live validation table, a log pane, a banner."""

from __future__ import annotations

import time

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QAbstractItemView, QFrame, QHBoxLayout, QHeaderView, QLabel, QPlainTextEdit, QProgressBar,
    QPushButton, QSplitter, QStyle, QTabWidget, QVBoxLayout, QWidget,
)

from exportcore.events import (
    ErrorEvent, Event, LogLine, PlanReady, Progress, StageFinished, StageStarted, ValidationRow,
)

from .error_views import ErrorBanner
from .errors import from_error_event, validation_advice
from .export_job import ExportJob
from .job_state import JobState
from .qt_util import Retranslating, column, escaped, heading, read_only_table, stacked
from .run_models import StageListModel, StageState, ValidationModel, stage_name
from .transfer import Transfer, clean_message, sentence as transfer_sentence, short_text as transfer_short
from .variant_results import kept_reason, variant_results


class SummaryBanner(QFrame):
    STYLES = {
        "info": ("#e8f0fe", "#c6dafc", "#174ea6"),
        "ok": ("#e6f4ea", "#b7dfc1", "#1e6b34"),
        "fail": ("#fdecea", "#f5c2c0", "#8c1d18"),
        "warn": ("#fff4e5", "#ffd8a8", "#8a4b00"),
    }

    linkActivated = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("summaryBanner")
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.label.linkActivated.connect(self.linkActivated)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(12, 8, 12, 8)
        lay.addWidget(self.label)
        self.kind = ""
        self.hide()

    def show_message(self, kind: str, html: str) -> None:
        bg, border, fg = self.STYLES[kind]
        self.kind = kind
        self.setStyleSheet(f"#summaryBanner {{ background: {bg}; border: 1px solid {border}; border-radius: 6px; }}"
                           f"#summaryBanner QLabel {{ color: {fg}; background: transparent; }}")
        self.label.setText(html)
        self.show()


class LogPane(QPlainTextEdit):
    COLOURS = {"warning": "#8a4b00", "error": "#b71c1c", "stderr": "#757575", "debug": "#9e9e9e"}

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.setMaximumBlockCount(5000)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        f = QFont("monospace")
        f.setStyleHint(QFont.StyleHint.Monospace)
        f.setPointSizeF(max(8.0, f.pointSizeF() - 1))
        self.setFont(f)

    def add(self, level: str, message: str) -> None:
        fmt = QTextCharFormat()
        fmt.setForeground(QColor(self.COLOURS.get(level, "#202124")))
        cursor = self.textCursor()
        cursor.movePosition(QTextCursor.MoveOperation.End)
        stamp = time.strftime("%H:%M:%S")
        prefix = "" if level in ("info", "stderr") else f"{level.upper()}: "
        cursor.insertText(f"{stamp}  {prefix}{message}\n", fmt)
        self.setTextCursor(cursor)
        self.ensureCursorVisible()


class RunView(Retranslating, QWidget):
    """Follows one :class:`ExportJob` at a time."""

    cancelRequested = Signal(object)
    #: the user chose a suggestion after a failed validation: ExportOptions fields to set in the options panel
    optionsSuggested = Signal(dict)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.job: ExportJob | None = None
        self._conns: list = []
        self.stages = StageListModel(self)
        self.validation = ValidationModel(self)
        self.title = QLabel()
        self.title.setObjectName("runTitle")
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(True)
        self.cancel_button = QPushButton()
        self.cancel_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_BrowserStop))
        self.cancel_button.clicked.connect(self._cancel)
        self.cancel_button.setEnabled(False)
        self.banner = SummaryBanner()
        self.banner.linkActivated.connect(self._suggestion_chosen)
        self.error_banner = ErrorBanner()
        self.stage_view = read_only_table(self.stages)
        self.stage_view.setColumnHidden(3, True)  # the latest message is in the progress bar and the tooltip
        self.stage_view.setMinimumWidth(235)
        self.validation_view = read_only_table(self.validation)
        self.validation_view.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        # ResizeToContents re-measures every row on every insert (O(n²) over a run, 100+ ms stalls measured):
        # fixed widths, fitted to the contents at most twice a second while rows arrive.
        vh = self.validation_view.horizontalHeader()
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        vh.setStretchLastSection(True)
        self._fit_timer = QTimer(self)
        self._fit_timer.setSingleShot(True)
        self._fit_timer.setInterval(500)
        self._fit_timer.timeout.connect(self._fit_validation_columns)
        # QProgressBar.setValue repaints at once (≈5 ms): apply only the newest progress, once per event-loop pass.
        self._progress_pending: tuple[float, str, str] | None = None
        self._transfer: Transfer | None = None  # the download in progress (resolve stage), if any
        self._suggested_atol: float | None = None
        self._progress_timer = QTimer(self)
        self._progress_timer.setSingleShot(True)
        self._progress_timer.setInterval(0)
        self._progress_timer.timeout.connect(self._apply_progress)
        self.validation_view.horizontalHeader().moveSection(5, 0)  # pass/fail first: visible at a glance
        self.log = LogPane()
        self.validation_title = heading()
        self.stage_title = heading()
        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(stacked(self.stage_title, self.stage_view))
        top.addWidget(stacked(self.validation_title, self.validation_view))
        top.setStretchFactor(1, 2)
        top.setSizes([240, 560])
        top.setChildrenCollapsible(False)
        self.lower_tabs = QTabWidget()
        self.lower_tabs.setDocumentMode(True)
        self.lower_tabs.addTab(self.log, "")
        self.results_slot = QVBoxLayout()  # the main window puts the results panel here
        results_holder = QWidget()
        results_holder.setLayout(self.results_slot)
        self.results_slot.setContentsMargins(0, 0, 0, 0)
        self.lower_tabs.addTab(results_holder, "")
        self.split = split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(self.lower_tabs)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setChildrenCollapsible(False)
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.cancel_button)
        column(self, head, self.progress, self.banner, self.error_banner, (split, 1), margins=(12, 10, 12, 10),
               spacing=8)
        self.ticker = QTimer(self)
        self.ticker.setInterval(250)
        self.ticker.timeout.connect(self._tick)
        self.retranslate()

    # -- following a job ------------------------------------------------------------------------------------------
    def attach(self, job: ExportJob) -> None:
        for conn in self._conns:
            QObject.disconnect(conn)
        self.job = job
        self.stages.reset()
        self.validation.clear()
        self.log.clear()
        self.banner.hide()
        self.error_banner.clear()
        self._progress_pending = None
        self._transfer = None
        self._suggested_atol = None
        self.progress.setValue(0)
        self.progress.setFormat("%p%")
        self._refresh_validation_title()  # the previous run's "N passed, M failed" must not stay above an empty table
        self._conns = [
            job.eventsArrived.connect(self._events),
            job.finished.connect(self._finished),
        ]
        self._events(list(job.events))  # what already happened (attaching to a job that runs or ran)
        if job.is_done:
            self._finished(job.state)
        else:
            self.cancel_button.setEnabled(True)
            self.ticker.start()
            self.banner.show_message("info", self.tr("Export running…") if job.state == JobState.RUNNING
                                     else self.tr("Waiting in the queue…"))
        self.lower_tabs.setCurrentIndex(0)
        self._share_lower(0.6 if job.options.get("variants") else 0.4)  # room for the variants table in Results
        self._refresh_title()

    def _share_lower(self, share: float) -> None:
        total = sum(self.split.sizes())
        if total:
            self.split.setSizes([total - int(total * share), int(total * share)])

    def _events(self, batch: list[Event]) -> None:
        """A batch of the job's events, in order (live, or the ones before :meth:`attach`)."""
        rows: list[ValidationRow] = []
        for ev in batch:
            if isinstance(ev, ValidationRow):
                rows.append(ev)
                continue
            if rows:  # a run of rows is one insertion into the table
                self._rows(rows)
                rows = []
            match ev:
                case StageStarted():
                    self._stage_started(str(ev.stage), str(ev.detail or ""))
                case StageFinished():
                    self.stages.stage_finished(str(ev.stage), float(ev.seconds or 0.0), str(ev.detail or ""))
                case Progress():
                    self._progress(float(ev.fraction or 0.0), str(ev.stage or ""), str(ev.message or ""))
                    transfer = Transfer.from_progress(ev)
                    if transfer is not None:
                        self._transfer_progress(transfer)
                case LogLine():
                    self.log.add(str(ev.level or "info"), str(ev.message or ""))
                case PlanReady():
                    self._refresh_title()
                case ErrorEvent():
                    self._error(ev)
        if rows:
            self._rows(rows)

    def _stage_started(self, stage: str, detail: str) -> None:
        self.stages.stage_started(stage, detail)
        if stage != "resolve":
            self._transfer = None
        self._running_banner(stage)

    def _running_banner(self, stage: str | None = None) -> None:
        if self.job is None or self.job.state != JobState.RUNNING or self.banner.kind != "info":
            return
        if self._transfer is not None:
            self.banner.show_message("info", escaped(transfer_sentence(self._transfer)))
            return
        stage = stage or self.stages.running()
        if stage:
            self.banner.show_message("info", self.tr("Export running — %1…").replace("%1", stage_name(stage)))

    def _progress(self, fraction: float, stage: str, message: str) -> None:
        message = clean_message(message)
        self.stages.message(stage, message)
        self._progress_pending = (fraction, stage, message)
        if not self._progress_timer.isActive():
            self._progress_timer.start()

    def _transfer_progress(self, transfer: Transfer) -> None:
        self._transfer = transfer
        if not self._progress_timer.isActive():
            self._progress_timer.start()

    def _apply_progress(self) -> None:
        pending, self._progress_pending = self._progress_pending, None
        if pending is not None:
            fraction, _stage, message = pending
            if message and self._transfer is None:
                self.progress.setFormat(f"%p%  ·  {message}")
            self.progress.setValue(int(max(0.0, min(1.0, fraction)) * 1000))
        if self._transfer is not None:
            self.progress.setFormat(f"%p%  ·  {transfer_short(self._transfer)}")
            self._running_banner()

    def _rows(self, rows: list[ValidationRow]) -> None:
        self.validation.add_rows(rows)
        if not self._fit_timer.isActive():
            self._fit_timer.start()
        self._refresh_validation_title()

    def _fit_validation_columns(self) -> None:
        """Column widths from the text of the header and the last rows (QTableView.sizeHintForColumn measures
        up to 1000 rows through data(): 70 ms for 200 rows, measured)."""
        view = self.validation_view
        header = view.horizontalHeader()
        plain = view.fontMetrics()
        bold_font = view.font()
        bold_font.setBold(True)
        bold = QFontMetrics(bold_font)
        model = self.validation
        rows = range(max(0, model.rowCount() - 64), model.rowCount())
        for col in range(model.COLUMNS):
            fm = bold if col == 5 else plain
            texts = [str(model.headerData(col, Qt.Orientation.Horizontal) or "")]
            texts += [str(model.data(model.index(r, col)) or "") for r in rows]
            header.resizeSection(col, max(fm.horizontalAdvance(t) for t in texts) + 18)
        view.scrollToBottom()

    def _error(self, ev: ErrorEvent) -> None:
        if ev.code in ("validation_failed", "cancelled"):
            self.log.add("warning", str(ev.message or ""))
            return
        self.error_banner.show_error(from_error_event(ev))
        self.log.add("error", str(ev.message or ""))
        if ev.details:
            self.log.add("debug", str(ev.details))

    def _finished(self, state: str) -> None:
        state = JobState(state)
        self.ticker.stop()
        self._apply_progress()  # the last progress first, so that nothing older lands after the outcome
        self._fit_validation_columns()
        self.cancel_button.setEnabled(False)
        self._transfer = None
        if state == JobState.VALIDATION_FAILED:
            self.stages.kept_aside()
            self.stages.kept_path = self.kept_folder()
        elif state != JobState.SUCCEEDED:
            self.stages.fail_running(StageState.CANCELLED if state == JobState.CANCELLED else StageState.FAILED)
        if state == JobState.SUCCEEDED:
            self.progress.setValue(1000)
            self.progress.setFormat("%p%")
        elif self.progress.format() != "%p%" and "·" in self.progress.format():
            self.progress.setFormat("%p%")  # a stale "downloading …" must not outlive the run
        self._summarise(state)
        if state == JobState.SUCCEEDED or (state == JobState.VALIDATION_FAILED and self.kept_folder()):
            self.lower_tabs.setCurrentIndex(1)

    def kept_folder(self) -> str:
        return self.job.kept_folder if self.job is not None else ""

    def _summarise(self, state: JobState) -> None:
        job = self.job
        passed, failed = self.validation.counts()
        total = passed + failed
        secs = job.elapsed() if job else 0.0
        md = self.validation.max_diff()
        md_text = f"{md:.1e}" if md is not None else "—"
        if state == JobState.SUCCEEDED:
            if total:
                html = self.tr("<b>Export succeeded.</b> All %1 validation checks passed (largest difference %2) "
                               "in %3 s.").replace("%1", str(total)).replace("%2", md_text).replace("%3", f"{secs:.1f}")
            else:
                html = self.tr("<b>Export succeeded</b> in %1 s (not validated).").replace("%1", f"{secs:.1f}")
            self.banner.show_message("ok", html)
        elif state == JobState.VALIDATION_FAILED and failed == 0 and self._variants_failed():
            self._variants_failed_banner()
        elif state == JobState.VALIDATION_FAILED:
            kept = self.kept_folder()
            html = self.tr("<b>Validation failed:</b> %1 of %2 checks differ from PyTorch beyond the tolerance.") \
                .replace("%1", str(failed)).replace("%2", str(total))
            if kept:
                html += " " + self.tr("The files were not published; they were kept in %1 (see Results).") \
                    .replace("%1", f"<code>{escaped(kept)}</code>")
            dtype = str((job.options if job else {}).get("float_dtype") or "fp32")
            params = (job.error.params or {}) if job is not None and job.error is not None else {}
            used = params.get("atol") if params.get("atol") is not None else self.validation.failed_atol()
            advice, self._suggested_atol = validation_advice(dtype, self.validation.max_diff(), used,
                                                             params.get("suggested_atol"))
            html += "<br>" + escaped(advice)
            links = []
            if dtype != "fp32":
                label = self.tr("Use fp32")
                links.append(f"<a href='dtype:fp32'>{escaped(label)}</a>")
            if self._suggested_atol is not None:
                value = f"{self._suggested_atol:g}"
                label = self.tr("Use atol %1").replace("%1", value)
                links.append(f"<a href='atol:{value}'>{escaped(label)}</a>")
            if links:
                html += "<br>" + " &nbsp;·&nbsp; ".join(links)
            self.banner.show_message("fail", html)
            self.error_banner.clear()
        elif state == JobState.CANCELLED:
            self.banner.show_message("warn", self.tr("<b>Export cancelled</b> after %1 s. Nothing was written to the "
                                                     "output folder.").replace("%1", f"{secs:.1f}"))
        else:
            self.banner.show_message("fail", self.tr("<b>Export failed</b> after %1 s.").replace("%1", f"{secs:.1f}"))

    def _variants_failed(self) -> list[str]:
        """The variants outside their budget, when that is what failed the run (the fp32 files passed)."""
        if self.job is None or self.job.error is None:
            return []
        return [str(v) for v in (self.job.error.params or {}).get("variants") or []]

    def _variants_failed_banner(self) -> None:
        """The fp32 files passed, a variant did not: say which and by which figure, and offer the export without
        it."""
        job = self.job
        assert job is not None
        names = self._variants_failed()
        html = self.tr("<b>Validation failed:</b> the fp32 files passed, but %1 is outside its accuracy budget.") \
            .replace("%1", escaped(", ".join(names)))
        reason = kept_reason(variant_results(job.events))
        if reason:
            html += "<br>" + escaped(reason)
        kept = self.kept_folder()
        if kept:
            html += "<br>" + self.tr("The files were not published; they were kept in %1 (see Results).") \
                .replace("%1", f"<code>{escaped(kept)}</code>")
        others = [v for v in job.options.get("variants") or [] if v not in names]
        label = self.tr("Export without %1").replace("%1", ", ".join(names))
        html += f"<br><a href='variants:{','.join(others)}'>{escaped(label)}</a>"
        self.banner.show_message("fail", html)
        self.error_banner.clear()

    def _suggestion_chosen(self, link: str) -> None:
        kind, _, value = link.partition(":")
        if kind == "variants":
            self.optionsSuggested.emit({"variants": [v for v in value.split(",") if v]})
        elif kind == "dtype":
            self.optionsSuggested.emit({"float_dtype": value})
        elif kind == "atol":
            self.optionsSuggested.emit({"atol": float(value)})

    def _cancel(self) -> None:
        if self.job is not None and not self.job.is_done:
            self.cancel_button.setEnabled(False)
            self.banner.show_message("warn", self.tr("Cancelling…"))
            self.cancelRequested.emit(self.job)

    def _tick(self) -> None:
        self.stages.tick()

    # -- texts ----------------------------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.cancel_button.setText(self.tr("Cancel"))
        self.stage_title.setText(self.tr("Stages"))
        self.lower_tabs.setTabText(0, self.tr("Log"))
        self.lower_tabs.setTabText(1, self.tr("Results"))
        self.stages.retranslate()
        self.validation.retranslate()
        self.error_banner.retranslate()
        self._refresh_validation_title()
        self._refresh_title()
        if self.job is not None and self.job.is_done:
            self._summarise(self.job.state)

    def _refresh_validation_title(self) -> None:
        passed, failed = self.validation.counts()
        text = self.tr("Validation (ONNX Runtime vs PyTorch)")
        if passed + failed:
            text += "  —  " + self.tr("%1 passed, %2 failed").replace("%1", str(passed)).replace("%2", str(failed))
        self.validation_title.setText(text)

    def _refresh_title(self) -> None:
        if self.job is None:
            self.title.setText(self.tr("<b>No export yet.</b> Choose a model, check the inspector, then press "
                                       "Export."))
            return
        out = str(self.job.options.get("output_dir", ""))
        task = self.tr("task: %1").replace("%1", self.job.task)
        self.title.setText(f"<span style='font-size:13pt; font-weight:600'>{escaped(self.job.model)}</span>"
                           f"&nbsp;&nbsp;<span style='color:#5f6368'>{escaped(task)}</span>"
                           f"<br><span style='color:#5f6368'>→ {escaped(out)}</span>")
