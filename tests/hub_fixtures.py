"""Pytest plugin: a fake Hugging Face Hub on 127.0.0.1 and a throw-away HF cache.

Register once in tests/conftest.py::

    pytest_plugins = ["tests.hub_fixtures" if __package__ else "hub_fixtures"]

Fixtures:
- ``fake_hub``: a started :class:`FakeHub` with the default catalogue; ``HF_ENDPOINT`` points at it,
  ``HF_HUB_CACHE`` at an empty folder under ``tmp_path``, offline mode is off (env and
  huggingface_hub's import-time constant), proxies are bypassed for 127.0.0.1.
- ``hf_cache``: the cache folder in force for the test (a ``Path``), with ``hf_cache.add(...)``
  to hand-build a cached model (``build_cache_repo``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest

try:  # tests/ as a package
    from .fakehub import VALID_TOKEN, FakeHub, build_cache_repo
except ImportError:  # tests/ on sys.path (rootdir conftest without __init__.py)
    from fakehub import VALID_TOKEN, FakeHub, build_cache_repo  # type: ignore[no-redef]

__all__ = ["fake_hub", "hf_cache", "FakeHub", "VALID_TOKEN"]


class CacheDir(type(Path())):  # type: ignore[misc]
    """A ``Path`` to the test's HF cache with a helper to add hand-built models."""

    def add(self, repo_id: str, files: dict[str, bytes], **kwargs: Any) -> Path:
        return build_cache_repo(self, repo_id, files, **kwargs)


def _reset_hf_session() -> None:
    try:
        from huggingface_hub import close_session
    except ImportError:  # pragma: no cover
        return
    close_session()


@pytest.fixture
def hf_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CacheDir:
    cache = CacheDir(tmp_path / "hf-cache")
    cache.mkdir(parents=True, exist_ok=True)
    monkeypatch.setenv("HF_HUB_CACHE", str(cache))
    return cache


@pytest.fixture
def fake_hub(hf_cache: CacheDir, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeHub]:
    import huggingface_hub.constants as hf_constants

    hub = FakeHub().start()
    monkeypatch.setenv("HF_ENDPOINT", hub.url)
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.delenv("TRANSFORMERS_OFFLINE", raising=False)
    monkeypatch.setenv("HF_TOKEN", "")
    for name in ("NO_PROXY", "no_proxy"):
        monkeypatch.setenv(name, "127.0.0.1,localhost")
    monkeypatch.setattr(hf_constants, "HF_HUB_OFFLINE", False)
    _reset_hf_session()  # a fresh httpx client that sees the environment above
    try:
        yield hub
    finally:
        hub.stop()
        _reset_hf_session()
