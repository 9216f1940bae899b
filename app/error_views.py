"""How an error is shown: an inline banner (title, sentence, next step) and a dialog that unfolds the details."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFrame, QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QStyle, QToolButton,
    QVBoxLayout, QWidget,
)

from .errors import FriendlyError, from_error_dict
from .qt_util import escaped


class ErrorDialog(QDialog):
    """Title, sentence, next step; "Show details" unfolds the technical text (no traceback frames)."""

    def __init__(self, error: FriendlyError, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.error = error
        self.setWindowTitle(error.title)
        self.setMinimumWidth(480)
        icon = QLabel()
        icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning).pixmap(40, 40))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.title_label = QLabel(f"<b>{escaped(error.title)}</b>")
        self.sentence_label = QLabel(escaped(error.sentence))
        self.sentence_label.setWordWrap(True)
        self.next_label = QLabel(escaped(error.next_step))
        self.next_label.setWordWrap(True)
        self.next_label.setObjectName("nextStep")
        self.details_button = QToolButton()
        self.details_button.setCheckable(True)
        self.details_button.setArrowType(Qt.ArrowType.RightArrow)
        self.details_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.details_button.setText(self.tr("Show details"))
        self.details_button.toggled.connect(self._toggle)
        self.details_view = QPlainTextEdit(error.details)
        self.details_view.setReadOnly(True)
        self.details_view.setVisible(False)
        self.details_view.setMinimumHeight(140)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = QPushButton(self.tr("Copy details"))
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(
            f"{error.title}\n{error.sentence}\n{error.next_step}\n\n{error.details}"))
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        buttons.accepted.connect(self.accept)
        text = QVBoxLayout()
        text.setSpacing(8)
        text.addWidget(self.title_label)
        text.addWidget(self.sentence_label)
        text.addWidget(self.next_label)
        top = QHBoxLayout()
        top.setSpacing(14)
        top.addWidget(icon)
        top.addLayout(text, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.details_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.details_view, 1)
        layout.addWidget(buttons)

    def _toggle(self, on: bool) -> None:
        self.details_view.setVisible(on)
        self.details_button.setArrowType(Qt.ArrowType.DownArrow if on else Qt.ArrowType.RightArrow)
        self.details_button.setText(self.tr("Hide details") if on else self.tr("Show details"))
        self.adjustSize()


class ErrorBanner(QFrame):
    """An inline error: title + sentence + next step, a "Details…" button opening :class:`ErrorDialog`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("errorBanner")
        self.setStyleSheet(
            "#errorBanner { background: #fdecea; border: 1px solid #f5c2c0; border-radius: 6px; }"
            "#errorBanner QLabel { color: #5f2120; background: transparent; }")
        self.error: FriendlyError | None = None
        icon = QLabel()
        icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical).pixmap(28, 28))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details_button = QPushButton()
        self.details_button.clicked.connect(self.show_dialog)
        row = QHBoxLayout(self)
        row.setContentsMargins(12, 10, 12, 10)
        row.setSpacing(12)
        row.addWidget(icon)
        row.addWidget(self.label, 1)
        row.addWidget(self.details_button, 0, Qt.AlignmentFlag.AlignTop)
        self.retranslate()
        self.hide()

    def retranslate(self) -> None:
        self.details_button.setText(self.tr("Details…"))
        if self.error is not None:
            self.show_error(from_error_dict(self.error.raw))

    def show_error(self, error: FriendlyError) -> None:
        self.error = error
        title, sentence, step = (escaped(t) for t in (error.title, error.sentence, error.next_step))
        self.label.setText(f"<b>{title}</b><br>{sentence}<br><i>{step}</i>")
        self.show()

    def clear(self) -> None:
        self.error = None
        self.hide()

    def show_dialog(self) -> ErrorDialog | None:
        if self.error is None:
            return None
        dialog = ErrorDialog(self.error, self.window())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog
