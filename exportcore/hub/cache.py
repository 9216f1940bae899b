"""The local Hugging Face cache: its models and snapshots, read without the network."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from .. import safe_json
from ..errors import ExportError, first_line
from ..weight_files import has_weights, is_weight_file
from .environment import cache_folder
from .model_card import card_pipeline_tag
from .refs import repo_label
from .types import CachedModel, CachedRevision, CacheScan, ModelDetails, RepoFileInfo


#: Our records beside a repository's snapshots in the HF cache (huggingface_hub's scan ignores other folders there).
RECORDS = ".exportstudio"
_COMMIT = re.compile(r"[0-9a-f]{40}")


def repo_folder(repo_id: str) -> str:
    return "--".join(["models", *repo_id.split("/")])


def record_pipeline_tag(repo_id: str, sha: str | None, tag: str | None,
                        cache_dir: str | os.PathLike | None = None) -> None:
    """Keep the Hub's pipeline tag of a downloaded revision beside its snapshot (None too: the Hub said none).
    Offline, a model whose config.json names no architecture takes its task from it; its model card may not say
    it, or may not exist. Best effort: a cache we cannot write loses only this."""
    if not sha or not _COMMIT.fullmatch(sha):
        return
    folder = cache_folder(cache_dir) / repo_folder(repo_id) / RECORDS
    partial = folder / f".{sha}.{os.getpid()}.partial"
    try:
        folder.mkdir(exist_ok=True)
        partial.write_text(json.dumps({"pipeline_tag": tag}), encoding="utf-8")
        os.replace(partial, folder / f"{sha}.json")
    except OSError:
        partial.unlink(missing_ok=True)


def recorded_pipeline_tag(snapshot: Path) -> tuple[bool, str | None]:
    """(whether the Hub's pipeline tag of this snapshot's revision was recorded, the tag)."""
    try:
        record = safe_json.read(snapshot.parent.parent / RECORDS / f"{snapshot.name}.json")
    except (OSError, safe_json.BadJson):
        return False, None
    if not isinstance(record, dict) or "pipeline_tag" not in record:
        return False, None
    tag = record["pipeline_tag"]
    return True, tag if isinstance(tag, str) else None


def read_model_type(snapshot: Path) -> str | None:
    config = snapshot / "config.json"
    try:
        data = safe_json.read(config)
    except (OSError, safe_json.BadJson):
        return None
    value = data.get("model_type") if isinstance(data, dict) else None
    return value if isinstance(value, str) else None


def scan_cache(cache_dir: str | os.PathLike | None = None) -> CacheScan:
    """Models in the local Hugging Face cache with sizes, revisions and snapshot folders.

    A missing cache folder is an empty scan; unreadable repo folders are listed in ``warnings``.
    Reads each snapshot's ``config.json`` for ``model_type`` (disk work: call it off the GUI thread).
    """
    from huggingface_hub import scan_cache_dir
    from huggingface_hub.errors import CacheNotFound

    folder = cache_folder(cache_dir)
    try:
        info = scan_cache_dir(folder)
    except CacheNotFound:
        return CacheScan(cache_dir=str(folder), models=[], size_on_disk=0, warnings=[])
    except (OSError, ValueError) as exc:
        return CacheScan(cache_dir=str(folder), models=[], size_on_disk=0, warnings=[first_line(exc, 200)])
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
            model_type=read_model_type(Path(chosen.snapshot_path)) if chosen else None,
            has_config=bool(chosen and any(p == "config.json" for p, _ in chosen.files)),
            has_weights=bool(chosen and any(is_weight_file(p) for p, _ in chosen.files)),
        ))
    models.sort(key=lambda m: m.repo_id.lower())
    return CacheScan(
        cache_dir=str(info.cache_dir or folder),
        models=models,
        size_on_disk=int(info.size_on_disk),
        warnings=[first_line(w, 200) for w in info.warnings],
    )


def has_complete_weights(snapshot: Path) -> bool:
    """Weights to export, every shard an index names included (downloads store weights last)."""
    indexes = list(snapshot.glob("*.index.json"))
    for index in indexes:
        try:
            shards = set(safe_json.read(index)["weight_map"].values())
        except (OSError, safe_json.BadJson, KeyError, TypeError, AttributeError):
            continue
        if shards and all((snapshot / shard).is_file() for shard in shards):
            return True
    return not indexes and has_weights(snapshot)


def find_cached_snapshot(repo_id: str, revision: str | None = None, *,
                         cache_dir: str | os.PathLike | None = None) -> str | None:
    """The cached snapshot folder for ``repo_id`` at ``revision`` (a ref or a commit), or None.

    Without a revision: the folder ``main`` points at, else the most recently modified snapshot.
    """
    storage = cache_folder(cache_dir) / repo_folder(repo_id)
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


def cached_details(repo_id: str, revision: str | None, cache_dir: str | os.PathLike | None) -> ModelDetails:
    snapshot = find_cached_snapshot(repo_id, revision, cache_dir=cache_dir)
    if snapshot is None:
        raise ExportError("not_in_cache", model=repo_label(repo_id, revision))
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
        config = safe_json.read(root / "config.json")
        architectures = tuple(a for a in config.get("architectures") or () if isinstance(a, str))
    except (OSError, safe_json.BadJson, AttributeError, TypeError):
        pass
    tag = card_pipeline_tag(root / "README.md")
    known = tag is not None
    if tag is None:
        known, tag = recorded_pipeline_tag(root)
    return ModelDetails(
        id=repo_id,
        sha=root.name,
        pipeline_tag=tag,
        pipeline_tag_known=known,
        model_type=read_model_type(root),
        architectures=architectures,
        files=tuple(files),
        from_cache=True,
        local_path=str(root),
    )
