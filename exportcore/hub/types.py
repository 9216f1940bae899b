"""What the Hub wrapper hands out: search results, a repository's details and files, the local cache's models."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .export_files import select_export_files


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
    #: False when read from the cache without the Hub's answer: neither a record of it (``record_pipeline_tag``)
    #: nor the model card says the pipeline tag, so ``pipeline_tag`` None means "not known", not "none".
    pipeline_tag_known: bool = True

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
