"""The Hub pane's details of one model: its id and facts (task, type, exportable, counts), its model card and its
files with what an export downloads. Loaded on the app's thread pool; a newer request makes the stale answer be
ignored. An error is shown in the pane, as a sentence and a next step.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from PySide6.QtCore import QUrl, Qt, Signal, Slot
from PySide6.QtGui import QColor, QDesktopServices, QTextCharFormat, QTextCursor, QTextFormat
from PySide6.QtWidgets import (
    QAbstractItemView, QHeaderView, QLabel, QSizePolicy, QTableView, QTabWidget, QTextBrowser, QVBoxLayout, QWidget,
)

from exportcore import hub
from exportcore.errors import ExportError

from .background import LatestCall
from .hub_access import HubAccess, describe_error
from .hub_models import ExportableFn, RepoFilesModel, compact_number, exportable_badge
from .qt_util import Retranslating

log = logging.getLogger(__name__)

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


class HubDetailsPane(Retranslating, QWidget):
    """What the pane shows is kept as ``("empty",)``, ``("loading", title)``, ``("details", DetailsResult)`` or
    ``("error", exception, title)``, and worded again on a language change."""

    #: the pane was filled (repo id) or shows an error
    detailsChanged = Signal(str)
    #: the model shown now, its :class:`exportcore.hub.ModelDetails` (None while empty, loading or failed)
    shown = Signal(object)
    #: the pane was emptied for another model (or for none)
    cleared = Signal()
    #: an error was shown (its ExportError code)
    errorShown = Signal(str)

    def __init__(self, access: HubAccess, parent: QWidget | None = None, *,
                 is_exportable: ExportableFn | None = None) -> None:
        super().__init__(parent)
        self.access = access
        self._is_exportable = is_exportable
        self.details: hub.ModelDetails | None = None
        #: the revision asked for (shown after the id), None for the default branch
        self.revision: str | None = None
        self._view: tuple = ("empty",)
        self._load = LatestCall()

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
        self.cardView.anchorClicked.connect(self._open_link)
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
        self.sizeLabel.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
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
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.titleLabel)
        layout.addWidget(self.metaLabel)
        layout.addWidget(self.detailsError)
        layout.addWidget(self.tabs, 1)
        self.retranslate()

    # -- public ---------------------------------------------------------------------------------------------------
    def show_model(self, repo_id: str, revision: str | None = None) -> None:
        """Load ``repo_id``'s details (off the GUI thread)."""
        self._clear(("loading", repo_id if not revision else f"{repo_id} @ {revision}"), revision)
        self._load.start(load_details, repo_id, revision, **self.access.kwargs(),
                         on_result=self._loaded, on_error=lambda exc, rid=repo_id: self._failed(rid, exc))

    def show_empty(self) -> None:
        self._load.cancel()
        self._clear(("empty",))

    def show_error(self, exc: BaseException, *, title: str | None) -> None:
        self._load.cancel()
        self.details = None
        self._view = ("error", exc, title)
        self.detailsError.setVisible(True)
        self.cardView.clear()
        self.filesModel.set_files([])
        self.sizeLabel.clear()
        self._render()
        self.shown.emit(None)
        log.info("hub details failed: %s", exc)
        self.errorShown.emit(describe_error(exc)[0])

    def set_is_exportable(self, fn: ExportableFn | None) -> None:
        self._is_exportable = fn
        if self.details is not None:
            self._show_meta(self.details)

    def shutdown(self) -> None:
        self._load.cancel()

    # -- texts ----------------------------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.tabs.setTabText(0, self.tr("Model card"))
        self.tabs.setTabText(1, self.tr("Files"))
        self.filesModel.retranslate()
        self._render()

    def _render(self) -> None:
        """The pane's texts for what it shows now (in the current language)."""
        view = self._view
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
            self.titleLabel.setText(details.id + (f" @ {self.revision}" if self.revision else ""))
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
        first.append(self.tr("exportable: {0}").format(exportable_badge(verdict, long=True)))
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

    # -- answers --------------------------------------------------------------------------------------------------
    def _clear(self, view: tuple, revision: str | None = None) -> None:
        """An empty pane (``("empty",)`` or ``("loading", title)``), waiting for ``revision``'s details."""
        self.details = None
        self.revision = revision
        self._view = view
        self.detailsError.setVisible(False)
        self.cardView.clear()
        self.filesModel.set_files([])
        self.sizeLabel.clear()
        self.cleared.emit()
        self._render()
        self.shown.emit(None)

    def _loaded(self, result: DetailsResult) -> None:
        details = result.details
        self.details = details
        self._view = ("details", result)
        self.detailsError.setVisible(False)
        if result.card:
            self._set_card(result.card)
        export = details.export_files
        self.filesModel.set_files(details.files, [f.path for f in export] if export else None)
        self._render()
        self.shown.emit(details)
        self.detailsChanged.emit(details.id)

    def _failed(self, repo_id: str, exc: BaseException) -> None:
        self.show_error(exc, title=repo_id)
        self.detailsChanged.emit(repo_id)

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

    @Slot(QUrl)
    def _open_link(self, url: QUrl) -> None:
        if url.scheme() in ("http", "https"):
            QDesktopServices.openUrl(url)
