"""One request to the Hub and what its answers say: huggingface_hub's ``ModelInfo`` -> our types."""

from __future__ import annotations

from typing import Any

from .types import ModelDetails, ModelSummary, RepoFileInfo


def hub_get(url: str, *, params: Any = None, token: str | bool | None, timeout: float | None) -> Any:
    """One GET through huggingface_hub's session: explicit timeout, no retries, Hub error mapping."""
    from huggingface_hub.utils import build_hf_headers, get_session, hf_raise_for_status

    headers = build_hf_headers(token=token)
    response = get_session().get(url, params=params, headers=headers, timeout=timeout)
    hf_raise_for_status(response)
    return response


def model_type_of(info: Any) -> str | None:
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


def summary_of(info: Any) -> ModelSummary:
    return ModelSummary(
        id=info.id,
        pipeline_tag=info.pipeline_tag,
        library_name=info.library_name,
        downloads=info.downloads,
        likes=info.likes,
        last_modified=info.last_modified,
        model_type=model_type_of(info),
        tags=tuple(info.tags or ()),
        gated=info.gated,
        private=info.private,
    )


def details_of(info: Any) -> ModelDetails:
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
        model_type=model_type_of(info),
        architectures=tuple(a for a in (config.get("architectures") or ()) if isinstance(a, str)),
        tags=tuple(info.tags or ()),
        gated=info.gated,
        private=info.private,
        files=tuple(sorted(files, key=lambda f: f.path)),
        card_data=card_dict or {},
        parameters=parameters_of(getattr(info, "safetensors", None)),
    )


def parameters_of(safetensors: Any) -> dict[str, int]:
    counts = getattr(safetensors, "parameters", None)
    if not isinstance(counts, dict):
        return {}
    return {str(k): int(v) for k, v in counts.items() if isinstance(v, int) and not isinstance(v, bool) and v >= 0}


def parse_models(payload: Any) -> list[ModelSummary]:
    from huggingface_hub.hf_api import ModelInfo

    if not isinstance(payload, list):
        raise ValueError("search answer is not a list")
    out = []
    for item in payload:
        if not isinstance(item, dict) or "id" not in item:
            raise ValueError("search item without id")
        item = dict(item)
        item.setdefault("siblings", None)
        out.append(summary_of(ModelInfo(**item)))
    return out
