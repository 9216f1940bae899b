"""Browse the Hugging Face Hub: search, read a model's card and files, download it, pick a model.

:class:`HubBrowser` puts together the search (:mod:`app.hub_search`), the details (:mod:`app.hub_details`) and the
download (:mod:`app.hub_download`) with a paste box for a link or an id, and remembers what the rest of the app asks
of the Hub pane: the pipeline tag of each model it listed and where each download went. All network work runs on
the app's thread pool; errors are shown inline in the part they belong to, as a sentence and a next step.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Sequence

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QSplitter, QVBoxLayout, QWidget

from exportcore import hub
from exportcore.errors import ExportError

from .hub_access import HubAccess
from .hub_details import HubDetailsPane
from .hub_download import HubDownloadPane
from .hub_models import ExportableFn
from .hub_search import HubSearchPane
from .qt_util import Retranslating

__all__ = ["HubBrowser"]


class HubBrowser(Retranslating, QWidget):
    """Search the Hub, read a model's card and files, download it, and choose it for export.

    Laid out for a 1366×768 laptop first: the paste box, the search and the filters in three rows above the results;
    the details go below the results when the pane is narrow and beside them when it is wide.
    """

    #: the user picked a model: a Hub id (``org/name``) or a local snapshot folder
    modelChosen = Signal(str)
    #: a download finished: the local snapshot folder
    downloadFinished = Signal(str)
    #: search results were shown (also after "Load more") or the search failed
    resultsChanged = Signal()
    #: the details were filled (repo id) or show an error
    detailsChanged = Signal(str)
    #: an error was shown inline (its ExportError code)
    errorShown = Signal(str)
    offlineChanged = Signal(bool)

    #: below this width the details go under the results
    SIDE_BY_SIDE_WIDTH = 900
    #: how long a row must stay current before its details are loaded (arrow keys move through rows)
    SELECTION_SETTLE_MS = 120

    def __init__(self, parent: QWidget | None = None, *, is_exportable: ExportableFn | None = None,
                 page_size: int = 25, debounce_ms: int = 350, timeout: float | None = hub.DEFAULT_TIMEOUT,
                 cache_dir: str | Path | None = None, token: str | None = None, offline: bool | None = None,
                 auto_search: bool = True, download_warning_bytes: int | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("HubBrowser")
        self.access = HubAccess(offline=hub.is_offline(offline), timeout=timeout,
                                cache_dir=str(cache_dir) if cache_dir is not None else None, token=token)
        #: pipeline tag per Hub id and per downloaded snapshot folder (the core infers a task from it)
        self._tags: dict[str, str] = {}
        #: snapshot folder per Hub id this pane downloaded (or found in the cache)
        self._downloaded: dict[str, str] = {}

        self.pasteEdit = QLineEdit(self)
        self.pasteEdit.setObjectName("pasteEdit")
        self.pasteEdit.setClearButtonEnabled(True)
        self.openButton = QPushButton(self)
        self.openButton.setObjectName("openButton")
        self.search_pane = HubSearchPane(self.access, self, is_exportable=is_exportable, page_size=page_size,
                                         debounce_ms=debounce_ms, auto_search=auto_search)
        self.details_pane = HubDetailsPane(self.access, self, is_exportable=is_exportable)
        self.download_pane = HubDownloadPane(self.access, self, warning_bytes=download_warning_bytes)
        self.inspectButton = QPushButton(self)
        self.inspectButton.setObjectName("inspectButton")
        self.inspectButton.setEnabled(False)
        self.download_pane.buttons.addWidget(self.inspectButton)

        paste = QHBoxLayout()
        paste.addWidget(self.pasteEdit, 1)
        paste.addWidget(self.openButton)
        self.detailsPane = QWidget(self)
        self.detailsPane.setObjectName("detailsPane")
        right = QVBoxLayout(self.detailsPane)
        right.setContentsMargins(0, 0, 0, 0)
        right.setSpacing(4)
        right.addWidget(self.details_pane, 1)
        right.addWidget(self.download_pane)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.setObjectName("splitter")
        self.splitter.addWidget(self.search_pane)
        self.splitter.addWidget(self.detailsPane)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)
        layout.addLayout(paste)
        layout.addWidget(self.search_pane.controls)
        layout.addWidget(self.splitter, 1)

        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(self.SELECTION_SETTLE_MS)
        self._settled_repo = ""
        self._settle.timeout.connect(lambda: self.show_model(self._settled_repo))

        self.pasteEdit.returnPressed.connect(self.open_pasted)
        self.openButton.clicked.connect(self.open_pasted)
        self.inspectButton.clicked.connect(self.choose_current)
        search, details, download = self.search_pane, self.details_pane, self.download_pane
        for part in (search, details, download):
            part.errorShown.connect(self.errorShown)
        search.resultsChanged.connect(self.resultsChanged)
        details.detailsChanged.connect(self.detailsChanged)
        search.modelsListed.connect(self._remember_tags)
        search.currentModelChanged.connect(self._row_changed)
        search.modelActivated.connect(self._activated)
        search.offlineChanged.connect(self._offline_changed)
        details.shown.connect(self._details_shown)
        details.cleared.connect(download.forget_outcome)
        download.downloaded.connect(self._downloaded_to)
        self.retranslate()

    # -- texts and layout -----------------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.pasteEdit.setPlaceholderText(self.tr("Paste a Hub link or a model id (org/name)…"))
        self.openButton.setText(self.tr("Open"))
        self.inspectButton.setText(self.tr("Inspect"))
        self.inspectButton.setToolTip(self.tr("Open this model in the export inspector"))

    def resizeEvent(self, event: Any) -> None:  # noqa: N802
        super().resizeEvent(event)
        wide = self.width() >= self.SIDE_BY_SIDE_WIDTH
        orientation = Qt.Orientation.Horizontal if wide else Qt.Orientation.Vertical
        if self.splitter.orientation() != orientation:
            self.splitter.setOrientation(orientation)
            total = self.width() if wide else self.splitter.height() or self.height()
            self.splitter.setSizes([total * 3 // 5, total * 2 // 5] if wide else [total * 11 // 20, total * 9 // 20])
            self.detailsPane.layout().setContentsMargins(8 if wide else 0, 0, 0, 0)

    # -- public ---------------------------------------------------------------------------------------------------
    @property
    def download_warning_bytes(self) -> int | None:
        """Ask before a download larger than this many bytes (None: never ask)."""
        return self.download_pane.warning_bytes

    @download_warning_bytes.setter
    def download_warning_bytes(self, value: int | None) -> None:
        self.download_pane.warning_bytes = value

    def set_is_exportable(self, fn: ExportableFn | None) -> None:
        self.search_pane.resultsModel.set_is_exportable(fn)
        self.details_pane.set_is_exportable(fn)

    def is_offline(self) -> bool:
        return self.search_pane.is_offline()

    def set_offline(self, offline: bool) -> None:
        self.search_pane.set_offline(offline)

    def search(self) -> None:
        self.search_pane.search()

    def load_more(self) -> None:
        self.search_pane.load_more()

    def search_params(self) -> dict[str, Any]:
        return self.search_pane.search_params()

    def current_details(self) -> hub.ModelDetails | None:
        return self.details_pane.details

    def pipeline_tag_for(self, ref: str) -> str | None:
        """The Hub's pipeline tag of a model this pane showed (by id or by its downloaded snapshot folder)."""
        return self._tags.get(ref)

    @Slot()
    def open_pasted(self) -> None:
        """Show the details of the model whose link or id is in the paste box."""
        text = self.pasteEdit.text()
        try:
            ref = hub.parse_model_ref(text)
        except ExportError as exc:
            self.details_pane.show_error(exc, title=text.strip() or None)
            return
        self.search_pane.clear_selection()
        self.show_model(ref.repo_id, ref.revision)

    def show_model(self, repo_id: str, revision: str | None = None) -> None:
        """Load the details of ``repo_id`` (off the GUI thread)."""
        self._settle.stop()
        self.details_pane.show_model(repo_id, revision)

    def download_current(self) -> None:
        self.download_pane.download_current()

    def cancel_download(self) -> None:
        self.download_pane.cancel()

    @Slot()
    def choose_current(self) -> None:
        """Emit :attr:`modelChosen` for the model in the details (its local folder when known)."""
        details = self.details_pane.details
        if details is None:
            return
        if details.id in self._downloaded:
            self.modelChosen.emit(self._downloaded[details.id])
        elif details.from_cache and details.local_path:
            self.modelChosen.emit(details.local_path)
        else:
            self.modelChosen.emit(details.id)

    def shutdown(self) -> None:
        """Stop listening to every pending request and cancel a running download."""
        self._settle.stop()
        self.search_pane.shutdown()
        self.details_pane.shutdown()
        self.download_pane.shutdown()

    def closeEvent(self, event: Any) -> None:  # noqa: N802
        self.shutdown()
        super().closeEvent(event)

    # -- what the parts say ---------------------------------------------------------------------------------------
    def _remember_tags(self, models: Sequence[hub.ModelSummary]) -> None:
        for m in models:
            if m.pipeline_tag:
                self._tags[m.id] = m.pipeline_tag
                if m.local_path:
                    self._tags[m.local_path] = m.pipeline_tag

    def _row_changed(self, repo_id: str) -> None:
        self._settled_repo = repo_id
        self._settle.start()

    def _activated(self, summary: hub.ModelSummary) -> None:
        target = summary.local_path if (self.is_offline() and summary.local_path) else summary.id
        target = self._downloaded.get(summary.id, target)
        if summary.pipeline_tag:
            self._tags[target] = summary.pipeline_tag
        self.modelChosen.emit(target)

    def _offline_changed(self, offline: bool) -> None:
        self.offlineChanged.emit(offline)
        self.details_pane.show_empty()

    def _details_shown(self, details: hub.ModelDetails | None) -> None:
        if details is not None:
            self._remember_tags([details])
            if details.local_path:
                self._downloaded.setdefault(details.id, details.local_path)
        self.download_pane.set_details(details, self.details_pane.revision)
        self.inspectButton.setEnabled(details is not None)

    def _downloaded_to(self, repo_id: str, path: str) -> None:
        self._downloaded[repo_id] = path
        if repo_id in self._tags:
            self._tags[path] = self._tags[repo_id]
        self.downloadFinished.emit(path)
