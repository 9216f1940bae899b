"""Where the end-to-end tests find transformers.js 4 for Node: one finder for every test that runs it."""

from __future__ import annotations

import os
from pathlib import Path


def transformers_js_dir() -> Path | None:
    """A folder holding node_modules/@huggingface/transformers: $TRANSFORMERS_JS_DIR, else tests/tjs (its pinned
    package, installed by `npm ci` there; .ci/run does it)."""
    for folder in (os.environ.get("TRANSFORMERS_JS_DIR"), Path(__file__).resolve().parents[1] / "tjs"):
        if folder and (Path(folder) / "node_modules" / "@huggingface" / "transformers").is_dir():
            return Path(folder)
    return None
