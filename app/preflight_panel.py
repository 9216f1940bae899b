"""Short lines in the inspector: is the export supported (and its task), what it downloads, the disk space and the
memory it needs (red where it does not fit), and the estimated size of each variant asked for."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QWidget

from exportcore.hub import format_size

from .errors import from_error_dict
from .preflight import PreflightFacts, task_source_text
from .qt_util import Retranslating, heading


def _size(value: Any) -> str:
    return format_size(int(value)) if isinstance(value, (int, float)) else "?"


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
        self.title = heading()
        self.labels: dict[str, tuple[QLabel, QLabel]] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(10, 6, 10, 6)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(2)
        grid.addWidget(self.title, 0, 0, 1, 2)
        for row, key in enumerate(("support", "download", "disk", "memory", "variants"), start=1):
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
                 "memory": self.tr("Memory"), "variants": self.tr("Variants")}
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
        sizes = f.get("variant_bytes")
        if isinstance(sizes, dict) and sizes:
            each = " · ".join(self.tr("%1 about %2").replace("%1", str(name)).replace("%2", _size(size))
                              for name, size in sizes.items())
            self._set("variants", each + " " + self.tr("(estimates; in the output's figure)"))
