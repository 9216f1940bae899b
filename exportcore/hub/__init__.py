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
  answer.) Every download runs under a guard (:mod:`~exportcore.hub.guard`): a response hook on
  huggingface_hub's HTTP client checks the ``ETag`` and ``X-Repo-Commit`` of the very HEAD answers
  huggingface_hub then uses, so a server cannot show a clean answer to a first probe and a hostile
  one to the download. File names from the repository's listing are checked the same way.

The modules, by job: ``types`` (what is handed out), ``environment`` (endpoint, offline, cache folder, token),
``refs`` (pasted URLs and ids), ``failures`` (exceptions -> codes), ``api`` (one request, its answer converted),
``search``, ``details`` (one repository, its card), ``download`` (files and snapshots), ``guard`` (the download
guard), ``transfer`` (byte progress), ``export_files`` (what an export downloads), ``cache`` (the local cache).
"""

from __future__ import annotations

from ..machine import free_bytes
from .cache import find_cached_snapshot, scan_cache
from .details import fetch_card, list_files, model_info
from .download import download_config, download_file, pending_files, snapshot_download
from .environment import DEFAULT_TIMEOUT, default_cache_dir, endpoint, has_token, is_offline
from .export_files import select_export_files
from .failures import map_error
from .refs import parse_model_ref
from .search import SORTS, next_page, search_models
from ..sizes import format_size
from .transfer import TransferMeter
from .types import (CachedModel, CachedRevision, CacheScan, HubRef, ModelDetails, ModelSummary, RepoFileInfo,
                    SearchPage)

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
