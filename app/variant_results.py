"""The Results tab's variants table: one row per variant as its ``variant_result`` event arrives (size against fp32,
pass/fail against its accuracy budget with the figure that failed, onnxruntime time against fp32), and the words
that say why a run whose variant failed was kept aside. No widgets."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, QPersistentModelIndex, Qt

from exportcore.events import Event, VariantResult
from exportcore.postprocess.variants import table_position

from .qt_util import ListTableModel
from .run_models import FAIL_BG, FAIL_FG, PASS_BG, PASS_FG, _bold
from .variant_words import failed_figures, figure_name, figure_text, judged, variant_what

Index = QModelIndex | QPersistentModelIndex


def variant_results(events: list[Event]) -> list[VariantResult]:
    """The run's variant results, newest per variant, in the order they first arrived."""
    by_name: dict[str, VariantResult] = {}
    for ev in events:
        if isinstance(ev, VariantResult):
            by_name[str(ev.variant)] = ev
    return list(by_name.values())


def _row_order(result: VariantResult) -> tuple[bool, int]:
    """Failed variants above the passed ones (they are what the user has to read), each in the variants' table
    order (fp16, q8, int8, uint8, q4, q4f16)."""
    return result.passed, table_position(result.variant)


def size_text(n: Any) -> str:
    from .results import human_size  # results imports this module

    return human_size(n)


def why_text(result: VariantResult) -> str:
    """Why a variant failed, in the UI language where the figures say it (a variant onnxruntime could not run keeps
    the core's words)."""
    failed = failed_figures(result.figures)
    if failed:
        return " · ".join(figure_text(f) for f in failed)
    return str(result.why or "")


def accuracy_text(result: VariantResult) -> str:
    """The judged figures against their budget, the failed ones first; the note when nothing was judged."""
    rows = judged(result.figures)
    if not rows:
        return str(result.why or result.note or "—")
    failed = [r for r in rows if r.get("passed") is False]
    return " · ".join(figure_text(r) for r in failed + [r for r in rows if r not in failed])


def kept_reason(results: list[VariantResult]) -> str:
    """``q4: top-1 0.8200 < 0.85 ✗`` for each failed variant, "" when none failed."""
    return "; ".join(f"{r.variant}: {why_text(r)}" for r in results if not r.passed)


class VariantsModel(ListTableModel):
    """Variant, result, size (against fp32), time against fp32, accuracy against the budget; failed variants first."""

    COLUMNS = 5
    COL_VARIANT, COL_RESULT, COL_SIZE, COL_TIME, COL_ACCURACY = range(5)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.results: list[VariantResult] = []

    def set_results(self, results: list[VariantResult]) -> None:
        self.beginResetModel()
        self.results = sorted(results, key=_row_order)
        self.endResetModel()

    def add(self, result: VariantResult) -> None:
        """A result arrived: a new row, or the row of the same variant replaced. The variants are judged as they
        are built, in no fixed order; the rows keep the variants' table order."""
        for i, known in enumerate(self.results):
            if known.variant == result.variant:
                self.results[i] = result
                self.dataChanged.emit(self.index(i, 0), self.index(i, self.COLUMNS - 1))
                return
        n = next((i for i, known in enumerate(self.results) if _row_order(known) > _row_order(result)),
                 len(self.results))
        self.beginInsertRows(QModelIndex(), n, n)
        self.results.insert(n, result)
        self.endInsertRows()

    def failed(self) -> list[VariantResult]:
        return [r for r in self.results if not r.passed]

    def row_items(self) -> list[VariantResult]:
        return self.results

    def headers(self) -> tuple[str, ...]:
        return (self.tr("Variant"), self.tr("Result"), self.tr("Size (× fp32)"), self.tr("Time × fp32"),
                self.tr("Accuracy against the budget"))

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.results):
            return None
        r = self.results[index.row()]
        col = index.column()
        passed = bool(r.passed)
        if role == Qt.ItemDataRole.DisplayRole:
            if col == self.COL_VARIANT:
                return str(r.variant)
            if col == self.COL_RESULT:
                if passed and not _judged(r):  # no output a judged figure applies to
                    return self.tr("not judged")
                return self.tr("pass") if passed else self.tr("fail")
            if col == self.COL_SIZE:
                ratio = f" ({r.bytes / r.fp32_bytes:.2f}×)" if r.fp32_bytes and r.bytes else ""
                return size_text(r.bytes) + ratio
            if col == self.COL_TIME:
                return f"{r.latency_ratio:.2f}×" if isinstance(r.latency_ratio, (int, float)) else "—"
            if col == self.COL_ACCURACY:
                return accuracy_text(r)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(r)
        if role == Qt.ItemDataRole.BackgroundRole and col == self.COL_RESULT:
            if passed and not _judged(r):
                return None
            return PASS_BG if passed else FAIL_BG
        if role == Qt.ItemDataRole.ForegroundRole and col in (self.COL_RESULT, self.COL_ACCURACY):
            if col == self.COL_RESULT:
                return PASS_FG if passed else FAIL_FG
            return None if passed else FAIL_FG
        if role == Qt.ItemDataRole.FontRole and col == self.COL_RESULT:
            return _bold()
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (self.COL_SIZE, self.COL_TIME):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _tooltip(self, r: VariantResult) -> str:
        lines = [f"{r.variant}: {variant_what(str(r.variant))}"]
        if not r.passed:
            lines.append(self.tr("Failed: %1").replace("%1", why_text(r)))
        figures = [f for f in r.figures or [] if isinstance(f, dict)]
        if figures:
            lines.append(", ".join(figure_text(f) if f.get("budget") is not None
                                   else f"{figure_name(str(f.get('figure')))} {_value(f.get('value'))}"
                                   for f in figures))
        if r.files:
            lines.append(", ".join(str(name) for name in r.files.values()))
        if r.note:
            lines.append(str(r.note))
        return "\n".join(lines)

    def retranslate(self) -> None:
        self.retranslate_header()
        if self.results:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self.results) - 1, self.COLUMNS - 1))


def _value(value: Any) -> str:
    return f"{value:.4g}" if isinstance(value, (int, float)) and not isinstance(value, bool) else "—"


def kept_sentence(results: list[VariantResult]) -> str:
    """The Results tab's line on a run kept aside because of its variants ("" when none failed)."""
    failed = [r for r in results if not r.passed]
    if not failed:
        return ""
    text = QCoreApplication.translate("Results", "Not published because these variants are outside their accuracy "
                                                 "budget: %1")
    return text.replace("%1", kept_reason(results))


def _judged(result: Any) -> bool:
    """Whether any figure of the result was held against a budget."""
    return any(isinstance(f, dict) and f.get("budget") is not None for f in (result.figures or []))
