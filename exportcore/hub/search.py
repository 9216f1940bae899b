"""Search the Hub's models, page by page; offline, the local cache's models instead."""

from __future__ import annotations

import os
from datetime import datetime
from typing import Any

from ..errors import ExportError
from .api import hub_get, parse_models
from .cache import scan_cache
from .environment import DEFAULT_TIMEOUT, endpoint, is_offline
from .failures import map_error
from .types import ModelSummary, SearchPage

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
        response = hub_get(url, params=params, token=token, timeout=timeout)
        models = parse_models(response.json())
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
