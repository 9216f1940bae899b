"""Small Qt helpers shared by several views: re-wording on a language change, a table over a list, a read-only
table view, headings and stacked sections, a status line whose text follows the language, text inside rich text."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QLayout, QTableView, QVBoxLayout, QWidget

_Index = QModelIndex | QPersistentModelIndex


class Retranslating:
    """Mixin for a widget with a ``retranslate()`` that words everything it shows: called on every language change.
    List it before the Qt base class (``class Pane(Retranslating, QWidget)``)."""

    def retranslate(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)  # type: ignore[misc]


class ListTableModel(QAbstractTableModel):
    """A table over a Python list: one row per item, a translated header, no children.

    Subclasses give ``headers()`` (translated each call) and ``row_items()`` (the list behind the rows), and
    ``data()``.
    """

    def headers(self) -> Sequence[str]:  # pragma: no cover - overridden
        return ()

    def row_items(self) -> Sequence[Any]:  # pragma: no cover - overridden
        return ()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.row_items())

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.headers())

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            names = self.headers()
            if 0 <= section < len(names):
                return names[section]
        return None

    def retranslate_header(self) -> None:
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, self.columnCount() - 1)


def read_only_table(model, single_selection: bool = False) -> QTableView:
    """A compact, read-only, row-selecting table view over ``model``."""
    view = QTableView()
    view.setModel(model)
    view.verticalHeader().setVisible(False)
    view.verticalHeader().setDefaultSectionSize(24)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    if single_selection:
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setShowGrid(False)
    view.setAlternatingRowColors(True)
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    return view


def heading() -> QLabel:
    """A label styled as a section heading (the window's style sheet: ``QLabel[heading="true"]``)."""
    label = QLabel()
    label.setProperty("heading", True)
    return label


def column(owner: QWidget, *items: QWidget | QLayout | tuple[QWidget | QLayout, int],
           margins: tuple[int, int, int, int] = (0, 0, 0, 0), spacing: int | None = None) -> QVBoxLayout:
    """Lay ``items`` out top to bottom in ``owner``: widgets, layouts, or ``(item, stretch)``."""
    layout = QVBoxLayout(owner)
    layout.setContentsMargins(*margins)
    if spacing is not None:
        layout.setSpacing(spacing)
    for item in items:
        thing, stretch = item if isinstance(item, tuple) else (item, 0)
        if isinstance(thing, QLayout):
            layout.addLayout(thing, stretch)
        else:
            layout.addWidget(thing, stretch)
    return layout


def stacked(*widgets: QWidget) -> QWidget:
    """The widgets one above the other without margins: a heading above its table, as one part of a splitter."""
    holder = QWidget()
    column(holder, *widgets)
    return holder


def escaped(text: str) -> str:
    """``text`` inside rich text (a QLabel's HTML): &, < and > escaped, quotes as they are."""
    return html.escape(text, quote=False)


ERROR_STYLE = "color: #b3261e;"


class StatusText:
    """A label that says how some work went, in the current language: it keeps the function that words the text
    (and whether it is an error, shown red) so that :meth:`render` re-words it after a language change."""

    def __init__(self, label: QLabel, text: Callable[[], str] | None = None) -> None:
        self.label = label
        self._text = text
        self._error = False
        self.render()

    def set(self, text: Callable[[], str] | None, *, error: bool = False) -> None:
        self._text, self._error = text, error
        self.render()

    def clear(self) -> None:
        self.set(None)

    def render(self) -> None:
        self.label.setStyleSheet(ERROR_STYLE if self._error else "")
        self.label.setText(self._text() if self._text is not None else "")
