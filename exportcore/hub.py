"""A thin wrapper over ``huggingface_hub``: search, model details, files, downloads, cache scan.

Light module: no Qt, no torch, no transformers (the GUI process imports it). Every failure leaves
this module as an :class:`~exportcore.errors.ExportError` with a stable code:

==========================  ================================================================
``hub_unreachable``          no answer: timeouts, connection refused or reset, malformed JSON
``hub_unavailable``          the Hub answered but is down or busy: 5xx, 429 (``X-Error-Message`` in the reason)
``hub_not_found``            unknown repository or revision (404, ``RepositoryNotFoundError``)
``hub_gated``                gated or private and no token was sent (401 / 403 / ``GatedRepoError``)
``hub_access_denied``        the same with a token: the token's account has no access (403 ``GatedRepo``)
``hub_token_invalid``        401 although a token was sent (``X-Error-Message``: "Invalid credentials in
                             Authorization header"): the token itself was refused
``hub_disabled``             ``DisabledRepoError`` ("Access to this resource is disabled.")
``hub_file_not_found``       the repository exists but has no such file
``hub_unsafe_path``          the Hub's answer names a file outside the cache repository (an ``ETag`` or
                             ``X-Repo-Commit`` that is not a plain name, a ``../`` file name); nothing is written
``disk_full``                ENOSPC / EDQUOT while storing a download (``path`` is the cache folder)
``cache_not_writable``       any other failure to write the cache folder (permissions, read-only disk)
``not_in_cache``             offline (flag or ``HF_HUB_OFFLINE``) and not in the local cache
``not_a_model``              a pasted text that is neither a Hub URL nor a model id
``cancelled``                a download stopped through its cancel flag (``params['stage'] == 'download'``)
==========================  ================================================================

Design notes (see docs/decisions.md):

* Calls fail fast. ``HfApi.list_models`` has no timeout and retries 5xx five times with back-off
  (~23 s), so search and paging issue their GET through huggingface_hub's own session with an
  explicit timeout and no retries; they still parse with ``huggingface_hub``'s ``ModelInfo`` and
  raise through ``hf_raise_for_status``. ``model_info`` takes a timeout natively.
* The endpoint, the offline switch and the cache folder are read from the environment *at call
  time* (``HF_ENDPOINT``, ``HF_HUB_OFFLINE``, ``HF_HUB_CACHE``/``HF_HOME``) and passed explicitly,
  so it does not matter when huggingface_hub was first imported.
* Offline, nothing is sent: search lists the cached models, details come from the cached
  snapshot, downloads return what the cache holds or raise ``not_in_cache``.
* A snapshot download fetches file by file through ``hf_hub_download`` (same cache layout), with
  one byte counter across files and a cancel check between files and on every received chunk;
  a cancelled file's temporary blob is removed by huggingface_hub. It counts only the bytes not
  yet in the cache, names each file as it starts, and refuses (``disk_full``, path = the cache)
  before the first byte when the cache's disk cannot hold them (``check_space=False`` to try anyway).
* huggingface_hub names a blob (and its lock file) after the ``ETag`` (or ``X-Linked-Etag``) of the
  HEAD answer without checking it: ``ETag: "../../../../tmp/x"`` writes outside the cache. (It does
  keep a snapshot link inside ``snapshots/``, failing with a ValueError that would read as a malformed
  answer.) Every download runs under a guard (:func:`_download_guard`): a response hook on
  huggingface_hub's HTTP client checks the ``ETag`` and ``X-Repo-Commit`` of the very HEAD answers
  huggingface_hub then uses, so a server cannot show a clean answer to a first probe and a hostile
  one to the download. File names from the repository's listing are checked the same way.
"""

from __future__ import annotations

import contextlib
import contextvars
import errno
import json
import os
import re
import shutil
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator, Sequence
from urllib.parse import unquote, urlsplit

from .errors import ExportError, first_line

__all__ = [
    "DEFAULT_TIMEOUT",
    "SORTS",
    "HubRef",
    "ModelSummary",
    "SearchPage",
    "RepoFileInfo",
    "ModelDetails",
    "CachedRevision",
    "CachedModel",
    "CacheScan",
    "endpoint",
    "is_offline",
    "default_cache_dir",
    "has_token",
    "parse_model_ref",
    "search_models",
    "next_page",
    "model_info",
    "list_files",
    "fetch_card",
    "download_file",
    "download_config",
    "select_export_files",
    "snapshot_download",
    "pending_files",
    "free_bytes",
    "TransferMeter",
    "scan_cache",
    "find_cached_snapshot",
    "map_error",
    "format_size",
]

#: Seconds to wait for the Hub to answer one request.
DEFAULT_TIMEOUT = 10.0

#: Our sort names -> the Hub's ``sort`` query value (always descending).
SORTS: dict[str, str] = {
    "downloads": "downloads",
    "likes": "likes",
    "last_modified": "lastModified",
    "trending": "trendingScore",
    "created": "createdAt",
}

#: Fields asked for in a search (``expand``): enough for the results table and the exportable badge.
SEARCH_FIELDS: tuple[str, ...] = (
    "pipeline_tag",
    "library_name",
    "downloads",
    "likes",
    "lastModified",
    "config",
    "gated",
    "private",
    "tags",
)

_HUB_HOSTS = {"huggingface.co", "www.huggingface.co", "hf.co"}
_TRUE = {"1", "on", "yes", "true"}
_CANCEL_STAGE = "download"

ProgressCallback = Callable[[int, int, "str | None"], None]

#: Room a download needs beyond its files' bytes (refs, locks, the snapshot's links).
CACHE_MARGIN = 2**20


# --------------------------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HubRef:
    """A model reference parsed from a pasted URL or id."""

    repo_id: str
    revision: str | None = None
    #: A file inside the repository when the URL pointed at one (``/blob/…`` or ``/resolve/…``).
    path: str | None = None


@dataclass(frozen=True)
class ModelSummary:
    """One search result."""

    id: str
    pipeline_tag: str | None = None
    library_name: str | None = None
    downloads: int | None = None
    likes: int | None = None
    last_modified: datetime | None = None
    model_type: str | None = None
    tags: tuple[str, ...] = ()
    gated: bool | str | None = None
    private: bool | None = None
    #: Folder of the cached snapshot when the result comes from the local cache (offline).
    local_path: str | None = None


@dataclass(frozen=True)
class SearchPage:
    """One page of search results and the cursor to the next one."""

    models: list[ModelSummary]
    next_url: str | None = None
    from_cache: bool = False

    @property
    def has_more(self) -> bool:
        return self.next_url is not None


@dataclass(frozen=True)
class RepoFileInfo:
    path: str
    size: int | None = None
    lfs: bool = False
    #: The name the HF cache stores the file's blob under (its ETag: the LFS sha256, else the git blob id).
    blob: str | None = None


@dataclass(frozen=True)
class ModelDetails:
    """What the details pane shows about one repository."""

    id: str
    sha: str | None = None
    pipeline_tag: str | None = None
    library_name: str | None = None
    downloads: int | None = None
    likes: int | None = None
    last_modified: datetime | None = None
    model_type: str | None = None
    architectures: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    gated: bool | str | None = None
    private: bool | None = None
    files: tuple[RepoFileInfo, ...] = ()
    card_data: dict[str, Any] = field(default_factory=dict)
    from_cache: bool = False
    #: The cached snapshot folder (set when the details were read from the cache).
    local_path: str | None = None
    #: Parameters per dtype of the safetensors weights ("F32": 109482240), as the Hub counts them; {} when unknown.
    parameters: dict[str, int] = field(default_factory=dict)

    @property
    def total_size(self) -> int:
        """Bytes of every file in the repository (files of unknown size count 0)."""
        return sum(f.size or 0 for f in self.files)

    @property
    def export_files(self) -> list[RepoFileInfo]:
        """The files an export needs (see :func:`select_export_files`)."""
        return select_export_files(self.files)

    @property
    def export_size(self) -> int:
        return sum(f.size or 0 for f in self.export_files)


@dataclass(frozen=True)
class CachedRevision:
    commit_hash: str
    refs: tuple[str, ...]
    snapshot_path: str
    size_on_disk: int
    #: (path relative to the snapshot folder, size in bytes)
    files: tuple[tuple[str, int], ...]
    last_modified: float


@dataclass(frozen=True)
class CachedModel:
    repo_id: str
    repo_path: str
    size_on_disk: int
    nb_files: int
    last_modified: float
    revisions: tuple[CachedRevision, ...]
    #: The snapshot to use: the one ``main`` points at, else the most recently modified.
    snapshot_path: str | None
    model_type: str | None = None
    has_config: bool = False
    has_weights: bool = False


@dataclass(frozen=True)
class CacheScan:
    cache_dir: str
    models: list[CachedModel]
    size_on_disk: int
    #: Folders huggingface_hub could not read (one sentence each).
    warnings: list[str]


# --------------------------------------------------------------------------------------------
# Environment
# --------------------------------------------------------------------------------------------


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


def _cache(cache_dir: str | os.PathLike | None) -> Path:
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


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------


class _Cancelled(Exception):
    """Raised inside a download to stop it; turned into ExportError('cancelled')."""


class _UnsafeAnswer(Exception):
    """Raised by the download guard when the Hub's answer would make huggingface_hub write outside the cache."""


def _cancelled(model: str) -> ExportError:
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
    from .errors import FULL_DISK_ERRNOS, causes, disk_full, full_disk_in_words

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
    if isinstance(exc, _Cancelled):
        return _cancelled(model)
    if isinstance(exc, _UnsafeAnswer):
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


# --------------------------------------------------------------------------------------------
# URL / id parsing
# --------------------------------------------------------------------------------------------

_ID_PART = r"[A-Za-z0-9][A-Za-z0-9._\-]{0,95}"
_REPO_ID_RE = re.compile(rf"^(?:{_ID_PART}/)?{_ID_PART}$")
_NON_MODEL_PREFIXES = {"datasets", "spaces", "docs", "blog", "api", "collections", "papers", "organizations",
                       "settings", "models", "tasks", "buckets", "kernels", "join", "login", "pricing"}


def _valid_repo_id(repo_id: str) -> bool:
    if not _REPO_ID_RE.match(repo_id):
        return False
    if "--" in repo_id or ".." in repo_id or repo_id.endswith((".git", ".")):
        return False
    return True


def parse_model_ref(text: str) -> HubRef:
    """Parse a pasted Hub URL or model id.

    Accepts ``org/name``, ``name``, ``org/name@rev``, ``https://huggingface.co/org/name``,
    ``…/tree/<rev>``, ``…/blob/<rev>/<file>``, ``…/resolve/<rev>/<file>``, ``hf.co/org/name`` and
    URLs on the configured ``HF_ENDPOINT``. Raises ``ExportError('not_a_model')`` otherwise.
    """
    raw = (text or "").strip().strip("<>\"'")
    if not raw:
        raise ExportError("not_a_model", path=text)
    candidate = raw
    has_scheme = "://" in candidate
    lowered = candidate.lower()
    host_like = lowered.split("/", 1)[0]
    if not has_scheme and (host_like in _HUB_HOSTS):
        candidate = "https://" + candidate
        has_scheme = True
    if has_scheme:
        parts = urlsplit(candidate)
        host = (parts.hostname or "").lower()
        allowed = set(_HUB_HOSTS)
        ep = urlsplit(endpoint())
        if ep.hostname:
            allowed.add(ep.hostname.lower())
        if parts.scheme not in ("http", "https") or host not in allowed:
            raise ExportError("not_a_model", path=text)
        ep_path = ep.path.rstrip("/") if ep.hostname and host == ep.hostname.lower() else ""
        path = parts.path
        if ep_path and path.startswith(ep_path + "/"):
            path = path[len(ep_path):]
        segments = [unquote(s) for s in path.split("/") if s]
    else:
        rev: str | None = None
        if "@" in candidate:
            candidate, rev = candidate.rsplit("@", 1)
            if not rev:
                raise ExportError("not_a_model", path=text)
        candidate = candidate.strip("/")
        if not _valid_repo_id(candidate):
            raise ExportError("not_a_model", path=text)
        return HubRef(repo_id=candidate, revision=rev)

    if not segments or segments[0] in _NON_MODEL_PREFIXES:
        raise ExportError("not_a_model", path=text)
    # org/name/tree/rev…  or  name/tree/rev… (legacy single-segment ids)
    markers = ("tree", "blob", "resolve", "commit", "commits", "discussions", "settings", "raw", "edit")
    if len(segments) >= 2 and segments[1] not in markers:
        repo_id, rest = f"{segments[0]}/{segments[1]}", segments[2:]
    else:
        repo_id, rest = segments[0], segments[1:]
    if not _valid_repo_id(repo_id):
        raise ExportError("not_a_model", path=text)
    revision = None
    file_path = None
    if len(rest) >= 2 and rest[0] in ("tree", "blob", "resolve", "raw"):
        revision = rest[1]
        if rest[0] in ("blob", "resolve", "raw") and len(rest) > 2:
            file_path = "/".join(rest[2:])
    return HubRef(repo_id=repo_id, revision=revision, path=file_path)


# --------------------------------------------------------------------------------------------
# Conversions
# --------------------------------------------------------------------------------------------


def _model_type(info: Any) -> str | None:
    config = getattr(info, "config", None)
    if isinstance(config, dict):
        value = config.get("model_type")
        if isinstance(value, str) and value:
            return value
    card = getattr(info, "card_data", None)
    if card is not None:
        data = card.to_dict() if hasattr(card, "to_dict") else (card if isinstance(card, dict) else {})
        value = data.get("model_type") if isinstance(data, dict) else None
        if isinstance(value, str) and value:
            return value
    return None


def _summary(info: Any) -> ModelSummary:
    return ModelSummary(
        id=info.id,
        pipeline_tag=info.pipeline_tag,
        library_name=info.library_name,
        downloads=info.downloads,
        likes=info.likes,
        last_modified=info.last_modified,
        model_type=_model_type(info),
        tags=tuple(info.tags or ()),
        gated=info.gated,
        private=info.private,
    )


def _details(info: Any) -> ModelDetails:
    files = []
    for sibling in info.siblings or ():
        size = sibling.size
        if size is None and sibling.lfs is not None:
            size = sibling.lfs.size
        blob = sibling.lfs.sha256 if sibling.lfs is not None else sibling.blob_id
        files.append(RepoFileInfo(path=sibling.rfilename, size=size, lfs=sibling.lfs is not None, blob=blob))
    config = info.config if isinstance(getattr(info, "config", None), dict) else {}
    card = info.card_data
    card_dict = card.to_dict() if hasattr(card, "to_dict") else (card if isinstance(card, dict) else {})
    return ModelDetails(
        id=info.id,
        sha=info.sha,
        pipeline_tag=info.pipeline_tag,
        library_name=info.library_name,
        downloads=info.downloads,
        likes=info.likes,
        last_modified=info.last_modified,
        model_type=_model_type(info),
        architectures=tuple(a for a in (config.get("architectures") or ()) if isinstance(a, str)),
        tags=tuple(info.tags or ()),
        gated=info.gated,
        private=info.private,
        files=tuple(sorted(files, key=lambda f: f.path)),
        card_data=card_dict or {},
        parameters=_parameters(getattr(info, "safetensors", None)),
    )


def _parameters(safetensors: Any) -> dict[str, int]:
    counts = getattr(safetensors, "parameters", None)
    if not isinstance(counts, dict):
        return {}
    return {str(k): int(v) for k, v in counts.items() if isinstance(v, int) and not isinstance(v, bool) and v >= 0}


def _parse_models(payload: Any) -> list[ModelSummary]:
    from huggingface_hub.hf_api import ModelInfo

    if not isinstance(payload, list):
        raise ValueError("search answer is not a list")
    out = []
    for item in payload:
        if not isinstance(item, dict) or "id" not in item:
            raise ValueError("search item without id")
        item = dict(item)
        item.setdefault("siblings", None)
        out.append(_summary(ModelInfo(**item)))
    return out


# --------------------------------------------------------------------------------------------
# Search
# --------------------------------------------------------------------------------------------


def _get(url: str, *, params: Any = None, token: str | bool | None, timeout: float | None) -> Any:
    """One GET through huggingface_hub's session: explicit timeout, no retries, Hub error mapping."""
    from huggingface_hub.utils import build_hf_headers, get_session, hf_raise_for_status

    headers = build_hf_headers(token=token)
    response = get_session().get(url, params=params, headers=headers, timeout=timeout)
    hf_raise_for_status(response)
    return response


def search_models(
    query: str = "",
    *,
    task: str | None = None,
    library: str | None = "transformers",
    sort: str = "downloads",
    limit: int = 20,
    author: str | None = None,
    offline: bool | None = None,
    token: str | bool | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    cache_dir: str | os.PathLike | None = None,
) -> SearchPage:
    """Search Hub models (first page). ``task`` is a pipeline tag; ``sort`` a key of :data:`SORTS`.

    Offline, lists the cached models whose id contains ``query`` instead (``from_cache=True``).
    """
    if sort not in SORTS:
        raise ExportError("invalid_option", reason=f"unknown sort '{sort}' (choose {', '.join(SORTS)})")
    limit = max(1, min(int(limit), 1000))
    if is_offline(offline):
        return _search_cache(query, sort=sort, limit=limit, cache_dir=cache_dir)
    params: list[tuple[str, Any]] = []
    if query.strip():
        params.append(("search", query.strip()))
    if author:
        params.append(("author", author))
    if task:
        params.append(("pipeline_tag", task))
    if library:
        params.append(("filter", library))
    params.append(("sort", SORTS[sort]))
    params.append(("limit", limit))
    params.extend(("expand", f) for f in SEARCH_FIELDS)
    label = f"search: {query.strip()}" if query.strip() else "search"
    return _fetch_page(f"{endpoint()}/api/models", params, label=label, token=token, timeout=timeout)


def next_page(
    page: SearchPage | str,
    *,
    offline: bool | None = None,
    token: str | bool | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
) -> SearchPage:
    """The page after ``page`` (or after a ``next_url``). An empty page when there is none."""
    url = page.next_url if isinstance(page, SearchPage) else page
    if not url:
        return SearchPage(models=[], next_url=None)
    if is_offline(offline):
        raise ExportError("not_in_cache", model="search results")
    return _fetch_page(url, None, label="search", token=token, timeout=timeout)


def _fetch_page(url: str, params: Any, *, label: str, token: str | bool | None, timeout: float | None) -> SearchPage:
    try:
        response = _get(url, params=params, token=token, timeout=timeout)
        models = _parse_models(response.json())
        next_url = response.links.get("next", {}).get("url")
    except Exception as exc:  # noqa: BLE001 - everything leaves as ExportError
        raise map_error(exc, label, timeout=timeout) from exc
    return SearchPage(models=models, next_url=next_url)


def _search_cache(query: str, *, sort: str, limit: int, cache_dir: str | os.PathLike | None) -> SearchPage:
    scan = scan_cache(cache_dir)
    needle = query.strip().lower()
    hits = [m for m in scan.models if needle in m.repo_id.lower()]
    if sort == "last_modified":
        hits.sort(key=lambda m: -m.last_modified)
    else:
        hits.sort(key=lambda m: m.repo_id.lower())
    models = [
        ModelSummary(
            id=m.repo_id,
            last_modified=datetime.fromtimestamp(m.last_modified).astimezone() if m.last_modified else None,
            model_type=m.model_type,
            local_path=m.snapshot_path,
        )
        for m in hits[:limit]
    ]
    return SearchPage(models=models, next_url=None, from_cache=True)


# --------------------------------------------------------------------------------------------
# One model
# --------------------------------------------------------------------------------------------


def _label(repo_id: str, revision: str | None) -> str:
    return f"{repo_id}@{revision}" if revision and revision != "main" else repo_id


def model_info(
    repo_id: str,
    *,
    revision: str | None = None,
    offline: bool | None = None,
    token: str | bool | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    cache_dir: str | os.PathLike | None = None,
) -> ModelDetails:
    """Details of one model: metadata, model_type (from the Hub's ``config``), files with sizes.

    Offline, the details come from the cached snapshot (``from_cache=True``) or ``not_in_cache``.
    """
    if is_offline(offline):
        return _cached_details(repo_id, revision, cache_dir)
    from huggingface_hub import HfApi

    try:
        info = HfApi(endpoint=endpoint()).model_info(
            repo_id, revision=revision, timeout=timeout, files_metadata=True, token=token
        )
        return _details(info)
    except Exception as exc:  # noqa: BLE001
        raise map_error(exc, _label(repo_id, revision), timeout=timeout) from exc


def list_files(
    repo_id: str,
    *,
    revision: str | None = None,
    offline: bool | None = None,
    token: str | bool | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    cache_dir: str | os.PathLike | None = None,
) -> list[RepoFileInfo]:
    """Files of a repository with their sizes in bytes."""
    details = model_info(repo_id, revision=revision, offline=offline, token=token, timeout=timeout,
                         cache_dir=cache_dir)
    return list(details.files)


_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n.*?\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)


def _strip_front_matter(text: str) -> str:
    return _FRONT_MATTER.sub("", text, count=1).lstrip("\r\n")


def fetch_card(
    repo_id: str,
    *,
    revision: str | None = None,
    offline: bool | None = None,
    token: str | bool | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    cache_dir: str | os.PathLike | None = None,
    strip_metadata: bool = True,
) -> str:
    """The model card (README.md) as Markdown; "" when the repository has none.

    Online, the card is read without being stored in the cache (browsing leaves no trace there).
    """
    if is_offline(offline):
        snapshot = find_cached_snapshot(repo_id, revision, cache_dir=cache_dir)
        if snapshot is None:
            raise ExportError("not_in_cache", model=_label(repo_id, revision))
        readme = Path(snapshot) / "README.md"
        text = readme.read_text(encoding="utf-8", errors="replace") if readme.is_file() else ""
    else:
        from huggingface_hub import hf_hub_url
        from huggingface_hub import errors as hf_errors

        url = hf_hub_url(repo_id, "README.md", revision=revision, endpoint=endpoint())
        try:
            response = _get(url, token=token, timeout=timeout)
            text = response.content.decode("utf-8", errors="replace")
        except hf_errors.RemoteEntryNotFoundError:
            text = ""
        except Exception as exc:  # noqa: BLE001
            raise map_error(exc, _label(repo_id, revision), filename="README.md", timeout=timeout) from exc
    return _strip_front_matter(text) if strip_metadata else text


# --------------------------------------------------------------------------------------------
# Downloads
# --------------------------------------------------------------------------------------------


def _cancel_requested(cancel: Any) -> bool:
    if cancel is None:
        return False
    if isinstance(cancel, threading.Event):
        return cancel.is_set()
    if callable(cancel):
        return bool(cancel())
    return bool(getattr(cancel, "is_set", lambda: False)())


class _ByteCounter:
    """Receives chunk counts from huggingface_hub (as its ``tqdm_class``) and reports totals.

    huggingface_hub treats it as a tqdm bar: plain HTTP downloads call ``update(n)`` per chunk,
    Xet downloads also ``update_transfer(n)`` (network bytes; ignored here) and may set ``total``
    or ``n``. Our own state lives in underscore attributes; unknown tqdm methods are no-ops.
    """

    def __init__(self, base: int, grand_total: int, filename: str, progress: ProgressCallback | None,
                 cancel: Any):
        self._base = base
        self._grand_total = grand_total
        self._filename = filename
        self._progress = progress
        self._cancel = cancel
        self.done = 0
        # tqdm-like attributes huggingface_hub may read or write
        self.total: int | None = None
        self.n = 0

    def __enter__(self) -> "_ByteCounter":
        return self

    def __exit__(self, *exc: Any) -> None:
        return None

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return _noop

    def update(self, n: int | float | None = 1) -> None:
        step = int(n or 0)
        self.done += step
        self.n += step
        if self._progress is not None:
            self._progress(self._base + max(self.done, 0), self._grand_total, self._filename)
        if _cancel_requested(self._cancel):
            raise _Cancelled()

    def update_transfer(self, n: int | float | None = 1) -> None:
        if _cancel_requested(self._cancel):
            raise _Cancelled()


def _noop(*args: Any, **kwargs: Any) -> None:
    return None


class _TqdmShim:
    """A class-like callable: ``_TqdmShim(counter)(**kwargs)`` returns the shared counter.

    huggingface_hub calls non-tqdm progress classes as ``cls(**kwargs)``; the ``update_transfer``
    attribute tells its Xet reporter to route network bytes to the same (one) bar.
    """

    def __init__(self, counter: _ByteCounter):
        self.counter = counter

    def __call__(self, *args: Any, **kwargs: Any) -> _ByteCounter:
        return self.counter

    def update_transfer(self, n: int | float | None = 1) -> None:  # marker, see class docstring
        return None


class TransferMeter:
    """Pacing and rate of a download's progress reports.

    ``add(done)`` records the bytes received so far and returns the rate in bytes per second over the last
    ``window`` seconds (None until half a second of data); ``due(done, total, file)`` says whether a report should
    go out now: at most one per ``interval`` seconds, but always when a new file starts and when the transfer ends.
    """

    def __init__(self, interval: float = 0.1, window: float = 5.0, clock: Callable[[], float] = time.monotonic):
        self.interval = interval
        self.window = window
        self.clock = clock
        self._samples: list[tuple[float, int]] = []
        self._last: float | None = None
        self._file: str | None = None

    def add(self, done: int) -> float | None:
        now = self.clock()
        if self._samples and done < self._samples[-1][1]:
            self._samples.clear()  # a new transfer
        self._samples.append((now, done))
        while len(self._samples) > 2 and now - self._samples[1][0] >= self.window:
            self._samples.pop(0)
        (t0, d0), (t1, d1) = self._samples[0], self._samples[-1]
        return (d1 - d0) / (t1 - t0) if t1 - t0 >= 0.5 else None

    def due(self, done: int, total: int, file: str | None) -> bool:
        now = self.clock()
        if file != self._file or (total and done >= total) or self._last is None or now - self._last >= self.interval:
            self._file, self._last = file, now
            return True
        return False


# The storage folder (cache/models--org--name) of the download running in this context, for the response hook.
_GUARDED: contextvars.ContextVar[Path | None] = contextvars.ContextVar("exportcore_hub_guard", default=None)


def _plain_name(value: str) -> bool:
    """One file name, which huggingface_hub may join to a cache folder without leaving it."""
    return bool(value) and value not in (".", "..") and not any(c in value for c in "/\\\0")


def _check_head_answer(response: Any) -> None:
    """Response hook on huggingface_hub's HTTP client: inside a guarded download, a HEAD answer whose ETag or
    commit would place a file outside the cache repository stops the download before anything is written."""
    if _GUARDED.get() is None or response.request.method != "HEAD":
        return
    headers = response.headers
    etag = headers.get("X-Linked-Etag") or headers.get("ETag")
    if etag is not None:
        name = etag.lstrip("W/").strip('"')  # what huggingface_hub joins to blobs/ (file_download._normalize_etag)
        if not _plain_name(name):
            raise _UnsafeAnswer(f"its ETag {etag[:80]!r} names the blob blobs/{name[:80]}")
    commit = headers.get("X-Repo-Commit")
    if commit is not None and not _plain_name(commit):
        raise _UnsafeAnswer(f"its X-Repo-Commit {commit[:80]!r} names the folder snapshots/{commit[:80]}")


@contextlib.contextmanager
def _download_guard(storage: Path) -> Iterator[None]:
    """Run huggingface_hub downloads into ``storage`` with :func:`_check_head_answer` watching their HEAD answers."""
    from huggingface_hub.utils import get_session

    hooks = get_session().event_hooks["response"]
    if _check_head_answer not in hooks:
        hooks.append(_check_head_answer)
    token = _GUARDED.set(storage)
    try:
        yield
    finally:
        _GUARDED.reset(token)


def _check_repo_path(path: str, label: str) -> None:
    """A file name from the Hub's listing becomes a path under the snapshot (and under ``.no_exist/``)."""
    if not path or path.startswith("/") or not all(_plain_name(part) for part in path.split("/")):
        raise ExportError("hub_unsafe_path", model=label, reason=f"it lists the file {path[:120]!r}")


def _hf_download(repo_id: str, filename: str, *, cache: Path, label: str, **kwargs: Any) -> str:
    from huggingface_hub import hf_hub_download

    _check_repo_path(filename, label)
    with _download_guard(cache / _repo_folder(repo_id)):
        return hf_hub_download(repo_id, filename, cache_dir=cache, **kwargs)


def free_bytes(folder: str | os.PathLike) -> int | None:
    """Free space for a new file in ``folder`` (or its nearest existing parent); None when it cannot be told."""
    place = Path(folder).expanduser().absolute()
    for candidate in (place, *place.parents):
        try:
            return shutil.disk_usage(candidate).free
        except OSError:  # missing (not made yet) or unreadable: ask its parent
            continue
    return None


def _is_cached(entry: RepoFileInfo, storage: Path, sha: str | None) -> bool:
    """What huggingface_hub will not download again: the snapshot holds the file, or its blob is stored."""
    if sha and _plain_name(sha) and (storage / "snapshots" / sha / entry.path).exists():
        return True
    return bool(entry.blob and _plain_name(entry.blob) and (storage / "blobs" / entry.blob).is_file())


def pending_files(repo_id: str, files: Iterable[RepoFileInfo], sha: str | None = None, *,
                  cache_dir: str | os.PathLike | None = None) -> list[RepoFileInfo]:
    """The ``files`` of ``repo_id`` at commit ``sha`` that a download would fetch (those not in the cache yet)."""
    storage = _cache(cache_dir) / _repo_folder(repo_id)
    return [f for f in files if not _is_cached(f, storage, sha)]


def _local_only_file(repo_id: str, filename: str, revision: str | None, cache_dir: Path) -> Path | None:
    from huggingface_hub import hf_hub_download
    from huggingface_hub import errors as hf_errors

    try:
        return Path(hf_hub_download(repo_id, filename, revision=revision, cache_dir=cache_dir,
                                    local_files_only=True))
    except (hf_errors.LocalEntryNotFoundError, hf_errors.OfflineModeIsEnabled, FileNotFoundError):
        return None


def download_file(
    repo_id: str,
    filename: str,
    *,
    revision: str | None = None,
    offline: bool | None = None,
    token: str | bool | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    cache_dir: str | os.PathLike | None = None,
    progress: ProgressCallback | None = None,
    cancel: Any = None,
) -> Path:
    """Download one file into the cache (or find it there) and return its local path.

    When the Hub cannot be reached but the file is cached, the cached copy is returned.
    """
    from huggingface_hub import get_hf_file_metadata, hf_hub_url
    from huggingface_hub import errors as hf_errors

    folder = _cache(cache_dir)
    label = _label(repo_id, revision)
    if is_offline(offline):
        found = _local_only_file(repo_id, filename, revision, folder)
        if found is None:
            raise ExportError("not_in_cache", model=label)
        return found
    ep = endpoint()
    _check_repo_path(filename, label)
    # A fast metadata probe: hf_hub_download retries a failed HEAD with a 60 s timeout.
    try:
        with _download_guard(folder / _repo_folder(repo_id)):
            meta = get_hf_file_metadata(hf_hub_url(repo_id, filename, revision=revision, endpoint=ep),
                                        token=token, timeout=timeout, endpoint=ep)
    except (hf_errors.RepositoryNotFoundError, hf_errors.RemoteEntryNotFoundError,
            hf_errors.RevisionNotFoundError, _UnsafeAnswer) as exc:
        raise map_error(exc, label, filename=filename, timeout=timeout) from exc
    except Exception as exc:  # noqa: BLE001 - unreachable: fall back to the cache
        found = _local_only_file(repo_id, filename, revision, folder)
        if found is not None:
            return found
        raise map_error(exc, label, filename=filename, timeout=timeout) from exc
    if _cancel_requested(cancel):
        raise _cancelled(repo_id)
    counter = _ByteCounter(0, meta.size or 0, filename, progress, cancel)
    try:
        path = _hf_download(
            repo_id, filename, cache=folder, label=label, revision=revision, token=token, endpoint=ep,
            etag_timeout=timeout if timeout is not None else DEFAULT_TIMEOUT, tqdm_class=_TqdmShim(counter),
        )
    except Exception as exc:  # noqa: BLE001
        raise map_error(exc, label, filename=filename, timeout=timeout, cache_dir=folder,
                        needed_bytes=meta.size) from exc
    if progress is not None:
        progress(meta.size or 0, meta.size or 0, filename)
    return Path(path)


def download_config(repo_id: str, **kwargs: Any) -> Path:
    """Download only ``config.json`` (what ``exportcore inspect`` needs for a Hub id)."""
    return download_file(repo_id, "config.json", **kwargs)


_WEIGHT_SUFFIXES = (".safetensors", ".bin", ".pt", ".pth", ".ckpt", ".h5", ".msgpack", ".ot", ".onnx",
                    ".onnx_data", ".gguf", ".tflite", ".mlmodel", ".pb", ".npz", ".joblib", ".keras")
_NEVER = re.compile(r"(^|/)(\.gitattributes|\.gitignore)$|(^|/)(onnx|openvino|coreml|tflite|gguf|mlx|tf|flax)/"
                    r"|\.(h5|msgpack|ot|onnx|onnx_data|gguf|tflite|mlmodel|pb|keras)$|(^|/)(tf_model|flax_model|"
                    r"rust_model)\.")


def select_export_files(files: Iterable[RepoFileInfo]) -> list[RepoFileInfo]:
    """The files an ONNX export needs: configs, tokenizer/processor files and one PyTorch weight format.

    Safetensors win over ``pytorch_model*.bin``; TensorFlow, Flax, Rust, ONNX, GGUF, … are skipped.
    Subfolders other than known non-PyTorch formats are kept (e.g. ``1_Pooling/config.json``).
    """
    files = list(files)
    kept = [f for f in files if not _NEVER.search(f.path)]
    top_weights = [f for f in kept if "/" not in f.path and f.path.endswith(_WEIGHT_SUFFIXES)]
    has_safetensors = any(f.path.endswith(".safetensors") for f in top_weights)
    out = []
    for f in kept:
        name = f.path
        if name.endswith(_WEIGHT_SUFFIXES):
            if "/" in name:
                continue  # weights in subfolders (checkpoints, other formats) are not what we export
            if has_safetensors and not (name.endswith(".safetensors") or name.endswith(".safetensors.index.json")):
                continue
            if name.endswith((".pt", ".pth", ".ckpt")) and not name.startswith("pytorch_model"):
                continue
        elif has_safetensors and name.startswith("pytorch_model") and name.endswith(".index.json"):
            continue
        out.append(f)
    return out


def snapshot_download(
    repo_id: str,
    *,
    revision: str | None = None,
    files: Sequence[str] | None = None,
    allow_patterns: Sequence[str] | str | None = None,
    ignore_patterns: Sequence[str] | str | None = None,
    export_files_only: bool = False,
    progress: ProgressCallback | None = None,
    cancel: Any = None,
    offline: bool | None = None,
    token: str | bool | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    cache_dir: str | os.PathLike | None = None,
    log: Callable[[str], None] | None = None,
    check_space: bool = True,
    details: ModelDetails | None = None,
) -> Path:
    """Download a repository's files into the cache and return the snapshot folder.

    ``files`` (exact paths) or ``allow_patterns``/``ignore_patterns`` choose the files (all when
    none is given); ``export_files_only=True`` keeps what an ONNX export needs
    (:func:`select_export_files`: configs, tokenizer files, one PyTorch weight format).
    ``progress(done_bytes, total_bytes, current_file)`` is called from this thread when a file starts, after each
    received chunk and after each file; the bytes count only the files not in the cache yet (``current_file`` is
    None before the first). ``cancel`` (a ``threading.Event`` or a callable returning True) stops the download
    between files and between chunks: it raises ``ExportError('cancelled', stage='download')`` and leaves no
    partial blob. ``check_space``: refuse (``disk_full``, path = the cache) before the first byte when the cache's
    disk has less free space than the files still to download. ``details``: the repository's
    :func:`model_info`, when the caller already has it (saves a request).
    Offline, returns the cached snapshot or raises ``not_in_cache``; when the Hub cannot be reached, returns the
    cached snapshot if there is one (and says so through ``log``).
    """
    from huggingface_hub.utils import filter_repo_objects

    folder = _cache(cache_dir)
    label = _label(repo_id, revision)
    if is_offline(offline):
        snapshot = find_cached_snapshot(repo_id, revision, cache_dir=folder)
        if snapshot is None:
            raise ExportError("not_in_cache", model=label)
        return Path(snapshot)
    if _cancel_requested(cancel):
        raise _cancelled(repo_id)
    if details is not None and details.from_cache:  # the caller found the Hub unreachable and read the cache
        cached = details.local_path
        if cached and _has_complete_weights(Path(cached)):
            if log is not None:
                log(f"the Hub could not be reached; using the cached snapshot {cached}")
            return Path(cached)
        details = None
    if details is None:
        try:
            details = model_info(repo_id, revision=revision, token=token, timeout=timeout, cache_dir=folder)
        except ExportError as exc:
            # As huggingface_hub does: a Hub that cannot be reached is no reason to refuse a snapshot already cached,
            # if the revision asked for (main by default) names it and its download finished.
            cached = find_cached_snapshot(repo_id, revision or "main", cache_dir=folder) \
                if exc.code in ("hub_unreachable", "hub_unavailable") else None
            if cached is None or not _has_complete_weights(Path(cached)):
                raise
            if log is not None:
                log(f"the Hub could not be reached ({exc.params.get('reason', '')}); using the cached snapshot {cached}")
            return Path(cached)
    if details.sha is not None and not _plain_name(details.sha):
        raise ExportError("hub_unsafe_path", model=label, reason=f"its commit {details.sha[:80]!r} names a folder "
                          "outside snapshots/")
    entries = list(details.files)
    if files is not None:
        wanted = set(files)
        entries = [f for f in entries if f.path in wanted]
        missing = wanted - {f.path for f in entries}
        if missing:
            raise ExportError("hub_file_not_found", model=label, file=sorted(missing)[0])
    elif export_files_only:
        entries = select_export_files(entries)
    entries = list(filter_repo_objects(entries, allow_patterns=allow_patterns, ignore_patterns=ignore_patterns,
                                       key=lambda f: f.path))
    for entry in entries:
        _check_repo_path(entry.path, label)
    # config.json first (a gated repo fails before anything else is stored), weights last
    entries.sort(key=lambda f: (f.path != "config.json", f.path.endswith(_WEIGHT_SUFFIXES), f.path))
    pending = {f.path for f in pending_files(repo_id, entries, details.sha, cache_dir=folder)}
    total = sum(f.size or 0 for f in entries if f.path in pending)
    if check_space and pending:
        free = free_bytes(folder)
        if free is not None and free < total + CACHE_MARGIN:
            from .errors import disk_full

            raise disk_full(folder, needed_bytes=total + CACHE_MARGIN, free_bytes=free)
    done = 0
    if progress is not None:
        progress(0, total, None)
    ep = endpoint()
    snapshot: Path | None = None
    for index, entry in enumerate(entries):
        if _cancel_requested(cancel):
            raise _cancelled(repo_id)
        fetch = entry.path in pending
        counter = _ByteCounter(done, total, entry.path, progress if fetch else None, cancel)
        if fetch and progress is not None:
            progress(done, total, entry.path)  # the file being downloaded now, before its first byte
        # The first file resolves the named revision (so refs/<revision> is written); the rest are
        # pinned to the commit the Hub reported, so the snapshot is consistent.
        rev = (revision or "main") if index == 0 or not details.sha else details.sha
        try:
            local = _hf_download(
                repo_id, entry.path, cache=folder, label=label, revision=rev, token=token, endpoint=ep,
                etag_timeout=timeout if timeout is not None else DEFAULT_TIMEOUT, tqdm_class=_TqdmShim(counter),
            )
        except Exception as exc:  # noqa: BLE001
            raise map_error(exc, label, filename=entry.path, timeout=timeout, cache_dir=folder,
                            needed_bytes=max(total - done, 0) if fetch else None) from exc
        if snapshot is None:
            snapshot = Path(local).parents[len(Path(entry.path).parts) - 1]
        if fetch:
            done += entry.size if entry.size is not None else max(counter.done, 0)
            if progress is not None:
                progress(done, total, entry.path)
    if snapshot is None:
        sha = details.sha or revision or "main"
        if not _plain_name(sha):
            raise ExportError("hub_unsafe_path", model=label, reason=f"the snapshot name {sha[:80]!r}")
        snapshot = folder / _repo_folder(repo_id) / "snapshots" / sha
        snapshot.mkdir(parents=True, exist_ok=True)
    return snapshot


# --------------------------------------------------------------------------------------------
# Cache
# --------------------------------------------------------------------------------------------


def _repo_folder(repo_id: str) -> str:
    return "--".join(["models", *repo_id.split("/")])


def _read_model_type(snapshot: Path) -> str | None:
    config = snapshot / "config.json"
    try:
        data = json.loads(config.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    value = data.get("model_type") if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


def _has_weights(paths: Iterable[str]) -> bool:
    return any(p.endswith((".safetensors", ".bin")) and "/" not in p for p in paths)


def scan_cache(cache_dir: str | os.PathLike | None = None) -> CacheScan:
    """Models in the local Hugging Face cache with sizes, revisions and snapshot folders.

    A missing cache folder is an empty scan; unreadable repo folders are listed in ``warnings``.
    Reads each snapshot's ``config.json`` for ``model_type`` (disk work: call it off the GUI thread).
    """
    from huggingface_hub import scan_cache_dir
    from huggingface_hub.errors import CacheNotFound

    folder = _cache(cache_dir)
    try:
        info = scan_cache_dir(folder)
    except CacheNotFound:
        return CacheScan(cache_dir=str(folder), models=[], size_on_disk=0, warnings=[])
    except (OSError, ValueError) as exc:
        return CacheScan(cache_dir=str(folder), models=[], size_on_disk=0, warnings=[_first_line(exc)])
    models = []
    for repo in info.repos:
        if repo.repo_type != "model":
            continue
        revisions = []
        for rev in repo.revisions:
            snap = Path(rev.snapshot_path)
            rel = tuple(sorted((Path(f.file_path).relative_to(snap).as_posix(), int(f.size_on_disk))
                               for f in rev.files))
            revisions.append(CachedRevision(
                commit_hash=rev.commit_hash,
                refs=tuple(sorted(rev.refs)),
                snapshot_path=str(snap),
                size_on_disk=int(rev.size_on_disk),
                files=rel,
                last_modified=float(rev.last_modified),
            ))
        revisions.sort(key=lambda r: ("main" not in r.refs, -r.last_modified))
        chosen = revisions[0] if revisions else None
        models.append(CachedModel(
            repo_id=repo.repo_id,
            repo_path=str(repo.repo_path),
            size_on_disk=int(repo.size_on_disk),
            nb_files=int(repo.nb_files),
            last_modified=float(repo.last_modified),
            revisions=tuple(revisions),
            snapshot_path=chosen.snapshot_path if chosen else None,
            model_type=_read_model_type(Path(chosen.snapshot_path)) if chosen else None,
            has_config=bool(chosen and any(p == "config.json" for p, _ in chosen.files)),
            has_weights=bool(chosen and _has_weights(p for p, _ in chosen.files)),
        ))
    models.sort(key=lambda m: m.repo_id.lower())
    return CacheScan(
        cache_dir=str(info.cache_dir or folder),
        models=models,
        size_on_disk=int(info.size_on_disk),
        warnings=[_first_line(w) for w in info.warnings],
    )


def _has_complete_weights(snapshot: Path) -> bool:
    """Weights to export, every shard an index names included (downloads store weights last)."""
    indexes = list(snapshot.glob("*.index.json"))
    for index in indexes:
        try:
            shards = set(json.loads(index.read_text(encoding="utf-8"))["weight_map"].values())
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            continue
        if shards and all((snapshot / shard).is_file() for shard in shards):
            return True
    return not indexes and (any(snapshot.glob("*.safetensors")) or any(snapshot.glob("pytorch_model*.bin")))


def find_cached_snapshot(repo_id: str, revision: str | None = None, *,
                         cache_dir: str | os.PathLike | None = None) -> str | None:
    """The cached snapshot folder for ``repo_id`` at ``revision`` (a ref or a commit), or None.

    Without a revision: the folder ``main`` points at, else the most recently modified snapshot.
    """
    storage = _cache(cache_dir) / _repo_folder(repo_id)
    snapshots = storage / "snapshots"
    if not snapshots.is_dir():
        return None
    if revision and re.fullmatch(r"[0-9a-f]{40}", revision):
        candidate = snapshots / revision
        return str(candidate) if candidate.is_dir() else None
    ref = storage / "refs" / (revision or "main")
    if ref.is_file():
        try:
            commit = ref.read_text(encoding="utf-8").strip()
        except OSError:
            commit = ""
        candidate = snapshots / commit
        if commit and candidate.is_dir():
            return str(candidate)
    if revision:
        return None
    folders = [p for p in snapshots.iterdir() if p.is_dir()]
    if not folders:
        return None
    return str(max(folders, key=lambda p: p.stat().st_mtime))


def _cached_details(repo_id: str, revision: str | None, cache_dir: str | os.PathLike | None) -> ModelDetails:
    snapshot = find_cached_snapshot(repo_id, revision, cache_dir=cache_dir)
    if snapshot is None:
        raise ExportError("not_in_cache", model=_label(repo_id, revision))
    root = Path(snapshot)
    files = []
    for path in sorted(root.rglob("*")):
        if path.is_file():
            try:
                size = path.stat().st_size
            except OSError:
                size = None
            files.append(RepoFileInfo(path=path.relative_to(root).as_posix(), size=size))
    architectures: tuple[str, ...] = ()
    try:
        config = json.loads((root / "config.json").read_text(encoding="utf-8"))
        architectures = tuple(a for a in config.get("architectures") or () if isinstance(a, str))
    except (OSError, ValueError, AttributeError):
        pass
    return ModelDetails(
        id=repo_id,
        sha=root.name,
        pipeline_tag=_card_pipeline_tag(root / "README.md"),
        model_type=_read_model_type(root),
        architectures=architectures,
        files=tuple(files),
        from_cache=True,
        local_path=str(root),
    )


_CARD_PIPELINE_TAG = re.compile(r"^pipeline_tag:[ \t]*['\"]?([A-Za-z0-9-]+)['\"]?[ \t]*$", re.M)


def _card_pipeline_tag(readme: Path) -> str | None:
    """The ``pipeline_tag`` of a cached model card's metadata (what the Hub reports online, when the card sets it)."""
    try:
        with readme.open(encoding="utf-8", errors="replace") as stream:
            head = stream.read(64 * 1024)
    except OSError:
        return None
    front = _FRONT_MATTER.match(head)
    match = _CARD_PIPELINE_TAG.search(front.group(0)) if front else None
    return match.group(1) if match else None


# --------------------------------------------------------------------------------------------
# Formatting
# --------------------------------------------------------------------------------------------


def format_size(num_bytes: int | None) -> str:
    """Human-readable size in decimal units, as the Hub shows them ("1.2 MB"); "?" when unknown."""
    if num_bytes is None:
        return "?"
    value = float(num_bytes)
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if abs(value) < 1000 or unit == "TB":
            return f"{int(value)} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} TB"
