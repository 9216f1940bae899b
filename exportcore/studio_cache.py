"""The studio's own cache folder, beside the Hugging Face cache and separate from it: the demo models' built weights
(``demo_models/``), the logs of failed runs (``failed-runs/``) and the configuration tables recorded for other
transformers versions (``config-tables/``). ``$EXPORTSTUDIO_CACHE``, else ``onnx-export-studio`` in
``$XDG_CACHE_HOME`` (``~/.cache``). Light module."""

from __future__ import annotations

import os
from pathlib import Path


def studio_cache() -> Path:
    base = os.environ.get("EXPORTSTUDIO_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "onnx-export-studio"
    )
    return Path(base).expanduser()
