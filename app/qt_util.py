"""Small Qt helpers shared by several views: one place for how a read-only table and a child process are set up."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QEvent, QModelIndex, QObject, QPersistentModelIndex, QProcess, \
    QProcessEnvironment, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from .paths import child_environment

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


def child_process(parent: QObject) -> QProcess:
    """A QProcess with the child environment (unbuffered output, our sources importable from a checkout)."""
    proc = QProcess(parent)
    env = QProcessEnvironment()
    for key, value in child_environment().items():
        env.insert(key, value)
    proc.setProcessEnvironment(env)
    return proc
