"""The run view: stage list (state, elapsed), overall progress, the live validation table, a log pane, a banner."""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import (
    QCoreApplication, QModelIndex, QObject, QPersistentModelIndex, Qt, QTimer, Signal,
)
from PySide6.QtGui import QColor, QFont, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import (
    QAbstractItemView, QFrame, QHBoxLayout, QHeaderView, QLabel, QPlainTextEdit, QProgressBar,
    QPushButton, QSplitter, QStyle, QTabWidget, QVBoxLayout, QWidget,
)

from exportcore.events import STAGES

from .qt_util import ListTableModel, Retranslating, read_only_table
from .errors import ErrorBanner, from_error_dict, validation_advice
from .inspector import standard_icon
from .export_job import ExportJob
from .transfer import Transfer, clean_message, sentence as transfer_sentence, short_text as transfer_short

Index = QModelIndex | QPersistentModelIndex
PASS_BG, PASS_FG = QColor("#e6f4ea"), QColor("#1e6b34")
FAIL_BG, FAIL_FG = QColor("#fdecea"), QColor("#b71c1c")


def stage_name(stage: str) -> str:
    return {
        "resolve": QCoreApplication.translate("Stages", "Resolve"), "plan": QCoreApplication.translate("Stages", "Plan"), "load": QCoreApplication.translate("Stages", "Load weights"),
        "export": QCoreApplication.translate("Stages", "Export"), "post-process": QCoreApplication.translate("Stages", "Post-process"),
        "validate": QCoreApplication.translate("Stages", "Validate"), "publish": QCoreApplication.translate("Stages", "Publish"),
    }.get(stage, stage)


class StageListModel(ListTableModel):
    """One row per stage: name, state, elapsed seconds, latest message."""

    COLUMNS = 4

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.stages = list(STAGES)
        self._reset_state()

    def _reset_state(self) -> None:
        self.kept_path = ""  # where a run that failed validation was kept (the publish row says so)
        self.state = {s: "pending" for s in self.stages}
        self.started: dict[str, float] = {}
        self.seconds: dict[str, float] = {}
        self.detail: dict[str, str] = {}

    def reset(self) -> None:
        self.beginResetModel()
        self.stages = list(STAGES)
        self._reset_state()
        self.endResetModel()

    def _row(self, stage: str) -> int:
        if stage not in self.stages:
            self.beginInsertRows(QModelIndex(), len(self.stages), len(self.stages))
            self.stages.append(stage)
            self.state[stage] = "pending"
            self.endInsertRows()
        return self.stages.index(stage)

    def _changed(self, row: int) -> None:
        self.dataChanged.emit(self.index(row, 0), self.index(row, self.COLUMNS - 1))

    def stage_started(self, stage: str, detail: str = "") -> None:
        row = self._row(stage)
        for earlier in self.stages[:row]:  # a stage the worker skipped silently
            if self.state[earlier] == "pending":
                self.state[earlier] = "skipped"
                self._changed(self.stages.index(earlier))
        self.state[stage] = "running"
        self.started[stage] = time.monotonic()
        if detail:
            self.detail[stage] = detail
        self._changed(row)

    def stage_finished(self, stage: str, seconds: float, detail: str = "") -> None:
        row = self._row(stage)
        self.state[stage] = "done"
        self.seconds[stage] = seconds
        if detail:
            self.detail[stage] = detail
        self._changed(row)

    def message(self, stage: str, text: str) -> None:
        if stage and text:
            row = self._row(stage)
            self.detail[stage] = text
            self._changed(row)

    def fail_running(self, state: str = "failed") -> None:
        for i, s in enumerate(self.stages):
            if self.state[s] == "running":
                self.state[s] = state
                self.seconds[s] = time.monotonic() - self.started.get(s, time.monotonic())
                self._changed(i)

    def kept_aside(self) -> None:
        """A run that failed validation: the checks failed and the files were kept beside the destination instead of
        being published (not a write error of the publish stage)."""
        if self.state.get("validate") in ("done", "running"):
            self.state["validate"] = "checks_failed"
            self._changed(self.stages.index("validate"))
        for i, s in enumerate(self.stages):
            if self.state[s] == "running" or (s == "publish" and self.state[s] == "pending"):
                self.state[s] = "kept"
                self.seconds[s] = time.monotonic() - self.started.get(s, time.monotonic())
                self._changed(i)

    def tick(self) -> None:
        for i, s in enumerate(self.stages):
            if self.state[s] == "running":
                self.dataChanged.emit(self.index(i, 2), self.index(i, 2))

    def row_items(self) -> list[str]:
        return self.stages

    def headers(self) -> tuple[str, ...]:
        return (self.tr("Stage"), self.tr("State"), self.tr("Elapsed"), self.tr("Detail"))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.stages):
            return None
        stage = self.stages[index.row()]
        state = self.state[stage]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return stage_name(stage)
            if col == 1:
                return _state_word(state)
            if col == 2:
                if state == "running":
                    return f"{time.monotonic() - self.started.get(stage, time.monotonic()):.1f} s"
                if stage in self.seconds:
                    return f"{self.seconds[stage]:.2f} s"
                return ""
            if col == 3:
                return self.detail.get(stage, "")
        if role == Qt.ItemDataRole.DecorationRole and col == 1:
            icon = {"running": QStyle.StandardPixmap.SP_MediaPlay, "done": QStyle.StandardPixmap.SP_DialogApplyButton,
                    "failed": QStyle.StandardPixmap.SP_MessageBoxCritical,
                    "checks_failed": QStyle.StandardPixmap.SP_MessageBoxCritical,
                    "kept": QStyle.StandardPixmap.SP_DirIcon,
                    "cancelled": QStyle.StandardPixmap.SP_DialogCancelButton}.get(state)
            return standard_icon(icon) if icon is not None else None
        if role == Qt.ItemDataRole.ToolTipRole:
            if state == "kept" and self.kept_path:
                return self.tr("Not published: the files were kept in %1").replace("%1", self.kept_path)
            return self.detail.get(stage) or None
        if role == Qt.ItemDataRole.ForegroundRole:
            return {"pending": QColor("#9e9e9e"), "skipped": QColor("#9e9e9e"), "failed": FAIL_FG,
                    "checks_failed": FAIL_FG, "kept": QColor("#8a4b00"), "running": QColor("#1565c0")}.get(state)
        if role == Qt.ItemDataRole.FontRole and state == "running":
            f = QFont()
            f.setBold(True)
            return f
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def retranslate(self) -> None:
        self.retranslate_header()
        if self.stages:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.stages) - 1, self.COLUMNS - 1))


def _state_word(state: str) -> str:
    return {"pending": QCoreApplication.translate("StageState", "waiting"), "running": QCoreApplication.translate("StageState", "running"),
            "done": QCoreApplication.translate("StageState", "done"), "failed": QCoreApplication.translate("StageState", "failed"),
            "skipped": QCoreApplication.translate("StageState", "skipped"), "cancelled": QCoreApplication.translate("StageState", "cancelled"),
            "checks_failed": QCoreApplication.translate("StageState", "checks failed"),
            "kept": QCoreApplication.translate("StageState", "kept aside")}.get(state, state)


class ValidationModel(ListTableModel):
    """Validation rows as they arrive: submodel, shape set, output, max abs diff, atol, pass/fail."""

    COLUMNS = 6

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[dict] = []

    def clear(self) -> None:
        self.beginResetModel()
        self.rows = []
        self.endResetModel()

    def add_row(self, row: dict) -> None:
        self.add_rows([row])

    def add_rows(self, rows: list[dict]) -> None:
        """One insertion for many rows: the view lays out and repaints once."""
        if not rows:
            return
        n = len(self.rows)
        self.beginInsertRows(QModelIndex(), n, n + len(rows) - 1)
        self.rows.extend(dict(r) for r in rows)
        self.endInsertRows()

    def counts(self) -> tuple[int, int]:
        failed = sum(1 for r in self.rows if not r.get("passed"))
        return len(self.rows) - failed, failed

    def max_diff(self) -> float | None:
        diffs = [r["max_abs_diff"] for r in self.rows if isinstance(r.get("max_abs_diff"), (int, float))]
        return max(diffs) if diffs else None

    def row_items(self) -> list[dict]:
        return self.rows

    def headers(self) -> tuple[str, ...]:
        return (self.tr("Submodel"), self.tr("Shape set"), self.tr("Output"), self.tr("Max abs diff"),
                self.tr("atol"), self.tr("Result"))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        r = self.rows[index.row()]
        col = index.column()
        passed = bool(r.get("passed"))
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return str(r.get("submodel", ""))
            if col == 1:
                return str(r.get("shape_set", ""))
            if col == 2:
                return str(r.get("output", ""))
            if col == 3:
                d = r.get("max_abs_diff")
                return f"{d:.2e}" if isinstance(d, (int, float)) else "—"
            if col == 4:
                a = r.get("atol")
                return f"{a:g}" if isinstance(a, (int, float)) else "—"
            if col == 5:
                if passed:
                    return self.tr("pass")
                return self.tr("fail: shape") if r.get("shape_ok") is False else self.tr("fail")
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = [f"expected shape {r.get('expected_shape')}", f"actual shape {r.get('actual_shape')}"]
            if r.get("note"):
                tip.append(str(r["note"]))
            return "\n".join(tip)
        if role == Qt.ItemDataRole.BackgroundRole and col == 5:
            return PASS_BG if passed else FAIL_BG
        if role == Qt.ItemDataRole.ForegroundRole and col in (3, 5):
            return PASS_FG if passed else FAIL_FG
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (3, 4):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and col == 5:
            f = QFont()
            f.setBold(True)
            return f
        return None

    def retranslate(self) -> None:
        self.retranslate_header()
        if self.rows:
            self.dataChanged.emit(self.index(0, 5), self.index(len(self.rows) - 1, 5))


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
        self.validation_title = QLabel()
        self.validation_title.setProperty("heading", True)
        self.stage_title = QLabel()
        self.stage_title.setProperty("heading", True)

        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.stage_title)
        ll.addWidget(self.stage_view)
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.validation_title)
        rl.addWidget(self.validation_view)
        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(left)
        top.addWidget(right)
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
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(self.lower_tabs)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setChildrenCollapsible(False)
        head = QHBoxLayout()
        head.addWidget(self.title, 1)
        head.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(8)
        layout.addLayout(head)
        layout.addWidget(self.progress)
        layout.addWidget(self.banner)
        layout.addWidget(self.error_banner)
        layout.addWidget(split, 1)
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
            job.stageStarted.connect(self._stage_started),
            job.stageFinished.connect(self.stages.stage_finished),
            job.progress.connect(self._progress),
            job.transferProgress.connect(self._transfer_progress),
            job.logLine.connect(self.log.add),
            job.validationRows.connect(self._rows),
            job.errorOccurred.connect(self._error),
            job.finished.connect(self._finished),
            job.planReceived.connect(lambda _plan: self._refresh_title()),
        ]
        # replay what already happened (attaching to a job that runs or ran)
        for ev in list(job.events):
            self._replay(ev)
        if job.is_done:
            self._finished(job.state)
        else:
            self.cancel_button.setEnabled(True)
            self.ticker.start()
            self.banner.show_message("info", self.tr("Export running…") if job.state == "running"
                                     else self.tr("Waiting in the queue…"))
        self.lower_tabs.setCurrentIndex(0)
        self._refresh_title()

    def _replay(self, ev: dict) -> None:
        kind = ev.get("event")
        if kind == "stage_started":
            self._stage_started(str(ev.get("stage")), str(ev.get("detail", "")))
        elif kind == "stage_finished":
            self.stages.stage_finished(str(ev.get("stage")), float(ev.get("seconds") or 0), str(ev.get("detail", "")))
        elif kind == "progress":
            self._progress(float(ev.get("fraction") or 0), str(ev.get("stage", "")), str(ev.get("message", "")))
            transfer = Transfer.from_event(ev)
            if transfer is not None:
                self._transfer_progress(transfer)
        elif kind == "log":
            self.log.add(str(ev.get("level", "info")), str(ev.get("message", "")))
        elif kind == "validation_row":
            self._row(ev)
        elif kind == "error":
            self._error(ev)

    def _stage_started(self, stage: str, detail: str) -> None:
        self.stages.stage_started(stage, detail)
        if stage != "resolve":
            self._transfer = None
        self._running_banner(stage)

    def _running_banner(self, stage: str | None = None) -> None:
        if self.job is None or self.job.state != "running" or self.banner.kind != "info":
            return
        if self._transfer is not None:
            self.banner.show_message("info", _esc(transfer_sentence(self._transfer)))
            return
        stage = stage or next((s for s in self.stages.stages if self.stages.state[s] == "running"), None)
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

    def _row(self, row: dict) -> None:
        self._rows([row])

    def _rows(self, rows: list) -> None:
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
        from PySide6.QtGui import QFontMetrics

        bold = QFontMetrics(bold_font)
        model = self.validation
        rows = range(max(0, model.rowCount() - 64), model.rowCount())
        for col in range(model.COLUMNS):
            fm = bold if col == 5 else plain
            texts = [str(model.headerData(col, Qt.Orientation.Horizontal) or "")]
            texts += [str(model.data(model.index(r, col)) or "") for r in rows]
            header.resizeSection(col, max(fm.horizontalAdvance(t) for t in texts) + 18)
        view.scrollToBottom()

    def _error(self, ev: dict) -> None:
        if ev.get("code") in ("validation_failed", "cancelled"):
            self.log.add("warning", str(ev.get("message", "")))
            return
        self.error_banner.show_error(from_error_dict(ev))
        self.log.add("error", str(ev.get("message", "")))
        if ev.get("details"):
            self.log.add("debug", str(ev["details"]))

    def _finished(self, state: str) -> None:
        self.ticker.stop()
        self._apply_progress()  # the last progress first, so that nothing older lands after the outcome
        self._fit_validation_columns()
        self.cancel_button.setEnabled(False)
        self._transfer = None
        if state == "validation_failed":
            self.stages.kept_aside()
            self.stages.kept_path = self.kept_folder()
        elif state != "succeeded":
            self.stages.fail_running("cancelled" if state == "cancelled" else "failed")
        if state == "succeeded":
            self.progress.setValue(1000)
            self.progress.setFormat("%p%")
        elif self.progress.format() != "%p%" and "·" in self.progress.format():
            self.progress.setFormat("%p%")  # a stale "downloading …" must not outlive the run
        self._summarise(state)
        if state == "succeeded" or (state == "validation_failed" and self.kept_folder()):
            self.lower_tabs.setCurrentIndex(1)

    def kept_folder(self) -> str:
        return self.job.kept_folder if self.job is not None else ""

    def _summarise(self, state: str) -> None:
        job = self.job
        passed, failed = self.validation.counts()
        total = passed + failed
        secs = job.elapsed() if job else 0.0
        md = self.validation.max_diff()
        md_text = f"{md:.1e}" if md is not None else "—"
        if state == "succeeded":
            if total:
                html = self.tr("<b>Export succeeded.</b> All %1 validation checks passed (largest difference %2) "
                               "in %3 s.").replace("%1", str(total)).replace("%2", md_text).replace("%3", f"{secs:.1f}")
            else:
                html = self.tr("<b>Export succeeded</b> in %1 s (not validated).").replace("%1", f"{secs:.1f}")
            self.banner.show_message("ok", html)
        elif state == "validation_failed":
            kept = self.kept_folder()
            html = self.tr("<b>Validation failed:</b> %1 of %2 checks differ from PyTorch beyond the tolerance.") \
                .replace("%1", str(failed)).replace("%2", str(total))
            if kept:
                html += " " + self.tr("The files were not published; they were kept in %1 (see Results).") \
                    .replace("%1", f"<code>{_esc(kept)}</code>")
            dtype = str((job.options if job else {}).get("float_dtype") or "fp32")
            advice, self._suggested_atol = validation_advice(dtype, self.validation.max_diff())
            html += "<br>" + _esc(advice)
            links = []
            if dtype != "fp32":
                label = self.tr("Use fp32")
                links.append(f"<a href='dtype:fp32'>{_esc(label)}</a>")
            if self._suggested_atol is not None:
                value = f"{self._suggested_atol:g}"
                label = self.tr("Use atol %1").replace("%1", value)
                links.append(f"<a href='atol:{value}'>{_esc(label)}</a>")
            if links:
                html += "<br>" + " &nbsp;·&nbsp; ".join(links)
            self.banner.show_message("fail", html)
            self.error_banner.clear()
        elif state == "cancelled":
            self.banner.show_message("warn", self.tr("<b>Export cancelled</b> after %1 s. Nothing was written to the "
                                                     "output folder.").replace("%1", f"{secs:.1f}"))
        else:
            self.banner.show_message("fail", self.tr("<b>Export failed</b> after %1 s.").replace("%1", f"{secs:.1f}"))

    def _suggestion_chosen(self, link: str) -> None:
        kind, _, value = link.partition(":")
        if kind == "dtype":
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

    def refresh_title(self) -> None:
        self._refresh_title()

    def _refresh_title(self) -> None:
        if self.job is None:
            self.title.setText(self.tr("<b>No export yet.</b> Choose a model, check the inspector, then press "
                                       "Export."))
            return
        out = str(self.job.options.get("output_dir", ""))
        task = self.tr("task: %1").replace("%1", self.job.task)
        self.title.setText(f"<span style='font-size:13pt; font-weight:600'>{_esc(self.job.model)}</span>"
                           f"&nbsp;&nbsp;<span style='color:#5f6368'>{_esc(task)}</span>"
                           f"<br><span style='color:#5f6368'>→ {_esc(out)}</span>")


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
