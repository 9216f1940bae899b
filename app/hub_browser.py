"""Browse the Hugging Face Hub: search, filter, page, read a model card, download, pick a model.

All network work runs on the app's thread pool (:mod:`app.tasks`); a new search, page or details
request makes the stale one's answer be ignored. Errors are shown inline in the pane they belong
to, as a sentence and a next step; the window stays usable.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Sequence

from PySide6.QtCore import QCoreApplication, QEvent, QModelIndex, Qt, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import QColor, QDesktopServices, QTextCharFormat, QTextCursor, QTextFormat
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStyle,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from exportcore import hub
from exportcore.errors import ExportError

from .errors import describe
from .hub_models import ExportableFn, RepoFilesModel, SearchResultsModel, compact_number
from .tasks import LatestTask, Task, run_in_pool
from .transfer import Transfer, short_text as transfer_short
from .qt_util import Retranslating

__all__ = ["HubBrowser", "HUB_TASKS", "SORT_CHOICES", "DetailsResult", "describe_error"]

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
    "image-segmentation",
    "depth-estimation",
    "image-to-text",
    "automatic-speech-recognition",
    "audio-classification",
)

#: (sort key in exportcore.hub.SORTS, English label; the combo shows the tr() version)
SORT_CHOICES: tuple[tuple[str, str], ...] = (
    ("downloads", "Most downloads"),
    ("likes", "Most likes"),
    ("last_modified", "Recently updated"),
    ("trending", "Trending"),
)

_ERROR_STYLE = "color: #b3261e;"
_MUTED_STYLE = "color: #6b6b6b;"


@dataclass(frozen=True)
class DetailsResult:
    details: hub.ModelDetails
    card: str
    card_error: ExportError | None = None


def load_details(repo_id: str, revision: str | None, *, offline: bool, timeout: float | None,
                 cache_dir: str | None, token: str | None) -> DetailsResult:
    """Model info and card in one go (runs on the pool). A missing card is not an error."""
    details = hub.model_info(repo_id, revision=revision, offline=offline, timeout=timeout, cache_dir=cache_dir,
                             token=token)
    try:
        card = hub.fetch_card(repo_id, revision=revision, offline=offline, timeout=timeout, cache_dir=cache_dir,
                              token=token)
        card_error = None
    except ExportError as exc:
        card, card_error = "", exc
    return DetailsResult(details, card, card_error)


def download_model(repo_id: str, revision: str | None, files: Sequence[str] | None, *, offline: bool,
                   timeout: float | None, cache_dir: str | None, token: str | None, task: Task) -> str:
    """Snapshot download reporting ``(done, total, file)`` through the task (runs on the pool)."""
    path = hub.snapshot_download(
        repo_id, revision=revision, files=files, offline=offline, timeout=timeout, cache_dir=cache_dir, token=token,
        progress=lambda done, total, name: task.report((done, total, name)), cancel=task.cancel_event,
    )
    return str(path)


def describe_error(exc: BaseException) -> tuple[str, str, str]:
    """(code, sentence, next step) for an error, in the words of :mod:`app.errors` for its code (so every core code,
    e.g. ``hub_access_denied`` or ``hub_unavailable``, is worded as what it is), except where this pane has a
    better next step (its Offline switch, its paste box, its own download)."""
    if not isinstance(exc, ExportError):
        exc = hub.map_error(exc, "?")
    p = {k: ("" if v is None else v) for k, v in exc.params.items()}
    translate = QCoreApplication.translate
    code = exc.code
    if code == "hub_unreachable":
        return (code, translate("HubBrowser", "Could not reach the Hugging Face Hub: {0}.").format(p.get("reason", "")),
                translate("HubBrowser", "Check your connection and try again, or turn on Offline to browse the "
                                        "models already in the local cache."))
    if code == "not_in_cache":
        return (code, translate("HubBrowser", "“{0}” is not in the local cache, and Offline is on.").format(
                    p.get("model", "")),
                translate("HubBrowser", "Turn Offline off to fetch it from the Hub."))
    if code == "not_a_model":
        return (code, translate("HubBrowser", "“{0}” is not a Hub model link or id.").format(p.get("path", "")),
                translate("HubBrowser", "Paste a link such as https://huggingface.co/org/name, or an id such as "
                                        "org/name."))
    if code == "cancelled":
        return (code, translate("HubBrowser", "The download was cancelled."),
                translate("HubBrowser", "Partial files were removed; start it again when ready."))
    words = describe(code, exc.params, exc.message, exc.next_step)
    return code, words.sentence, words.next_step


class HubBrowser(Retranslating, QWidget):
    """Search the Hub, read a model's card and files, download it, and choose it for export.

    Laid out for a 1366×768 laptop first: search, filters and the paste box in three rows above the results; the
    results table keeps the model id, the Exportable badge and the task in view and adds downloads, likes and
    "updated" only when there is room; the details pane goes below the results when the pane is narrow and beside
    them when it is wide. Every text is re-read on a language change (:meth:`retranslate`).
    """

    #: the user picked a model: a Hub id (``org/name``) or a local snapshot folder
    modelChosen = Signal(str)
    #: a download finished: the local snapshot folder
    downloadFinished = Signal(str)
    #: search results were shown (also after "Load more") or the search failed
    resultsChanged = Signal()
    #: the details pane was filled (repo id) or shows an error
    detailsChanged = Signal(str)
    #: an error was shown inline (its ExportError code)
    errorShown = Signal(str)
    offlineChanged = Signal(bool)

    #: below this width the details pane goes under the results
    SIDE_BY_SIDE_WIDTH = 900
    #: the model id column keeps at least this much before optional columns are shown
    MIN_ID_WIDTH = 250
    #: optional result columns, shown in this order as room allows
    OPTIONAL_COLUMNS = (SearchResultsModel.COL_DOWNLOADS, SearchResultsModel.COL_UPDATED, SearchResultsModel.COL_LIKES)
    TASK_COLUMN_WIDTH = 130

    def __init__(self, parent: QWidget | None = None, *, is_exportable: ExportableFn | None = None,
                 page_size: int = 25, debounce_ms: int = 350, timeout: float | None = hub.DEFAULT_TIMEOUT,
                 cache_dir: str | Path | None = None, token: str | None = None, offline: bool | None = None,
                 auto_search: bool = True, download_warning_bytes: int | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("HubBrowser")
        self._is_exportable = is_exportable
        self._page_size = page_size
        self._timeout = timeout
        self._cache_dir = str(cache_dir) if cache_dir is not None else None
        self._token = token
        self._auto_search = auto_search
        self._searched_once = False
        self._page: hub.SearchPage | None = None
        self._details: hub.ModelDetails | None = None
        self._downloaded: dict[str, str] = {}
        self._download: Task | None = None
        self._download_repo: str | None = None
        self._pending_revision: str | None = None
        self._debounce_ms = max(0, int(debounce_ms))
        #: ask before a download larger than this many bytes (None: never ask)
        self.download_warning_bytes = download_warning_bytes
        #: pipeline tag per Hub id and per downloaded snapshot folder (the core infers a task from it)
        self._tags: dict[str, str] = {}
        # What the dynamic labels show, kept as functions so that a language change re-words them.
        self._status: Callable[[], str] = lambda: ""
        self._status_error = False
        self._details_view: tuple = ("empty",)
        self._progress_text: Callable[[], str] | None = None
        self._progress_error = False
        self._meter = hub.TransferMeter()

        self._search_task = LatestTask()
        self._page_task = LatestTask()
        self._details_task = LatestTask()

        self._build_ui()
        self.offlineCheck.setChecked(hub.is_offline(offline))
        self._offline_from_env = hub.is_offline(None)  # HF_HUB_OFFLINE: nothing may be sent, whatever the switch
        if self._offline_from_env:
            self.offlineCheck.setEnabled(False)
        self._connect()
        self.retranslate()

    # ------------------------------------------------------------------------------------------
    # UI
    # ------------------------------------------------------------------------------------------
    def _build_ui(self) -> None:
        self.pasteEdit = QLineEdit(self)
        self.pasteEdit.setObjectName("pasteEdit")
        self.pasteEdit.setClearButtonEnabled(True)
        self.openButton = QPushButton(self)
        self.openButton.setObjectName("openButton")
        self.offlineCheck = QCheckBox(self)
        self.offlineCheck.setObjectName("offlineCheck")

        self.searchEdit = QLineEdit(self)
        self.searchEdit.setObjectName("searchEdit")
        self.searchEdit.setClearButtonEnabled(True)
        self.taskCombo = QComboBox(self)
        self.taskCombo.setObjectName("taskCombo")
        self.taskCombo.addItem("", None)
        for tag in HUB_TASKS:
            self.taskCombo.addItem(tag, tag)
        self.libraryCombo = QComboBox(self)
        self.libraryCombo.setObjectName("libraryCombo")
        self.libraryCombo.addItem("", "transformers")
        self.libraryCombo.addItem("", None)
        self.sortCombo = QComboBox(self)
        self.sortCombo.setObjectName("sortCombo")
        for key, _english in SORT_CHOICES:
            self.sortCombo.addItem("", key)
        for combo in (self.taskCombo, self.libraryCombo, self.sortCombo):
            # narrow combos (the row shares the pane's width); the list opens as wide as its longest entry
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(6)
            combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            combo.view().setTextElideMode(Qt.TextElideMode.ElideNone)

        self.resultsModel = SearchResultsModel(self._is_exportable, self)
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
        self.loadMoreButton = QPushButton(self)
        self.loadMoreButton.setObjectName("loadMoreButton")
        self.loadMoreButton.setVisible(False)

        # details pane
        self.titleLabel = QLabel(self)
        self.titleLabel.setObjectName("titleLabel")
        font = self.titleLabel.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.titleLabel.setFont(font)
        self.titleLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.titleLabel.setWordWrap(True)
        self.metaLabel = QLabel(self)
        self.metaLabel.setObjectName("metaLabel")
        self.metaLabel.setStyleSheet(_MUTED_STYLE)
        self.metaLabel.setWordWrap(True)
        self.detailsError = QLabel(self)
        self.detailsError.setObjectName("detailsError")
        self.detailsError.setWordWrap(True)
        self.detailsError.setStyleSheet(_ERROR_STYLE)
        self.detailsError.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detailsError.setVisible(False)

        self.cardView = QTextBrowser(self)
        self.cardView.setObjectName("cardView")
        self.cardView.setOpenLinks(False)
        self.filesModel = RepoFilesModel(self)
        self.filesView = QTableView(self)
        self.filesView.setObjectName("filesView")
        self.filesView.setModel(self.filesModel)
        self.filesView.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.filesView.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.filesView.verticalHeader().setVisible(False)
        self.filesView.verticalHeader().setDefaultSectionSize(22)
        self.filesView.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        fheader = self.filesView.horizontalHeader()
        fheader.setSectionResizeMode(RepoFilesModel.COL_PATH, QHeaderView.ResizeMode.Stretch)
        fheader.setSectionResizeMode(RepoFilesModel.COL_SIZE, QHeaderView.ResizeMode.ResizeToContents)
        fheader.setSectionResizeMode(RepoFilesModel.COL_INCLUDED, QHeaderView.ResizeMode.ResizeToContents)
        self.sizeLabel = QLabel(self)
        self.sizeLabel.setObjectName("sizeLabel")
        self.sizeLabel.setWordWrap(True)
        files_page = QWidget(self)
        files_layout = QVBoxLayout(files_page)
        files_layout.setContentsMargins(0, 4, 0, 0)
        files_layout.addWidget(self.filesView)
        files_layout.addWidget(self.sizeLabel)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("detailsTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.cardView, "")
        self.tabs.addTab(files_page, "")

        self.progressBar = QProgressBar(self)
        self.progressBar.setObjectName("progressBar")
        self.progressBar.setRange(0, 1000)
        self.progressBar.setTextVisible(True)
        self.progressBar.setVisible(False)
        self.progressLabel = QLabel(self)
        self.progressLabel.setObjectName("progressLabel")
        self.progressLabel.setWordWrap(True)
        self.progressLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.inspectButton = QPushButton(self)
        self.inspectButton.setObjectName("inspectButton")
        self.downloadButton = QPushButton(self)
        self.downloadButton.setObjectName("downloadButton")
        self.cancelButton = QPushButton(self)
        self.cancelButton.setObjectName("cancelButton")
        self.cancelButton.setVisible(False)

        # layout: three rows of controls, then results and details in a splitter
        paste = QHBoxLayout()
        paste.addWidget(self.pasteEdit, 1)
        paste.addWidget(self.openButton)
        search = QHBoxLayout()
        search.addWidget(self.searchEdit, 1)
        search.addWidget(self.offlineCheck)
        filters = QHBoxLayout()
        filters.addWidget(self.taskCombo, 4)
        filters.addWidget(self.libraryCombo, 3)
        filters.addWidget(self.sortCombo, 3)

        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.resultsView, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.statusLabel, 1)
        bottom.addWidget(self.loadMoreButton)
        left_layout.addLayout(bottom)

        right = QWidget(self)
        right.setObjectName("detailsPane")
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.setSpacing(4)
        right_layout.addWidget(self.titleLabel)
        right_layout.addWidget(self.metaLabel)
        right_layout.addWidget(self.detailsError)
        right_layout.addWidget(self.tabs, 1)
        right_layout.addWidget(self.progressBar)
        right_layout.addWidget(self.progressLabel)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancelButton)
        buttons.addWidget(self.downloadButton)
        buttons.addWidget(self.inspectButton)
        right_layout.addLayout(buttons)
        self.detailsPane = right

        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("splitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)
        layout.addLayout(paste)
        layout.addLayout(search)
        layout.addLayout(filters)
        layout.addWidget(self.splitter, 1)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._details_timer = QTimer(self)
        self._details_timer.setSingleShot(True)
        self._details_timer.setInterval(120)
        for widget in (self.statusLabel, self.progressLabel, self.sizeLabel):
            widget.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)

    def _connect(self) -> None:
        self._debounce.timeout.connect(self.search)
        self.searchEdit.textChanged.connect(self._schedule_search)
        self.searchEdit.returnPressed.connect(self.search)
        self.taskCombo.currentIndexChanged.connect(self.search)
        self.libraryCombo.currentIndexChanged.connect(self.search)
        self.sortCombo.currentIndexChanged.connect(self.search)
        self.offlineCheck.toggled.connect(self._offline_toggled)
        self.loadMoreButton.clicked.connect(self.load_more)
        self.pasteEdit.returnPressed.connect(self.open_pasted)
        self.openButton.clicked.connect(self.open_pasted)
        self.resultsView.selectionModel().currentRowChanged.connect(self._current_row_changed)
        self.resultsView.doubleClicked.connect(self._double_clicked)
        self.resultsModel.modelReset.connect(self._fit_columns)
        self.resultsModel.rowsInserted.connect(self._fit_columns)
        self._details_timer.timeout.connect(self._load_selected_details)
        self.inspectButton.clicked.connect(self.choose_current)
        self.downloadButton.clicked.connect(self.download_current)
        self.cancelButton.clicked.connect(self.cancel_download)
        self.cardView.anchorClicked.connect(self._open_link)

    # ------------------------------------------------------------------------------------------
    # texts
    # ------------------------------------------------------------------------------------------

    def retranslate(self) -> None:
        """Every text of the pane in the current language (also the state shown: status, details, download)."""
        self.pasteEdit.setPlaceholderText(self.tr("Paste a Hub link or a model id (org/name)…"))
        self.openButton.setText(self.tr("Open"))
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
        self.tabs.setTabText(0, self.tr("Model card"))
        self.tabs.setTabText(1, self.tr("Files"))
        self.inspectButton.setText(self.tr("Inspect"))
        self.inspectButton.setToolTip(self.tr("Open this model in the export inspector"))
        self.downloadButton.setText(self.tr("Download"))
        self.downloadButton.setToolTip(self.tr("Download the files an export needs into the Hugging Face cache"))
        self.cancelButton.setText(self.tr("Cancel"))
        self.resultsModel.retranslate()
        self.filesModel.retranslate()
        self._render_status()
        self._render_details()
        self._render_progress()
        self._fit_columns()

    # ------------------------------------------------------------------------------------------
    # layout for the width we get
    # ------------------------------------------------------------------------------------------
    def resizeEvent(self, event: Any) -> None:  # noqa: N802
        super().resizeEvent(event)
        wide = self.width() >= self.SIDE_BY_SIDE_WIDTH
        orientation = Qt.Orientation.Horizontal if wide else Qt.Orientation.Vertical
        if self.splitter.orientation() != orientation:
            self.splitter.setOrientation(orientation)
            total = self.width() if wide else self.splitter.height() or self.height()
            self.splitter.setSizes([total * 3 // 5, total * 2 // 5] if wide else [total * 11 // 20, total * 9 // 20])
            self.detailsPane.layout().setContentsMargins(8 if wide else 0, 0, 0, 0)

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

    # ------------------------------------------------------------------------------------------
    # public API
    # ------------------------------------------------------------------------------------------
    def set_debounce(self, msecs: int) -> None:
        self._debounce_ms = max(0, int(msecs))

    def set_is_exportable(self, fn: ExportableFn | None) -> None:
        self._is_exportable = fn
        self.resultsModel.set_is_exportable(fn)
        if self._details is not None:
            self._show_meta(self._details)

    def is_offline(self) -> bool:
        return self.offlineCheck.isChecked()

    def set_offline(self, offline: bool) -> None:
        self.offlineCheck.setChecked(bool(offline))

    def current_details(self) -> hub.ModelDetails | None:
        return self._details

    def pipeline_tag_for(self, ref: str) -> str | None:
        """The Hub's pipeline tag of a model this pane showed (by id or by its downloaded snapshot folder)."""
        return self._tags.get(ref)

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
        self._page_task.cancel()
        self._page = None
        self.loadMoreButton.setVisible(False)
        offline = self.is_offline()
        self._set_status(lambda: self.tr("Searching the local cache…") if offline else self.tr("Searching…"))
        self._search_task.start(
            hub.search_models, params["query"], task=params["task"], library=params["library"],
            sort=params["sort"], limit=self._page_size, offline=self.is_offline(), token=self._token,
            timeout=self._timeout, cache_dir=self._cache_dir,
            on_result=self._search_done, on_error=self._search_failed,
        )

    @Slot()
    def load_more(self) -> None:
        """Fetch the next page of the current search and append it."""
        if self._page is None or not self._page.has_more or self._page_task.busy:
            return
        self.loadMoreButton.setEnabled(False)
        self._set_status(lambda: self.tr("Loading more…"))
        self._page_task.start(hub.next_page, self._page, offline=self.is_offline(), token=self._token,
                              timeout=self._timeout, on_result=self._more_done, on_error=self._more_failed)

    @Slot()
    def open_pasted(self) -> None:
        """Show the details of the model whose link or id is in the paste box."""
        text = self.pasteEdit.text()
        try:
            ref = hub.parse_model_ref(text)
        except ExportError as exc:
            self._details_task.cancel()
            self._show_details_error(exc, title=text.strip() or None)
            return
        self.resultsView.selectionModel().clearSelection()
        self.show_model(ref.repo_id, ref.revision)

    def show_model(self, repo_id: str, revision: str | None = None) -> None:
        """Load the details pane for ``repo_id`` (off the GUI thread)."""
        self._details_timer.stop()
        self._clear_details(("loading", repo_id if not revision else f"{repo_id} @ {revision}"), revision)
        self._details_task.start(
            load_details, repo_id, revision, offline=self.is_offline(), timeout=self._timeout,
            cache_dir=self._cache_dir, token=self._token,
            on_result=self._details_done, on_error=lambda exc, rid=repo_id: self._details_failed(rid, exc),
        )

    @Slot()
    def choose_current(self) -> None:
        """Emit :attr:`modelChosen` for the model in the details pane (local folder when known)."""
        target = self._choice_target()
        if target:
            self.modelChosen.emit(target)

    def download_size(self, details: hub.ModelDetails) -> int:
        """Bytes the Download button would fetch: the export's files not in the cache yet."""
        files = details.export_files or details.files
        cache = self._cache_dir or str(hub.default_cache_dir())
        return sum(f.size or 0 for f in hub.pending_files(details.id, files, details.sha, cache_dir=cache))

    def confirm_download(self, details: hub.ModelDetails) -> bool:
        """A download over :attr:`download_warning_bytes` (or larger than the free space of the cache) is asked
        for first, with its size and the free space."""
        size = self.download_size(details)
        free = hub.free_bytes(self._cache_dir or str(hub.default_cache_dir()))
        too_big = free is not None and size > free
        if not too_big and (self.download_warning_bytes is None or size <= self.download_warning_bytes):
            return True
        box = QMessageBox(QMessageBox.Icon.Warning if too_big else QMessageBox.Icon.Question,
                          self.tr("Large download"),
                          self.tr("Downloading {0} needs {1}.").format(details.id, hub.format_size(size)), parent=self)
        box.setObjectName("downloadQuestion")
        free_text = hub.format_size(free) if free is not None else self.tr("unknown")
        info = self.tr("Free space in the model cache: {0}.").format(free_text)
        if too_big:
            info += " " + self.tr("That is not enough: the download would fail when the disk is full.")
        box.setInformativeText(info)
        go = box.addButton(self.tr("Download anyway") if too_big else self.tr("Download"),
                           QMessageBox.ButtonRole.AcceptRole)
        keep = box.addButton(self.tr("Cancel"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(keep)
        box.setEscapeButton(keep)
        box.exec()
        return box.clickedButton() is go

    @Slot()
    def download_current(self) -> None:
        """Download the files an export needs for the model in the details pane."""
        details = self._details
        if details is None or self._downloading():
            return
        if not details.from_cache and not self.confirm_download(details):
            return
        files = [f.path for f in details.export_files] or None
        self._download_repo = details.id
        self._meter = hub.TransferMeter()
        self.progressBar.setVisible(True)
        self.progressBar.setRange(0, 0)
        self._set_progress(lambda: self.tr("Starting the download of {0}…").format(details.id))
        self._download = run_in_pool(
            download_model, details.id, self._pending_revision, files, offline=self.is_offline(),
            timeout=self._timeout, cache_dir=self._cache_dir, token=self._token, pass_task=True,
            on_result=self._download_done, on_error=self._download_failed, on_progress=self._download_progress,
            on_finished=self._download_stopped,
        )
        self._update_buttons()

    @Slot()
    def cancel_download(self) -> None:
        if self._download is None or self._download.done:
            return
        self._download.cancel()  # the worker stops at the next chunk; _download_stopped follows
        self._set_progress(lambda: self.tr("Cancelling…"))
        self._update_buttons()

    def shutdown(self) -> None:
        """Stop listening to every pending request and cancel a running download."""
        self._debounce.stop()
        self._details_timer.stop()
        for slot in (self._search_task, self._page_task, self._details_task):
            slot.cancel()
        if self._download is not None:
            self._download.cancel()

    # ------------------------------------------------------------------------------------------
    # events
    # ------------------------------------------------------------------------------------------
    def showEvent(self, event: Any) -> None:  # noqa: N802
        super().showEvent(event)
        if self._auto_search and not self._searched_once:
            QTimer.singleShot(0, self._first_search)

    def _first_search(self) -> None:
        if not self._searched_once:
            self.search()

    def closeEvent(self, event: Any) -> None:  # noqa: N802
        self.shutdown()
        super().closeEvent(event)

    @Slot(str)
    def _schedule_search(self, _text: str) -> None:
        self._debounce.start(self._debounce_ms)

    @Slot(bool)
    def _offline_toggled(self, offline: bool) -> None:
        self.offlineChanged.emit(offline)
        self._details_task.cancel()
        self._show_empty_details()
        self.search()

    @Slot(QModelIndex, QModelIndex)
    def _current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if current.isValid():
            self._details_timer.start()

    def _load_selected_details(self) -> None:
        index = self.resultsView.currentIndex()
        summary = self.resultsModel.item(index.row()) if index.isValid() else None
        if summary is not None:
            self.show_model(summary.id)

    @Slot(QModelIndex)
    def _double_clicked(self, index: QModelIndex) -> None:
        summary = self.resultsModel.item(index.row())
        if summary is None:
            return
        target = summary.local_path if (self.is_offline() and summary.local_path) else summary.id
        target = self._downloaded.get(summary.id, target)
        if summary.pipeline_tag:
            self._tags[target] = summary.pipeline_tag
        self.modelChosen.emit(target)

    @Slot(QUrl)
    def _open_link(self, url: QUrl) -> None:
        if url.scheme() in ("http", "https"):
            QDesktopServices.openUrl(url)

    # ------------------------------------------------------------------------------------------
    # search results
    # ------------------------------------------------------------------------------------------
    def _remember_tags(self, models: Sequence[hub.ModelSummary]) -> None:
        for m in models:
            if m.pipeline_tag:
                self._tags[m.id] = m.pipeline_tag
                if m.local_path:
                    self._tags[m.local_path] = m.pipeline_tag

    def _search_done(self, page: hub.SearchPage) -> None:
        self._page = page
        self._remember_tags(page.models)
        self.resultsModel.set_items(page.models)
        self._after_results(page)
        self.resultsChanged.emit()

    def _more_done(self, page: hub.SearchPage) -> None:
        self._page = page
        self._remember_tags(page.models)
        self.resultsModel.append_items(page.models)
        self._after_results(page)
        self.resultsChanged.emit()

    def _after_results(self, page: hub.SearchPage) -> None:
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

        self._set_status(text)

    def _search_failed(self, exc: BaseException) -> None:
        self._page = None
        self.resultsModel.clear()
        self.loadMoreButton.setVisible(False)
        self._show_status_error(exc)
        self.resultsChanged.emit()

    def _more_failed(self, exc: BaseException) -> None:
        self.loadMoreButton.setEnabled(True)
        self._show_status_error(exc)
        self.resultsChanged.emit()

    def _set_status(self, text: Callable[[], str], *, error: bool = False) -> None:
        self._status, self._status_error = text, error
        self._render_status()

    def _render_status(self) -> None:
        self.statusLabel.setStyleSheet(_ERROR_STYLE if self._status_error else "")
        self.statusLabel.setText(self._status())

    def _show_status_error(self, exc: BaseException) -> None:
        def text() -> str:
            _code, sentence, step = describe_error(exc)
            return f"{sentence} {step}"

        self._set_status(text, error=True)
        log.info("hub search failed: %s", exc)
        self.errorShown.emit(describe_error(exc)[0])

    # ------------------------------------------------------------------------------------------
    # details
    # ------------------------------------------------------------------------------------------
    def _show_empty_details(self) -> None:
        self._clear_details(("empty",))

    def _clear_details(self, view: tuple, revision: str | None = None) -> None:
        """An empty details pane (``("empty",)`` or ``("loading", title)``), waiting for ``revision``'s details."""
        self._details = None
        self._pending_revision = revision
        self._details_view = view
        self.detailsError.setVisible(False)
        self.cardView.clear()
        self.filesModel.set_files([])
        self.sizeLabel.clear()
        self._reset_progress_area()
        self._render_details()
        self._update_buttons()

    def _render_details(self) -> None:
        """The details pane's texts for what it shows now (in the current language)."""
        view = self._details_view
        kind = view[0]
        if kind == "empty":
            self.titleLabel.setText(self.tr("No model selected"))
            self.metaLabel.setText(self.tr("Pick a model in the list, or paste a Hub link above."))
        elif kind == "loading":
            self.titleLabel.setText(view[1])
            self.metaLabel.setText(self.tr("Loading…"))
        elif kind == "details":
            result: DetailsResult = view[1]
            details = result.details
            title = details.id + (f" @ {self._pending_revision}" if self._pending_revision else "")
            self.titleLabel.setText(title)
            self._show_meta(details)
            if not result.card:
                if result.card_error is not None:
                    _code, sentence, step = describe_error(result.card_error)
                    self.cardView.setPlainText(self.tr("The model card could not be loaded. {0} {1}").format(
                        sentence, step))
                else:
                    self.cardView.setPlainText(self.tr("This model has no model card."))
            export = details.export_files
            n_all, size_all = len(details.files), details.total_size
            if export:
                self.sizeLabel.setText(self.tr("Download: {0} files, {1} (whole repository: {2} files, {3})").format(
                    len(export), hub.format_size(details.export_size), n_all, hub.format_size(size_all)))
            else:
                self.sizeLabel.setText(self.tr("{0} files, {1}").format(n_all, hub.format_size(size_all)))
        elif kind == "error":
            exc, title = view[1], view[2]
            _code, sentence, step = describe_error(exc)
            self.titleLabel.setText(title if title is not None else self.tr("Nothing to open"))
            self.metaLabel.setText("")
            self.detailsError.setText(f"{sentence}\n{step}")

    def _details_done(self, result: DetailsResult) -> None:
        details = result.details
        self._details = details
        self._details_view = ("details", result)
        if details.pipeline_tag:
            self._tags[details.id] = details.pipeline_tag
            if details.local_path:
                self._tags[details.local_path] = details.pipeline_tag
        self.detailsError.setVisible(False)
        if result.card:
            self._set_card(result.card)
        export = details.export_files
        self.filesModel.set_files(details.files, [f.path for f in export] if export else None)
        if details.local_path:
            self._downloaded.setdefault(details.id, details.local_path)
        self._render_details()
        self._update_buttons()
        self.detailsChanged.emit(details.id)

    def _set_card(self, markdown: str) -> None:
        """Render the card: code blocks wrap with a light background instead of scrolling sideways, and headings
        stay readable in a narrow pane (markdown's h1 is twice the body size)."""
        self.cardView.setMarkdown(markdown)
        block = self.cardView.document().begin()
        while block.isValid():
            fmt = block.blockFormat()
            cursor = QTextCursor(block)
            if fmt.nonBreakableLines():
                fmt.setNonBreakableLines(False)
                fmt.setBackground(QColor("#f2f2f2"))
                cursor.setBlockFormat(fmt)
            level = fmt.headingLevel()
            if level:
                cursor.movePosition(QTextCursor.MoveOperation.StartOfBlock)
                cursor.movePosition(QTextCursor.MoveOperation.EndOfBlock, QTextCursor.MoveMode.KeepAnchor)
                heading = QTextCharFormat()
                heading.setProperty(QTextFormat.Property.FontSizeAdjustment, 1 if level <= 2 else 0)
                cursor.mergeCharFormat(heading)
            block = block.next()

    def _show_meta(self, details: hub.ModelDetails) -> None:
        first = []
        if details.pipeline_tag:
            first.append(details.pipeline_tag)
        first.append(self.tr("model type: {0}").format(details.model_type or self.tr("unknown")))
        verdict = None
        if self._is_exportable is not None:
            try:
                verdict = self._is_exportable(details.model_type, details.pipeline_tag)
            except Exception:  # noqa: BLE001
                verdict = None
        first.append(self.tr("exportable: {0}").format(self.resultsModel.badge(verdict)))
        parts = []
        if details.downloads is not None:
            parts.append(self.tr("{0} downloads").format(compact_number(details.downloads)))
        if details.likes is not None:
            parts.append(self.tr("{0} likes").format(compact_number(details.likes)))
        if details.last_modified is not None:
            parts.append(self.tr("updated {0}").format(details.last_modified.strftime("%Y-%m-%d")))
        if details.gated:
            parts.append(self.tr("gated"))
        if details.private:
            parts.append(self.tr("private"))
        if details.from_cache:
            parts.append(self.tr("from the local cache"))
        text = " · ".join(first)
        if parts:
            text += "\n" + " · ".join(parts)
        self.metaLabel.setText(text)
        self.metaLabel.setToolTip(text)

    def _details_failed(self, repo_id: str, exc: BaseException) -> None:
        self._show_details_error(exc, title=repo_id)
        self.detailsChanged.emit(repo_id)

    def _show_details_error(self, exc: BaseException, *, title: str | None) -> None:
        self._details = None
        self._details_view = ("error", exc, title)
        self.detailsError.setVisible(True)
        self.cardView.clear()
        self.filesModel.set_files([])
        self.sizeLabel.clear()
        self._render_details()
        self._update_buttons()
        log.info("hub details failed: %s", exc)
        self.errorShown.emit(describe_error(exc)[0])

    def _choice_target(self) -> str | None:
        details = self._details
        if details is None:
            return None
        if details.id in self._downloaded:
            return self._downloaded[details.id]
        if details.from_cache and details.local_path:
            return details.local_path
        return details.id

    # ------------------------------------------------------------------------------------------
    # download
    # ------------------------------------------------------------------------------------------
    def _downloading(self) -> bool:
        return self._download is not None and not self._download.done

    def _set_progress(self, text: Callable[[], str] | None, *, error: bool = False) -> None:
        self._progress_text, self._progress_error = text, error
        self._render_progress()

    def _render_progress(self) -> None:
        self.progressLabel.setStyleSheet(_ERROR_STYLE if self._progress_error else "")
        self.progressLabel.setText(self._progress_text() if self._progress_text is not None else "")

    def _reset_progress_area(self) -> None:
        """Forget the last download's outcome (a running download keeps its progress shown)."""
        if self._downloading():
            return
        self.progressBar.setVisible(False)
        self._set_progress(None)

    def _download_progress(self, value: tuple[int, int, str | None]) -> None:
        done, total, name = value
        if total > 0:
            self.progressBar.setRange(0, 1000)
            self.progressBar.setValue(min(1000, int(done * 1000 / total)))
        transfer = Transfer(done, total or None, self._meter.add(done), name or "")
        repo = self._download_repo

        def text() -> str:
            line = transfer_short(transfer)
            if transfer.name:
                line += " — " + transfer.name
            if self._details is None or self._details.id != repo:
                line = f"{repo}: {line}"
            return line

        self._set_progress(text)

    def _download_done(self, path: str) -> None:
        repo = self._download_repo or ""
        self._downloaded[repo] = path
        if repo in self._tags:
            self._tags[path] = self._tags[repo]
        self.progressBar.setRange(0, 1000)
        self.progressBar.setValue(1000)
        self._set_progress(lambda: self.tr("Downloaded to {0}").format(path))
        self.downloadFinished.emit(path)

    def _download_failed(self, exc: BaseException) -> None:
        self.progressBar.setVisible(False)

        def text() -> str:
            _code, sentence, step = describe_error(exc)
            return f"{sentence} {step}"

        self._set_progress(text, error=True)
        self.errorShown.emit(describe_error(exc)[0])

    def _download_stopped(self) -> None:
        task = self._download
        if task is not None and task.cancelled:
            self.progressBar.setVisible(False)
            self._set_progress(lambda: self.tr("Download cancelled. Partial files were removed."))
        self._update_buttons()

    def _update_buttons(self) -> None:
        downloading = self._downloading()
        has_details = self._details is not None
        self.inspectButton.setEnabled(has_details)
        self.downloadButton.setEnabled(has_details and not downloading)
        self.cancelButton.setVisible(downloading)
        self.cancelButton.setEnabled(downloading and not self._download.cancelled)

