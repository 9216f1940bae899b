"""Small Qt helpers shared by several views: one place for how a read-only table and a child process are set up."""

from __future__ import annotations

from PySide6.QtCore import QObject, QProcess, QProcessEnvironment, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from .paths import child_environment


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
