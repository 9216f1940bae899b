"""Model references: a pasted Hub URL or id, and how a repository at a revision is named in messages."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

from ..errors import ExportError
from .environment import endpoint
from .types import HubRef

HUB_HOSTS = {"huggingface.co", "www.huggingface.co", "hf.co"}
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
    if not has_scheme and (host_like in HUB_HOSTS):
        candidate = "https://" + candidate
        has_scheme = True
    if has_scheme:
        parts = urlsplit(candidate)
        host = (parts.hostname or "").lower()
        allowed = set(HUB_HOSTS)
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



def repo_label(repo_id: str, revision: str | None) -> str:
    return f"{repo_id}@{revision}" if revision and revision != "main" else repo_id

