"""The pre-flight of an export, shown before it runs: supported or not (and why), what is still to download, the
free disk in the model cache and beside the output folder, the estimated peak memory against the memory available.

:class:`PreflightFacts` reads the inspect helper's ``{"preflight": {...}}`` answer (``exportcore.preflight.Preflight
.to_dict()``) and decides what the app asks before exporting; :class:`PreflightPanel` shows the figures in the
inspector. Light module (no torch).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QWidget

from exportcore.hub import format_size

from .errors import FriendlyError, from_error_dict
from .qt_util import Retranslating

@dataclass(frozen=True)
class PreflightFacts:
    data: dict[str, Any]
    refusals: list[dict] = field(default_factory=list)

    @classmethod
    def from_reply(cls, data: dict[str, Any]) -> "PreflightFacts":
        refusals = [r for r in data.get("refusals") or [] if isinstance(r, dict) and r.get("code")]
        return cls(dict(data), refusals)

    def get(self, key: str) -> Any:
        return self.data.get(key)

    @property
    def supported(self) -> bool:
        return bool(self.data.get("supported", True))

    @property
    def unsupported(self) -> FriendlyError | None:
        error = self.data.get("unsupported")
        return from_error_dict(error) if isinstance(error, dict) else None

    @property
    def download_bytes(self) -> int:
        value = self.data.get("download_bytes")
        return int(value) if isinstance(value, (int, float)) else 0

    @property
    def fits(self) -> bool:
        return not self.refusals

    def asks_before_download(self, threshold_bytes: int | None) -> bool:
        """A download over the threshold (Settings: File ▸ Ask before downloads over … GB) is asked for first."""
        return threshold_bytes is not None and self.download_bytes > threshold_bytes

    def refusal_errors(self) -> list[FriendlyError]:
        return [from_error_dict(r) for r in self.refusals]


def _size(value: Any) -> str:
    return format_size(int(value)) if isinstance(value, (int, float)) else "?"


def task_source_text(source: str | None) -> str:
    """Where the task came from, in words (the plan's and the pre-flight's ``task_source``)."""
    if source == "option":
        return QCoreApplication.translate("Preflight", "chosen in the options")
    if source == "architectures":
        return QCoreApplication.translate("Preflight", "from config.json's architectures")
    if source == "pipeline_tag":
        return QCoreApplication.translate("Preflight", "from the Hub's pipeline tag")
    if source == "default":
        return QCoreApplication.translate("Preflight", "the model type's default")
    return ""


class PreflightPanel(Retranslating, QFrame):
    """Four short lines in the inspector: support and task, download, disk, memory (red where it does not fit)."""

    _OK, _BAD, _MUTED = "#1e6b34", "#b3261e", "#5f6368"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("preflightPanel")
        self.setStyleSheet("#preflightPanel { background: #f6f8fa; border: 1px solid #dfe3e8; border-radius: 6px; }"
                           "#preflightPanel QLabel { background: transparent; }")
        self.facts: PreflightFacts | None = None
        self.error: dict | None = None
        self.state = "empty"  # empty | checking | facts | error
        self.title = QLabel()
        self.title.setProperty("heading", True)
        self.labels: dict[str, tuple[QLabel, QLabel]] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(10, 6, 10, 6)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(2)
        grid.addWidget(self.title, 0, 0, 1, 2)
        for row, key in enumerate(("support", "download", "disk", "memory"), start=1):
            name, value = QLabel(), QLabel()
            name.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            grid.addWidget(name, row, 0)
            grid.addWidget(value, row, 1)
            self.labels[key] = (name, value)
        grid.setColumnStretch(1, 1)
        self.retranslate()

    # -- states ---------------------------------------------------------------------------------------------------
    def show_checking(self) -> None:
        self.state, self.facts, self.error = "checking", None, None
        self.retranslate()

    def show_facts(self, facts: PreflightFacts) -> None:
        self.state, self.facts, self.error = "facts", facts, None
        self.retranslate()

    def show_error(self, error: dict) -> None:
        self.state, self.facts, self.error = "error", None, dict(error)
        self.retranslate()

    def clear(self) -> None:
        self.state, self.facts, self.error = "empty", None, None
        self.retranslate()

    # -- texts ----------------------------------------------------------------------------------------------------

    def _set(self, key: str, text: str, colour: str | None = None) -> None:
        name, value = self.labels[key]
        value.setText(text)
        value.setStyleSheet(f"color: {colour};" if colour else "")
        name.setVisible(bool(text))
        value.setVisible(bool(text))

    def retranslate(self) -> None:
        self.title.setText(self.tr("Before exporting"))
        names = {"support": self.tr("Model"), "download": self.tr("Download"), "disk": self.tr("Disk"),
                 "memory": self.tr("Memory")}
        for key, (name, _value) in self.labels.items():
            name.setText(names[key])
        for key in self.labels:
            self._set(key, "")
        self.setVisible(self.state != "empty")
        if self.state == "checking":
            self._set("support", self.tr("Checking what the export needs (size, disk space, memory)…"), self._MUTED)
        elif self.state == "error":
            words = from_error_dict(self.error or {})
            self._set("support", self.tr("The pre-flight check could not run: %1").replace("%1", words.sentence),
                      self._MUTED)
        elif self.state == "facts" and self.facts is not None:
            self._show(self.facts)

    def _show(self, f: PreflightFacts) -> None:
        refused = {r.get("code") for r in f.refusals}
        if f.supported:
            task = str(f.get("task") or "?")
            source = task_source_text(f.get("task_source"))
            text = self.tr("Supported · task %1").replace("%1", task) + (f" ({source})" if source else "")
            self._set("support", text, self._OK)
        else:
            words = f.unsupported
            self._set("support", self.tr("Not supported: %1").replace("%1", words.sentence if words else "?"),
                      self._BAD)
        if f.get("kind") == "hub":
            if f.download_bytes:
                n = int(f.get("download_files") or 0)
                text = self.tr("%1 to download (%2 files)").replace("%1", _size(f.download_bytes)).replace("%2", str(n))
            else:
                text = self.tr("nothing to download: the model is in the cache")
            self._set("download", text)
        disk = []
        cache_short = "disk_full" in refused and f.get("cache_dir") and any(
            (r.get("params") or {}).get("path") == f.get("cache_dir") for r in f.refusals)
        if f.get("kind") == "hub" and f.get("cache_free_bytes") is not None:
            disk.append(self.tr("model cache %1 free").replace("%1", _size(f.get("cache_free_bytes"))))
        if f.get("output_needed_bytes") is not None:
            disk.append(self.tr("output needs about %1, %2 free").replace("%1", _size(f.get("output_needed_bytes")))
                        .replace("%2", _size(f.get("output_free_bytes"))))
        if f.get("same_disk") and disk:
            disk.append(self.tr("(one disk for both)"))
        self._set("disk", " · ".join(disk), self._BAD if "disk_full" in refused or cache_short else None)
        if f.get("memory_estimate_bytes") is not None:
            available = f.get("memory_available_bytes")
            text = self.tr("about %1 at the peak (an estimate); %2 available").replace(
                "%1", _size(f.get("memory_estimate_bytes"))).replace(
                "%2", _size(available) if available is not None else self.tr("unknown"))
            self._set("memory", text, self._BAD if "insufficient_memory" in refused else None)
