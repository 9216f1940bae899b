"""The download guard: huggingface_hub names files in the cache after what the server says, unchecked; nothing the
Hub answers may place a file outside the cache repository (docs/decisions.md, 56)."""

from __future__ import annotations

import contextlib
import contextvars
from pathlib import Path
from typing import Any, Iterator

from ..errors import ExportError
from .cache import repo_folder
from .failures import UnsafeAnswer
from .transfer import small_chunks

# The storage folder (cache/models--org--name) of the download running in this context, for the response hook.
_GUARDED: contextvars.ContextVar[Path | None] = contextvars.ContextVar("exportcore_hub_guard", default=None)


def plain_name(value: str) -> bool:
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
        if not plain_name(name):
            raise UnsafeAnswer(f"its ETag {etag[:80]!r} names the blob blobs/{name[:80]}")
    commit = headers.get("X-Repo-Commit")
    if commit is not None and not plain_name(commit):
        raise UnsafeAnswer(f"its X-Repo-Commit {commit[:80]!r} names the folder snapshots/{commit[:80]}")


@contextlib.contextmanager
def download_guard(storage: Path) -> Iterator[None]:
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


def check_repo_path(path: str, label: str) -> None:
    """A file name from the Hub's listing becomes a path under the snapshot (and under ``.no_exist/``)."""
    if not path or path.startswith("/") or not all(plain_name(part) for part in path.split("/")):
        raise ExportError("hub_unsafe_path", model=label, reason=f"it lists the file {path[:120]!r}")


def guarded_download(repo_id: str, filename: str, *, cache: Path, label: str, **kwargs: Any) -> str:
    from huggingface_hub import hf_hub_download

    check_repo_path(filename, label)
    with download_guard(cache / repo_folder(repo_id)), small_chunks():
        return hf_hub_download(repo_id, filename, cache_dir=cache, **kwargs)
