"""huggingface_hub's and httpx's exceptions -> ``ExportError`` codes (the table in :mod:`exportcore.hub`)."""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

from ..errors import FULL_DISK_ERRNOS, ExportError, causes, disk_full, first_line, full_disk_in_words
from ..machine import free_bytes

_CANCEL_STAGE = "download"


class Cancelled(Exception):
    """Raised inside a download to stop it; turned into ExportError('cancelled')."""


class UnsafeAnswer(Exception):
    """Raised by the download guard when the Hub's answer would make huggingface_hub write outside the cache."""


def cancelled_error(model: str) -> ExportError:
    return ExportError("cancelled", model=model, stage=_CANCEL_STAGE)


def _status(exc: BaseException) -> int | None:
    response = getattr(exc, "response", None)
    return getattr(response, "status_code", None)


def _header(exc: BaseException, name: str) -> str | None:
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    return headers.get(name) if headers is not None else None


def _error_code(exc: BaseException) -> str | None:
    return _header(exc, "X-Error-Code")


def _sent_token(exc: BaseException) -> bool:
    """Whether the request that failed carried a token (what was sent, not what the environment holds)."""
    response = getattr(exc, "response", None)
    try:
        request = response.request if response is not None else None
    except RuntimeError:  # httpx: a response built without a request
        return False
    headers = getattr(request, "headers", None)
    return bool(headers is not None and headers.get("authorization"))


def _server_says(exc: BaseException) -> str:
    message = _header(exc, "X-Error-Message")
    return f": {message.strip()[:160]}" if message and message.strip() else ""


_NOT_WRITABLE = (errno.EACCES, errno.EPERM, errno.EROFS)


def _storage_error(exc: BaseException, cache: Path | None, needed_bytes: int | None) -> ExportError | None:
    """``disk_full`` / ``cache_not_writable`` for a failure to store a download, naming the cache folder."""
    chain = causes(exc)
    for error in chain:
        if not isinstance(error, OSError) or isinstance(error, ConnectionError):
            continue
        written = os.fsdecode(error.filename) if getattr(error, "filename", None) else None
        place = cache if cache is not None else (Path(written).parent if written else None)
        if error.errno in FULL_DISK_ERRNOS:
            return disk_full(place or "?", needed_bytes=needed_bytes, free_bytes=free_bytes(place) if place else None,
                             quota=FULL_DISK_ERRNOS[error.errno], writing=Path(written).name if written else "")
        if written is not None or error.errno in _NOT_WRITABLE:
            return ExportError("cache_not_writable", path=str(place or written or "?"),
                               reason=error.strerror or _first_line(error))
    quota = full_disk_in_words(chain)  # hf_xet reports a full disk from Rust
    if quota is not None:
        return disk_full(cache or "?", needed_bytes=needed_bytes, free_bytes=free_bytes(cache) if cache else None,
                         quota=quota)
    return None


def map_error(exc: BaseException, model: str, *, filename: str | None = None, offline: bool = False,
              timeout: float | None = None, cache_dir: str | os.PathLike | None = None,
              needed_bytes: int | None = None) -> ExportError:
    """Translate an exception raised by huggingface_hub / httpx into an :class:`ExportError`.

    ``cache_dir``: the cache a download was storing into, named by ``disk_full`` / ``cache_not_writable``;
    ``needed_bytes``: what that download still had to store.
    """
    import httpx2
    from huggingface_hub import errors as hf_errors

    if isinstance(exc, ExportError):
        return exc
    if isinstance(exc, Cancelled):
        return cancelled_error(model)
    if isinstance(exc, UnsafeAnswer):
        return ExportError("hub_unsafe_path", model=model, reason=str(exc))
    if isinstance(exc, hf_errors.OfflineModeIsEnabled):
        return ExportError("not_in_cache", model=model)
    if isinstance(exc, hf_errors.DisabledRepoError):
        return ExportError("hub_disabled", model=model)
    status = _status(exc) if isinstance(exc, hf_errors.HfHubHTTPError) else None
    if status == 401 and _sent_token(exc):
        # A valid token gets 403 (gated) or 404 (private, missing); 401 means the Hub did not take the token at all.
        return ExportError("hub_token_invalid", model=model)
    if isinstance(exc, hf_errors.GatedRepoError):
        return ExportError("hub_access_denied" if _sent_token(exc) else "hub_gated", model=model)
    if isinstance(exc, hf_errors.RevisionNotFoundError):
        return ExportError("hub_not_found", model=model, reason="revision not found")
    if isinstance(exc, hf_errors.RepositoryNotFoundError):
        if status in (401, 403) and not _error_code(exc) == "RepoNotFound":
            return ExportError("hub_access_denied" if _sent_token(exc) else "hub_gated", model=model)
        return ExportError("hub_not_found", model=model)
    if isinstance(exc, hf_errors.RemoteEntryNotFoundError):
        return ExportError("hub_file_not_found", model=model, file=filename or "?")
    if isinstance(exc, hf_errors.LocalEntryNotFoundError):
        cause = exc.__cause__ or exc.__context__
        if offline or cause is None or isinstance(cause, hf_errors.OfflineModeIsEnabled):
            return ExportError("not_in_cache", model=model)
        return map_error(cause, model, filename=filename, offline=offline, timeout=timeout, cache_dir=cache_dir,
                         needed_bytes=needed_bytes)
    if isinstance(exc, hf_errors.HfHubHTTPError):
        if status in (401, 403):
            return ExportError("hub_access_denied" if _sent_token(exc) else "hub_gated", model=model)
        if status == 404:
            return ExportError("hub_not_found", model=model)
        if status is not None and (status >= 500 or status == 429):
            return ExportError("hub_unavailable", model=model,
                               reason=f"the server answered HTTP {status}{_server_says(exc)}")
        return ExportError("hub_unreachable", model=model, reason=f"HTTP {status}: {_first_line(exc)}")
    if isinstance(exc, httpx2.TimeoutException):
        after = f" after {timeout:g} s" if timeout else ""
        return ExportError("hub_unreachable", model=model, reason=f"no answer{after} (timed out)")
    if isinstance(exc, (httpx2.TransportError, ConnectionError)):
        return ExportError("hub_unreachable", model=model, reason=f"connection failed ({_first_line(exc)})")
    if isinstance(exc, httpx2.HTTPError):
        return ExportError("hub_unreachable", model=model, reason=_first_line(exc))
    stored = _storage_error(exc, Path(cache_dir) if cache_dir is not None else None, needed_bytes)
    if stored is not None:
        return stored
    if isinstance(exc, (json.JSONDecodeError, ValueError, KeyError, TypeError, AttributeError)):
        return ExportError("hub_unreachable", model=model, reason="the server sent a malformed answer")
    if isinstance(exc, OSError):
        return ExportError("hub_unreachable", model=model, reason=_first_line(exc))
    return ExportError("internal_error", reason=f"{type(exc).__name__}: {_first_line(exc)}")


def _first_line(exc: BaseException) -> str:
    return first_line(exc, 200)
