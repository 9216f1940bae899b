"""The export queue under the options: one row per job (#, model, task, state, time) and Cancel."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView, QHBoxLayout, QHeaderView, QPushButton, QStyle, QStyledItemDelegate, QStyleOptionViewItem,
    QTableView, QVBoxLayout, QWidget,
)

from .export_job import ExportJob, ExportQueue
from .job_state import state_colour, state_text
from .qt_util import ListTableModel, Retranslating, heading


def fitted_model_id(model: str, metrics: QFontMetrics, width: int) -> str:
    """``model`` as it fits in ``width`` pixels: whole; else its name without the organisation, folder or ``demo:``
    (``…/all-MiniLM-L6-v2``), which tells queued models apart; else that name elided in the middle."""
    if metrics.horizontalAdvance(model) <= width:
        return model
    cut = max(model.rstrip("/").rfind("/"), model.find(":") if model.startswith("demo:") else -1)
    name = model.rstrip("/")[cut + 1:] if cut >= 0 else model
    short = "…/" + name if cut >= 0 and not model.startswith("demo:") else name
    if metrics.horizontalAdvance(short) <= width:
        return short
    return metrics.elidedText(name, Qt.TextElideMode.ElideMiddle, width)


class ModelIdDelegate(QStyledItemDelegate):
    """Draws a model id with :func:`fitted_model_id` (the full id is the cell's tooltip)."""

    PADDING = 8  # the style's margins on both sides of a cell's text

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        super().initStyleOption(option, index)
        option.text = fitted_model_id(option.text, option.fontMetrics, option.rect.width() - self.PADDING)


class QueueModel(ListTableModel):
    """The export queue: #, model, task, state, elapsed."""

    COLUMNS = 5

    def __init__(self, queue: ExportQueue, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.queue = queue
        self._jobs: list[ExportJob] = []
        queue.changed.connect(self.refresh)
        self.refresh()

    def refresh(self) -> None:
        jobs = list(self.queue.jobs)
        if [id(j) for j in jobs] != [id(j) for j in self._jobs]:
            self.beginResetModel()
            self._jobs = jobs
            self.endResetModel()
        elif jobs:
            self.dataChanged.emit(self.index(0, 0), self.index(len(jobs) - 1, self.COLUMNS - 1))

    def job(self, row: int) -> ExportJob:
        return self._jobs[row]

    def row_items(self) -> list[ExportJob]:
        return self._jobs

    def headers(self) -> tuple[str, ...]:
        return ("#", self.tr("Model"), self.tr("Task"), self.tr("State"), self.tr("Time"))

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._jobs):
            return None
        job = self._jobs[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return str(job.number)
            if col == 1:
                return job.model
            if col == 2:
                return job.task
            if col == 3:
                return state_text(job.state)
            if col == 4:
                return f"{job.elapsed():.1f} s" if job.started_at else ""
        if role == Qt.ItemDataRole.ForegroundRole and col == 3:
            return QColor(state_colour(job.state))
        if role == Qt.ItemDataRole.ToolTipRole and col == 1:
            return f"{job.model}\n→ {job.options.get('output_dir', '')}"
        if role == Qt.ItemDataRole.ToolTipRole and col == 2:
            return job.task
        return None

    def retranslate(self) -> None:
        self.retranslate_header()
        self.refresh()


class QueuePanel(Retranslating, QWidget):
    """The queue's title, its Cancel button and its table; the elapsed times tick while a job runs."""

    #: a row was double-clicked: show that job in the run view
    jobActivated = Signal(object)

    def __init__(self, queue: ExportQueue, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.queue = queue
        self.title = heading()
        self.model = QueueModel(queue, self)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(22)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setShowGrid(False)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        # a long task ("text-generation-with-past") must not squeeze the model: a fixed column, elided
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(2, 88)
        self.view.setItemDelegateForColumn(1, ModelIdDelegate(self.view))
        self.view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.view.setWordWrap(False)
        self.view.setMaximumHeight(150)
        self.view.doubleClicked.connect(lambda index: self.jobActivated.emit(self.model.job(index.row())))
        self.cancel_button = QPushButton(self.style().standardIcon(QStyle.StandardPixmap.SP_BrowserStop), "")
        self.cancel_button.clicked.connect(self.cancel_selected)
        row = QHBoxLayout()
        row.addWidget(self.title, 1)
        row.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)  # as between the other rows of the options pane
        layout.addLayout(row)
        layout.addWidget(self.view)
        self._ticker = QTimer(self)
        self._ticker.setInterval(1000)
        self._ticker.timeout.connect(self.model.refresh)
        queue.changed.connect(self._queue_changed)
        self.retranslate()
        self._queue_changed()

    def cancel_selected(self) -> None:
        """Cancel the selected job, or the running one when none is selected."""
        row = self.view.currentIndex().row()
        if 0 <= row < self.model.rowCount():
            self.queue.cancel(self.model.job(row))
        elif self.queue.running is not None:
            self.queue.cancel(self.queue.running)

    def _queue_changed(self) -> None:
        busy = any(not j.is_done for j in self.queue.jobs)
        self.cancel_button.setEnabled(busy)
        if self.queue.running is not None or self.queue.pending():
            self._ticker.start()
        else:
            self._ticker.stop()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Queue"))
        self.cancel_button.setText(self.tr("Cancel"))
        self.cancel_button.setToolTip(self.tr("Cancel the selected (or the running) export"))
        self.model.retranslate()
