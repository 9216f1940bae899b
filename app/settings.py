"""The one typed wrapper around QSettings: recent models, output folder, export options, language, history.

Every value the app keeps between sessions goes through :class:`Settings`; nothing else touches QSettings.
``OES_SETTINGS_FILE`` (or the ``path`` argument) points it at an INI file: tests and screenshots use that to stay
away from the user's real settings.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings, QStandardPaths

from . import APP_NAME, ORG_NAME

SETTINGS_FILE_ENV = "OES_SETTINGS_FILE"
MAX_RECENT = 10
MAX_HISTORY = 50
LANGUAGES = ("system", "en", "zh_TW")
DEFAULT_DOWNLOAD_WARNING_GB = 2.0

#: Options the user may set in the options panel and that we keep between sessions (ExportOptions fields).
PERSISTED_OPTIONS = (
    "float_dtype", "int_dtype", "opset", "atol", "shapes", "validation_shapes", "dynamo", "validate", "overwrite",
    "variants", "layout", "optimize",
)


class Settings:
    def __init__(self, path: str | os.PathLike | None = None) -> None:
        path = path or os.environ.get(SETTINGS_FILE_ENV)
        if path:
            self._qs = QSettings(str(path), QSettings.Format.IniFormat)
        else:
            self._qs = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORG_NAME, APP_NAME)

    # -- plumbing -------------------------------------------------------------------------------------------------
    def _get_json(self, key: str, default: Any) -> Any:
        raw = self._qs.value(key, None)
        if raw in (None, ""):
            return default
        try:
            value = json.loads(str(raw))
        except (TypeError, ValueError):
            return default
        return value if isinstance(value, type(default)) else default

    def _set_json(self, key: str, value: Any) -> None:
        self._qs.setValue(key, json.dumps(value, ensure_ascii=False))

    def sync(self) -> None:
        self._qs.sync()

    def file_name(self) -> str:
        return self._qs.fileName()

    # -- recent models --------------------------------------------------------------------------------------------
    @property
    def recent_models(self) -> list[str]:
        return [m for m in self._get_json("sources/recent", []) if isinstance(m, str)]

    def add_recent_model(self, model: str) -> None:
        items = [m for m in self.recent_models if m != model]
        self._set_json("sources/recent", [model, *items][:MAX_RECENT])

    def clear_recent_models(self) -> None:
        self._set_json("sources/recent", [])

    # -- output folder --------------------------------------------------------------------------------------------
    @property
    def output_folder(self) -> str:
        value = str(self._qs.value("export/output_folder", "") or "")
        if value:
            return value
        docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation) or str(Path.home())
        return str(Path(docs) / "ONNX exports")

    @output_folder.setter
    def output_folder(self, value: str) -> None:
        self._qs.setValue("export/output_folder", str(value))

    # -- export options -------------------------------------------------------------------------------------------
    @property
    def options(self) -> dict[str, Any]:
        data = self._get_json("export/options", {})
        return {k: v for k, v in data.items() if k in PERSISTED_OPTIONS}

    @options.setter
    def options(self, value: dict[str, Any]) -> None:
        self._set_json("export/options", {k: v for k, v in value.items() if k in PERSISTED_OPTIONS})

    # -- language -------------------------------------------------------------------------------------------------
    @property
    def language(self) -> str:
        value = str(self._qs.value("ui/language", "system") or "system")
        return value if value in LANGUAGES else "system"

    @language.setter
    def language(self, value: str) -> None:
        if value not in LANGUAGES:
            raise ValueError(f"unknown language {value!r}")
        self._qs.setValue("ui/language", value)

    # -- hub ------------------------------------------------------------------------------------------------------
    @property
    def offline(self) -> bool:
        return self._flag("hub/offline", False)

    @offline.setter
    def offline(self, value: bool) -> None:
        self._set_flag("hub/offline", value)

    # -- export engine --------------------------------------------------------------------------------------------
    @property
    def warm_engine(self) -> bool:
        """Keep ``exportcore serve`` running while the app is open (faster exports, ≈ 400 MB of memory)."""
        return self._flag("export/warm_engine", True)

    @warm_engine.setter
    def warm_engine(self, value: bool) -> None:
        self._set_flag("export/warm_engine", value)

    # -- downloads ------------------------------------------------------------------------------------------------
    @property
    def download_warning_gb(self) -> float:
        """Ask before a download larger than this (GB, decimal as the Hub counts); 0 asks before every download."""
        try:
            value = float(self._qs.value("hub/download_warning_gb", DEFAULT_DOWNLOAD_WARNING_GB))
        except (TypeError, ValueError):
            return DEFAULT_DOWNLOAD_WARNING_GB
        return value if value >= 0 else DEFAULT_DOWNLOAD_WARNING_GB

    @download_warning_gb.setter
    def download_warning_gb(self, value: float) -> None:
        if not value >= 0:
            raise ValueError(f"download warning threshold {value!r}")
        self._qs.setValue("hub/download_warning_gb", float(value))

    @property
    def download_warning_bytes(self) -> int:
        return int(self.download_warning_gb * 1e9)

    def _flag(self, key: str, default: bool) -> bool:
        # QSettings hands back what the backend stored: a bool, or a string from an ini file
        return str(self._qs.value(key, "true" if default else "false")).lower() in ("1", "true", "yes")

    def _set_flag(self, key: str, value: bool) -> None:
        self._qs.setValue(key, "true" if value else "false")

    # -- window ---------------------------------------------------------------------------------------------------
    @property
    def window_geometry(self) -> QByteArray | None:
        value = self._qs.value("ui/geometry", None)
        return value if isinstance(value, QByteArray) else None

    @window_geometry.setter
    def window_geometry(self, value: QByteArray) -> None:
        self._qs.setValue("ui/geometry", value)

    @property
    def splitter_state(self) -> QByteArray | None:
        value = self._qs.value("ui/splitter", None)
        return value if isinstance(value, QByteArray) else None

    @splitter_state.setter
    def splitter_state(self, value: QByteArray) -> None:
        self._qs.setValue("ui/splitter", value)

    # -- run history ----------------------------------------------------------------------------------------------
    @property
    def history(self) -> list[dict[str, Any]]:
        return [h for h in self._get_json("runs/history", []) if isinstance(h, dict)]

    def add_history(self, entry: dict[str, Any]) -> None:
        self._set_json("runs/history", [entry, *self.history][:MAX_HISTORY])

    def clear_history(self) -> None:
        self._set_json("runs/history", [])
