"""The models already in the local Hugging Face cache, with sizes; pick one to inspect it.

The cache is scanned on the app's thread pool (never on the GUI thread); a new scan makes a stale
one's answer be ignored.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from exportcore import hub

from .hub_models import ROLE_ITEM, CachedModelsModel
from .background import LatestCall
from .qt_util import Retranslating, StatusText

__all__ = ["CacheBrowser"]

log = logging.getLogger(__name__)


class CacheBrowser(Retranslating, QWidget):
    """Lists cached models (id, type, size, files, revisions, modified, status)."""

    #: the user picked a cached model: its snapshot folder
    modelChosen = Signal(str)
    #: a scan finished (successfully or not)
    scanFinished = Signal()

    def __init__(self, parent: QWidget | None = None, *, cache_dir: str | Path | None = None,
                 auto_scan: bool = True) -> None:
        super().__init__(parent)
        self.setObjectName("CacheBrowser")
        self._cache_dir = str(cache_dir) if cache_dir is not None else None
        self._auto_scan = auto_scan
        self._scanned_once = False
        self._scan = LatestCall()
        self._last: hub.CacheScan | None = None

        self.filterEdit = QLineEdit(self)
        self.filterEdit.setObjectName("filterEdit")
        self.filterEdit.setClearButtonEnabled(True)
        self.refreshButton = QPushButton(self)
        self.refreshButton.setObjectName("refreshButton")
        self.cacheLabel = QLabel(self)
        self.cacheLabel.setObjectName("cacheLabel")
        self.cacheLabel.setWordWrap(True)
        self.cacheLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.model = CachedModelsModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(CachedModelsModel.COL_ID)
        self.proxy.setSortRole(Qt.ItemDataRole.UserRole)
        self.view = QTableView(self)
        self.view.setObjectName("modelsView")
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(CachedModelsModel.COL_ID, Qt.SortOrder.AscendingOrder)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(24)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(CachedModelsModel.COL_ID, QHeaderView.ResizeMode.Stretch)
        for col in range(1, self.model.columnCount()):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)

        self.statusLabel = QLabel(self)
        self.statusLabel.setObjectName("statusLabel")
        self.statusLabel.setWordWrap(True)
        self.status = StatusText(self.statusLabel, lambda: self.tr("Not scanned yet."))
        self.inspectButton = QPushButton(self)
        self.inspectButton.setObjectName("inspectButton")
        self.inspectButton.setEnabled(False)

        top = QHBoxLayout()
        top.addWidget(self.filterEdit, 1)
        top.addWidget(self.refreshButton)
        bottom = QHBoxLayout()
        bottom.addWidget(self.statusLabel, 1)
        bottom.addWidget(self.inspectButton)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.cacheLabel)
        layout.addWidget(self.view, 1)
        layout.addLayout(bottom)

        self.refreshButton.clicked.connect(self.refresh)
        self.filterEdit.textChanged.connect(self.proxy.setFilterFixedString)
        self.view.doubleClicked.connect(self._double_clicked)
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.inspectButton.clicked.connect(self.choose_current)
        self.retranslate()


    def retranslate(self) -> None:
        self.filterEdit.setPlaceholderText(self.tr("Filter cached models…"))
        self.refreshButton.setText(self.tr("Refresh"))
        self.inspectButton.setText(self.tr("Inspect"))
        self.model.retranslate()
        self.status.render()
        if self._last is not None:
            self._render_cache_label(self._last)

    # ---- public ---------------------------------------------------------------------------
    def cache_dir(self) -> str:
        return self._cache_dir or str(hub.default_cache_dir())

    def set_cache_dir(self, cache_dir: str | Path | None) -> None:
        self._cache_dir = str(cache_dir) if cache_dir is not None else None
        self.refresh()

    def last_scan(self) -> hub.CacheScan | None:
        return self._last

    @Slot()
    def refresh(self) -> None:
        """Scan the cache again (off the GUI thread)."""
        self._scanned_once = True
        folder = self.cache_dir()
        self.status.set(lambda: self.tr("Scanning {0}…").format(folder))
        self._scan.start(hub.scan_cache, self._cache_dir, on_result=self._scan_done, on_error=self._scan_failed)

    def is_scanning(self) -> bool:
        return self._scan.busy

    def selected_model(self) -> hub.CachedModel | None:
        index = self.view.currentIndex()
        if not index.isValid():
            rows = self.view.selectionModel().selectedRows()
            if not rows:
                return None
            index = rows[0]
        return self.proxy.data(self.proxy.index(index.row(), 0), ROLE_ITEM)

    @Slot()
    def choose_current(self) -> None:
        model = self.selected_model()
        if model is not None and model.snapshot_path:
            self.modelChosen.emit(model.snapshot_path)

    def shutdown(self) -> None:
        self._scan.cancel()

    # ---- events ---------------------------------------------------------------------------
    def showEvent(self, event: Any) -> None:  # noqa: N802
        super().showEvent(event)
        if self._auto_scan and not self._scanned_once:
            QTimer.singleShot(0, self._first_scan)

    def _first_scan(self) -> None:
        if not self._scanned_once:
            self.refresh()

    def closeEvent(self, event: Any) -> None:  # noqa: N802
        self.shutdown()
        super().closeEvent(event)

    @Slot(QModelIndex)
    def _double_clicked(self, index: QModelIndex) -> None:
        model = self.proxy.data(self.proxy.index(index.row(), 0), ROLE_ITEM)
        if model is not None and model.snapshot_path:
            self.modelChosen.emit(model.snapshot_path)

    def _selection_changed(self, *_args: Any) -> None:
        model = self.selected_model()
        self.inspectButton.setEnabled(model is not None and bool(model.snapshot_path))

    # ---- results --------------------------------------------------------------------------
    def _scan_done(self, scan: hub.CacheScan) -> None:
        self._last = scan
        self.model.set_items(scan.models)
        self._render_cache_label(scan)

        def text() -> str:
            words = (self.tr("No model in the cache yet. Download one from the Hub tab.") if not scan.models
                     else self.tr("{0} cached models.").format(len(scan.models)))
            if scan.warnings:
                words += " " + self.tr("{0} folders could not be read (see tooltip).").format(len(scan.warnings))
            return words

        self.status.set(text)
        self.statusLabel.setToolTip("\n".join(scan.warnings))
        self._selection_changed()
        self.scanFinished.emit()

    def _render_cache_label(self, scan: hub.CacheScan) -> None:
        self.cacheLabel.setText(self.tr("{0} — {1} on disk").format(scan.cache_dir, hub.format_size(scan.size_on_disk)))

    def _scan_failed(self, exc: BaseException) -> None:
        self.model.clear()
        self.status.set(lambda: self.tr("The cache could not be read: {0}").format(exc), error=True)
        log.info("cache scan failed: %s", exc)
        self.scanFinished.emit()
