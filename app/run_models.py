"""The run view's item models: the stages of the run (state, elapsed, detail) and the validation rows as they arrive."""

from __future__ import annotations

import time
from enum import StrEnum
from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QStyle

from exportcore.events import STAGES, ValidationRow

from .inspector import standard_icon
from .qt_util import ListTableModel

Index = QModelIndex | QPersistentModelIndex
PASS_BG, PASS_FG = QColor("#e6f4ea"), QColor("#1e6b34")
FAIL_BG, FAIL_FG = QColor("#fdecea"), QColor("#b71c1c")


class StageState(StrEnum):
    PENDING = "pending"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    SKIPPED = "skipped"
    CANCELLED = "cancelled"
    #: validation ran and some checks failed
    CHECKS_FAILED = "checks_failed"
    #: a run that failed validation: its files were kept beside the destination, not published
    KEPT = "kept"


def stage_name(stage: str) -> str:
    translate = QCoreApplication.translate
    return {
        "resolve": translate("Stages", "Resolve"), "plan": translate("Stages", "Plan"),
        "load": translate("Stages", "Load weights"), "export": translate("Stages", "Export"),
        "post-process": translate("Stages", "Post-process"), "validate": translate("Stages", "Validate"),
        "publish": translate("Stages", "Publish"),
    }.get(stage, stage)


def _state_word(state: StageState) -> str:
    translate = QCoreApplication.translate
    return {
        StageState.PENDING: translate("StageState", "waiting"), StageState.RUNNING: translate("StageState", "running"),
        StageState.DONE: translate("StageState", "done"), StageState.FAILED: translate("StageState", "failed"),
        StageState.SKIPPED: translate("StageState", "skipped"),
        StageState.CANCELLED: translate("StageState", "cancelled"),
        StageState.CHECKS_FAILED: translate("StageState", "checks failed"),
        StageState.KEPT: translate("StageState", "kept aside"),
    }[state]


_PIXMAP = QStyle.StandardPixmap
_STATE_ICONS = {
    StageState.RUNNING: _PIXMAP.SP_MediaPlay, StageState.DONE: _PIXMAP.SP_DialogApplyButton,
    StageState.FAILED: _PIXMAP.SP_MessageBoxCritical, StageState.CHECKS_FAILED: _PIXMAP.SP_MessageBoxCritical,
    StageState.KEPT: _PIXMAP.SP_DirIcon, StageState.CANCELLED: _PIXMAP.SP_DialogCancelButton,
}
_STATE_COLOURS = {
    StageState.PENDING: QColor("#9e9e9e"), StageState.SKIPPED: QColor("#9e9e9e"), StageState.FAILED: FAIL_FG,
    StageState.CHECKS_FAILED: FAIL_FG, StageState.KEPT: QColor("#8a4b00"), StageState.RUNNING: QColor("#1565c0"),
}


class StageListModel(ListTableModel):
    """One row per stage: name, state, elapsed seconds, latest message."""

    COLUMNS = 4

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.stages = list(STAGES)
        self._reset_state()

    def _reset_state(self) -> None:
        self.kept_path = ""  # where a run that failed validation was kept (the publish row says so)
        self.state: dict[str, StageState] = {s: StageState.PENDING for s in self.stages}
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
            self.state[stage] = StageState.PENDING
            self.endInsertRows()
        return self.stages.index(stage)

    def _changed(self, row: int) -> None:
        self.dataChanged.emit(self.index(row, 0), self.index(row, self.COLUMNS - 1))

    def _end(self, stage: str, state: StageState) -> None:
        """``stage`` stops in ``state`` now: its time so far is its elapsed time."""
        self.state[stage] = state
        self.seconds[stage] = time.monotonic() - self.started.get(stage, time.monotonic())
        self._changed(self.stages.index(stage))

    def running(self) -> str | None:
        return next((s for s in self.stages if self.state[s] == StageState.RUNNING), None)

    def stage_started(self, stage: str, detail: str = "") -> None:
        row = self._row(stage)
        for earlier in self.stages[:row]:  # a stage the worker skipped silently
            if self.state[earlier] == StageState.PENDING:
                self.state[earlier] = StageState.SKIPPED
                self._changed(self.stages.index(earlier))
        self.state[stage] = StageState.RUNNING
        self.started[stage] = time.monotonic()
        if detail:
            self.detail[stage] = detail
        self._changed(row)

    def stage_finished(self, stage: str, seconds: float, detail: str = "") -> None:
        row = self._row(stage)
        self.state[stage] = StageState.DONE
        self.seconds[stage] = seconds
        if detail:
            self.detail[stage] = detail
        self._changed(row)

    def message(self, stage: str, text: str) -> None:
        if stage and text:
            row = self._row(stage)
            self.detail[stage] = text
            self._changed(row)

    def fail_running(self, state: StageState = StageState.FAILED) -> None:
        for s in self.stages:
            if self.state[s] == StageState.RUNNING:
                self._end(s, state)

    def kept_aside(self) -> None:
        """A run that failed validation: the checks failed and the files were kept beside the destination instead of
        being published (not a write error of the publish stage)."""
        if self.state.get("validate") in (StageState.DONE, StageState.RUNNING):
            self.state["validate"] = StageState.CHECKS_FAILED
            self._changed(self.stages.index("validate"))
        for s in self.stages:
            if self.state[s] == StageState.RUNNING or (s == "publish" and self.state[s] == StageState.PENDING):
                self._end(s, StageState.KEPT)

    def tick(self) -> None:
        for i, s in enumerate(self.stages):
            if self.state[s] == StageState.RUNNING:
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
                if state == StageState.RUNNING:
                    return f"{time.monotonic() - self.started.get(stage, time.monotonic()):.1f} s"
                if stage in self.seconds:
                    return f"{self.seconds[stage]:.2f} s"
                return ""
            if col == 3:
                return self.detail.get(stage, "")
        if role == Qt.ItemDataRole.DecorationRole and col == 1:
            icon = _STATE_ICONS.get(state)
            return standard_icon(icon) if icon is not None else None
        if role == Qt.ItemDataRole.ToolTipRole:
            if state == StageState.KEPT and self.kept_path:
                return self.tr("Not published: the files were kept in %1").replace("%1", self.kept_path)
            return self.detail.get(stage) or None
        if role == Qt.ItemDataRole.ForegroundRole:
            return _STATE_COLOURS.get(state)
        if role == Qt.ItemDataRole.FontRole and state == StageState.RUNNING:
            return _bold()
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def retranslate(self) -> None:
        self.retranslate_header()
        if self.stages:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.stages) - 1, self.COLUMNS - 1))


def _bold() -> QFont:
    font = QFont()
    font.setBold(True)
    return font


class ValidationModel(ListTableModel):
    """Validation rows as they arrive: submodel, shape set, output, max abs diff, atol, pass/fail."""

    COLUMNS = 6

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.rows: list[ValidationRow] = []

    def clear(self) -> None:
        self.beginResetModel()
        self.rows = []
        self.endResetModel()

    def add_rows(self, rows: list[ValidationRow]) -> None:
        """One insertion for many rows: the view lays out and repaints once."""
        if not rows:
            return
        n = len(self.rows)
        self.beginInsertRows(QModelIndex(), n, n + len(rows) - 1)
        self.rows.extend(rows)
        self.endInsertRows()

    def counts(self) -> tuple[int, int]:
        failed = sum(1 for r in self.rows if not r.passed)
        return len(self.rows) - failed, failed

    def max_diff(self) -> float | None:
        diffs = [r.max_abs_diff for r in self.rows if _is_number(r.max_abs_diff)]
        return max(diffs) if diffs else None

    def failed_atol(self) -> float | None:
        """The tolerance the failed checks were held to (the largest, where submodels differ), None when none
        failed or the rows do not say."""
        atols = [r.atol for r in self.rows if not r.passed and _is_number(r.atol)]
        return max(atols) if atols else None

    def row_items(self) -> list[ValidationRow]:
        return self.rows

    def headers(self) -> tuple[str, ...]:
        return (self.tr("Submodel"), self.tr("Shape set"), self.tr("Output"), self.tr("Max abs diff"),
                self.tr("atol"), self.tr("Result"))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        r = self.rows[index.row()]
        col = index.column()
        passed = bool(r.passed)
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return str(r.submodel)
            if col == 1:
                return str(r.shape_set)
            if col == 2:
                return str(r.output)
            if col == 3:
                return f"{r.max_abs_diff:.2e}" if _is_number(r.max_abs_diff) else "—"
            if col == 4:
                return f"{r.atol:g}" if _is_number(r.atol) else "—"
            if col == 5:
                if passed:
                    return self.tr("pass")
                return self.tr("fail: shape") if r.shape_ok is False else self.tr("fail")
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = [f"expected shape {r.expected_shape}", f"actual shape {r.actual_shape}"]
            if r.note:
                tip.append(str(r.note))
            return "\n".join(tip)
        if role == Qt.ItemDataRole.BackgroundRole and col == 5:
            return PASS_BG if passed else FAIL_BG
        if role == Qt.ItemDataRole.ForegroundRole and col in (3, 5):
            return PASS_FG if passed else FAIL_FG
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (3, 4):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.FontRole and col == 5:
            return _bold()
        return None

    def retranslate(self) -> None:
        self.retranslate_header()
        if self.rows:
            self.dataChanged.emit(self.index(0, 5), self.index(len(self.rows) - 1, 5))


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
