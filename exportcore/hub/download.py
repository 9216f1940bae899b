"""Downloads into the cache: one file, or a repository's snapshot with one byte count across its files, a cancel
check on every chunk, and a refusal before the first byte when the cache's disk cannot hold them."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from ..errors import ExportError, disk_full
from ..machine import free_bytes
from ..weight_files import WEIGHT_FORMAT_SUFFIXES
from .cache import find_cached_snapshot, has_complete_weights, record_pipeline_tag, repo_folder
from .details import model_info
from .environment import DEFAULT_TIMEOUT, cache_folder, endpoint, is_offline
from .export_files import select_export_files
from .failures import UnsafeAnswer, cancelled_error, map_error
from .guard import check_repo_path, download_guard, guarded_download, plain_name
from .refs import repo_label
from .transfer import ByteCounter, ProgressCallback, TqdmShim, cancel_requested
from .types import ModelDetails, RepoFileInfo

#: Room a download needs beyond its files' bytes (refs, locks, the snapshot's links).
CACHE_MARGIN = 2**20


def _is_cached(entry: RepoFileInfo, storage: Path, sha: str | None) -> bool:
    """What huggingface_hub will not download again: the snapshot holds the file, or its blob is stored."""
    if sha and plain_name(sha) and (storage / "snapshots" / sha / entry.path).exists():
        return True
    return bool(entry.blob and plain_name(entry.blob) and (storage / "blobs" / entry.blob).is_file())


def pending_files(repo_id: str, files: Iterable[RepoFileInfo], sha: str | None = None, *,
                  cache_dir: str | os.PathLike | None = None) -> list[RepoFileInfo]:
    """The ``files`` of ``repo_id`` at commit ``sha`` that a download would fetch (those not in the cache yet)."""
    storage = cache_folder(cache_dir) / repo_folder(repo_id)
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

    folder = cache_folder(cache_dir)
    label = repo_label(repo_id, revision)
    if is_offline(offline):
        found = _local_only_file(repo_id, filename, revision, folder)
        if found is None:
            raise ExportError("not_in_cache", model=label)
        return found
    ep = endpoint()
    check_repo_path(filename, label)
    # A fast metadata probe: hf_hub_download retries a failed HEAD with a 60 s timeout.
    try:
        with download_guard(folder / repo_folder(repo_id)):
            meta = get_hf_file_metadata(hf_hub_url(repo_id, filename, revision=revision, endpoint=ep),
                                        token=token, timeout=timeout, endpoint=ep)
    except (hf_errors.RepositoryNotFoundError, hf_errors.RemoteEntryNotFoundError,
            hf_errors.RevisionNotFoundError, UnsafeAnswer) as exc:
        raise map_error(exc, label, filename=filename, timeout=timeout) from exc
    except Exception as exc:  # noqa: BLE001 - unreachable: fall back to the cache
        found = _local_only_file(repo_id, filename, revision, folder)
        if found is not None:
            return found
        raise map_error(exc, label, filename=filename, timeout=timeout) from exc
    if cancel_requested(cancel):
        raise cancelled_error(repo_id)
    counter = ByteCounter(0, meta.size or 0, filename, progress, cancel)
    try:
        path = guarded_download(
            repo_id, filename, cache=folder, label=label, revision=revision, token=token, endpoint=ep,
            etag_timeout=timeout if timeout is not None else DEFAULT_TIMEOUT, tqdm_class=TqdmShim(counter),
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

    folder = cache_folder(cache_dir)
    label = repo_label(repo_id, revision)
    if is_offline(offline):
        snapshot = find_cached_snapshot(repo_id, revision, cache_dir=folder)
        if snapshot is None:
            raise ExportError("not_in_cache", model=label)
        return Path(snapshot)
    if cancel_requested(cancel):
        raise cancelled_error(repo_id)
    if details is not None and details.from_cache:  # the caller found the Hub unreachable and read the cache
        cached = details.local_path
        if cached and has_complete_weights(Path(cached)):
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
            if cached is None or not has_complete_weights(Path(cached)):
                raise
            if log is not None:
                log(f"the Hub could not be reached ({exc.params.get('reason', '')}); using the cached snapshot {cached}")
            return Path(cached)
    if details.sha is not None and not plain_name(details.sha):
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
        check_repo_path(entry.path, label)
    # config.json first (a gated repo fails before anything else is stored), weights last
    entries.sort(key=lambda f: (f.path != "config.json", f.path.endswith(WEIGHT_FORMAT_SUFFIXES), f.path))
    pending = {f.path for f in pending_files(repo_id, entries, details.sha, cache_dir=folder)}
    total = sum(f.size or 0 for f in entries if f.path in pending)
    if check_space and pending:
        free = free_bytes(folder)
        if free is not None and free < total + CACHE_MARGIN:
            raise disk_full(folder, needed_bytes=total + CACHE_MARGIN, free_bytes=free)
    done = 0
    if progress is not None:
        progress(0, total, None)
    ep = endpoint()
    snapshot: Path | None = None
    for index, entry in enumerate(entries):
        if cancel_requested(cancel):
            raise cancelled_error(repo_id)
        fetch = entry.path in pending
        counter = ByteCounter(done, total, entry.path, progress if fetch else None, cancel)
        if fetch and progress is not None:
            progress(done, total, entry.path)  # the file being downloaded now, before its first byte
        # The first file resolves the named revision (so refs/<revision> is written); the rest are
        # pinned to the commit the Hub reported, so the snapshot is consistent.
        rev = (revision or "main") if index == 0 or not details.sha else details.sha
        try:
            local = guarded_download(
                repo_id, entry.path, cache=folder, label=label, revision=rev, token=token, endpoint=ep,
                etag_timeout=timeout if timeout is not None else DEFAULT_TIMEOUT, tqdm_class=TqdmShim(counter),
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
        if not plain_name(sha):
            raise ExportError("hub_unsafe_path", model=label, reason=f"the snapshot name {sha[:80]!r}")
        snapshot = folder / repo_folder(repo_id) / "snapshots" / sha
        snapshot.mkdir(parents=True, exist_ok=True)
    record_pipeline_tag(repo_id, details.sha, details.pipeline_tag, folder)  # offline, the task may depend on it
    return snapshot
