"""Model sources in the left pane: Hub (HubBrowser), Local (folder, recent, HF cache), Demo (built-in tiny models).

The Hub and cache browsers belong to ``app.hub_browser`` / ``app.cache_browser``; they are embedded when present
(they emit ``modelChosen(str)``) and a simple placeholder stands in otherwise.
"""

from __future__ import annotations

import os
import re
from typing import Any

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QFileDialog, QHBoxLayout, QLabel, QLineEdit, QListView, QPushButton, QStyle, QTabWidget, QVBoxLayout, QWidget,
)

from .qt_util import Retranslating, heading

_HUB_URL = re.compile(r"^(?:https?://)?(?:www\.)?(?:hf\.co|huggingface\.co)/(?!api/|datasets/|spaces/)"
                      r"([\w.\-]+(?:/[\w.\-]+)?)")
_HUB_ID = re.compile(r"^[\w.\-]+(?:/[\w.\-]+)?$")


def parse_model_ref(text: str) -> str | None:
    """A Hub URL, a Hub id, ``demo:<name>`` or a local folder path -> the model reference; None if unusable."""
    text = text.strip().strip('"').strip("'")
    if not text:
        return None
    if text.startswith("demo:"):
        return text
    m = _HUB_URL.match(text)
    if m:
        return m.group(1)
    if text.startswith(("/", "~", ".")) or os.sep in text and os.path.isabs(os.path.expanduser(text)):
        return os.path.abspath(os.path.expanduser(text))
    if _HUB_ID.match(text):
        return text
    return None


def load_demo_models() -> list[dict]:
    try:
        from exportcore.demo import list_demo_models

        return [dict(m) for m in list_demo_models()]
    except Exception:
        return []


def hub_exportable(model_type: str | None, task: str | None) -> bool | str | None:
    """The Hub list's "can we export it" badge: None while the model type is unknown, "generic" when the export
    configuration for the pipeline tag's task (any task without one) would be derived."""
    if not model_type:
        return None
    try:
        from exportcore import registry  # light, but pulls numpy: only once results arrive
        from exportcore.tasks import PIPELINE_TAGS, TaskChoice

        if not registry.is_exportable(model_type, task):
            return False
        derived = {TaskChoice.parse(name).task for name in registry.generic_tasks_of(model_type)}
        wanted = TaskChoice.parse(PIPELINE_TAGS.get(task, task)).task if task else None
        generic = wanted in derived if wanted else registry.is_generic(model_type)
        return "generic" if generic else True
    except Exception:
        return None


def _make_external(module: str, cls: str, **kwargs: Any) -> QWidget | None:
    """An embedded widget from another module of the app (if that module is present and works)."""
    try:
        mod = __import__(f"app.{module}", fromlist=[cls])
        widget = getattr(mod, cls)(**kwargs)
    except Exception:
        import logging

        logging.getLogger(__name__).exception("could not embed app.%s.%s", module, cls)
        return None
    return widget if hasattr(widget, "modelChosen") else None


class DemoModels(Retranslating, QWidget):
    modelChosen = Signal(str)

    ROLE = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.model = QStandardItemModel(self)
        self.view = QListView()
        self.view.setModel(self.model)
        self.view.setIconSize(QSize(28, 28))
        self.view.setSpacing(3)
        self.view.setWordWrap(True)
        self.view.setUniformItemSizes(False)
        self.view.activated.connect(self._chosen)
        self.view.clicked.connect(self._chosen)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.intro.setObjectName("hint")
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 8, 8, 8)
        lay.addWidget(self.intro)
        lay.addWidget(self.view, 1)
        self.demos: list[dict] = []
        self.retranslate()

    def load(self, demos: list[dict] | None = None) -> None:
        self.demos = load_demo_models() if demos is None else list(demos)
        self.model.clear()
        icon = self.style().standardIcon(QStyle.StandardPixmap.SP_ComputerIcon)
        for d in self.demos:
            title = str(d.get("title") or d.get("name"))
            item = QStandardItem(icon, f"{title}\n{d.get('task', '')} · {d.get('model_type', '')}")
            item.setToolTip(str(d.get("description", "")))
            item.setData(f"demo:{d.get('name')}", self.ROLE)
            item.setEditable(False)
            self.model.appendRow(item)

    def model_ids(self) -> list[str]:
        return [self.model.item(i).data(self.ROLE) for i in range(self.model.rowCount())]

    def _chosen(self, index) -> None:
        ref = index.data(self.ROLE)
        if ref:
            self.modelChosen.emit(str(ref))


    def retranslate(self) -> None:
        self.intro.setText(self.tr("Tiny models shipped with the app. Their weights are built on your computer "
                                   "(random, seeded), so they export without any network."))


class LocalSources(Retranslating, QWidget):
    modelChosen = Signal(str)

    def __init__(self, settings, parent=None, cache_options: dict | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.open_button = QPushButton(self.style().standardIcon(QStyle.StandardPixmap.SP_DirOpenIcon), "")
        self.open_button.clicked.connect(self.choose_folder)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setObjectName("hint")
        self.recent_title = heading()
        self.recent = QStandardItemModel(self)
        self.recent_view = QListView()
        self.recent_view.setModel(self.recent)
        self.recent_view.activated.connect(lambda i: self.modelChosen.emit(str(i.data())))
        self.recent_view.clicked.connect(lambda i: self.modelChosen.emit(str(i.data())))
        self.recent_view.setMaximumHeight(140)
        self.cache_title = heading()
        self.cache_browser = _make_external("cache_browser", "CacheBrowser", **(cache_options or {}))
        if self.cache_browser is not None:
            self.cache_browser.modelChosen.connect(self.modelChosen)
            cache_widget: QWidget = self.cache_browser
        else:
            self.cache_placeholder = QLabel()
            self.cache_placeholder.setWordWrap(True)
            self.cache_placeholder.setObjectName("hint")
            self.cache_placeholder.setAlignment(Qt.AlignmentFlag.AlignTop)
            cache_widget = self.cache_placeholder
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 8, 8, 8)
        lay.setSpacing(6)
        lay.addWidget(self.open_button)
        lay.addWidget(self.hint)
        lay.addSpacing(6)
        lay.addWidget(self.recent_title)
        lay.addWidget(self.recent_view)
        lay.addSpacing(6)
        lay.addWidget(self.cache_title)
        lay.addWidget(cache_widget, 1)
        self.refresh_recent()
        self.retranslate()

    def refresh_recent(self) -> None:
        self.recent.clear()
        for ref in self.settings.recent_models:
            item = QStandardItem(ref)
            item.setEditable(False)
            item.setToolTip(ref)
            self.recent.appendRow(item)

    def choose_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, self.tr("Open a model folder (with config.json)"))
        if path:
            self.modelChosen.emit(path)


    def retranslate(self) -> None:
        self.open_button.setText(self.tr("Open a model folder…"))
        self.hint.setText(self.tr("A folder with config.json (and the weights, to export). You can also drop a "
                                  "folder anywhere on the window."))
        self.recent_title.setText(self.tr("Recent models"))
        self.cache_title.setText(self.tr("Hugging Face cache"))
        if self.cache_browser is None:
            self.cache_placeholder.setText(self.tr("The cache browser is not available in this build."))


class HubPlaceholder(Retranslating, QWidget):
    """Stands in for the Hub browser when it is not available: paste a Hub id or URL."""

    modelChosen = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.edit = QLineEdit()
        self.edit.returnPressed.connect(self._go)
        self.go = QPushButton()
        self.go.clicked.connect(self._go)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setObjectName("hint")
        row = QHBoxLayout()
        row.addWidget(self.edit, 1)
        row.addWidget(self.go)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 8, 8, 8)
        lay.addLayout(row)
        lay.addWidget(self.note)
        lay.addStretch(1)
        self.retranslate()

    def _go(self) -> None:
        ref = parse_model_ref(self.edit.text())
        if ref:
            self.modelChosen.emit(ref)


    def retranslate(self) -> None:
        self.edit.setPlaceholderText(self.tr("Hub id or URL, e.g. google-bert/bert-base-uncased"))
        self.go.setText(self.tr("Inspect"))
        self.note.setText(self.tr("Hub search is not available in this build; paste a model id or URL."))


class SourcesPane(Retranslating, QTabWidget):
    """Hub / Local / Demo tabs; every source ends in ``modelChosen(str)``."""

    modelChosen = Signal(str)

    def __init__(self, settings, parent=None, *, hub_options: dict | None = None,
                 cache_options: dict | None = None) -> None:
        super().__init__(parent)
        self.setDocumentMode(True)
        hub_kwargs = {"is_exportable": hub_exportable, "offline": settings.offline or None,
                      "download_warning_bytes": settings.download_warning_bytes, **(hub_options or {})}
        self.hub = _make_external("hub_browser", "HubBrowser", **hub_kwargs) or HubPlaceholder()
        if hasattr(self.hub, "offlineChanged"):
            self.hub.offlineChanged.connect(lambda on: setattr(settings, "offline", bool(on)))
        self.local = LocalSources(settings, cache_options=cache_options)
        self.demo = DemoModels()
        st = self.style()
        self.addTab(self.hub, st.standardIcon(QStyle.StandardPixmap.SP_DriveNetIcon), "")
        self.addTab(self.local, st.standardIcon(QStyle.StandardPixmap.SP_DirIcon), "")
        self.addTab(self.demo, st.standardIcon(QStyle.StandardPixmap.SP_ComputerIcon), "")
        for w in (self.hub, self.local, self.demo):
            w.modelChosen.connect(self.modelChosen)
        self.retranslate()
        QTimer.singleShot(0, self.demo.load)  # after the window is shown


    def retranslate(self) -> None:
        self.setTabText(0, self.tr("Hub"))
        self.setTabText(1, self.tr("Local"))
        self.setTabText(2, self.tr("Demo"))

    def pipeline_tag_for(self, ref: str) -> str | None:
        """The Hub's pipeline tag for a model chosen here, when the Hub pane knows it (search results, details)."""
        lookup = getattr(self.hub, "pipeline_tag_for", None)
        return lookup(ref) if lookup is not None else None

    def show_tab(self, name: str) -> None:
        self.setCurrentIndex({"hub": 0, "local": 1, "demo": 2}[name])
