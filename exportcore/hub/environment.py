"""The Hub in force now: endpoint, offline switch, cache folder and token, read from the environment at call time,
so that it does not matter when huggingface_hub was first imported."""

from __future__ import annotations

import os
from pathlib import Path

#: Seconds to wait for the Hub to answer one request.
DEFAULT_TIMEOUT = 10.0

_TRUE = {"1", "on", "yes", "true"}


def endpoint() -> str:
    """The Hub URL in force now (``HF_ENDPOINT`` read at call time)."""
    value = os.environ.get("HF_ENDPOINT")
    if value:
        return value.rstrip("/")
    from huggingface_hub import constants

    return constants.ENDPOINT.rstrip("/")


def _env_offline() -> bool:
    for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
        if os.environ.get(name, "").strip().lower() in _TRUE:
            return True
    return False


def is_offline(offline: bool | None = None) -> bool:
    """True when nothing may be sent: the per-call flag, or ``HF_HUB_OFFLINE`` now or at import."""
    if offline:
        return True
    if _env_offline():
        return True
    from huggingface_hub import constants

    return bool(constants.HF_HUB_OFFLINE)


def default_cache_dir() -> Path:
    """The hub cache folder in force now (``HF_HUB_CACHE``, else ``HF_HOME/hub``, else the default)."""
    value = os.environ.get("HF_HUB_CACHE") or os.environ.get("HUGGINGFACE_HUB_CACHE")
    if value:
        return Path(os.path.expandvars(value)).expanduser()
    home = os.environ.get("HF_HOME")
    if home:
        return Path(os.path.expandvars(home)).expanduser() / "hub"
    from huggingface_hub import constants

    return Path(constants.HF_HUB_CACHE)


def cache_folder(cache_dir: str | os.PathLike | None) -> Path:
    return Path(cache_dir).expanduser() if cache_dir is not None else default_cache_dir()


def has_token(token: str | bool | None = None) -> bool:
    """Whether a token will be sent (explicit, ``HF_TOKEN`` or the saved login)."""
    if isinstance(token, str):
        return bool(token)
    if token is False:
        return False
    from huggingface_hub import get_token

    try:
        return bool(get_token())
    except Exception:  # noqa: BLE001 - a broken token store means "no token"
        return False
