"""Fixtures for the app tests: offscreen Qt, throwaway settings, fake child processes (tests/app/fakes)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")

import pytest  # noqa: E402

FAKES = Path(__file__).resolve().parent / "fakes"
PY = sys.executable


def fake_worker_cmd(*args: str) -> list[str]:
    return [PY, str(FAKES / "fake_worker.py"), *args]


def fake_inspect_cmd(*args: str) -> list[str]:
    return [PY, str(FAKES / "fake_inspect_server.py"), *args]


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path, monkeypatch):
    """Never touch the user's settings; never inherit a command override from the environment."""
    monkeypatch.setenv("OES_SETTINGS_FILE", str(tmp_path / "settings.ini"))
    monkeypatch.delenv("OES_WORKER_CMD", raising=False)
    monkeypatch.delenv("OES_INSPECT_CMD", raising=False)
    yield


@pytest.fixture
def settings(tmp_path):
    from app.settings import Settings

    return Settings(tmp_path / "settings.ini")


@pytest.fixture
def out_dir(tmp_path):
    d = tmp_path / "exports"
    d.mkdir()
    return d
