"""How the Hub panes reach the Hub (offline or not, timeout, cache folder, token) and how they word what it said."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QCoreApplication

from exportcore import hub
from exportcore.errors import ExportError

from .errors import describe


@dataclass
class HubAccess:
    """Shared by the search, details and download panes of one Hub browser; ``offline`` follows its Offline switch
    (nothing is sent to the Hub while it is on)."""

    offline: bool
    timeout: float | None = hub.DEFAULT_TIMEOUT
    cache_dir: str | None = None
    token: str | None = None

    def kwargs(self) -> dict[str, Any]:
        """The keywords every ``exportcore.hub`` request of the panes takes."""
        return {"offline": self.offline, "timeout": self.timeout, "cache_dir": self.cache_dir, "token": self.token}

    def cache_folder(self) -> str:
        return self.cache_dir or str(hub.default_cache_dir())


def describe_error(exc: BaseException) -> tuple[str, str, str]:
    """(code, sentence, next step) for an error, in the words of :mod:`app.errors` for its code (so every core code,
    e.g. ``hub_access_denied`` or ``hub_unavailable``, is worded as what it is), except where this pane has a
    better next step (its Offline switch, its paste box, its own download)."""
    if not isinstance(exc, ExportError):
        exc = hub.map_error(exc, "?")
    p = {k: ("" if v is None else v) for k, v in exc.params.items()}
    translate = QCoreApplication.translate
    code = exc.code
    if code == "hub_unreachable":
        return (code, translate("HubBrowser", "Could not reach the Hugging Face Hub: {0}.").format(p.get("reason", "")),
                translate("HubBrowser", "Check your connection and try again, or turn on Offline to browse the "
                                        "models already in the local cache."))
    if code == "not_in_cache":
        return (code, translate("HubBrowser", "“{0}” is not in the local cache, and Offline is on.").format(
                    p.get("model", "")),
                translate("HubBrowser", "Turn Offline off to fetch it from the Hub."))
    if code == "not_a_model":
        return (code, translate("HubBrowser", "“{0}” is not a Hub model link or id.").format(p.get("path", "")),
                translate("HubBrowser", "Paste a link such as https://huggingface.co/org/name, or an id such as "
                                        "org/name."))
    if code == "cancelled":
        return (code, translate("HubBrowser", "The download was cancelled."),
                translate("HubBrowser", "Partial files were removed; start it again when ready."))
    words = describe(code, exc.params, exc.message, exc.next_step)
    return code, words.sentence, words.next_step


def error_text(exc: BaseException) -> str:
    """What went wrong and what to do, in one line of the current language."""
    _code, sentence, step = describe_error(exc)
    return f"{sentence} {step}"
