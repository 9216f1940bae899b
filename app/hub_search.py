"""The Hub pane's search: the query, the filters (task, library, order) and the Offline switch above the results, the
results table, its status line and "Load more".

Requests run on the app's thread pool (:mod:`app.background`); a new search or page makes the stale one's answer be
ignored. The results table keeps the model id, the Exportable badge and the task in view and adds downloads,
"updated" and likes only when there is room.
"""

from __future__ import annotations

import logging
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView, QCheckBox, QComboBox, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton, QSizePolicy,
    QStyle, QTableView, QVBoxLayout, QWidget,
)

from exportcore import hub

from .background import LatestCall
from .hub_access import HubAccess, describe_error, error_text
from .hub_models import ExportableFn, SearchResultsModel
from .qt_util import Retranslating, StatusText

log = logging.getLogger(__name__)

#: Pipeline tags offered in the task filter (the Hub's vocabulary, transformers-exportable first).
HUB_TASKS: tuple[str, ...] = (
    "feature-extraction",
    "sentence-similarity",
    "fill-mask",
    "text-classification",
    "token-classification",
    "question-answering",
    "zero-shot-classification",
    "text-generation",
    "text2text-generation",
    "summarization",
    "translation",
    "image-classification",
    "image-feature-extraction",
    "zero-shot-image-classification",
    "object-detection",
    "zero-shot-object-detection",
    "image-segmentation",
    "mask-generation",
    "depth-estimation",
    "keypoint-detection",
    "image-to-image",
    "image-to-text",
    "image-text-to-text",
    "automatic-speech-recognition",
    "audio-classification",
    "text-to-speech",
)

#: (sort key in exportcore.hub.SORTS, English label; the combo shows the tr() version)
SORT_CHOICES: tuple[tuple[str, str], ...] = (
    ("downloads", "Most downloads"),
    ("likes", "Most likes"),
    ("last_modified", "Recently updated"),
    ("trending", "Trending"),
)


class HubSearchPane(Retranslating, QWidget):
    """The results (this widget) and, in :attr:`controls`, the query, Offline and filter rows that the Hub browser
    puts above them."""

    #: results were shown (also after "Load more") or the search failed
    resultsChanged = Signal()
    #: models were listed (a page of results): the Hub browser remembers their pipeline tags
    modelsListed = Signal(list)
    #: the current row changed to this model (repo id)
    currentModelChanged = Signal(str)
    #: a row was double-clicked (its ModelSummary)
    modelActivated = Signal(object)
    #: the Offline switch was turned (a search follows)
    offlineChanged = Signal(bool)
    #: an error was shown in the status line (its ExportError code)
    errorShown = Signal(str)

    #: the model id column keeps at least this much before optional columns are shown
    MIN_ID_WIDTH = 250
    #: optional result columns, shown in this order as room allows
    OPTIONAL_COLUMNS = (SearchResultsModel.COL_DOWNLOADS, SearchResultsModel.COL_UPDATED, SearchResultsModel.COL_LIKES)
    TASK_COLUMN_WIDTH = 130

    def __init__(self, access: HubAccess, parent: QWidget | None = None, *,
                 is_exportable: ExportableFn | None = None, page_size: int = 25, debounce_ms: int = 350,
                 auto_search: bool = True) -> None:
        super().__init__(parent)
        self.access = access
        self._page_size = page_size
        self._debounce_ms = max(0, int(debounce_ms))
        self._auto_search = auto_search
        self._searched_once = False
        self._page: hub.SearchPage | None = None
        self._search = LatestCall()
        self._more = LatestCall()
        self._offline_from_env = hub.is_offline(None)  # HF_HUB_OFFLINE: nothing may be sent, whatever the switch

        # -- the rows above the results
        self.controls = QWidget()
        self.searchEdit = QLineEdit(self.controls)
        self.searchEdit.setObjectName("searchEdit")
        self.searchEdit.setClearButtonEnabled(True)
        self.offlineCheck = QCheckBox(self.controls)
        self.offlineCheck.setObjectName("offlineCheck")
        self.offlineCheck.setChecked(access.offline)
        self.offlineCheck.setEnabled(not self._offline_from_env)
        self.taskCombo = QComboBox(self.controls)
        self.taskCombo.setObjectName("taskCombo")
        self.taskCombo.addItem("", None)
        for tag in HUB_TASKS:
            self.taskCombo.addItem(tag, tag)
        self.libraryCombo = QComboBox(self.controls)
        self.libraryCombo.setObjectName("libraryCombo")
        self.libraryCombo.addItem("", "transformers")
        self.libraryCombo.addItem("", None)
        self.sortCombo = QComboBox(self.controls)
        self.sortCombo.setObjectName("sortCombo")
        for key, _english in SORT_CHOICES:
            self.sortCombo.addItem("", key)
        for combo in (self.taskCombo, self.libraryCombo, self.sortCombo):
            # narrow combos (the row shares the pane's width); the list opens as wide as its longest entry
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(6)
            combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            combo.view().setTextElideMode(Qt.TextElideMode.ElideNone)
        search_row = QHBoxLayout()
        search_row.addWidget(self.searchEdit, 1)
        search_row.addWidget(self.offlineCheck)
        filters = QHBoxLayout()
        filters.addWidget(self.taskCombo, 4)
        filters.addWidget(self.libraryCombo, 3)
        filters.addWidget(self.sortCombo, 3)
        rows = QVBoxLayout(self.controls)
        rows.setContentsMargins(0, 0, 0, 0)
        rows.setSpacing(6)
        rows.addLayout(search_row)
        rows.addLayout(filters)

        # -- the results
        self.resultsModel = SearchResultsModel(is_exportable, self)
        self.resultsView = QTableView(self)
        self.resultsView.setObjectName("resultsView")
        self.resultsView.setModel(self.resultsModel)
        self.resultsView.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.resultsView.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.resultsView.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.resultsView.setAlternatingRowColors(True)
        self.resultsView.setWordWrap(False)
        self.resultsView.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.resultsView.verticalHeader().setVisible(False)
        self.resultsView.verticalHeader().setDefaultSectionSize(24)
        header = self.resultsView.horizontalHeader()
        header.setSectionResizeMode(SearchResultsModel.COL_ID, QHeaderView.ResizeMode.Stretch)
        for col in range(1, 6):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        # long task tags must not squeeze the model ids: a fixed, user-resizable column (full tag in the tooltip)
        header.setSectionResizeMode(SearchResultsModel.COL_TASK, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(SearchResultsModel.COL_TASK, self.TASK_COLUMN_WIDTH)
        header.setHighlightSections(False)
        # what a person needs first, first: id, exportable, task; the counts after them
        header.moveSection(header.visualIndex(SearchResultsModel.COL_EXPORTABLE), 1)
        self.resultsView.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.resultsView.installEventFilter(self)
        self.statusLabel = QLabel(self)
        self.statusLabel.setObjectName("statusLabel")
        self.statusLabel.setWordWrap(True)
        self.statusLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.statusLabel.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.status = StatusText(self.statusLabel)
        self.loadMoreButton = QPushButton(self)
        self.loadMoreButton.setObjectName("loadMoreButton")
        self.loadMoreButton.setVisible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.resultsView, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.statusLabel, 1)
        bottom.addWidget(self.loadMoreButton)
        layout.addLayout(bottom)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.timeout.connect(self.search)
        self.searchEdit.textChanged.connect(self._schedule_search)
        self.searchEdit.returnPressed.connect(self.search)
        for combo in (self.taskCombo, self.libraryCombo, self.sortCombo):
            combo.currentIndexChanged.connect(self.search)
        self.offlineCheck.toggled.connect(self._offline_toggled)
        self.loadMoreButton.clicked.connect(self.load_more)
        self.resultsView.selectionModel().currentRowChanged.connect(self._current_row_changed)
        self.resultsView.doubleClicked.connect(self._double_clicked)
        self.resultsModel.modelReset.connect(self._fit_columns)
        self.resultsModel.rowsInserted.connect(self._fit_columns)
        self.retranslate()

    # -- texts ----------------------------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.offlineCheck.setText(self.tr("Offline (local cache only)"))
        self.offlineCheck.setToolTip(self.tr("Offline because HF_HUB_OFFLINE is set in the environment.")
                                     if self._offline_from_env else
                                     self.tr("Send nothing to the Hub: search and details use the local cache."))
        self.searchEdit.setPlaceholderText(self.tr("Search models…"))
        self.taskCombo.setItemText(0, self.tr("All tasks"))
        self.taskCombo.setToolTip(self.tr("Task (the Hub's pipeline tag)"))
        self.libraryCombo.setItemText(0, self.tr("transformers"))
        self.libraryCombo.setItemText(1, self.tr("Any library"))
        self.libraryCombo.setToolTip(self.tr("Library"))
        sort_labels = {"downloads": self.tr("Most downloads"), "likes": self.tr("Most likes"),
                       "last_modified": self.tr("Recently updated"), "trending": self.tr("Trending")}
        for i, (key, _english) in enumerate(SORT_CHOICES):
            self.sortCombo.setItemText(i, sort_labels[key])
        self.sortCombo.setToolTip(self.tr("Order of the results"))
        for combo in (self.taskCombo, self.libraryCombo, self.sortCombo):
            combo.view().setMinimumWidth(combo.view().sizeHintForColumn(0) + 24)
        self.loadMoreButton.setText(self.tr("Load more"))
        self.resultsModel.retranslate()
        self.status.render()
        self._fit_columns()

    # -- columns for the width we get -----------------------------------------------------------------------------
    def eventFilter(self, watched: Any, event: QEvent) -> bool:  # noqa: N802
        if watched is self.resultsView and event.type() == QEvent.Type.Resize:
            QTimer.singleShot(0, self._fit_columns)
        return super().eventFilter(watched, event)

    def _column_width(self, col: int) -> int:
        """What a column needs, from its texts (a hidden section reports no useful size of its own)."""
        if col == SearchResultsModel.COL_TASK:
            return self.TASK_COLUMN_WIDTH
        model = self.resultsModel
        texts = [str(model.headerData(col, Qt.Orientation.Horizontal) or "")]
        texts += [str(model.index(r, col).data() or "") for r in range(min(model.rowCount(), 200))]
        fm = self.resultsView.fontMetrics()
        return max(fm.horizontalAdvance(t) for t in texts) + 2 * fm.averageCharWidth() + 6

    def _fit_columns(self, *_: Any) -> None:
        """Id, Exportable and Task always; Downloads, Updated, Likes while the id keeps ``MIN_ID_WIDTH``."""
        view = self.resultsView
        header = view.horizontalHeader()
        scrollbar = view.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        room = view.width() - 2 * view.frameWidth() - scrollbar - self.MIN_ID_WIDTH
        room -= self._column_width(SearchResultsModel.COL_EXPORTABLE) + self._column_width(SearchResultsModel.COL_TASK)
        for col in self.OPTIONAL_COLUMNS:
            need = self._column_width(col)
            show = need <= room
            if show:
                room -= need
            if header.isSectionHidden(col) == show:
                header.setSectionHidden(col, not show)

    # -- public ---------------------------------------------------------------------------------------------------
    def set_debounce(self, msecs: int) -> None:
        self._debounce_ms = max(0, int(msecs))

    def is_offline(self) -> bool:
        return self.offlineCheck.isChecked()

    def set_offline(self, offline: bool) -> None:
        self.offlineCheck.setChecked(bool(offline))

    def search_params(self) -> dict[str, Any]:
        """What the next search will send (query, task, library, sort)."""
        return {
            "query": self.searchEdit.text().strip(),
            "task": self.taskCombo.currentData(),
            "library": self.libraryCombo.currentData(),
            "sort": self.sortCombo.currentData(),
        }

    @Slot()
    def search(self) -> None:
        """Run the search now with the current text and filters (cancels a pending one)."""
        self._debounce.stop()
        self._searched_once = True
        params = self.search_params()
        self._more.cancel()
        self._page = None
        self.loadMoreButton.setVisible(False)
        offline = self.is_offline()
        self.status.set(lambda: self.tr("Searching the local cache…") if offline else self.tr("Searching…"))
        self._search.start(
            hub.search_models, params["query"], task=params["task"], library=params["library"],
            sort=params["sort"], limit=self._page_size, **self.access.kwargs(),
            on_result=lambda page: self._page_arrived(page, first=True), on_error=self._search_failed,
        )

    @Slot()
    def load_more(self) -> None:
        """Fetch the next page of the current search and append it."""
        if self._page is None or not self._page.has_more or self._more.busy:
            return
        self.loadMoreButton.setEnabled(False)
        self.status.set(lambda: self.tr("Loading more…"))
        self._more.start(hub.next_page, self._page, offline=self.is_offline(), token=self.access.token,
                         timeout=self.access.timeout, on_result=lambda page: self._page_arrived(page, first=False),
                         on_error=self._more_failed)

    def clear_selection(self) -> None:
        self.resultsView.selectionModel().clearSelection()

    def shutdown(self) -> None:
        self._debounce.stop()
        self._search.cancel()
        self._more.cancel()

    # -- events ---------------------------------------------------------------------------------------------------
    def showEvent(self, event: Any) -> None:  # noqa: N802
        super().showEvent(event)
        if self._auto_search and not self._searched_once:
            QTimer.singleShot(0, self._first_search)

    def _first_search(self) -> None:
        if not self._searched_once:
            self.search()

    @Slot(str)
    def _schedule_search(self, _text: str) -> None:
        self._debounce.start(self._debounce_ms)

    @Slot(bool)
    def _offline_toggled(self, offline: bool) -> None:
        self.access.offline = offline
        self.offlineChanged.emit(offline)
        self.search()

    @Slot(QModelIndex, QModelIndex)
    def _current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        summary = self.resultsModel.item(current.row()) if current.isValid() else None
        if summary is not None:
            self.currentModelChanged.emit(summary.id)

    @Slot(QModelIndex)
    def _double_clicked(self, index: QModelIndex) -> None:
        summary = self.resultsModel.item(index.row())
        if summary is not None:
            self.modelActivated.emit(summary)

    # -- answers --------------------------------------------------------------------------------------------------
    def _page_arrived(self, page: hub.SearchPage, *, first: bool) -> None:
        self._page = page
        self.modelsListed.emit(list(page.models))
        if first:
            self.resultsModel.set_items(page.models)
        else:
            self.resultsModel.append_items(page.models)
        self.loadMoreButton.setVisible(page.has_more)
        self.loadMoreButton.setEnabled(True)

        def text() -> str:
            count = self.resultsModel.rowCount()
            if count == 0:
                return (self.tr("No cached model matches.") if page.from_cache
                        else self.tr("No model matches. Try other words or “All tasks”."))
            if page.from_cache:
                return self.tr("{0} models in the local cache (offline).").format(count)
            if page.has_more:
                return self.tr("Showing the first {0} models.").format(count)
            return self.tr("{0} models.").format(count)

        self.status.set(text)
        self.resultsChanged.emit()

    def _search_failed(self, exc: BaseException) -> None:
        self._page = None
        self.resultsModel.clear()
        self.loadMoreButton.setVisible(False)
        self._show_error(exc)

    def _more_failed(self, exc: BaseException) -> None:
        self.loadMoreButton.setEnabled(True)
        self._show_error(exc)

    def _show_error(self, exc: BaseException) -> None:
        self.status.set(lambda: error_text(exc), error=True)
        log.info("hub search failed: %s", exc)
        self.errorShown.emit(describe_error(exc)[0])
        self.resultsChanged.emit()
