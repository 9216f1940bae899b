"""Fixtures for the app tests: offscreen Qt, throwaway settings, fake child processes (tests/app/fakes)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")

import pytest  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
if sys.path[0] != str(ROOT):  # the project's ``app`` package, not a namespace package of the same name
    sys.path.insert(0, str(ROOT))

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


@pytest.fixture
def make_window(qtbot, settings):
    """A MainWindow wired to the fake inspect server and fake worker (arguments select their behaviour)."""
    made = []

    def factory(*, inspect_args=(), worker_args=(), runner=None, start_helper=True, wait_ready=True,
                ask_before_quit=False):
        from app.main_window import MainWindow

        # no network and no look at the user's HF cache: the Hub pane stays idle, the cache pane scans an empty dir
        cache = settings.file_name() + ".hf-cache"
        w = MainWindow(settings, inspect_command=fake_inspect_cmd(*inspect_args),
                       worker_command=fake_worker_cmd(*worker_args), runner=runner, start_helper=start_helper,
                       hub_options={"auto_search": False, "offline": True, "cache_dir": cache},
                       cache_options={"cache_dir": cache}, warm_engine=False)
        w.ask_before_quit = ask_before_quit  # a test that ends during an export must not wait on the question
        qtbot.addWidget(w)
        w.show()
        made.append(w)
        if start_helper and wait_ready:
            qtbot.waitUntil(lambda: w.client.is_ready, timeout=10000)
        return w

    yield factory
    for w in made:
        w.close()


@pytest.fixture
def demo_list():
    return [
        {"name": "tiny-bert", "title": "Tiny BERT", "task": "fill-mask", "model_type": "bert", "description": "bert"},
        {"name": "tiny-gpt2", "title": "Tiny GPT-2", "task": "text-generation-with-past", "model_type": "gpt2",
         "description": "gpt2"},
        {"name": "tiny-t5", "title": "Tiny T5", "task": "text2text-generation-with-past", "model_type": "t5",
         "description": "t5"},
    ]
