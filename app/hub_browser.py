"""Browse the Hugging Face Hub: search, filter, page, read a model card, download, pick a model.

All network work runs on the app's thread pool (:mod:`app.tasks`); a new search, page or details
request makes the stale one's answer be ignored. Errors are shown inline in the pane they belong
to, as a sentence and a next step; the window stays usable.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Sequence

from PySide6.QtCore import QCoreApplication, QModelIndex, Qt, QTimer, QUrl, Signal, Slot
from PySide6.QtGui import QColor, QDesktopServices, QTextCursor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from exportcore import hub
from exportcore.errors import ExportError

from .hub_models import ExportableFn, RepoFilesModel, SearchResultsModel, compact_number
from .tasks import LatestTask, Task, run_in_pool

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
    """(code, sentence, next step) for an error, worded for this window and translated (context HubBrowser)."""
    if not isinstance(exc, ExportError):
        exc = hub.map_error(exc, "?")
    p = {k: ("" if v is None else v) for k, v in exc.params.items()}
    translate = QCoreApplication.translate
    code = exc.code
    if code == "hub_unreachable":
        return (code, translate("HubBrowser", "Could not reach the Hugging Face Hub: {0}.").format(p.get("reason", "")),
                translate("HubBrowser", "Check your connection and try again, or turn on Offline to browse the "
                                        "models already in the local cache."))
    if code == "hub_not_found":
        return (code, translate("HubBrowser", "“{0}” was not found on the Hub.").format(p.get("model", "")),
                translate("HubBrowser", "Check the spelling of the id. Private models need you to be logged in "
                                        "(HF_TOKEN)."))
    if code == "hub_gated":
        return (code, translate("HubBrowser", "“{0}” is gated or private, and the Hub refused access.").format(
                    p.get("model", "")),
                translate("HubBrowser", "Accept the model's terms on huggingface.co, then log in (set HF_TOKEN or "
                                        "run 'hf auth login')."))
    if code == "not_in_cache":
        return (code, translate("HubBrowser", "“{0}” is not in the local cache, and Offline is on.").format(
                    p.get("model", "")),
                translate("HubBrowser", "Turn Offline off to fetch it from the Hub."))
    if code == "hub_file_not_found":
        return (code, translate("HubBrowser", "“{0}” has no file “{1}”.").format(p.get("model", ""), p.get("file", "")),
                translate("HubBrowser", "Pick another revision or another model."))
    if code == "not_a_model":
        return (code, translate("HubBrowser", "“{0}” is not a Hub model link or id.").format(p.get("path", "")),
                translate("HubBrowser", "Paste a link such as https://huggingface.co/org/name, or an id such as "
                                        "org/name."))
    if code == "cancelled":
        return (code, translate("HubBrowser", "The download was cancelled."),
                translate("HubBrowser", "Partial files were removed; start it again when ready."))
    return code, exc.message, exc.next_step


class HubBrowser(QWidget):
    """Search the Hub, read a model's card and files, download it, and choose it for export."""

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

    def __init__(self, parent: QWidget | None = None, *, is_exportable: ExportableFn | None = None,
                 page_size: int = 25, debounce_ms: int = 350, timeout: float | None = hub.DEFAULT_TIMEOUT,
                 cache_dir: str | Path | None = None, token: str | None = None, offline: bool | None = None,
                 auto_search: bool = True) -> None:
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

        self._search_task = LatestTask()
        self._page_task = LatestTask()
        self._details_task = LatestTask()

        self._build_ui()
        self.offlineCheck.setChecked(hub.is_offline(offline))
        if hub.is_offline(None):  # HF_HUB_OFFLINE: nothing may be sent, whatever the switch says
            self.offlineCheck.setEnabled(False)
            self.offlineCheck.setToolTip(self.tr("Offline because HF_HUB_OFFLINE is set in the environment."))
        self._connect()
        self._show_empty_details()

    # ------------------------------------------------------------------------------------------
    # UI
    # ------------------------------------------------------------------------------------------
    def _build_ui(self) -> None:
        self.pasteEdit = QLineEdit(self)
        self.pasteEdit.setObjectName("pasteEdit")
        self.pasteEdit.setPlaceholderText(self.tr("Paste a Hub link or a model id (org/name)…"))
        self.pasteEdit.setClearButtonEnabled(True)
        self.openButton = QPushButton(self.tr("Open"), self)
        self.openButton.setObjectName("openButton")
        self.offlineCheck = QCheckBox(self.tr("Offline (local cache only)"), self)
        self.offlineCheck.setObjectName("offlineCheck")
        self.offlineCheck.setToolTip(self.tr("Send nothing to the Hub: search and details use the local cache."))

        self.searchEdit = QLineEdit(self)
        self.searchEdit.setObjectName("searchEdit")
        self.searchEdit.setPlaceholderText(self.tr("Search models…"))
        self.searchEdit.setClearButtonEnabled(True)
        self.taskCombo = QComboBox(self)
        self.taskCombo.setObjectName("taskCombo")
        self.taskCombo.addItem(self.tr("All tasks"), None)
        for tag in HUB_TASKS:
            self.taskCombo.addItem(tag, tag)
        self.libraryCombo = QComboBox(self)
        self.libraryCombo.setObjectName("libraryCombo")
        self.libraryCombo.addItem(self.tr("transformers"), "transformers")
        self.libraryCombo.addItem(self.tr("Any library"), None)
        self.sortCombo = QComboBox(self)
        self.sortCombo.setObjectName("sortCombo")
        sort_labels = {"downloads": self.tr("Most downloads"), "likes": self.tr("Most likes"),
                       "last_modified": self.tr("Recently updated"), "trending": self.tr("Trending")}
        for key, _english in SORT_CHOICES:
            self.sortCombo.addItem(sort_labels[key], key)

        self.resultsModel = SearchResultsModel(self._is_exportable, self)
        self.resultsView = QTableView(self)
        self.resultsView.setObjectName("resultsView")
        self.resultsView.setModel(self.resultsModel)
        self.resultsView.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.resultsView.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.resultsView.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.resultsView.setAlternatingRowColors(True)
        self.resultsView.setWordWrap(False)
        self.resultsView.verticalHeader().setVisible(False)
        self.resultsView.verticalHeader().setDefaultSectionSize(24)
        header = self.resultsView.horizontalHeader()
        header.setSectionResizeMode(SearchResultsModel.COL_ID, QHeaderView.ResizeMode.Stretch)
        for col in range(1, 6):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        # long task tags must not squeeze the model ids: a fixed, user-resizable column (full tag in the tooltip)
        header.setSectionResizeMode(SearchResultsModel.COL_TASK, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(SearchResultsModel.COL_TASK, 150)
        header.setHighlightSections(False)
        self.resultsView.setTextElideMode(Qt.TextElideMode.ElideMiddle)

        self.statusLabel = QLabel(self)
        self.statusLabel.setObjectName("statusLabel")
        self.statusLabel.setWordWrap(True)
        self.statusLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.loadMoreButton = QPushButton(self.tr("Load more"), self)
        self.loadMoreButton.setObjectName("loadMoreButton")
        self.loadMoreButton.setVisible(False)

        # details pane
        self.titleLabel = QLabel(self)
        self.titleLabel.setObjectName("titleLabel")
        font = self.titleLabel.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
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
        self.tabs.addTab(self.cardView, self.tr("Model card"))
        self.tabs.addTab(files_page, self.tr("Files"))

        self.progressBar = QProgressBar(self)
        self.progressBar.setObjectName("progressBar")
        self.progressBar.setRange(0, 1000)
        self.progressBar.setTextVisible(True)
        self.progressBar.setVisible(False)
        self.progressLabel = QLabel(self)
        self.progressLabel.setObjectName("progressLabel")
        self.progressLabel.setWordWrap(True)
        self.progressLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.inspectButton = QPushButton(self.tr("Inspect"), self)
        self.inspectButton.setObjectName("inspectButton")
        self.inspectButton.setToolTip(self.tr("Open this model in the export inspector"))
        self.downloadButton = QPushButton(self.tr("Download"), self)
        self.downloadButton.setObjectName("downloadButton")
        self.cancelButton = QPushButton(self.tr("Cancel"), self)
        self.cancelButton.setObjectName("cancelButton")
        self.cancelButton.setVisible(False)

        # layout
        top = QHBoxLayout()
        top.addWidget(self.pasteEdit, 1)
        top.addWidget(self.openButton)
        top.addSpacing(12)
        top.addWidget(self.offlineCheck)
        filters = QHBoxLayout()
        filters.addWidget(self.searchEdit, 1)
        filters.addWidget(self.taskCombo)
        filters.addWidget(self.libraryCombo)
        filters.addWidget(self.sortCombo)

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
        right_layout.setContentsMargins(8, 0, 0, 0)
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

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("splitter")
        self.splitter.addWidget(left)
        self.splitter.addWidget(right)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
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
        self._details_timer.timeout.connect(self._load_selected_details)
        self.inspectButton.clicked.connect(self.choose_current)
        self.downloadButton.clicked.connect(self.download_current)
        self.cancelButton.clicked.connect(self.cancel_download)
        self.cardView.anchorClicked.connect(self._open_link)

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
        self._set_status(self.tr("Searching the local cache…") if self.is_offline() else self.tr("Searching…"))
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
        self._set_status(self.tr("Loading more…"))
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
            self._show_details_error(exc, title=text.strip() or self.tr("Nothing to open"))
            return
        self.resultsView.selectionModel().clearSelection()
        self.show_model(ref.repo_id, ref.revision)

    def show_model(self, repo_id: str, revision: str | None = None) -> None:
        """Load the details pane for ``repo_id`` (off the GUI thread)."""
        self._details_timer.stop()
        self._clear_details(repo_id if not revision else f"{repo_id} @ {revision}", self.tr("Loading…"), revision)
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

    @Slot()
    def download_current(self) -> None:
        """Download the files an export needs for the model in the details pane."""
        details = self._details
        if details is None or self._downloading():
            return
        files = [f.path for f in details.export_files] or None
        self._download_repo = details.id
        self.progressBar.setVisible(True)
        self.progressBar.setRange(0, 0)
        self.progressLabel.setStyleSheet("")
        self.progressLabel.setText(self.tr("Starting the download of {0}…").format(details.id))
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
        self.progressLabel.setText(self.tr("Cancelling…"))
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
        self.modelChosen.emit(self._downloaded.get(summary.id, target))

    @Slot(QUrl)
    def _open_link(self, url: QUrl) -> None:
        if url.scheme() in ("http", "https"):
            QDesktopServices.openUrl(url)

    # ------------------------------------------------------------------------------------------
    # search results
    # ------------------------------------------------------------------------------------------
    def _search_done(self, page: hub.SearchPage) -> None:
        self._page = page
        self.resultsModel.set_items(page.models)
        self._after_results(page)
        self.resultsChanged.emit()

    def _more_done(self, page: hub.SearchPage) -> None:
        self._page = page
        self.resultsModel.append_items(page.models)
        self._after_results(page)
        self.resultsChanged.emit()

    def _after_results(self, page: hub.SearchPage) -> None:
        count = self.resultsModel.rowCount()
        self.loadMoreButton.setVisible(page.has_more)
        self.loadMoreButton.setEnabled(True)
        if count == 0:
            text = (self.tr("No cached model matches.") if page.from_cache
                    else self.tr("No model matches. Try other words or “All tasks”."))
        elif page.from_cache:
            text = self.tr("{0} models in the local cache (offline).").format(count)
        elif page.has_more:
            text = self.tr("Showing the first {0} models.").format(count)
        else:
            text = self.tr("{0} models.").format(count)
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

    def _set_status(self, text: str) -> None:
        self.statusLabel.setStyleSheet("")
        self.statusLabel.setText(text)
        self.statusLabel.setToolTip("")

    def _show_status_error(self, exc: BaseException) -> None:
        code, sentence, step = describe_error(exc)
        self.statusLabel.setStyleSheet(_ERROR_STYLE)
        self.statusLabel.setText(f"{sentence} {step}")
        self.statusLabel.setToolTip(str(exc))
        log.info("hub search failed: %s", exc)
        self.errorShown.emit(code)

    # ------------------------------------------------------------------------------------------
    # details
    # ------------------------------------------------------------------------------------------
    def _show_empty_details(self) -> None:
        self._clear_details(self.tr("No model selected"), self.tr("Pick a model in the list, or paste a Hub link above."))

    def _clear_details(self, title: str, meta: str, revision: str | None = None) -> None:
        """An empty details pane showing ``title`` and ``meta`` (waiting for ``revision``'s details, if any)."""
        self._details = None
        self._pending_revision = revision
        self.titleLabel.setText(title)
        self.metaLabel.setText(meta)
        self.detailsError.setVisible(False)
        self.cardView.clear()
        self.filesModel.set_files([])
        self.sizeLabel.clear()
        self._reset_progress_area()
        self._update_buttons()

    def _details_done(self, result: DetailsResult) -> None:
        details = result.details
        self._details = details
        title = details.id
        if self._pending_revision:
            title += f" @ {self._pending_revision}"
        self.titleLabel.setText(title)
        self._show_meta(details)
        self.detailsError.setVisible(False)
        if result.card:
            self._set_card(result.card)
        elif result.card_error is not None:
            _code, sentence, step = describe_error(result.card_error)
            self.cardView.setPlainText(self.tr("The model card could not be loaded. {0} {1}").format(sentence, step))
        else:
            self.cardView.setPlainText(self.tr("This model has no model card."))
        export = details.export_files
        self.filesModel.set_files(details.files, [f.path for f in export] if export else None)
        n_all, size_all = len(details.files), details.total_size
        if export:
            self.sizeLabel.setText(self.tr("Download: {0} files, {1} (whole repository: {2} files, {3})").format(
                len(export), hub.format_size(details.export_size), n_all, hub.format_size(size_all)))
        else:
            self.sizeLabel.setText(self.tr("{0} files, {1}").format(n_all, hub.format_size(size_all)))
        if details.local_path:
            self._downloaded.setdefault(details.id, details.local_path)
        self._update_buttons()
        self.detailsChanged.emit(details.id)

    def _set_card(self, markdown: str) -> None:
        """Render the card; code blocks wrap and get a light background instead of scrolling sideways."""
        self.cardView.setMarkdown(markdown)
        block = self.cardView.document().begin()
        while block.isValid():
            fmt = block.blockFormat()
            if fmt.nonBreakableLines():
                fmt.setNonBreakableLines(False)
                fmt.setBackground(QColor("#f2f2f2"))
                QTextCursor(block).setBlockFormat(fmt)
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

    def _show_details_error(self, exc: BaseException, *, title: str) -> None:
        code, sentence, step = describe_error(exc)
        self._details = None
        self.titleLabel.setText(title)
        self.metaLabel.setText("")
        self.detailsError.setText(f"{sentence}\n{step}")
        self.detailsError.setToolTip(str(exc))
        self.detailsError.setVisible(True)
        self.cardView.clear()
        self.filesModel.set_files([])
        self.sizeLabel.clear()
        self._update_buttons()
        log.info("hub details failed: %s", exc)
        self.errorShown.emit(code)

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

    def _reset_progress_area(self) -> None:
        """Forget the last download's outcome (a running download keeps its progress shown)."""
        if self._downloading():
            return
        self.progressBar.setVisible(False)
        self.progressLabel.clear()
        self.progressLabel.setStyleSheet("")
        self.progressLabel.setToolTip("")

    def _download_progress(self, value: tuple[int, int, str | None]) -> None:
        done, total, name = value
        if total > 0:
            self.progressBar.setRange(0, 1000)
            self.progressBar.setValue(min(1000, int(done * 1000 / total)))
        text = self.tr("{0} of {1}").format(hub.format_size(done), hub.format_size(total))
        if name:
            text += " — " + name
        if self._details is None or self._details.id != self._download_repo:
            text = f"{self._download_repo}: {text}"
        self.progressLabel.setText(text)

    def _download_done(self, path: str) -> None:
        repo = self._download_repo or ""
        self._downloaded[repo] = path
        self.progressBar.setRange(0, 1000)
        self.progressBar.setValue(1000)
        self.progressLabel.setStyleSheet("")
        self.progressLabel.setText(self.tr("Downloaded to {0}").format(path))
        self.downloadFinished.emit(path)

    def _download_failed(self, exc: BaseException) -> None:
        code, sentence, step = describe_error(exc)
        self.progressBar.setVisible(False)
        self.progressLabel.setStyleSheet(_ERROR_STYLE)
        self.progressLabel.setText(f"{sentence} {step}")
        self.progressLabel.setToolTip(str(exc))
        self.errorShown.emit(code)

    def _download_stopped(self) -> None:
        task = self._download
        if task is not None and task.cancelled:
            self.progressBar.setVisible(False)
            self.progressLabel.setStyleSheet("")
            self.progressLabel.setText(self.tr("Download cancelled. Partial files were removed."))
        self._update_buttons()

    def _update_buttons(self) -> None:
        downloading = self._downloading()
        has_details = self._details is not None
        self.inspectButton.setEnabled(has_details)
        self.downloadButton.setEnabled(has_details and not downloading)
        self.cancelButton.setVisible(downloading)
        self.cancelButton.setEnabled(downloading and not self._download.cancelled)
