"""Results of a run (its variants against their accuracy budget, files with sizes, Open folder, Open in Netron, Copy
CLI command) and the run history."""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
import time
from typing import Any

from PySide6.QtCore import (
    QCoreApplication, QModelIndex, QObject, QPersistentModelIndex, QProcess, Qt, QUrl, Signal,
)
from PySide6.QtGui import QColor, QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView, QHBoxLayout, QLabel, QMessageBox, QPushButton, QSplitter, QStyle, QVBoxLayout,
    QWidget,
)

from exportcore.events import VariantResult
from exportcore.options import ExportOptions
from exportcore.sizes import format_size

from .export_job import ExportJob
from .inspector import standard_icon
from .job_state import state_colour, state_text
from .qt_util import ListTableModel, Retranslating, heading, read_only_table, stacked
from .run_output import RunOutput
from .variant_results import VariantsModel, kept_sentence, variant_results

Index = QModelIndex | QPersistentModelIndex


def human_size(n: int | float | None) -> str:
    """A file's size as every other message of ours says one (``exportcore.sizes``: decimal units, as the Hub and
    the pre-flight's estimates show them); "—" when unknown."""
    return format_size(int(n)) if isinstance(n, (int, float)) else "—"


def cli_command(options: dict) -> str:
    """The equivalent ``exportcore export …`` command (ExportOptions.to_cli_command)."""
    try:
        return ExportOptions.from_dict({k: v for k, v in options.items()}).to_cli_command()
    except Exception:
        known = {k: v for k, v in options.items() if k in ExportOptions.__dataclass_fields__}
        return ExportOptions.from_dict(known).to_cli_command()


def netron_command() -> list[str] | None:
    """How to start Netron, when it is installed (the ``netron`` script, or the Python package)."""
    exe = shutil.which("netron")
    if exe:
        return [exe]
    if importlib.util.find_spec("netron") is not None:
        return [sys.executable, "-m", "netron"]
    return None


class FilesModel(ListTableModel):
    COLUMNS = 2

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.files: list[dict] = []

    def set_files(self, files: list[dict]) -> None:
        self.beginResetModel()
        self.files = [dict(f) for f in files or [] if isinstance(f, dict)]
        self.endResetModel()

    def total(self) -> int:
        return sum(int(f.get("bytes") or 0) for f in self.files)

    def row_items(self) -> list[dict]:
        return self.files

    def headers(self) -> tuple[str, ...]:
        return (self.tr("File"), self.tr("Size"))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.files):
            return None
        f = self.files[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return str(f.get("name", "")) if index.column() == 0 else human_size(f.get("bytes"))
        if role == Qt.ItemDataRole.DecorationRole and index.column() == 0:
            return standard_icon(QStyle.StandardPixmap.SP_FileIcon)
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{f.get('bytes')} bytes"
        return None

    def retranslate(self) -> None:
        self.retranslate_header()


class HistoryModel(ListTableModel):
    """Past runs, newest first: when, model, task, outcome, time, folder."""

    COLUMNS = 6

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.entries: list[dict] = []

    def set_entries(self, entries: list[dict]) -> None:
        self.beginResetModel()
        self.entries = [dict(e) for e in entries]
        self.endResetModel()

    def add(self, entry: dict) -> None:
        self.beginInsertRows(QModelIndex(), 0, 0)
        self.entries.insert(0, dict(entry))
        self.endInsertRows()

    def entry(self, row: int) -> dict:
        return self.entries[row]

    def row_items(self) -> list[dict]:
        return self.entries

    def headers(self) -> tuple[str, ...]:
        return (self.tr("When"), self.tr("Model"), self.tr("Task"), self.tr("Outcome"), self.tr("Time"),
                self.tr("Folder"))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.entries):
            return None
        e = self.entries[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return time.strftime("%Y-%m-%d %H:%M", time.localtime(float(e.get("when") or 0)))
            if col == 1:
                return str(e.get("model", ""))
            if col == 2:
                return str(e.get("task") or (e.get("options") or {}).get("task") or "auto")
            if col == 3:
                return state_text(str(e.get("outcome", "")))
            if col == 4:
                s = e.get("seconds")
                return f"{float(s):.1f} s" if isinstance(s, (int, float)) else ""
            if col == 5:
                return str(e.get("output_dir", ""))
        if role == Qt.ItemDataRole.ForegroundRole and col == 3:
            return QColor(state_colour(str(e.get("outcome"))))
        if role == Qt.ItemDataRole.ToolTipRole:
            return cli_command(e.get("options") or {"model": e.get("model", "")})
        return None

    def retranslate(self) -> None:
        self.retranslate_header()
        if self.entries:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.entries) - 1, self.COLUMNS - 1))


def open_folder(path: str, parent: QWidget | None = None) -> bool:
    """Show ``path`` in the file manager. When there is none (or it fails), say so with the path and a Copy path
    button instead of doing nothing."""
    if not path:
        return False
    if os.path.isdir(path) and QDesktopServices.openUrl(QUrl.fromLocalFile(path)):
        return True
    box = QMessageBox(QMessageBox.Icon.Information, QCoreApplication.translate("Results", "Open folder"),
                      QCoreApplication.translate("Results", "No file manager could be opened for this folder. "
                                                            "Its path is:") + f"\n\n{path}",
                      QMessageBox.StandardButton.Close, parent)
    box.setObjectName("openFolderFailed")
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if not os.path.isdir(path):
        box.setInformativeText(QCoreApplication.translate("Results", "The folder does not exist (any more)."))
    copy = box.addButton(QCoreApplication.translate("Results", "Copy path"), QMessageBox.ButtonRole.ActionRole)
    copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(path))
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return False


class ResultsPanel(Retranslating, QWidget):
    """The outcome of the run shown in the run view: its variants (live, as they are judged), files and what to do
    with them."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.files = FilesModel(self)
        self.variants = VariantsModel(self)
        self.job: ExportJob | None = None
        self._job_conn = None
        self.output_dir = ""
        self.kept = False  # the files are a failed run kept aside, not a published export
        self.options: dict = {}
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.view = read_only_table(self.files, single_selection=True)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.variants_title = heading()
        self.variants_view = read_only_table(self.variants)
        self.variants_part = stacked(self.variants_title, self.variants_view)
        self.split = QSplitter(Qt.Orientation.Vertical)
        self.split.addWidget(self.variants_part)
        self.split.addWidget(self.view)
        self.split.setChildrenCollapsible(False)
        self.split.setStretchFactor(0, 3)
        self.split.setStretchFactor(1, 2)
        self.view.setMinimumHeight(56)
        st = self.style()
        self.open_button = QPushButton(st.standardIcon(QStyle.StandardPixmap.SP_DirOpenIcon), "")
        self.netron_button = QPushButton(st.standardIcon(QStyle.StandardPixmap.SP_FileDialogContentsView), "")
        self.copy_button = QPushButton(st.standardIcon(QStyle.StandardPixmap.SP_FileDialogDetailedView), "")
        self.open_button.clicked.connect(lambda: open_folder(self.output_dir, self))
        self.netron_button.clicked.connect(self.open_in_netron)
        self.copy_button.clicked.connect(self.copy_cli)
        self.copied = QLabel()
        self.copied.setStyleSheet("color: #1e6b34")
        buttons = QHBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.netron_button)
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.copied)
        buttons.addStretch(1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 8, 8, 8)
        lay.addWidget(self.summary)
        lay.addWidget(self.split, 1)
        lay.addLayout(buttons)
        self.retranslate()
        self.clear()

    def clear(self) -> None:
        self._follow(None)
        self.show(RunOutput(), {})

    def show_job(self, job: ExportJob) -> None:
        """What the run left (nothing yet while it runs), its variants as they are judged, and its command line."""
        if job is not self.job:
            self._follow(job)
        self.variants.set_results(variant_results(job.events))
        self.show(RunOutput.of(job), job.options)

    def _follow(self, job: ExportJob | None) -> None:
        if self._job_conn is not None:
            QObject.disconnect(self._job_conn)
            self._job_conn = None
        self.job = job
        self.variants.set_results([])
        if job is not None:
            self._job_conn = job.eventsArrived.connect(self._events)

    def _events(self, batch: list) -> None:
        results = [ev for ev in batch if isinstance(ev, VariantResult)]
        for result in results:
            self.variants.add(result)
        if results:
            self._refresh()

    def show(self, output: RunOutput, options: dict) -> None:
        self.files.set_files(list(output.files))
        self.output_dir = output.folder
        self.kept = output.kept
        self.options = dict(options)
        self._refresh()

    def set_options(self, options: dict) -> None:
        """A run that ended without result still has a command line to copy."""
        self.options = dict(options)
        self._refresh()

    def onnx_files(self) -> list[str]:
        return [os.path.join(self.output_dir, f["name"]) for f in self.files.files
                if str(f.get("name", "")).endswith(".onnx")]

    def open_in_netron(self) -> bool:
        cmd = netron_command()
        files = self.onnx_files()
        if not cmd or not files:
            return False
        row = self.view.currentIndex().row()
        target = os.path.join(self.output_dir, self.files.files[row]["name"]) if row >= 0 else files[0]
        return QProcess.startDetached(cmd[0], [*cmd[1:], target])[0]

    def copy_cli(self) -> str:
        text = cli_command(self.options) if self.options.get("model") else ""
        if text:
            QGuiApplication.clipboard().setText(text)
            self.copied.setText(self.tr("Copied to the clipboard."))
        return text

    def _refresh(self) -> None:
        has_files = bool(self.files.files)
        self.open_button.setEnabled(bool(self.output_dir) and has_files)
        has_netron = netron_command() is not None
        self.netron_button.setEnabled(has_netron and bool(self.onnx_files()))
        self.netron_button.setToolTip("" if has_netron else self.tr("Netron is not installed (pip install netron)."))
        self.copy_button.setEnabled(bool(self.options.get("model")))
        self.copied.setText("")
        wanted = bool(self.options.get("variants")) or bool(self.variants.results)
        self.variants_part.setVisible(wanted)
        passed = len(self.variants.results) - len(self.variants.failed())
        title = self.tr("Variants against PyTorch fp32")
        if self.variants.results:
            title += "  —  " + self.tr("%1 passed, %2 failed").replace("%1", str(passed)).replace(
                "%2", str(len(self.variants.failed())))
        elif wanted:
            title += "  —  " + self.tr("judged after the fp32 files are validated")
        self.variants_title.setText(title)
        # the variants get the room their rows need, the files the rest
        rows = max(len(self.variants.results), len(self.options.get("variants") or ()), 1)
        view = self.variants_view
        need = (self.variants_title.sizeHint().height() + view.horizontalHeader().sizeHint().height()
                + rows * view.verticalHeader().defaultSectionSize() + 2 * view.frameWidth() + 12)
        self.variants_part.setMaximumHeight(need)
        because = kept_sentence(self.variants.results)
        count, total = str(len(self.files.files)), human_size(self.files.total())
        if has_files and self.kept and because:  # the fp32 files passed: a variant is why the run was kept aside
            self.summary.setText(because + "\n" + self.tr("The files were kept in %3 (%1 files, %2 in total).")
                                 .replace("%1", count).replace("%2", total).replace("%3", self.output_dir))
        elif has_files and self.kept:
            self.summary.setText(self.tr("Validation failed, so these files were not published. They were kept in "
                                         "%3 (%1 files, %2 in total); validation_report.json shows the differences.")
                                 .replace("%1", str(len(self.files.files))).replace("%2", human_size(self.files.total()))
                                 .replace("%3", self.output_dir))
        elif has_files:
            self.summary.setText(self.tr("%1 files, %2 in total, in %3").replace("%1", str(len(self.files.files)))
                                 .replace("%2", human_size(self.files.total())).replace("%3", self.output_dir))
        else:
            self.summary.setText(self.tr("No files yet."))


    def retranslate(self) -> None:
        self.open_button.setText(self.tr("Open folder"))
        self.netron_button.setText(self.tr("Open in Netron"))
        self.copy_button.setText(self.tr("Copy CLI command"))
        self.copy_button.setToolTip(self.tr("The equivalent 'exportcore export' command line"))
        self.files.retranslate()
        self.variants.retranslate()
        self._refresh()


class HistoryPanel(Retranslating, QWidget):
    """Past runs with their options and outcome; re-run or reuse the options."""

    rerunRequested = Signal(object)
    loadOptionsRequested = Signal(object)
    clearRequested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.model = HistoryModel(self)
        self.view = read_only_table(self.model, single_selection=True)
        self.view.doubleClicked.connect(lambda idx: self._load(idx.row()))
        st = self.style()
        self.rerun_button = QPushButton(st.standardIcon(QStyle.StandardPixmap.SP_BrowserReload), "")
        self.load_button = QPushButton(st.standardIcon(QStyle.StandardPixmap.SP_ArrowBack), "")
        self.open_button = QPushButton(st.standardIcon(QStyle.StandardPixmap.SP_DirOpenIcon), "")
        self.copy_button = QPushButton(st.standardIcon(QStyle.StandardPixmap.SP_FileDialogDetailedView), "")
        self.clear_button = QPushButton(st.standardIcon(QStyle.StandardPixmap.SP_TrashIcon), "")
        self.rerun_button.clicked.connect(lambda: self._selected(self.rerunRequested.emit))
        self.load_button.clicked.connect(lambda: self._selected(self.loadOptionsRequested.emit))
        self.open_button.clicked.connect(lambda: self._selected(lambda e: open_folder(str(e.get("output_dir", "")), self)))
        self.copy_button.clicked.connect(lambda: self._selected(
            lambda e: QGuiApplication.clipboard().setText(cli_command(e.get("options") or {}))))
        self.clear_button.clicked.connect(self.clearRequested)
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.modelReset.connect(self._update_buttons)
        self.model.rowsInserted.connect(self._update_buttons)
        buttons = QHBoxLayout()
        for b in (self.rerun_button, self.load_button, self.open_button, self.copy_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(self.clear_button)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(12, 10, 12, 10)
        lay.addWidget(self.view, 1)
        lay.addLayout(buttons)
        self.retranslate()
        self._update_buttons()

    def _selected(self, fn) -> None:
        row = self.view.currentIndex().row()
        if 0 <= row < self.model.rowCount():
            fn(self.model.entry(row))

    def _load(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            self.loadOptionsRequested.emit(self.model.entry(row))

    def _update_buttons(self, *_: Any) -> None:
        has = self.view.currentIndex().row() >= 0 and self.model.rowCount() > 0
        for b in (self.rerun_button, self.load_button, self.open_button, self.copy_button):
            b.setEnabled(has)
        self.clear_button.setEnabled(self.model.rowCount() > 0)


    def retranslate(self) -> None:
        self.rerun_button.setText(self.tr("Run again"))
        self.load_button.setText(self.tr("Use these options"))
        self.open_button.setText(self.tr("Open folder"))
        self.copy_button.setText(self.tr("Copy CLI command"))
        self.clear_button.setText(self.tr("Clear history"))
        self.model.retranslate()
