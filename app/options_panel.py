"""The options panel: the editor of the session's export options, with impossible combinations disabled.

Every control maps to an :class:`exportcore.options.ExportOptions` field; every change is written into the
:class:`app.session.Session` (its ``options``) before ``optionsChanged`` (a change that alters the plan: the main
window re-inspects) or ``settingsChanged`` (output folder, validation, overwrite) reaches anyone else.

Which options make sense for the model, and why not, is the core's to say: :func:`exportcore.option_rules.rules`
over the newest plan document (through the session's :class:`app.plan_facts.PlanFacts`; docs/architecture.md, "One
home per rule"). The panel shows each rule: a disabled control's tooltip is the rule's reason in the UI language
(``disabled_reason(name)`` returns that text; tests use it), values a rule excludes are disabled items, and the
values it leaves (opsets, shape keywords) are what the controls offer.
"""

from __future__ import annotations

import dataclasses
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDoubleValidator, QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QFileDialog, QFormLayout, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit,
    QSpinBox, QStyle, QToolButton, QVBoxLayout, QWidget,
)

from exportcore.errors import ExportError
from exportcore.option_facts import document_task
from exportcore.option_rules import FILE_LAYOUT, FILE_LAYOUTS, REASONS, SHAPE_RULE_PREFIX, Rule
from exportcore.options import (
    DEFAULT_SHAPES, FLOAT_DTYPES, INT_DTYPES, LIBRARIES, ExportOptions, format_shape_sets, opset_range,
    parse_shape_sets,
)

from .option_words import excluded_text, library_name, rule_text
from .plan_facts import PlanFacts
from .qt_util import Retranslating
from .session import Session, inspect_fields
from .variant_choices import VariantChoices

#: the controls a rule can disable, by rule name (the panel's attribute where it differs)
RULED_CONTROLS = {"use_past": "use_past", "use_past_in_inputs": "past_in_inputs", FILE_LAYOUT: "file_layout",
                  "int_dtype": "int_dtype", "dynamo": "dynamo", "validate": "validate",
                  "validation_shapes": "validation_shapes", "atol": "atol", "variants": "variant_checks",
                  "layout": "layout_choice", "optimize": "optimize_choice", "library": "library"}
#: a rule's code that turned past key/values off because one file (monolith) holds none
ONE_FILE_PAST = "past_not_in_one_file"


class OptionsPanel(Retranslating, QWidget):
    optionsChanged = Signal()
    #: something that does not alter the plan (output folder, validation, overwrite)
    settingsChanged = Signal()

    def __init__(self, session: Session | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        #: the session whose options this panel edits (a panel on its own edits a session of its own)
        self.session = session if session is not None else Session(parent=self)
        # the session hears of every change first, before anyone else the signals reach
        self.optionsChanged.connect(self._publish)
        self.settingsChanged.connect(self._publish)
        self.session.modelChanged.connect(self._model_chosen)
        self.session.planChanged.connect(self.show_facts)
        self._shown_model = ""  # the model the model-dependent choices were last reset for
        self._shown_tasks: tuple[str, ...] = ()  # the tasks the task combo offers
        self._reasons: dict[str, str] = {}
        #: the rules shown (exportcore.option_rules.rules over the newest plan and the panel's values)
        self._rules: dict[str, Rule] = {}
        #: the code of the rule that turned past key/values off ("" when the panel did not: it is the user's)
        self._past_auto_off = ""
        self._validate_auto_off = False
        #: the user chose "past key/values as inputs" for this model: the rule's default no longer moves it
        self._past_inputs_chosen = False

        # -- model group
        self.task = QComboBox()
        self.use_past = QCheckBox()
        self.use_past.setChecked(True)
        self.past_in_inputs = QCheckBox()
        self.past_in_inputs.setChecked(True)
        self.file_layout = QComboBox()
        self.file_layout.setModel(QStandardItemModel(len(FILE_LAYOUTS), 1, self.file_layout))
        self.file_layout.setCurrentIndex(1)
        # -- which library's model (sentence-transformers: pooling in the graph)
        self.library = QComboBox()
        for value in LIBRARIES:
            self.library.addItem(value, value)
        # -- padding token (decoder text classifiers whose config has none)
        self.pad_token = QSpinBox()
        self.pad_token.setRange(-1, 10_000_000)
        self.pad_token.setValue(-1)  # -1: the special value, "from the tokenizer"
        # -- precision
        self.float_dtype = QComboBox()
        self.float_dtype.addItems(FLOAT_DTYPES)
        self.int_dtype = QComboBox()
        self.int_dtype.addItems(INT_DTYPES)
        # -- variants, the runtime's layout, graph optimization (issue 12)
        self.deploy = VariantChoices(self)
        self.variant_checks = self.deploy.checks_holder
        self.layout_choice = self.deploy.layout_choice
        self.optimize_choice = self.deploy.optimize_choice
        # -- exporter
        self.opset = QSpinBox()
        opsets = opset_range(False)
        self.opset.setRange(opsets[0] - 1, opsets[-1])  # the minimum is "Default"
        self.dynamo = QCheckBox()
        # -- shapes
        self.shape_spins: dict[str, QSpinBox] = {}
        self.shape_labels: dict[str, QLabel] = {}
        for key, default in DEFAULT_SHAPES.items():
            spin = QSpinBox()
            spin.setRange(1, 1_000_000)
            spin.setValue(default)
            self.shape_spins[key] = spin
            self.shape_labels[key] = QLabel(key)
        # -- validation
        self.validate = QCheckBox()
        self.validate.setChecked(True)
        self.validation_shapes = QLineEdit()
        self.atol = QLineEdit()
        validator = QDoubleValidator(0.0, 1e3, 12, self.atol)
        validator.setNotation(QDoubleValidator.Notation.ScientificNotation)
        self.atol.setValidator(validator)
        # -- output
        self.output_dir = QLineEdit()
        self.browse = QToolButton()
        self.browse.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_DirOpenIcon))
        self.browse.clicked.connect(self._browse)
        self.overwrite = QCheckBox()

        self.model_box = QGroupBox()
        f = QFormLayout(self.model_box)
        self.task_label, self.file_layout_label = QLabel(), QLabel()
        f.addRow(self.task_label, self.task)
        self.library_label = QLabel()
        f.addRow(self.library_label, self.library)
        f.addRow("", self.use_past)
        f.addRow("", self.past_in_inputs)
        f.addRow(self.file_layout_label, self.file_layout)
        self.pad_label = QLabel()
        f.addRow(self.pad_label, self.pad_token)
        self.model_form = f
        self.precision_box = QGroupBox()
        f = QFormLayout(self.precision_box)
        self.float_label, self.int_label = QLabel(), QLabel()
        f.addRow(self.float_label, self.float_dtype)
        f.addRow(self.int_label, self.int_dtype)
        self.exporter_box = QGroupBox()
        f = QFormLayout(self.exporter_box)
        self.opset_label = QLabel()
        f.addRow(self.opset_label, self.opset)
        f.addRow("", self.dynamo)
        self.shapes_box = QGroupBox()
        g = QGridLayout(self.shapes_box)
        g.setHorizontalSpacing(10)
        for i, key in enumerate(DEFAULT_SHAPES):
            g.addWidget(self.shape_labels[key], i, 0)
            g.addWidget(self.shape_spins[key], i, 1)
        self.validation_box = QGroupBox()
        f = QFormLayout(self.validation_box)
        self.vshapes_label, self.atol_label = QLabel(), QLabel()
        f.addRow("", self.validate)
        f.addRow(self.vshapes_label, self.validation_shapes)
        f.addRow(self.atol_label, self.atol)
        self.output_box = QGroupBox()
        f = QFormLayout(self.output_box)
        out_row = QHBoxLayout()
        out_row.setContentsMargins(0, 0, 0, 0)
        out_row.addWidget(self.output_dir, 1)
        out_row.addWidget(self.browse)
        self.output_label = QLabel()
        f.addRow(self.output_label, out_row)
        f.addRow("", self.overwrite)

        for combo in (self.task, self.library, self.file_layout, self.float_dtype, self.int_dtype):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(8)
        for edit in (self.validation_shapes, self.atol, self.output_dir):
            edit.setMinimumWidth(60)
        for check in (self.use_past, self.past_in_inputs, self.validate, self.overwrite, self.dynamo):
            check.setMinimumWidth(60)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 6, 0)
        layout.setSpacing(10)
        for box in (self.model_box, self.precision_box, self.deploy.variants_box, self.deploy.runtime_box,
                    self.exporter_box, self.shapes_box, self.validation_box, self.output_box):
            layout.addWidget(box)
        layout.addStretch(1)

        for w in (self.task, self.library, self.file_layout, self.float_dtype, self.int_dtype):
            w.currentIndexChanged.connect(self._changed)
        self.use_past.toggled.connect(self._past_toggled)
        self.past_in_inputs.toggled.connect(self._past_inputs_toggled)
        self.dynamo.toggled.connect(self._changed)
        self.opset.valueChanged.connect(self._changed)
        for spin in self.shape_spins.values():
            spin.valueChanged.connect(self._changed)
        self.atol.textChanged.connect(self._atol_changed)
        self.validation_shapes.textChanged.connect(self._vshapes_changed)
        self.validate.toggled.connect(self._settings_changed)
        self.overwrite.toggled.connect(self.settingsChanged)
        self.pad_token.valueChanged.connect(self.settingsChanged)
        self.output_dir.textEdited.connect(self.settingsChanged)
        self.deploy.changed.connect(self.settingsChanged)  # what is made from the plan, not the plan itself
        self.retranslate()
        self._fill_tasks()
        self._update_enabled()

    @property
    def facts(self) -> PlanFacts:
        return self.session.facts

    # -- model / plan ---------------------------------------------------------------------------------------------
    def set_model(self, model_id: str) -> None:
        """Choose a model in the panel's session (the window chooses in its session, and the panel follows)."""
        self.session.choose_model(model_id)

    def _model_chosen(self, model_id: str) -> None:
        """A new model was chosen: forget the previous model's task choices (never emits optionsChanged)."""
        if model_id == self._shown_model:
            return
        with _Blocker(self):
            self._shown_model = model_id
            self.pad_token.setValue(-1)
            self.use_past.setChecked(True)
            self.past_in_inputs.setChecked(True)
            self._past_auto_off, self._past_inputs_chosen = "", False
            self.file_layout.setCurrentIndex(1)
            self.library.setCurrentIndex(0)  # automatic: what the next model is, it says
            self._fill_tasks()
            self._update_enabled()
        self._publish()

    def update_from_plan(self, plan: dict) -> None:
        """Learn from a resolved plan what this model supports (never emits optionsChanged)."""
        self.session.learn_from_plan(plan)
        self.show_facts()

    def show_facts(self) -> None:
        """Offer what the session's plan facts allow (never emits optionsChanged)."""
        with _Blocker(self):
            if self.facts.base_tasks != self._shown_tasks:
                self._fill_tasks()
            self._update_enabled()
            self.retranslate()
        self._publish()

    # -- reading the options --------------------------------------------------------------------------------------
    def current_task(self) -> str:
        return str(self.task.currentData() or "auto")

    def current_library(self) -> str:
        return str(self.library.currentData() or "auto")

    def file_layout_value(self) -> str:
        return FILE_LAYOUTS[max(0, self.file_layout.currentIndex())]

    def option_fields(self) -> dict[str, Any]:
        """Everything the panel says, as ExportOptions fields (all but the model and the output folder)."""
        fields: dict[str, Any] = {
            "task": self.current_task(),
            "library": self.current_library(),
            "float_dtype": self.float_dtype.currentText(),
            "int_dtype": self.int_dtype.currentText(),
            "opset": None if self.opset.value() == self.opset.minimum() else self.opset.value(),
            "dynamo": self.dynamo.isChecked() and self.dynamo.isEnabled(),
            "shapes": self.shape_overrides(),
            "atol": self.atol_value(),
            "validate": self.validate.isChecked(),
            "validation_shapes": self.validation_shape_sets() if self.validate.isChecked() else None,
            "overwrite": self.overwrite.isChecked(),
            "pad_token_id": (self.pad_token.value() if self._allows("pad_token_id") and self.pad_token.value() >= 0
                             else None),
            # a ticked variant or level the rules rule out (an fp16 export) stays ticked, but is not asked for
            "variants": self.deploy.variants() if self._allows("variants") else (),
            "layout": self.deploy.layout(),
            "optimize": self.deploy.optimize() if self._allows("optimize") else None,
        }
        if self.use_past.isEnabled() and self.facts.tasks_known:  # only once the model's tasks are known
            fields["use_past"] = self.use_past.isChecked()
            if self.past_in_inputs.isEnabled():
                fields["use_past_in_inputs"] = self.past_in_inputs.isChecked()
        if self._allows(FILE_LAYOUT):
            layout = self.file_layout_value()
            fields["monolith"] = layout == "monolith"
            fields["post_process"] = layout != "separate"
        return fields

    def inspect_options(self) -> dict[str, Any]:
        """The ExportOptions fields that shape the plan."""
        return inspect_fields(self.option_fields(), self.facts.is_seq2seq)

    def export_options(self, model: str, output_dir: str, **extra: Any) -> ExportOptions:
        """Everything the panel says, as the one :class:`ExportOptions` the worker job, the run folder's record and
        "Copy CLI command" are made from (``extra``: fields the panel does not show, e.g. ``force``). Raises
        ``ExportError`` (``invalid_option``) for a combination the core would refuse."""
        return ExportOptions(model=model, output_dir=output_dir, **{**self.option_fields(), **extra})

    def _publish(self) -> None:
        """Write what the panel says into the session."""
        options, error = None, None
        if self.session.ref:
            try:
                options = self.export_options(self.session.ref, "")
            except ExportError as exc:
                error = exc
        self.session.set_options(options, error=error, output_folder=self.output_folder(),
                                 problems=self.problem_codes())

    def shape_overrides(self) -> dict[str, int]:
        return {k: s.value() for k, s in self.shape_spins.items() if s.value() != DEFAULT_SHAPES[k]}

    def atol_value(self) -> float | None:
        text = self.atol.text().strip().replace(",", ".")
        try:
            value = float(text)
        except ValueError:
            return None
        return value if value > 0 else None

    def validation_shape_sets(self) -> list[dict[str, int]] | None:
        text = self.validation_shapes.text().strip()
        if not text:
            return None
        try:
            return parse_shape_sets(text)
        except Exception:
            return None

    def problem_codes(self) -> tuple[str, ...]:
        """Which inputs cannot be read (the Export button stays disabled while there are any)."""
        codes = [name for name, edit in (("validation_shapes", self.validation_shapes), ("atol", self.atol))
                 if edit.property("invalid")]
        if not self.output_dir.text().strip():
            codes.append("output_folder")
        return tuple(codes)

    def problems(self) -> list[str]:
        """:meth:`problem_codes` in words."""
        words = {"validation_shapes": self.tr("The validation shapes cannot be read."),
                 "atol": self.tr("The tolerance (atol) is not a positive number."),
                 "output_folder": self.tr("Choose an output folder.")}
        return [words[code] for code in self.problem_codes()]

    def output_folder(self) -> str:
        return self.output_dir.text().strip()

    def set_output_folder(self, path: str, *, user: bool = False) -> None:
        """Show ``path`` as the output folder; ``user``: the user chose it (announced as a settings change)."""
        self.output_dir.setText(path)
        if user:
            self.settingsChanged.emit()
        else:
            self._publish()

    def disabled_reason(self, name: str) -> str:
        """Why control ``name`` (or combo item ``file_layout:<value>``) is disabled; "" when enabled."""
        return self._reasons.get(name, "")

    # -- persisted options ----------------------------------------------------------------------------------------
    def persisted(self) -> dict[str, Any]:
        return {
            "float_dtype": self.float_dtype.currentText(),
            "int_dtype": self.int_dtype.currentText(),
            "opset": None if self.opset.value() == self.opset.minimum() else self.opset.value(),
            "atol": self.atol_value(),
            "shapes": self.shape_overrides(),
            "validation_shapes": self.validation_shape_sets(),
            "dynamo": self.dynamo.isChecked(),
            "validate": self.validate.isChecked() or self._validate_auto_off,  # the user's choice, not bf16's
            "overwrite": self.overwrite.isChecked(),
            "variants": list(self.deploy.variants()),  # the user's choice, also while an fp16 export rules it out
            "layout": self.deploy.layout(),
            "optimize": self.deploy.optimize(),
        }

    def load(self, data: dict[str, Any]) -> None:
        """Apply a dict of ExportOptions fields (persisted options, or a run to re-run). Emits optionsChanged once."""
        with _Blocker(self):
            if data.get("float_dtype") in FLOAT_DTYPES:
                self.float_dtype.setCurrentText(data["float_dtype"])
            if data.get("int_dtype") in INT_DTYPES:
                self.int_dtype.setCurrentText(data["int_dtype"])
            self.dynamo.setChecked(bool(data.get("dynamo")))
            self._update_enabled()
            opset = data.get("opset")
            self.opset.setValue(int(opset) if isinstance(opset, int) else self.opset.minimum())
            atol = data.get("atol")
            self.atol.setText(f"{atol:g}" if isinstance(atol, (int, float)) and atol > 0 else "")
            shapes = data.get("shapes") or {}
            for k, spin in self.shape_spins.items():
                spin.setValue(int(shapes.get(k, DEFAULT_SHAPES[k])))
            vs = data.get("validation_shapes")
            self.validation_shapes.setText(format_shape_sets(vs) if vs else "")
            self.validate.setChecked(data.get("validate", True) is not False)
            self._validate_auto_off = False  # decided again below, from this choice and the dtype
            self.overwrite.setChecked(bool(data.get("overwrite")))
            pad = data.get("pad_token_id")
            self.pad_token.setValue(int(pad) if isinstance(pad, int) and pad >= 0 else -1)
            variants = data.get("variants")
            self.deploy.set_values(
                variants=variants if isinstance(variants, (list, tuple)) else None,
                layout=data.get("layout") if isinstance(data.get("layout"), str) else None,
                optimize=data.get("optimize") if "optimize" in data else False)
            library = data.get("library")
            self.library.setCurrentIndex(max(0, self.library.findData(library)) if isinstance(library, str) else 0)
            task = data.get("task")
            if task:
                named = document_task(task)
                base, past = named.task, named.use_past
                if base != "auto" and base not in self.facts.base_tasks:
                    self.session.offer_task(base)
                    self._fill_tasks()
                i = self.task.findData(base)
                self.task.setCurrentIndex(max(0, i))
                if past:
                    self.use_past.setChecked(True)
            if data.get("use_past") is not None:
                self.use_past.setChecked(bool(data["use_past"]))
            if data.get("use_past_in_inputs") is not None:
                self.past_in_inputs.setChecked(bool(data["use_past_in_inputs"]))
                self._past_inputs_chosen = True
            if data.get("monolith"):
                self.file_layout.setCurrentIndex(0)
            elif data.get("post_process") is False:
                self.file_layout.setCurrentIndex(2)
            elif "monolith" in data or "post_process" in data:
                self.file_layout.setCurrentIndex(1)
            self._update_enabled()
        self.optionsChanged.emit()

    # -- internals ------------------------------------------------------------------------------------------------
    def _changed(self, *_: Any) -> None:
        if self.signalsBlocked():
            return
        self._update_enabled()
        self.optionsChanged.emit()

    def _past_toggled(self, checked: bool) -> None:
        if self.signalsBlocked():
            return
        self._past_auto_off = ""
        if checked and self.file_layout_value() == "monolith":
            with _blocked(self.file_layout):  # one file holds no past: asking for it asks for encoder + decoder
                self.file_layout.setCurrentIndex(FILE_LAYOUTS.index("merged"))
        self._changed()

    def _past_inputs_toggled(self, *_: Any) -> None:
        if self.signalsBlocked():
            return
        self._past_inputs_chosen = True
        self._changed()

    def _settings_changed(self, *_: Any) -> None:
        self._update_enabled()
        self.settingsChanged.emit()

    def _atol_changed(self, text: str) -> None:
        text = text.strip()
        bad = bool(text) and self.atol_value() is None
        _mark(self.atol, bad, self.tr("Enter a positive number such as 1e-4, or leave empty for the default."))
        if not bad:
            self._changed()
        else:
            self.settingsChanged.emit()

    def _vshapes_changed(self, text: str) -> None:
        bad = bool(text.strip()) and self.validation_shape_sets() is None
        _mark(self.validation_shapes, bad, self.tr("Write shape sets as name=value pairs separated by commas, one set "
                                                   "after another separated by semicolons."))
        self.settingsChanged.emit()

    def _browse(self) -> None:
        path = QFileDialog.getExistingDirectory(self, self.tr("Choose the output folder"), self.output_dir.text())
        if path:
            self.set_output_folder(path, user=True)

    def _fill_tasks(self) -> None:
        current = self.task.currentData()
        self._shown_tasks = self.facts.base_tasks
        with _blocked(self.task):
            self.task.clear()
            self.task.addItem(self._automatic_text(), "auto")
            for t in self._shown_tasks:
                self.task.addItem(t, t)
            i = self.task.findData(current)
            self.task.setCurrentIndex(i if i >= 0 else 0)

    def _automatic_text(self) -> str:
        if self.facts.resolved_task and self.current_task() == "auto":
            return self.tr("Automatic: %1").replace("%1", self.facts.resolved_task)
        return self.tr("Automatic (from the model)")

    def _allows(self, name: str) -> bool:
        rule = self._rules.get(name)
        return rule is not None and rule.enabled

    def _probe_options(self, monolith: bool = False) -> ExportOptions:
        """The panel's values that the rules read, as options (the others cannot change a rule's answer)."""
        known = self.facts.tasks_known
        layout = self.file_layout_value()
        return ExportOptions(
            model=self.session.ref or "model", task=self.current_task(), library=self.current_library(),
            use_past=self.use_past.isChecked() if known else None,
            use_past_in_inputs=self.past_in_inputs.isChecked() if known and self.use_past.isChecked() else None,
            monolith=monolith, post_process=layout != "separate", float_dtype=self.float_dtype.currentText(),
            int_dtype=self.int_dtype.currentText(), dynamo=self.dynamo.isChecked(),
            validate=self.validate.isChecked())

    def _ask_rules(self) -> dict[str, Rule]:
        options = self._probe_options()
        rules = self.facts.rules(options)
        # "monolith" counts only where the file layout is a choice for this task (else it is one file anyway)
        if rules[FILE_LAYOUT].enabled and self.file_layout_value() == "monolith":
            rules = self.facts.rules(dataclasses.replace(options, monolith=True))
        if not self.facts.tasks_known:  # before the first plan nothing is known about the model's cache
            rules["use_past"] = Rule(True)
            rules["use_past_in_inputs"] = (Rule(True) if self.use_past.isChecked()
                                           else Rule(False, "past_off", REASONS["past_off"]))
        return rules

    def _follow(self, rules: dict[str, Rule]) -> bool:
        """Move values the rules rule out to what the export will do; True when something moved."""
        moved = False

        def set_checked(box: QCheckBox, value: bool) -> None:
            nonlocal moved
            if box.isChecked() != value:
                with _blocked(box):
                    box.setChecked(value)
                moved = True

        past = rules["use_past"]
        if self.facts.tasks_known:
            if not past.enabled and self.use_past.isChecked():
                set_checked(self.use_past, False)  # shown as it will be: no past for this model/task
                self._past_auto_off = past.code
            elif past.enabled and self._past_auto_off and (
                    self._past_auto_off != ONE_FILE_PAST or self.file_layout_value() != "monolith"):
                set_checked(self.use_past, True)
                self._past_auto_off = ""
        inputs = rules["use_past_in_inputs"]
        if inputs.enabled and not self._past_inputs_chosen and isinstance(inputs.default, bool):
            set_checked(self.past_in_inputs, inputs.default)
        if not rules["validate"].enabled:
            if self.validate.isChecked():
                set_checked(self.validate, False)
                self._validate_auto_off = True
        elif self._validate_auto_off:
            set_checked(self.validate, True)
            self._validate_auto_off = False
        layout = rules[FILE_LAYOUT]
        if layout.enabled and layout.values and self.file_layout_value() not in layout.values:
            value = layout.default if layout.default in layout.values else layout.values[0]
            with _blocked(self.file_layout):
                self.file_layout.setCurrentIndex(FILE_LAYOUTS.index(value))
            moved = True
        return moved

    def _update_enabled(self) -> None:
        rules = self._ask_rules()
        for _ in range(3):  # a value moved can change another rule (past off -> no merged decoder)
            if not self._follow(rules):
                break
            rules = self._ask_rules()
        self._rules = rules
        self._show(rules)

    def _show(self, rules: dict[str, Rule]) -> None:
        reasons: dict[str, str] = {}
        for name, attr in RULED_CONTROLS.items():
            rule, widget = rules[name], getattr(self, attr)
            words = rule_text(rule)
            own = self._tooltips.get(name, "")
            if not rule.enabled:
                reasons[name] = words
            widget.setEnabled(rule.enabled)
            widget.setToolTip(words if not rule.enabled else "\n".join(t for t in (own, words) if t))
        model: QStandardItemModel = self.file_layout.model()  # type: ignore[assignment]
        layout = rules[FILE_LAYOUT]
        for i, value in enumerate(FILE_LAYOUTS):
            why = excluded_text(layout, value) if layout.enabled else ""
            model.item(i).setEnabled(not why)
            model.item(i).setToolTip(why)
            if why:
                reasons[f"{FILE_LAYOUT}:{value}"] = why
        self._reasons = reasons

        opset = rules["opset"]
        values = opset.values or tuple(opset_range(False))
        lo, hi = values[0] - 1, values[-1]  # lo: "Default"
        if (self.opset.minimum(), self.opset.maximum()) != (lo, hi):
            was_default = self.opset.value() == self.opset.minimum()
            with _blocked(self.opset):
                self.opset.setRange(lo, hi)
                if was_default:
                    self.opset.setValue(lo)
        library = rules["library"]
        self.library.setItemText(0, self.tr("Automatic: %1").replace("%1", library_name(library.default))
                                 if library.default else self.tr("Automatic"))
        for i, value in enumerate(LIBRARIES[1:], start=1):
            self.library.setItemText(i, library_name(value))
        offered = set(library.values or LIBRARIES)
        items: QStandardItemModel = self.library.model()  # type: ignore[assignment]
        for i, value in enumerate(LIBRARIES):
            items.item(i).setEnabled(value in offered or value == self.current_library())
        default = f" ({opset.default})" if isinstance(opset.default, int) else ""
        self.opset.setSpecialValueText(self.tr("Default") + default)
        self.opset.setToolTip(rule_text(opset))

        pad = rules["pad_token_id"]
        self.model_form.setRowVisible(self.pad_token, pad.enabled)
        self.pad_token.setToolTip(rule_text(pad) if pad.enabled else "")
        for key in DEFAULT_SHAPES:
            show = rules[SHAPE_RULE_PREFIX + key].enabled
            self.shape_spins[key].setVisible(show)
            self.shape_labels[key].setVisible(show)
        variants = rules["variants"]
        self.deploy.offer_variants(tuple(variants.values or ()) if variants.enabled else ())
        self.deploy.set_reason(reasons.get("variants", ""))
        atol = rules["atol"].default
        shown = f"{atol:g}" if isinstance(atol, (int, float)) else self.tr("per model")
        self.atol.setPlaceholderText(self.tr("default: %1").replace("%1", shown))

    def retranslate(self) -> None:
        self.model_box.setTitle(self.tr("Model"))
        self.precision_box.setTitle(self.tr("Precision"))
        self.exporter_box.setTitle(self.tr("Exporter"))
        self.shapes_box.setTitle(self.tr("Dummy input shapes (trace)"))
        self.validation_box.setTitle(self.tr("Validation"))
        self.output_box.setTitle(self.tr("Output"))
        self.task_label.setText(self.tr("Task"))
        self.library_label.setText(self.tr("Library"))
        self.use_past.setText(self.tr("Export past key/values (fast generation)"))
        self.past_in_inputs.setText(self.tr("Past key/values as inputs"))
        self.file_layout_label.setText(self.tr("Files"))
        texts = (self.tr("One file (monolith)"), self.tr("Encoder + decoder, merged"),
                 self.tr("Encoder + decoder, not merged"))
        model: QStandardItemModel = self.file_layout.model()  # type: ignore[assignment]
        for i, t in enumerate(texts):
            model.setData(model.index(i, 0), t, Qt.ItemDataRole.DisplayRole)
        self.pad_label.setText(self.tr("Pad token id"))
        self.pad_token.setSpecialValueText(self.tr("from the tokenizer"))
        self.float_label.setText(self.tr("Float dtype"))
        self.int_label.setText(self.tr("Integer dtype"))
        self.opset_label.setText(self.tr("Opset"))
        self.dynamo.setText(self.tr("Use torch.export (dynamo)"))
        self.validate.setText(self.tr("Validate against PyTorch"))
        self.vshapes_label.setText(self.tr("Shape sets"))
        self.validation_shapes.setPlaceholderText(self.tr("default: 3 sets, e.g. batch_size=1,sequence_length=7;…"))
        self.atol_label.setText(self.tr("Tolerance (atol)"))
        self.output_label.setText(self.tr("Folder"))
        self.browse.setToolTip(self.tr("Choose the output folder"))
        self.overwrite.setText(self.tr("Overwrite a non-empty folder"))
        self.task.setItemText(0, self._automatic_text())
        self.deploy.retranslate()
        self._tooltips = {
            "use_past": self.tr("Adds past_key_values inputs and present outputs so generation reuses earlier steps."),
            "use_past_in_inputs": self.tr("Whether the exported model takes the past as inputs."),
            "file_layout": self.tr("How an encoder–decoder model is split into ONNX files."),
            "dynamo": self.tr("The newer torch.export exporter (slower; writes external data)."),
            "validation_shapes": self.tr("Shape sets to validate at, e.g. batch_size=1,sequence_length=7;"
                                         "batch_size=3,sequence_length=23"),
            "atol": self.tr("Largest absolute difference to PyTorch that still passes."),
            "int_dtype": self.tr("The integer type of the model's inputs (token ids, masks)."),
            "library": self.tr("Whose model is exported: sentence-transformers puts the pooling (and normalization) "
                               "in the graph; transformers exports the plain model."),
            "layout": self.tr("Where the files go: the folder layout the runtime you deploy to loads."),
            "optimize": self.tr("Graph optimization with onnxruntime's tools, applied to the fp32 files and the "
                                "variants made from them; validated again."),
        }
        self._update_enabled()


class _Blocker:
    """Block the panel's own signals (and its children's) while it is updated programmatically."""

    def __init__(self, panel: OptionsPanel) -> None:
        self.panel = panel

    def __enter__(self) -> None:
        self.widgets = [self.panel, *self.panel.findChildren(QWidget)]
        self.old = [w.blockSignals(True) for w in self.widgets]

    def __exit__(self, *exc: Any) -> None:
        for w, old in zip(self.widgets, self.old):
            w.blockSignals(old)
        self.widgets = []


@contextmanager
def _blocked(widget: QWidget):
    old = widget.blockSignals(True)
    try:
        yield widget
    finally:
        widget.blockSignals(old)


def _mark(widget: QWidget, bad: bool, tip: str) -> None:
    widget.setProperty("invalid", bad)
    widget.setStyleSheet("border: 1px solid #d32f2f; border-radius: 3px;" if bad else "")
    widget.setToolTip(tip if bad else "")
