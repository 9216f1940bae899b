"""What a feature-extraction export of a Hub model needs before it is planned (``--library auto`` decides by them,
``sentence_transformers`` and ``--task sentence-similarity`` read the pooling from them): ``modules.json`` and the
module configs it names; only config.json is in the cache then."""

from __future__ import annotations

from pathlib import Path

from .. import safe_json
from ..errors import ExportError
from .download import download_file
from .export_files import module_configs


def fetch_sentence_files(repo_id: str, revision: str | None = None, cache_dir: str | None = None,
                         offline: bool | None = None) -> list[str]:
    """Before a feature-extraction export of a Hub model is planned (``sentence_transformers.choose_library`` reads
    them): ``modules.json`` and the module configs it names, into the cache snapshot that holds config.json. A file
    the repository does not have is skipped (2_Normalize has no config; without modules.json the plan is plain, or
    says why it cannot pool). Returns the files now in the cache."""
    def fetch(name: str) -> Path | None:
        try:
            return download_file(repo_id, name, revision=revision, cache_dir=cache_dir, offline=offline)
        except ExportError as exc:
            if exc.code in ("hub_file_not_found", "not_in_cache"):
                return None
            raise

    modules_path = fetch("modules.json")
    if modules_path is None:
        return []
    try:
        modules = safe_json.read(modules_path)
    except (OSError, safe_json.BadJson):
        modules = None  # the plan reads it again and says what is wrong
    fetched = ["modules.json"]
    for name in module_configs(modules):
        if fetch(name) is not None:
            fetched.append(name)
    return fetched
