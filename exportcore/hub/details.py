"""One repository: its details and files (``model_info``), its model card."""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import ExportError
from .api import details_of, hub_get
from .cache import cached_details, find_cached_snapshot
from .environment import DEFAULT_TIMEOUT, endpoint, is_offline
from .failures import map_error
from .model_card import strip_front_matter
from .refs import repo_label
from .types import ModelDetails, RepoFileInfo


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
        return cached_details(repo_id, revision, cache_dir)
    from huggingface_hub import HfApi

    try:
        info = HfApi(endpoint=endpoint()).model_info(
            repo_id, revision=revision, timeout=timeout, files_metadata=True, token=token
        )
        return details_of(info)
    except Exception as exc:  # noqa: BLE001
        raise map_error(exc, repo_label(repo_id, revision), timeout=timeout) from exc


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
            raise ExportError("not_in_cache", model=repo_label(repo_id, revision))
        readme = Path(snapshot) / "README.md"
        text = readme.read_text(encoding="utf-8", errors="replace") if readme.is_file() else ""
    else:
        from huggingface_hub import hf_hub_url
        from huggingface_hub import errors as hf_errors

        url = hf_hub_url(repo_id, "README.md", revision=revision, endpoint=endpoint())
        try:
            response = hub_get(url, token=token, timeout=timeout)
            text = response.content.decode("utf-8", errors="replace")
        except hf_errors.RemoteEntryNotFoundError:
            text = ""
        except Exception as exc:  # noqa: BLE001
            raise map_error(exc, repo_label(repo_id, revision), filename="README.md", timeout=timeout) from exc
    return strip_front_matter(text) if strip_metadata else text
