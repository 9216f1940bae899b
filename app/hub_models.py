"""Qt item models for the Hub browser and the cache browser.

Each adapts an :mod:`exportcore.hub` dataclass list to a ``QAbstractTableModel``; no logic beyond
formatting. ``Qt.UserRole`` returns the raw value of a cell (for sorting proxies and tests),
``ROLE_ITEM`` the whole dataclass of the row.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any, Callable, Sequence

from PySide6.QtCore import QCoreApplication, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from exportcore.hub import CachedModel, ModelSummary, RepoFileInfo, format_size

from .qt_util import ListTableModel

__all__ = ["ROLE_ITEM", "SearchResultsModel", "RepoFilesModel", "CachedModelsModel", "compact_number",
           "relative_time", "ExportableFn", "exportable_badge"]

#: Role that returns the row's dataclass.
ROLE_ITEM = Qt.ItemDataRole.UserRole + 1

# the registry's verdict: True, False, None (type unknown) or "generic" (exportable through a derived configuration)
GENERIC = "generic"
ExportableFn = Callable[[str | None, str | None], "bool | str | None"]

_Index = QModelIndex | QPersistentModelIndex
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
_CENTER = int(Qt.AlignmentFlag.AlignCenter)
_GOOD = QColor("#1b7f3b")
_BAD = QColor("#b3261e")
_MUTED = QColor("#6b6b6b")


def compact_number(value: int | None) -> str:
    """12 -> "12", 12_345 -> "12.3k", 4_500_000 -> "4.5M"; None -> "–"."""
    if value is None:
        return "–"
    for limit, suffix in ((1_000_000_000, "B"), (1_000_000, "M"), (1_000, "k")):
        if abs(value) >= limit:
            text = f"{value / limit:.1f}".rstrip("0").rstrip(".")
            return f"{text}{suffix}"
    return str(value)


def _age(moment: datetime | float | None, now: datetime | None = None) -> tuple[str, int] | None:
    """(unit, count) of how long ago ``moment`` was; unit in year/month/day/hour/minute/now."""
    if moment is None:
        return None
    if isinstance(moment, (int, float)):
        moment = datetime.fromtimestamp(moment, tz=timezone.utc)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    now = now or datetime.now(timezone.utc)
    seconds = max(0, int((now - moment).total_seconds()))
    for unit, size in (("year", 365 * 86400), ("month", 30 * 86400), ("day", 86400), ("hour", 3600),
                       ("minute", 60)):
        if seconds >= size:
            return unit, seconds // size
    return "now", 0


def relative_time(moment: datetime | float | None, now: datetime | None = None) -> str:
    """"3 days ago"-style English text (the models use their own tr() wording)."""
    age = _age(moment, now)
    if age is None:
        return "–"
    unit, n = age
    if unit == "now":
        return "just now"
    return f"{n} {unit}{'s' if n != 1 else ''} ago"


def _iso(moment: datetime | float | None) -> str:
    if moment is None:
        return ""
    if isinstance(moment, (int, float)):
        moment = datetime.fromtimestamp(moment, tz=timezone.utc)
    return moment.strftime("%Y-%m-%d %H:%M")


class _TableModel(ListTableModel):
    """Shared plumbing of the Hub tables: a list of rows, selectable, no children."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Any] = []

    def row_items(self) -> list[Any]:
        return self._rows

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def item(self, row: int) -> Any:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def items(self) -> list[Any]:
        return list(self._rows)

    def set_items(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def append_items(self, rows: Sequence[Any]) -> None:
        rows = list(rows)
        if not rows:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        self._rows.extend(rows)
        self.endInsertRows()

    def clear(self) -> None:
        self.set_items([])

    def retranslate(self) -> None:
        """Headers and the worded cells (badges, "3 days ago", yes/skipped) in the current language."""
        self.retranslate_header()
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, self.columnCount() - 1))

    def _relative(self, moment: datetime | float | None) -> str:
        # literal strings so that lupdate finds them; English and zh-TW need no numerus forms
        age = _age(moment)
        if age is None:
            return "–"
        unit, n = age
        one = n == 1
        if unit == "year":
            return self.tr("1 year ago") if one else self.tr("{0} years ago").format(n)
        if unit == "month":
            return self.tr("1 month ago") if one else self.tr("{0} months ago").format(n)
        if unit == "day":
            return self.tr("1 day ago") if one else self.tr("{0} days ago").format(n)
        if unit == "hour":
            return self.tr("1 hour ago") if one else self.tr("{0} hours ago").format(n)
        if unit == "minute":
            return self.tr("1 minute ago") if one else self.tr("{0} minutes ago").format(n)
        return self.tr("just now")

    def _valid(self, index: _Index) -> bool:
        return (index.isValid() and not index.parent().isValid() and 0 <= index.row() < len(self._rows)
                and 0 <= index.column() < self.columnCount())


def exportable_badge(verdict: bool | str | None, long: bool = False) -> str:
    """The Exportable column's words for the registry's verdict (also in the Hub pane's details, ``long``: a derived
    configuration with what that means)."""
    translate = QCoreApplication.translate
    if verdict == GENERIC:
        return (translate("SearchResultsModel", "✓ generic — derived, validated on export") if long
                else translate("SearchResultsModel", "✓ generic"))
    if verdict is True:
        return translate("SearchResultsModel", "✓ yes")
    if verdict is False:
        return translate("SearchResultsModel", "✗ no")
    return translate("SearchResultsModel", "? unknown")


class SearchResultsModel(_TableModel):
    """Search results: id, task, downloads, likes, updated, exportable badge."""

    COL_ID, COL_TASK, COL_DOWNLOADS, COL_LIKES, COL_UPDATED, COL_EXPORTABLE = range(6)

    def __init__(self, is_exportable: ExportableFn | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self._is_exportable = is_exportable
        #: the registry's verdict per (model type, pipeline tag), asked when a row is first shown
        self._verdicts: dict[tuple[str | None, str | None], bool | str | None] = {}

    def headers(self) -> list[str]:
        return [self.tr("Model"), self.tr("Task"), self.tr("Downloads"), self.tr("Likes"), self.tr("Updated"),
                self.tr("Exportable")]

    def _verdict(self, model: ModelSummary) -> bool | str | None:
        if self._is_exportable is None:
            return None
        try:
            value = self._is_exportable(model.model_type, model.pipeline_tag)
        except Exception:  # noqa: BLE001 - the registry's judgement is advisory
            return None
        return None if value is None else GENERIC if value == GENERIC else bool(value)

    def set_is_exportable(self, fn: ExportableFn | None) -> None:
        self._is_exportable = fn
        self._verdicts.clear()
        if self._rows:
            top = self.index(0, self.COL_EXPORTABLE)
            bottom = self.index(len(self._rows) - 1, self.COL_EXPORTABLE)
            self.dataChanged.emit(top, bottom)

    def exportable(self, row: int) -> bool | str | None:
        model = self.item(row)
        if model is None:
            return None
        key = (model.model_type, model.pipeline_tag)
        if key not in self._verdicts:
            self._verdicts[key] = self._verdict(model)
        return self._verdicts[key]

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not self._valid(index):
            return None
        model: ModelSummary = self._rows[index.row()]
        col = index.column()
        verdict = self.exportable(index.row())
        if role == ROLE_ITEM:
            return model
        if role == Qt.ItemDataRole.DisplayRole:
            if col == self.COL_ID:
                return model.id
            if col == self.COL_TASK:
                return model.pipeline_tag or "–"
            if col == self.COL_DOWNLOADS:
                return compact_number(model.downloads)
            if col == self.COL_LIKES:
                return compact_number(model.likes)
            if col == self.COL_UPDATED:
                return self._relative(model.last_modified)
            if col == self.COL_EXPORTABLE:
                return exportable_badge(verdict)
        if role == Qt.ItemDataRole.UserRole:
            return [model.id, model.pipeline_tag, model.downloads, model.likes,
                    model.last_modified.timestamp() if model.last_modified else None,
                    {True: 1, GENERIC: 1, None: 0, False: -1}[verdict]][col]
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == self.COL_ID:
                parts = [model.id]
                if model.model_type:
                    parts.append(self.tr("model type: {0}").format(model.model_type))
                if model.gated:
                    parts.append(self.tr("gated: accept the terms on the Hub first"))
                if model.local_path:
                    parts.append(self.tr("in the local cache: {0}").format(model.local_path))
                return "\n".join(parts)
            if col == self.COL_TASK and model.pipeline_tag:
                return model.pipeline_tag
            if col == self.COL_DOWNLOADS and model.downloads is not None:
                return f"{model.downloads:,}"
            if col == self.COL_LIKES and model.likes is not None:
                return f"{model.likes:,}"
            if col == self.COL_UPDATED and model.last_modified is not None:
                return _iso(model.last_modified)
            if col == self.COL_EXPORTABLE:
                kind = model.model_type or self.tr("unknown model type")
                text = self.tr("{0} · {1}").format(kind, model.pipeline_tag or self.tr("no task tag"))
                return text + "\n" + exportable_badge(verdict, long=True) if verdict == GENERIC else text
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if col in (self.COL_DOWNLOADS, self.COL_LIKES):
                return _RIGHT
            if col == self.COL_EXPORTABLE:
                return _CENTER
            return _LEFT
        if role == Qt.ItemDataRole.ForegroundRole and col == self.COL_EXPORTABLE:
            return QBrush(_GOOD if verdict in (True, GENERIC) else _BAD if verdict is False else _MUTED)
        if role == Qt.ItemDataRole.FontRole and col == self.COL_ID and model.gated:
            font = QFont()
            font.setItalic(True)
            return font
        return None



class RepoFilesModel(_TableModel):
    """Files of one repository: path, size, whether the Download button fetches it."""

    COL_PATH, COL_SIZE, COL_INCLUDED = range(3)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._included: set[str] = set()

    def headers(self) -> list[str]:
        return [self.tr("File"), self.tr("Size"), self.tr("In download")]

    def set_files(self, files: Sequence[RepoFileInfo], included: Sequence[str] | None = None) -> None:
        self.beginResetModel()
        self._rows = list(files)
        self._included = set(included) if included is not None else {f.path for f in files}
        self.endResetModel()

    def set_items(self, rows: Sequence[Any]) -> None:
        self.set_files(rows)

    def included(self, path: str) -> bool:
        return path in self._included

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not self._valid(index):
            return None
        entry: RepoFileInfo = self._rows[index.row()]
        col = index.column()
        included = entry.path in self._included
        if role == ROLE_ITEM:
            return entry
        if role == Qt.ItemDataRole.DisplayRole:
            if col == self.COL_PATH:
                return entry.path
            if col == self.COL_SIZE:
                return format_size(entry.size)
            if col == self.COL_INCLUDED:
                return self.tr("yes") if included else self.tr("skipped")
        if role == Qt.ItemDataRole.UserRole:
            return [entry.path, entry.size, included][col]
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == self.COL_SIZE and entry.size is not None:
                return self.tr("{0} bytes").format(f"{entry.size:,}")
            if col == self.COL_INCLUDED and not included:
                return self.tr("Not needed for an ONNX export (another weight format, or not a model file).")
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if col == self.COL_SIZE else _LEFT
        if role == Qt.ItemDataRole.ForegroundRole and not included:
            return QBrush(_MUTED)
        return None


class CachedModelsModel(_TableModel):
    """Models in the local cache: id, model type, size, files, revisions, modified, status."""

    COL_ID, COL_TYPE, COL_SIZE, COL_FILES, COL_REVISIONS, COL_MODIFIED, COL_STATUS = range(7)

    def headers(self) -> list[str]:
        return [self.tr("Model"), self.tr("Type"), self.tr("Size"), self.tr("Files"), self.tr("Revisions"),
                self.tr("Modified"), self.tr("Status")]

    def status(self, model: CachedModel) -> str:
        if model.has_config and model.has_weights:
            return self.tr("complete")
        if model.has_config:
            return self.tr("config only")
        return self.tr("no config.json")

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not self._valid(index):
            return None
        model: CachedModel = self._rows[index.row()]
        col = index.column()
        if role == ROLE_ITEM:
            return model
        if role == Qt.ItemDataRole.DisplayRole:
            return [model.repo_id, model.model_type or "–", format_size(model.size_on_disk), str(model.nb_files),
                    str(len(model.revisions)), self._relative(model.last_modified), self.status(model)][col]
        if role == Qt.ItemDataRole.UserRole:
            return [model.repo_id, model.model_type or "", model.size_on_disk, model.nb_files, len(model.revisions),
                    model.last_modified, int(model.has_config) + int(model.has_weights)][col]
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == self.COL_ID:
                return model.snapshot_path or model.repo_path
            if col == self.COL_SIZE:
                return self.tr("{0} bytes").format(f"{model.size_on_disk:,}")
            if col == self.COL_MODIFIED:
                return _iso(model.last_modified)
            if col == self.COL_REVISIONS:
                return "\n".join(f"{r.commit_hash[:10]}  {', '.join(r.refs)}" for r in model.revisions)
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return _RIGHT if col in (self.COL_SIZE, self.COL_FILES, self.COL_REVISIONS) else _LEFT
        if role == Qt.ItemDataRole.ForegroundRole and col == self.COL_STATUS:
            if model.has_config and model.has_weights:
                return QBrush(_GOOD)
            return QBrush(_MUTED)
        return None
