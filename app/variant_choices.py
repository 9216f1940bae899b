"""The options panel's Variants section (one checkbox per variant, each with what it is for) and its Runtime section
(the file layout a runtime loads, the graph optimization level). Widgets only: the options panel reads the values,
shows the core's rules over them (``variants``, ``layout``, ``optimize``) and writes them into the session."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QGridLayout, QGroupBox, QLabel, QWidget

from .variant_words import (
    LAYOUT_NAMES, OPTIMIZE_CHOICES, VARIANT_NAMES, layout_name, layout_why, optimize_name, optimize_why, variant_what,
)

MUTED = "color: #5f6368;"


def _note() -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setStyleSheet(MUTED)
    return label


class VariantChoices(QObject):
    """The widgets of both sections; ``changed`` when the user changes any of them."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.variants_box = QGroupBox()
        #: holds the checkboxes: the options panel enables or disables it by the ``variants`` rule
        self.checks_holder = QWidget()
        self.checks: dict[str, QCheckBox] = {}
        self.notes: dict[str, QLabel] = {}
        grid = QGridLayout(self.checks_holder)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(3)
        for row, name in enumerate(VARIANT_NAMES):
            check = QCheckBox(name)
            note = _note()
            note.setBuddy(check)
            grid.addWidget(check, row, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(note, row, 1)
            check.toggled.connect(self._changed)
            self.checks[name], self.notes[name] = check, note
        grid.setColumnStretch(1, 1)
        self.variants_intro = _note()
        box = QGridLayout(self.variants_box)
        box.addWidget(self.variants_intro, 0, 0)
        box.addWidget(self.checks_holder, 1, 0)

        self.runtime_box = QGroupBox()
        self.layout_choice = QComboBox()
        for layout in LAYOUT_NAMES:
            self.layout_choice.addItem(layout, layout)
        self.layout_note = _note()
        self.optimize_choice = QComboBox()
        for level in OPTIMIZE_CHOICES:
            self.optimize_choice.addItem(str(level), level)
        self.optimize_note = _note()
        for combo in (self.layout_choice, self.optimize_choice):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(8)
            combo.currentIndexChanged.connect(self._changed)
        form = QFormLayout(self.runtime_box)
        self.layout_label, self.optimize_label = QLabel(), QLabel()
        form.addRow(self.layout_label, self.layout_choice)
        form.addRow("", self.layout_note)
        form.addRow(self.optimize_label, self.optimize_choice)
        form.addRow("", self.optimize_note)
        self.retranslate()
        self.set_reason("")

    # -- values ---------------------------------------------------------------------------------------------------
    def variants(self) -> tuple[str, ...]:
        """The variants ticked, in the core's order (whether they apply is the panel's rule to say)."""
        return tuple(name for name in VARIANT_NAMES if self.checks[name].isChecked())

    def layout(self) -> str:
        return str(self.layout_choice.currentData() or LAYOUT_NAMES[0])

    def optimize(self) -> str | None:
        return self.optimize_choice.currentData()

    def set_values(self, variants=None, layout: str | None = None, optimize: str | None | bool = False) -> None:
        """Show these values (``None`` for variants or layout: leave as is; ``optimize=False``: leave as is) without
        announcing a change."""
        widgets = [*self.checks.values(), self.layout_choice, self.optimize_choice]
        old = [w.blockSignals(True) for w in widgets]
        try:
            if variants is not None:
                wanted = {str(v) for v in variants}
                for name, check in self.checks.items():
                    check.setChecked(name in wanted)
            if layout in LAYOUT_NAMES:
                self.layout_choice.setCurrentIndex(LAYOUT_NAMES.index(layout))
            if optimize is not False and optimize in OPTIMIZE_CHOICES:
                self.optimize_choice.setCurrentIndex(OPTIMIZE_CHOICES.index(optimize))
        finally:
            for w, was in zip(widgets, old):
                w.blockSignals(was)
        self._explain()

    # -- rules ----------------------------------------------------------------------------------------------------
    def offer_variants(self, names: tuple[str, ...]) -> None:
        """Enable the checkboxes of the variants the rule offers (all when it names none)."""
        for name, check in self.checks.items():
            check.setEnabled(not names or name in names)

    def set_reason(self, why: str) -> None:
        """Why the variants cannot be chosen now ("" when they can): every checkbox says it."""
        for name, check in self.checks.items():
            check.setToolTip(why or variant_what(name))

    # -- texts ----------------------------------------------------------------------------------------------------
    def _changed(self, *_: object) -> None:
        self._explain()
        self.changed.emit()

    def _explain(self) -> None:
        self.layout_note.setText(layout_why(self.layout()))
        self.optimize_note.setText(optimize_why(self.optimize()))

    def retranslate(self) -> None:
        self.variants_box.setTitle(self.tr("Variants"))
        self.variants_intro.setText(self.tr("Smaller files beside the fp32 ones, each checked against PyTorch:"))
        for name in VARIANT_NAMES:
            self.notes[name].setText(variant_what(name))
        self.runtime_box.setTitle(self.tr("Runtime"))
        self.layout_label.setText(self.tr("Layout"))
        self.optimize_label.setText(self.tr("Optimize"))
        for i, layout in enumerate(LAYOUT_NAMES):
            self.layout_choice.setItemText(i, layout_name(layout))
            self.layout_choice.setItemData(i, layout_why(layout), Qt.ItemDataRole.ToolTipRole)
        for i, level in enumerate(OPTIMIZE_CHOICES):
            self.optimize_choice.setItemText(i, optimize_name(level))
            self.optimize_choice.setItemData(i, optimize_why(level), Qt.ItemDataRole.ToolTipRole)
        self._explain()
