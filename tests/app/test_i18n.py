"""Switching the language re-words every widget of the window, in both directions (issue 11: the Hub pane stayed in
English under zh-TW, and Chinese stayed behind after switching back).

The window is walked widget by widget (labels, buttons, placeholders, combo items, tabs, group titles, table headers
and cells, menus, tooltips) in a busy state: Hub results and details, a Hub error, a plan in the inspector, a run
that failed validation. Under zh-TW no English sentence may be left; back in English no Chinese character may be.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QTextDocumentFragment
from PySide6.QtWidgets import (
    QAbstractButton, QAbstractItemView, QComboBox, QGroupBox, QLabel, QLineEdit, QMainWindow, QTabBar, QWidget,
)

from conftest import fake_inspect_cmd, fake_worker_cmd

from app.i18n import LANGUAGE_NAMES

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "i18n" / "app_zh_TW.ts"
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
#: English function words: two of them in one text is an English sentence (ids, paths and tensor names have none)
STOP_WORDS = {"the", "a", "an", "to", "of", "and", "or", "is", "are", "in", "on", "for", "with", "from", "not", "no",
              "this", "it", "as", "at", "by", "your", "you", "than", "be", "was", "were", "has", "have", "can", "will",
              "all", "first", "more", "yet", "what", "its"}
WAIT = 10000


def _plain(text: str) -> str:
    if "<" in text and ">" in text:
        text = QTextDocumentFragment.fromHtml(text).toPlainText()
    return text.strip()


def window_texts(window: QWidget) -> dict[str, str]:
    """Every text a person can see (or hover) in the window -> where it was found."""
    found: dict[str, str] = {}

    def add(text: str | None, where: str) -> None:
        text = _plain(text or "")
        if text and text not in LANGUAGE_NAMES.values():  # each language's name is in that language
            found.setdefault(text, where)

    add(window.windowTitle(), "window title")
    for action in window.menuBar().actions() if isinstance(window, QMainWindow) else []:
        add(action.text(), "menu")
        if action.menu() is not None:
            for sub in action.menu().actions():
                add(sub.text(), "menu item")
    for widget in [window, *window.findChildren(QWidget)]:
        where = f"{type(widget).__name__} {widget.objectName()}".strip()
        add(widget.toolTip(), f"tooltip of {where}")
        if isinstance(widget, QLabel):
            add(widget.text(), where)
        elif isinstance(widget, QAbstractButton):
            add(widget.text(), where)
        elif isinstance(widget, QLineEdit):
            add(widget.placeholderText(), f"placeholder of {where}")
        elif isinstance(widget, QComboBox):
            for i in range(widget.count()):
                add(widget.itemText(i), f"item of {where}")
        elif isinstance(widget, QTabBar):
            for i in range(widget.count()):
                add(widget.tabText(i), f"tab of {where}")
                add(widget.tabToolTip(i), f"tab tooltip of {where}")
        elif isinstance(widget, QGroupBox):
            add(widget.title(), where)
        elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            root = QModelIndex()
            try:
                columns = model.columnCount(root)
            except TypeError:  # a list model (columnCount is private there)
                columns = 1
            for col in range(columns):
                add(str(model.headerData(col, Qt.Orientation.Horizontal) or ""), f"header of {where}")
            for row in range(min(model.rowCount(root), 30)):
                for col in range(max(1, columns)):
                    add(str(model.index(row, col).data() or ""), f"cell of {where}")
    return found


def english_sentences(texts: dict[str, str]) -> dict[str, str]:
    out = {}
    for text, where in texts.items():
        words = set(re.findall(r"[a-z]+", text.lower()))
        if len(words & STOP_WORDS) >= 2 and not CJK.search(text):
            out[text] = where
    return out


def translated_sources() -> set[str]:
    """Source strings of the .ts whose zh-TW translation differs from them."""
    sources = set()
    for message in ET.parse(TS).getroot().iter("message"):
        source, translation = message.findtext("source") or "", message.find("translation")
        if translation is not None and translation.get("type") not in ("unfinished", "obsolete", "vanished") \
                and (translation.text or "") and translation.text != source:
            sources.add(source)
    return sources




@pytest.fixture
def busy_window(qtbot, settings, tmp_path, fake_hub, hf_cache):
    """The main window with something in every pane, against the fake Hub and fake helpers."""
    from app.main_window import MainWindow

    # a short folder name: the walk must not mistake pytest's "test_…_the_0" folders for English sentences
    folder = tempfile.mkdtemp(prefix="oes")
    settings.output_folder = folder
    w = MainWindow(settings, inspect_command=fake_inspect_cmd(),
                   worker_command=fake_worker_cmd("--rows", "3", "--fail-validation"),
                   hub_options={"auto_search": False, "cache_dir": str(hf_cache), "timeout": 3.0},
                   cache_options={"cache_dir": str(hf_cache)}, warm_engine=False)
    w.ask_before_quit = False
    qtbot.addWidget(w)
    w.show()
    qtbot.waitUntil(lambda: w.client.is_ready, timeout=WAIT)
    hub = w.sources.hub
    with qtbot.waitSignal(hub.resultsChanged, timeout=WAIT):
        hub.search()
    with qtbot.waitSignal(hub.detailsChanged, timeout=WAIT):
        hub.show_model("meta-llama/Llama-fake-gated")
    with qtbot.waitSignal(hub.errorShown, timeout=WAIT):
        hub.download_current()  # gated: an error in the download area
    w.sources.local.cache_browser.refresh()
    w.options.float_dtype.setCurrentText("fp16")
    w.select_model("demo:tiny-t5")
    qtbot.waitUntil(lambda: w.inspector.state == "plan" and w.export_button.isEnabled(), timeout=WAIT)
    job = w.start_export()
    with qtbot.waitSignal(job.finished, timeout=WAIT):
        pass
    assert job.state == "validation_failed"
    yield w
    w.close()
    shutil.rmtree(folder, ignore_errors=True)


def _switch(qtbot, w, code: str, inspector_tab: str) -> None:
    w.set_language(code)
    qtbot.waitUntil(lambda: w.centre.tabText(0) == inspector_tab, timeout=3000)  # LanguageChange is posted
    qtbot.wait(50)


def test_every_widget_follows_the_language_both_ways(qtbot, busy_window):
    w = busy_window
    english = window_texts(w)
    hub_english = window_texts(w.sources.hub)
    assert not [t for t in english if CJK.search(t)]
    assert "Search models…" in english and "Most downloads" in english  # the Hub pane is in the walk

    _switch(qtbot, w, "zh_TW", "檢視器")
    try:
        chinese = window_texts(w)
        sources = translated_sources()
        left_in_english = {t: where for t, where in chinese.items() if t in sources}
        left_in_english.update(english_sentences(chinese))
        assert not left_in_english, "\n".join(f"{where}: {t!r}" for t, where in sorted(left_in_english.items()))
        assert "搜尋模型…" in chinese  # the Hub pane's search box
    finally:
        _switch(qtbot, w, "en", "Inspector")
    back = window_texts(w)
    chinese_left = {t: where for t, where in back.items() if CJK.search(t)}
    assert not chinese_left, "\n".join(f"{where}: {t!r}" for t, where in sorted(chinese_left.items()))
    assert window_texts(w.sources.hub) == hub_english  # the Hub pane says exactly what it said before


def test_hub_pane_words_every_core_error_by_its_code(qtbot, monkeypatch):
    """The Hub pane's own requests use the app's words for the code they get (a 503 is not "unreachable", a token
    without access is not "log in"), in the UI language."""
    from exportcore import hub
    from exportcore.errors import ExportError

    from app.hub_browser import HubBrowser

    browser = HubBrowser(auto_search=False, offline=False, timeout=1.0)
    qtbot.addWidget(browser)

    def fail(code: str, **params):
        def raise_it(*_args, **_kwargs):
            raise ExportError(code, **params)
        return raise_it

    monkeypatch.setattr(hub, "search_models", fail("hub_unavailable", model="?", reason="HTTP 503"))
    with qtbot.waitSignal(browser.errorShown, timeout=WAIT) as blocker:
        browser.search()
    assert blocker.args == ["hub_unavailable"]
    text = browser.search_pane.statusLabel.text()
    assert "cannot serve the request right now (HTTP 503)" in text and "reach" not in text

    monkeypatch.setattr(hub, "model_info", fail("hub_access_denied", model="org/gated"))
    with qtbot.waitSignal(browser.errorShown, timeout=WAIT) as blocker:
        browser.show_model("org/gated")
    assert blocker.args == ["hub_access_denied"]
    text = browser.details_pane.detailsError.text()
    assert "token was accepted, but it has no access to 'org/gated'" in text and "HF_TOKEN" not in text
