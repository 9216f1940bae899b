"""The Hub pane's own download of the model shown in the details: the files an export needs, into the Hugging Face
cache, with bytes, rate and time left, Cancel, and a question first when it is large (or larger than the free space).
"""

from __future__ import annotations

from typing import Sequence

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QHBoxLayout, QLabel, QMessageBox, QProgressBar, QPushButton, QSizePolicy, QVBoxLayout, QWidget,
)

from exportcore import hub

from .background import BackgroundCall, run_in_pool
from .hub_access import HubAccess, describe_error, error_text
from .qt_util import Retranslating, StatusText
from .transfer import Transfer, short_text as transfer_short


def download_model(repo_id: str, revision: str | None, files: Sequence[str] | None, *, offline: bool,
                   timeout: float | None, cache_dir: str | None, token: str | None, call: BackgroundCall) -> str:
    """Snapshot download reporting ``(done, total, file)`` through the call (runs on the pool)."""
    path = hub.snapshot_download(
        repo_id, revision=revision, files=files, offline=offline, timeout=timeout, cache_dir=cache_dir, token=token,
        progress=lambda done, total, name: call.report((done, total, name)), cancel=call.cancel_event,
    )
    return str(path)


class HubDownloadPane(Retranslating, QWidget):
    """Progress bar, what it says, and the Cancel and Download buttons (:attr:`buttons`: the row they sit in)."""

    #: a download finished: the repo id and its local snapshot folder
    downloaded = Signal(str, str)
    #: an error was shown (its ExportError code)
    errorShown = Signal(str)

    def __init__(self, access: HubAccess, parent: QWidget | None = None, *,
                 warning_bytes: int | None = None) -> None:
        super().__init__(parent)
        self.access = access
        #: ask before a download larger than this many bytes (None: never ask)
        self.warning_bytes = warning_bytes
        self._details: hub.ModelDetails | None = None
        self._revision: str | None = None
        self._call: BackgroundCall | None = None
        self._repo: str | None = None
        self._meter = hub.TransferMeter()

        self.progressBar = QProgressBar(self)
        self.progressBar.setObjectName("progressBar")
        self.progressBar.setRange(0, 1000)
        self.progressBar.setTextVisible(True)
        self.progressBar.setVisible(False)
        self.progressLabel = QLabel(self)
        self.progressLabel.setObjectName("progressLabel")
        self.progressLabel.setWordWrap(True)
        self.progressLabel.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.progressLabel.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.progress = StatusText(self.progressLabel)
        self.downloadButton = QPushButton(self)
        self.downloadButton.setObjectName("downloadButton")
        self.downloadButton.clicked.connect(self.download_current)
        self.cancelButton = QPushButton(self)
        self.cancelButton.setObjectName("cancelButton")
        self.cancelButton.setVisible(False)
        self.cancelButton.clicked.connect(self.cancel)
        self.buttons = QHBoxLayout()
        self.buttons.addStretch(1)
        self.buttons.addWidget(self.cancelButton)
        self.buttons.addWidget(self.downloadButton)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.progressBar)
        layout.addWidget(self.progressLabel)
        layout.addLayout(self.buttons)
        self.retranslate()
        self._update_buttons()

    # -- public ---------------------------------------------------------------------------------------------------
    def set_details(self, details: hub.ModelDetails | None, revision: str | None) -> None:
        """The model the details show now (what Download would fetch)."""
        self._details, self._revision = details, revision
        self._update_buttons()

    def downloading(self) -> bool:
        return self._call is not None and not self._call.done

    def forget_outcome(self) -> None:
        """Forget the last download's outcome (a running download keeps its progress shown)."""
        if self.downloading():
            return
        self.progressBar.setVisible(False)
        self.progress.clear()

    def download_size(self, details: hub.ModelDetails) -> int:
        """Bytes the Download button would fetch: the export's files not in the cache yet."""
        files = details.export_files or details.files
        pending = hub.pending_files(details.id, files, details.sha, cache_dir=self.access.cache_folder())
        return sum(f.size or 0 for f in pending)

    def confirm(self, details: hub.ModelDetails) -> bool:
        """A download over :attr:`warning_bytes` (or larger than the free space of the cache) is asked for first,
        with its size and the free space."""
        size = self.download_size(details)
        free = hub.free_bytes(self.access.cache_folder())
        too_big = free is not None and size > free
        if not too_big and (self.warning_bytes is None or size <= self.warning_bytes):
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
        """Download the files an export needs for the model in the details."""
        details = self._details
        if details is None or self.downloading():
            return
        if not details.from_cache and not self.confirm(details):
            return
        files = [f.path for f in details.export_files] or None
        self._repo = details.id
        self._meter = hub.TransferMeter()
        self.progressBar.setVisible(True)
        self.progressBar.setRange(0, 0)
        self.progress.set(lambda: self.tr("Starting the download of {0}…").format(details.id))
        self._call = run_in_pool(
            download_model, details.id, self._revision, files, **self.access.kwargs(), pass_call=True,
            on_result=self._done, on_error=self._failed, on_progress=self._progressed, on_finished=self._stopped,
        )
        self._update_buttons()

    @Slot()
    def cancel(self) -> None:
        if self._call is None or self._call.done:
            return
        self._call.cancel()  # the worker stops at the next chunk; _stopped follows
        self.progress.set(lambda: self.tr("Cancelling…"))
        self._update_buttons()

    def shutdown(self) -> None:
        if self._call is not None:
            self._call.cancel()

    # -- texts ----------------------------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.downloadButton.setText(self.tr("Download"))
        self.downloadButton.setToolTip(self.tr("Download the files an export needs into the Hugging Face cache"))
        self.cancelButton.setText(self.tr("Cancel"))
        self.progress.render()

    # -- the download's reports -----------------------------------------------------------------------------------
    def _progressed(self, value: tuple[int, int, str | None]) -> None:
        done, total, name = value
        if total > 0:
            self.progressBar.setRange(0, 1000)
            self.progressBar.setValue(min(1000, int(done * 1000 / total)))
        transfer = Transfer(done, total or None, self._meter.add(done), name or "")
        repo = self._repo

        def text() -> str:
            line = transfer_short(transfer)
            if transfer.name:
                line += " — " + transfer.name
            if self._details is None or self._details.id != repo:
                line = f"{repo}: {line}"
            return line

        self.progress.set(text)

    def _done(self, path: str) -> None:
        self.progressBar.setRange(0, 1000)
        self.progressBar.setValue(1000)
        self.progress.set(lambda: self.tr("Downloaded to {0}").format(path))
        self.downloaded.emit(self._repo or "", path)

    def _failed(self, exc: BaseException) -> None:
        self.progressBar.setVisible(False)
        self.progress.set(lambda: error_text(exc), error=True)
        self.errorShown.emit(describe_error(exc)[0])

    def _stopped(self) -> None:
        if self._call is not None and self._call.cancelled:
            self.progressBar.setVisible(False)
            self.progress.set(lambda: self.tr("Download cancelled. Partial files were removed."))
        self._update_buttons()

    def _update_buttons(self) -> None:
        downloading = self.downloading()
        self.downloadButton.setEnabled(self._details is not None and not downloading)
        self.cancelButton.setVisible(downloading)
        self.cancelButton.setEnabled(downloading and not self._call.cancelled)
