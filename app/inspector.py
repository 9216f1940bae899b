"""The inspector: what an export *will* do, before anything runs — from the plan document of the inspect helper.

Qt item models adapt the plan dict (``exportcore inspect --json``); the view shows the config class and its chain,
task and library, per submodel the input and output tables (dtype, dummy shape, dynamic axes), opset, atol and the
files that will be written.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import (
    QApplication, QFrame, QHBoxLayout, QLabel, QListView, QProgressBar, QSizePolicy, QSplitter, QStackedWidget, QStyle,
    QTableView, QTabWidget, QVBoxLayout, QWidget,
)

from exportcore import dtypes

from .error_views import ErrorBanner
from .errors import FriendlyError
from .preflight import task_source_text
from .preflight_panel import PreflightPanel
from .qt_util import ListTableModel, Retranslating, column, escaped, heading, read_only_table, stacked

_INT_INPUTS = {
    "input_ids", "attention_mask", "token_type_ids", "position_ids", "decoder_input_ids", "decoder_attention_mask",
    "encoder_attention_mask", "cache_position", "labels", "bbox", "pixel_mask",
}
_BOOL_INPUTS = {"use_cache_branch"}

Index = QModelIndex | QPersistentModelIndex


def standard_icon(pixmap: QStyle.StandardPixmap):
    """A standard icon of the current style (None without a QApplication, e.g. a model used headless)."""
    app = QApplication.instance()
    return app.style().standardIcon(pixmap) if isinstance(app, QApplication) else None


def tensor_dtype(name: str, submodel: dict, options: dict | None = None) -> str:
    """The dtype of an input/output: from the plan when it says (``dtypes``), else by the naming conventions."""
    for key in ("dtypes", "input_dtypes", "output_dtypes"):
        table = submodel.get(key)
        if isinstance(table, dict) and name in table:
            return str(table[name])
    options = options or {}
    if name in _BOOL_INPUTS:
        return "bool"
    if name in _INT_INPUTS or name.endswith(("input_ids", "attention_mask")):
        return _long_name(options.get("int_dtype"), "int64")
    return _long_name(options.get("float_dtype"), "float32")


def _long_name(dtype: Any, default: str) -> str:
    """The name a plan document gives a dtype (``fp16`` -> ``float16``), from the core's one vocabulary."""
    found = dtypes.find(dtype) if dtype else None
    return found.long_name if found is not None else default


def format_axes(axes: dict) -> str:
    """``{"0": "batch_size", "1": "sequence_length"}`` -> ``"0: batch_size · 1: sequence_length"``."""
    try:
        items = sorted(((int(k), v) for k, v in axes.items()), key=lambda kv: kv[0])
    except (TypeError, ValueError):
        items = list(axes.items())
    return "  ·  ".join(f"{k}: {v}" for k, v in items)


def static_axes(submodel: dict) -> dict[str, dict[str, dict]]:
    """The plan's ``static_axes`` (tensor -> axis -> shape, size, reason): axes the model runs at one size only."""
    table = submodel.get("static_axes")
    if not isinstance(table, dict):
        return {}
    return {str(name): {str(axis): entry for axis, entry in axes.items() if isinstance(entry, dict)}
            for name, axes in table.items() if isinstance(axes, dict)}


def fixed_sizes(submodel: dict) -> dict[str, tuple[int, str]]:
    """shape keyword -> (its one size, why), over the submodel's fixed axes."""
    return {str(entry.get("shape")): (entry.get("size"), str(entry.get("reason", "")))
            for axes in static_axes(submodel).values() for entry in axes.values()}


def format_shape(dims: Any) -> str:
    if isinstance(dims, (list, tuple)):
        return "[" + ", ".join(str(d) for d in dims) + "]"
    return "" if dims is None else str(dims)


class TensorTableModel(ListTableModel):
    """Inputs or outputs of one submodel: name, dtype, dummy shape, dynamic axes (in the plan's order)."""

    COLUMNS = ("name", "dtype", "shape", "axes")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[tuple[str, str, str, str]] = []
        self._tips: dict[str, str] = {}  # name -> why its fixed axes are fixed (the core's words)

    def set_tensors(self, tensors: dict, submodel: dict, options: dict | None = None) -> None:
        self.beginResetModel()
        shapes = submodel.get("dummy_shapes") or {}
        fixed = static_axes(submodel)
        self._rows = [
            (str(name), tensor_dtype(name, submodel, options), format_shape(shapes.get(name)),
             format_axes({**(axes if isinstance(axes, dict) else {}),
                          **{axis: self.tr("%1 = %2 (fixed)").replace("%1", str(entry.get("shape", "?")))
                             .replace("%2", str(entry.get("size", "?")))
                             for axis, entry in fixed.get(name, {}).items()}}))
            for name, axes in (tensors or {}).items()
        ]
        self._tips = {str(name): " ".join(dict.fromkeys(str(entry.get("reason", ""))
                                                        for entry in fixed.get(name, {}).values()))
                      for name in tensors or {}}
        self.endResetModel()

    def row_items(self) -> list[tuple[str, str, str, str]]:
        return self._rows

    def headers(self) -> tuple[str, ...]:
        return (self.tr("Name"), self.tr("Dtype"), self.tr("Dummy shape"), self.tr("Dynamic axes"))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        value = self._rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 3 and self._tips.get(self._rows[index.row()][0]):
            return f"{value}\n{self._tips[self._rows[index.row()][0]]}"
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return value
        if role == Qt.ItemDataRole.FontRole and index.column() in (0, 2):
            font = QFont()
            font.setStyleHint(QFont.StyleHint.Monospace)
            font.setFamily("monospace")
            return font
        if role == Qt.ItemDataRole.ForegroundRole and index.column() == 1:
            return QColor("#1565c0") if value.startswith(("int", "bool")) else QColor("#6a1b9a")
        return None

    def retranslate(self) -> None:
        self.retranslate_header()

    def row(self, i: int) -> tuple[str, str, str, str]:
        return self._rows[i]


class PlannedFilesModel(QAbstractListModel):
    """The .onnx files the export will write."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._files: list[str] = []

    def set_files(self, files: list[str]) -> None:
        self.beginResetModel()
        self._files = [str(f) for f in files or []]
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._files)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._files)):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._files[index.row()]
        if role == Qt.ItemDataRole.DecorationRole:
            return standard_icon(QStyle.StandardPixmap.SP_FileIcon)
        return None

    def files(self) -> list[str]:
        return list(self._files)


def _table(model: QAbstractTableModel) -> QTableView:
    view = read_only_table(model)
    view.setWordWrap(False)
    return view


class SubmodelPage(QWidget):
    """One submodel: a line of facts, then inputs above outputs."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.inputs_model = TensorTableModel(self)
        self.outputs_model = TensorTableModel(self)
        self.facts = QLabel()
        self.facts.setWordWrap(True)
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.fixed_note = QLabel()  # a model that runs at one sequence length (Nystromformer): say it, and why
        self.fixed_note.setObjectName("fixedAxesNote")
        self.fixed_note.setWordWrap(True)
        self.fixed_note.setStyleSheet("background:#fff8e1; color:#5d4037; padding:4px 6px;")
        self.fixed_note.setVisible(False)
        self.inputs_title = heading()
        self.outputs_title = heading()
        self.inputs_view = _table(self.inputs_model)
        self.outputs_view = _table(self.outputs_model)
        self.outputs_view.setColumnHidden(2, True)  # the plan has dummy shapes for inputs only
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(stacked(self.inputs_title, self.inputs_view))
        split.addWidget(stacked(self.outputs_title, self.outputs_view))
        split.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)
        layout.addWidget(self.facts)
        layout.addWidget(self.fixed_note)
        layout.addWidget(split, 1)
        self._sub: dict = {}
        self._options: dict = {}

    def set_submodel(self, sub: dict, options: dict) -> None:
        self._sub, self._options = sub, options
        self.retranslate()  # fills the tables too (their fixed axes are words)

    def retranslate(self) -> None:
        sub = self._sub
        self.inputs_model.set_tensors(sub.get("inputs") or {}, sub, self._options)
        self.outputs_model.set_tensors(sub.get("outputs") or {}, sub, self._options)
        self.inputs_title.setText(self.tr("Inputs (%1)").replace("%1", str(self.inputs_model.rowCount())))
        self.outputs_title.setText(self.tr("Outputs (%1)").replace("%1", str(self.outputs_model.rowCount())))
        yes, no = self.tr("yes"), self.tr("no")
        parts = [
            self.tr("Behaviour: <b>%1</b>").replace("%1", str(sub.get("behavior", "monolith"))),
            self.tr("Past key/values: <b>%1</b>").replace("%1", yes if sub.get("use_past") else no),
            self.tr("Past in inputs: <b>%1</b>").replace("%1", yes if sub.get("use_past_in_inputs") else no),
            self.tr("Opset: <b>%1</b>").replace("%1", str(sub.get("opset", "—"))),
            self.tr("atol: <b>%1</b>").replace("%1", _fmt_atol(sub.get("atol"))),
        ]
        self.facts.setText("&nbsp;&nbsp;·&nbsp;&nbsp;".join(parts))
        fixed = fixed_sizes(sub)
        self.fixed_note.setText("<br>".join(
            self.tr("Fixed size: this model runs at <b>%1 = %2</b> only. The file takes exactly that size and is "
                    "validated at it; pad (and truncate) every input to %2, with the attention mask marking the "
                    "padding.").replace("%1", escaped(shape)).replace("%2", escaped(str(size)))
            for shape, (size, _) in fixed.items()))
        self.fixed_note.setToolTip("\n".join(reason for _, reason in fixed.values()))
        self.fixed_note.setVisible(bool(fixed))
        self.inputs_model.retranslate()
        self.outputs_model.retranslate()


def _fmt_atol(value: Any) -> str:
    try:
        return f"{float(value):g}"
    except (TypeError, ValueError):
        return "—"


class InspectorView(Retranslating, QWidget):
    """States: empty, warming up (helper not ready), resolving, plan, error."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.state = "empty"
        self.plan: dict | None = None
        self.model_id = ""
        self.options: dict = {}
        self.files_model = PlannedFilesModel(self)

        # placeholder page
        self.placeholder_icon = QLabel()
        self.placeholder_icon.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder_title = QLabel()
        self.placeholder_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder_title.setObjectName("placeholderTitle")
        self.placeholder_text = QLabel()
        self.placeholder_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder_text.setWordWrap(True)
        self.placeholder_text.setObjectName("placeholderText")
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setTextVisible(False)
        self.busy.setFixedWidth(220)
        self.busy.setFixedHeight(6)
        ph = QWidget()
        pl = QVBoxLayout(ph)
        pl.addStretch(2)
        pl.addWidget(self.placeholder_icon)
        pl.addWidget(self.placeholder_title)
        pl.addWidget(self.placeholder_text)
        pl.addWidget(self.busy, 0, Qt.AlignmentFlag.AlignHCenter)
        pl.addStretch(3)

        # plan page
        self.header = QLabel()
        self.header.setObjectName("inspectorHeader")
        self.header.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.header.setWordWrap(True)
        self.chain = QLabel()
        self.chain.setObjectName("classChain")
        self.chain.setWordWrap(True)
        self.chain.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.files_title = heading()
        self.files_view = QListView()
        self.files_view.setModel(self.files_model)
        self.files_view.setFlow(QListView.Flow.LeftToRight)
        self.files_view.setWrapping(True)
        self.files_view.setSpacing(4)
        self.files_view.setFixedHeight(38)
        self.files_view.setFrameShape(QFrame.Shape.NoFrame)
        self.files_view.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.preflight = PreflightPanel()
        self.submodel_tabs = QTabWidget()
        self.submodel_tabs.setDocumentMode(True)
        self.updating = QLabel()
        self.updating.setObjectName("updatingLabel")
        self.updating.setVisible(False)
        head_row = QHBoxLayout()
        head_row.addWidget(self.header, 1)
        head_row.addWidget(self.updating, 0, Qt.AlignmentFlag.AlignTop)
        files_row = QHBoxLayout()
        files_row.addWidget(self.files_title)
        files_row.addWidget(self.files_view, 1)
        content = QWidget()
        column(content, head_row, self.chain, self.preflight, files_row, (self.submodel_tabs, 1),
               margins=(12, 10, 12, 6), spacing=8)

        self.error_banner = ErrorBanner()
        self.stack = QStackedWidget()
        self.stack.addWidget(ph)
        self.stack.addWidget(content)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.error_banner)
        layout.addWidget(self.stack, 1)
        self.pages: list[SubmodelPage] = []
        self.retranslate()

    # -- state changes --------------------------------------------------------------------------------------------
    def show_empty(self) -> None:
        self.state, self.plan, self.model_id = "empty", None, ""
        self.error_banner.clear()
        self._refresh_placeholder()

    def show_warming(self, model_id: str = "") -> None:
        if model_id:
            self.model_id = model_id
        if self.state in ("empty", "warming", "resolving") or self.plan is None:
            self.state = "warming"
            self._refresh_placeholder()

    def show_resolving(self, model_id: str) -> None:
        changed_model = model_id != self.model_id
        self.model_id = model_id
        if changed_model:
            self.error_banner.clear()
            self.preflight.clear()
        if self.plan is None or changed_model:
            self.state, self.plan = "resolving", None
            self._refresh_placeholder()
        else:
            self.updating.setVisible(True)

    def show_plan(self, model_id: str, plan: dict, options: dict) -> None:
        self.state, self.plan, self.model_id, self.options = "plan", plan, model_id, dict(options)
        self.error_banner.clear()
        self.updating.setVisible(False)
        self.files_model.set_files(plan.get("files") or [])
        subs = plan.get("submodels") or []
        current = self.submodel_tabs.currentIndex()
        while len(self.pages) < len(subs):
            page = SubmodelPage()
            self.pages.append(page)
            self.submodel_tabs.addTab(page, "")
        while len(self.pages) > len(subs):
            self.pages.pop()
            w = self.submodel_tabs.widget(self.submodel_tabs.count() - 1)
            self.submodel_tabs.removeTab(self.submodel_tabs.count() - 1)
            w.deleteLater()
        for i, (page, sub) in enumerate(zip(self.pages, subs)):
            page.set_submodel(sub, options)
            self.submodel_tabs.setTabText(i, str(sub.get("name", f"submodel {i}")))
        if 0 <= current < len(subs):
            self.submodel_tabs.setCurrentIndex(current)
        self._refresh_plan_texts()
        self.stack.setCurrentIndex(1)

    def show_error(self, model_id: str, error: FriendlyError) -> None:
        self.model_id = model_id
        self.updating.setVisible(False)
        self.error_banner.show_error(error)
        if self.plan is None:
            self.state = "error"
            self._refresh_placeholder()

    # -- texts ----------------------------------------------------------------------------------------------------

    def retranslate(self) -> None:
        self.files_title.setText(self.tr("Files:"))
        self.updating.setText(self.tr("updating…"))
        self.error_banner.retranslate()
        for page in self.pages:
            page.retranslate()
        if self.plan is not None:
            self._refresh_plan_texts()
            self._refresh_placeholder(show=False)  # hidden now, but re-worded for when it shows again
        else:
            self._refresh_placeholder()

    def _refresh_placeholder(self, show: bool = True) -> None:
        style = self.style()
        if self.state == "warming":
            icon, busy = QStyle.StandardPixmap.SP_BrowserReload, True
            title = self.tr("Warming up the inspector…")
            text = self.tr("PyTorch and transformers are loading in a helper process; this takes a few seconds, "
                           "once. The window stays responsive meanwhile.")
            if self.model_id:
                text += "\n" + self.tr("%1 will be inspected as soon as it is ready.").replace("%1", self.model_id)
        elif self.state == "resolving":
            icon, busy = QStyle.StandardPixmap.SP_FileDialogContentsView, True
            title = self.tr("Resolving %1…").replace("%1", self.model_id)
            text = self.tr("Reading config.json and choosing the export configuration.")
        elif self.state == "error":
            icon, busy = QStyle.StandardPixmap.SP_MessageBoxWarning, False
            title = self.tr("Nothing to show for %1").replace("%1", self.model_id)
            text = self.tr("See the message above.")
        else:
            icon, busy = QStyle.StandardPixmap.SP_DirOpenIcon, False
            title = self.tr("No model selected")
            text = self.tr("Pick a model on the left — search the Hub, open a local folder (or drop one on the "
                           "window), or try a built-in demo model. The inspector shows what will be exported "
                           "before anything runs.")
        self.placeholder_icon.setPixmap(style.standardIcon(icon).pixmap(48, 48))
        self.placeholder_title.setText(title)
        self.placeholder_text.setText(text)
        if show:
            self.busy.setVisible(busy)
            self.stack.setCurrentIndex(0)

    def _refresh_plan_texts(self) -> None:
        plan = self.plan or {}
        subs = plan.get("submodels") or []
        first = subs[0] if subs else {}
        self.header.setText(
            f"<span style='font-size:15pt; font-weight:600'>{escaped(self.model_id)}</span><br>"
            + self.tr("Model type <b>%1</b> · task <b>%2</b> · library <b>%3</b>")
            .replace("%1", escaped(str(plan.get("model_type", "?"))))
            .replace("%2", escaped(str(plan.get("task", "?"))) + (
                f" <span style='color:#5f6368'>({escaped(source)})</span>"
                if (source := task_source_text(plan.get("task_source"))) else ""))
            .replace("%3", escaped(str(plan.get("library", "transformers")))))
        self.header.setToolTip(str(plan.get("library_note") or ""))  # why this library (the core's words)
        chain = first.get("class_chain") or ([first["config_class"]] if first.get("config_class") else [])
        arrow = " <span style='color:#888'>→</span> "
        text = self.tr("Export configuration: %1").replace(
            "%1", arrow.join(f"<code>{escaped(str(c))}</code>" for c in chain) or "—")
        generic = plan.get("configuration") == "generic"
        if generic:
            text += (" &nbsp;<span style='background:#fff3e0; color:#e65100; font-weight:600'>&nbsp;"
                     + escaped(self.generic_badge()) + "&nbsp;</span>")
        self.chain.setText(text)
        self.chain.setToolTip(self.tr("No hand-written export configuration exists for this model type: it was "
                                      "derived from what transformers says about the model, and every export "
                                      "checks it against PyTorch before publishing.") if generic else "")

    def generic_badge(self) -> str:
        """The words of a derived configuration (the plan document's ``configuration: generic``)."""
        return self.tr("generic — derived, validated on export")
