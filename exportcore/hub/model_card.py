"""A model card's metadata block (YAML front matter): stripped for display, its ``pipeline_tag`` read offline."""

from __future__ import annotations

import re
from pathlib import Path

FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\r?\n.*?\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)


def strip_front_matter(text: str) -> str:
    return FRONT_MATTER.sub("", text, count=1).lstrip("\r\n")


_CARD_PIPELINE_TAG = re.compile(r"^pipeline_tag:[ \t]*['\"]?([A-Za-z0-9-]+)['\"]?[ \t]*$", re.M)


def card_pipeline_tag(readme: Path) -> str | None:
    """The ``pipeline_tag`` of a cached model card's metadata (what the Hub reports online, when the card sets it)."""
    try:
        with readme.open(encoding="utf-8", errors="replace") as stream:
            head = stream.read(64 * 1024)
    except OSError:
        return None
    front = FRONT_MATTER.match(head)
    match = _CARD_PIPELINE_TAG.search(front.group(0)) if front else None
    return match.group(1) if match else None
