"""The pre-flight of an export, known before it runs: supported or not (and why), what is still to download, the
free disk in the model cache and beside the output folder, the estimated peak memory against the memory available.

:class:`PreflightFacts` reads the inspect helper's ``{"preflight": {...}}`` answer (``exportcore.preflight.Preflight
.to_dict()``) and decides what the app asks before exporting; :class:`app.preflight_panel.PreflightPanel` shows the
figures in the inspector. No widgets here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QCoreApplication

from .errors import FriendlyError, from_error_dict


@dataclass(frozen=True)
class PreflightFacts:
    data: dict[str, Any]
    refusals: list[dict] = field(default_factory=list)

    @classmethod
    def from_reply(cls, data: dict[str, Any]) -> "PreflightFacts":
        refusals = [r for r in data.get("refusals") or [] if isinstance(r, dict) and r.get("code")]
        return cls(dict(data), refusals)

    def get(self, key: str) -> Any:
        return self.data.get(key)

    @property
    def supported(self) -> bool:
        return bool(self.data.get("supported", True))

    @property
    def unsupported(self) -> FriendlyError | None:
        error = self.data.get("unsupported")
        return from_error_dict(error) if isinstance(error, dict) else None

    @property
    def download_bytes(self) -> int:
        value = self.data.get("download_bytes")
        return int(value) if isinstance(value, (int, float)) else 0

    @property
    def fits(self) -> bool:
        return not self.refusals

    def asks_before_download(self, threshold_bytes: int | None) -> bool:
        """A download over the threshold (Settings: File ▸ Ask before downloads over … GB) is asked for first."""
        return threshold_bytes is not None and self.download_bytes > threshold_bytes

    def refusal_errors(self) -> list[FriendlyError]:
        return [from_error_dict(r) for r in self.refusals]


def task_source_text(source: str | None) -> str:
    """Where the task came from, in words (the plan's and the pre-flight's ``task_source``)."""
    if source == "option":
        return QCoreApplication.translate("Preflight", "chosen in the options")
    if source == "architectures":
        return QCoreApplication.translate("Preflight", "from config.json's architectures")
    if source == "pipeline_tag":
        return QCoreApplication.translate("Preflight", "from the Hub's pipeline tag")
    if source == "default":
        return QCoreApplication.translate("Preflight", "the model type's default")
    return ""
