"""The options panel: the editor of the session's export options, with impossible combinations disabled.

Every control maps to an :class:`exportcore.options.ExportOptions` field; every change is written into the
:class:`app.session.Session` (its ``options``) before ``optionsChanged`` (a change that alters the plan: the main
window re-inspects) or ``settingsChanged`` (output folder, validation, overwrite) reaches anyone else. What the
model offers comes from the session's :class:`app.plan_facts.PlanFacts`. A control that cannot apply to the current
model/choices is disabled and its tooltip says why (``disabled_reason(name)`` returns that text; tests use it).
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDoubleValidator, QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox, QComboBox, QFileDialog, QFormLayout, QGridLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit,
    QSpinBox, QStyle, QToolButton, QVBoxLayout, QWidget,
)

from exportcore.errors import ExportError
from exportcore.options import (
    DEFAULT_SHAPES, DYNAMO_OPSETS, FLOAT_DTYPES, INT_DTYPES, TORCHSCRIPT_OPSETS, ExportOptions, format_shape_sets,
    parse_shape_sets,
)
from exportcore.tasks import split_past

from .plan_facts import SHAPE_GROUPS, PlanFacts
from .qt_util import Retranslating
from .session import Session, inspect_fields

#: how an encoder–decoder is written: one file, encoder + merged decoder, encoder + decoders not merged
FILE_LAYOUTS = ("monolith", "merged", "separate")
OPSET_DEFAULT = 13  # the spin box's "Default" value; real opsets start above it
TORCHSCRIPT_MAX_OPSET = TORCHSCRIPT_OPSETS[-1]
DYNAMO_MIN_OPSET, DYNAMO_MAX_OPSET = DYNAMO_OPSETS[0], DYNAMO_OPSETS[-1]
#: model types known to fail on the torch.export path (FACTS.md: T5 with sdpa attention).
DYNAMO_BROKEN = {"t5", "mt5", "longt5"}


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
        self._past_auto_off = False
        self._validate_auto_off = False

        # -- model group
        self.task = QComboBox()
        self.use_past = QCheckBox()
        self.use_past.setChecked(True)
        self.past_in_inputs = QCheckBox()
        self.past_in_inputs.setChecked(True)
        self.file_layout = QComboBox()
        self.file_layout.setModel(QStandardItemModel(len(FILE_LAYOUTS), 1, self.file_layout))
        self.file_layout.setCurrentIndex(1)
        # -- padding token (decoder text classifiers whose config has none)
        self.pad_token = QSpinBox()
        self.pad_token.setRange(-1, 10_000_000)
        self.pad_token.setValue(-1)  # -1: the special value, "from the tokenizer"
        # -- precision
        self.float_dtype = QComboBox()
        self.float_dtype.addItems(FLOAT_DTYPES)
        self.int_dtype = QComboBox()
        self.int_dtype.addItems(INT_DTYPES)
        # -- exporter
        self.opset = QSpinBox()
        self.opset.setRange(OPSET_DEFAULT, TORCHSCRIPT_MAX_OPSET)
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

        for combo in (self.task, self.file_layout, self.float_dtype, self.int_dtype):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(8)
        for edit in (self.validation_shapes, self.atol, self.output_dir):
            edit.setMinimumWidth(60)
        for check in (self.use_past, self.past_in_inputs, self.validate, self.overwrite, self.dynamo):
            check.setMinimumWidth(60)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 6, 0)
        layout.setSpacing(10)
        for box in (self.model_box, self.precision_box, self.exporter_box, self.shapes_box, self.validation_box,
                    self.output_box):
            layout.addWidget(box)
        layout.addStretch(1)

        for w in (self.task, self.file_layout, self.float_dtype, self.int_dtype):
            w.currentIndexChanged.connect(self._changed)
        for w in (self.use_past, self.past_in_inputs, self.dynamo):
            w.toggled.connect(self._changed)
        self.opset.valueChanged.connect(self._changed)
        for spin in self.shape_spins.values():
            spin.valueChanged.connect(self._changed)
        self.atol.textChanged.connect(self._atol_changed)
        self.validation_shapes.textChanged.connect(self._vshapes_changed)
        self.validate.toggled.connect(self._settings_changed)
        self.overwrite.toggled.connect(self.settingsChanged)
        self.pad_token.valueChanged.connect(self.settingsChanged)
        self.output_dir.textEdited.connect(self.settingsChanged)
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
            self.file_layout.setCurrentIndex(1)
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

    def file_layout_value(self) -> str:
        return FILE_LAYOUTS[max(0, self.file_layout.currentIndex())]

    def option_fields(self) -> dict[str, Any]:
        """Everything the panel says, as ExportOptions fields (all but the model and the output folder)."""
        fields: dict[str, Any] = {
            "task": self.current_task(),
            "float_dtype": self.float_dtype.currentText(),
            "int_dtype": self.int_dtype.currentText(),
            "opset": None if self.opset.value() == self.opset.minimum() else self.opset.value(),
            "dynamo": self.dynamo.isChecked() and self.dynamo.isEnabled(),
            "shapes": self.shape_overrides(),
            "atol": self.atol_value(),
            "validate": self.validate.isChecked(),
            "validation_shapes": self.validation_shape_sets() if self.validate.isChecked() else None,
            "overwrite": self.overwrite.isChecked(),
            "pad_token_id": (self.pad_token.value() if self.facts.needs_pad_token and self.pad_token.value() >= 0
                             else None),
        }
        if self.use_past.isEnabled() and self.facts.tasks_known:  # only once the model's tasks are known
            fields["use_past"] = self.use_past.isChecked()
            if self.past_in_inputs.isEnabled():
                fields["use_past_in_inputs"] = self.past_in_inputs.isChecked()
        if self.facts.is_seq2seq:
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
            task = data.get("task")
            if task:
                base, past = split_past(str(task))
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

    def _update_enabled(self) -> None:
        r: dict[str, str] = {}
        facts = self.facts
        task = self.current_task()
        known = facts.tasks_known
        if task == "auto":
            past_ok = bool(facts.past_tasks) if known else True
        else:
            past_ok = task in facts.past_tasks
        if not past_ok:
            r["use_past"] = (self.tr("'%1' has no variant with past key/values for this model.").replace("%1", task)
                             if task != "auto" else self.tr("This model exports no past key/values."))
        if past_ok and not self.use_past.isChecked():
            r["use_past_in_inputs"] = self.tr("Only meaningful when past key/values are exported.")
        elif not past_ok:
            r["use_past_in_inputs"] = r["use_past"]
        elif facts.is_seq2seq:
            r["use_past_in_inputs"] = self.tr("Encoder–decoder models always get a decoder without past inputs and "
                                              "one with them.")
        if not facts.is_seq2seq:
            r["file_layout"] = self.tr("Only encoder–decoder models (such as T5, BART, Whisper) are split into files.")
        merged_reason = ""
        if facts.is_seq2seq and not (past_ok and self.use_past.isChecked()):
            merged_reason = self.tr("Merging joins the decoder with and without past; turn on past key/values first.")
        dyn = self.dynamo.isChecked()
        if facts.model_type in DYNAMO_BROKEN:
            r["dynamo"] = self.tr("The torch.export path cannot export %1 models (attention decomposition fails); "
                                  "the TorchScript exporter is used.").replace("%1", facts.model_type)
            dyn = False
        if self.float_dtype.currentText() == "bf16":
            r["validate"] = self.tr("onnxruntime's CPU provider cannot run bfloat16 models: a bf16 export "
                                    "cannot be validated here.")
            if self.validate.isChecked():
                with _blocked(self.validate):
                    self.validate.setChecked(False)
                self._validate_auto_off = True
        elif self._validate_auto_off:
            with _blocked(self.validate):
                self.validate.setChecked(True)
            self._validate_auto_off = False
        if not self.validate.isChecked():
            r["validation_shapes"] = r["atol"] = self.tr("Validation is turned off.")

        # apply
        if "use_past" in r and self.use_past.isChecked() and known:
            with _blocked(self.use_past):
                self.use_past.setChecked(False)  # shown as it will be: no past for this model/task
        elif "use_past" not in r and known and not self.use_past.isChecked() and self._past_auto_off:
            with _blocked(self.use_past):
                self.use_past.setChecked(True)
        self._past_auto_off = "use_past" in r and known
        self._reasons = r
        for name in ("use_past", "use_past_in_inputs", "file_layout", "dynamo", "validate", "validation_shapes",
                     "atol"):
            w = getattr(self, "past_in_inputs" if name == "use_past_in_inputs" else name)
            w.setEnabled(name not in r)
            w.setToolTip(r.get(name, self._tooltips.get(name, "")))
        model: QStandardItemModel = self.file_layout.model()  # type: ignore[assignment]
        item = model.item(1)
        item.setEnabled(not merged_reason)
        item.setToolTip(merged_reason)
        if merged_reason:
            r["file_layout:merged"] = merged_reason
            if self.file_layout.currentIndex() == 1:
                with _blocked(self.file_layout):
                    self.file_layout.setCurrentIndex(2)
        lo, hi = (DYNAMO_MIN_OPSET - 1, DYNAMO_MAX_OPSET) if dyn else (OPSET_DEFAULT, TORCHSCRIPT_MAX_OPSET)
        if (self.opset.minimum(), self.opset.maximum()) != (lo, hi):
            was_default = self.opset.value() == self.opset.minimum()
            with _blocked(self.opset):
                self.opset.setRange(lo, hi)
                if was_default:
                    self.opset.setValue(lo)
        self.opset.setToolTip(self.tr("torch.export supports opsets %1–%2 (it silently keeps 18 below that).")
                              .replace("%1", str(DYNAMO_MIN_OPSET)).replace("%2", str(DYNAMO_MAX_OPSET)) if dyn else
                              self.tr("The TorchScript exporter supports opsets up to %1.")
                              .replace("%1", str(TORCHSCRIPT_MAX_OPSET)))
        self.model_form.setRowVisible(self.pad_token, facts.needs_pad_token)
        for group, keys in SHAPE_GROUPS.items():
            show = group in facts.shape_groups
            for k in keys:
                self.shape_spins[k].setVisible(show)
                self.shape_labels[k].setVisible(show)


    def retranslate(self) -> None:
        self.model_box.setTitle(self.tr("Model"))
        self.precision_box.setTitle(self.tr("Precision"))
        self.exporter_box.setTitle(self.tr("Exporter"))
        self.shapes_box.setTitle(self.tr("Dummy input shapes (trace)"))
        self.validation_box.setTitle(self.tr("Validation"))
        self.output_box.setTitle(self.tr("Output"))
        self.task_label.setText(self.tr("Task"))
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
        self.pad_token.setToolTip(self.tr("This model classifies text with a decoder, which needs a padding token id. "
                                          "By default it is taken from the config or the tokenizer saved with the "
                                          "model; set it here if neither has one (often the end-of-sequence id)."))
        self.float_label.setText(self.tr("Float dtype"))
        self.int_label.setText(self.tr("Integer dtype"))
        self.opset_label.setText(self.tr("Opset"))
        self.opset.setSpecialValueText(self.tr("Default"))
        self.dynamo.setText(self.tr("Use torch.export (dynamo)"))
        self.validate.setText(self.tr("Validate against PyTorch"))
        self.vshapes_label.setText(self.tr("Shape sets"))
        self.validation_shapes.setPlaceholderText(self.tr("default: 3 sets, e.g. batch_size=1,sequence_length=7;…"))
        self.atol_label.setText(self.tr("Tolerance (atol)"))
        default = f"{self.facts.plan_atol:g}" if self.facts.plan_atol else self.tr("per model")
        self.atol.setPlaceholderText(self.tr("default: %1").replace("%1", default))
        self.output_label.setText(self.tr("Folder"))
        self.browse.setToolTip(self.tr("Choose the output folder"))
        self.overwrite.setText(self.tr("Overwrite a non-empty folder"))
        self.task.setItemText(0, self._automatic_text())
        self._tooltips = {
            "use_past": self.tr("Adds past_key_values inputs and present outputs so generation reuses earlier steps."),
            "use_past_in_inputs": self.tr("Whether the exported model takes the past as inputs."),
            "file_layout": self.tr("How an encoder–decoder model is split into ONNX files."),
            "dynamo": self.tr("The newer torch.export exporter (slower; writes external data)."),
            "validation_shapes": self.tr("Shape sets to validate at, e.g. batch_size=1,sequence_length=7;"
                                         "batch_size=3,sequence_length=23"),
            "atol": self.tr("Largest absolute difference to PyTorch that still passes."),
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
