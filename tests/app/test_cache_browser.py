"""CacheBrowser on hand-built Hugging Face caches: pytest-qt, offscreen."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

pytest.importorskip("pytestqt")

from PySide6.QtCore import QElapsedTimer, Qt  # noqa: E402

from app import background  # noqa: E402
from app.cache_browser import CacheBrowser  # noqa: E402
from app.hub_models import ROLE_ITEM, CachedModelsModel  # noqa: E402
from exportcore import hub  # noqa: E402

WAIT = 5000
BERT = "hf-internal-testing/tiny-random-bert"
GPT2 = "hf-internal-testing/tiny-random-gpt2"


@pytest.fixture
def cache(hf_cache):
    bert = hf_cache.add(BERT, {"config.json": b'{"model_type": "bert"}', "model.safetensors": b"w" * 1000})
    gpt2 = hf_cache.add(GPT2, {"config.json": b'{"model_type": "gpt2"}'})
    hf_cache.add("acme/no-config", {"README.md": b"# hi"})
    return {"dir": hf_cache, BERT: bert, GPT2: gpt2}


@pytest.fixture
def make_browser(qtbot):
    made = []

    def make(**kwargs):
        kwargs.setdefault("auto_scan", False)
        widget = CacheBrowser(**kwargs)
        qtbot.addWidget(widget)
        widget.resize(900, 400)
        made.append(widget)
        return widget

    yield make
    for widget in made:
        widget.shutdown()
    assert background.wait_for_idle(5000)


def rows(browser):
    proxy = browser.proxy
    return [proxy.index(r, 0).data(ROLE_ITEM).repo_id for r in range(proxy.rowCount())]


def scan(qtbot, browser):
    with qtbot.waitSignal(browser.scanFinished, timeout=WAIT):
        browser.refresh()


def test_lists_cached_models(qtbot, make_browser, cache, qtmodeltester):
    browser = make_browser(auto_scan=True)
    with qtbot.waitSignal(browser.scanFinished, timeout=WAIT):
        browser.show()
    assert rows(browser) == ["acme/no-config", BERT, GPT2]
    model = browser.model
    by_id = {model.item(r).repo_id: r for r in range(model.rowCount())}
    bert = by_id[BERT]
    assert model.index(bert, CachedModelsModel.COL_TYPE).data() == "bert"
    assert model.index(bert, CachedModelsModel.COL_SIZE).data(Qt.ItemDataRole.UserRole) == 1000 + 22
    assert model.index(bert, CachedModelsModel.COL_SIZE).data() == "1.0 kB"
    assert model.index(bert, CachedModelsModel.COL_STATUS).data() == "complete"
    assert model.index(by_id[GPT2], CachedModelsModel.COL_STATUS).data() == "config only"
    assert model.index(by_id["acme/no-config"], CachedModelsModel.COL_STATUS).data() == "no config.json"
    assert "3 cached models" in browser.statusLabel.text()
    assert str(cache["dir"]) in browser.cacheLabel.text()
    qtmodeltester.check(model)
    qtmodeltester.check(browser.proxy)


def test_double_click_and_inspect_emit_the_snapshot_folder(qtbot, make_browser, cache):
    browser = make_browser(cache_dir=cache["dir"])
    scan(qtbot, browser)
    row = rows(browser).index(BERT)
    assert not browser.inspectButton.isEnabled()
    with qtbot.waitSignal(browser.modelChosen, timeout=WAIT) as blocker:
        browser.view.doubleClicked.emit(browser.proxy.index(row, 0))
    assert blocker.args == [str(cache[BERT])]
    browser.view.selectRow(rows(browser).index(GPT2))
    assert browser.inspectButton.isEnabled()
    with qtbot.waitSignal(browser.modelChosen, timeout=WAIT) as blocker:
        qtbot.mouseClick(browser.inspectButton, Qt.MouseButton.LeftButton)
    assert blocker.args == [str(cache[GPT2])]


def test_filter_and_sort(qtbot, make_browser, cache):
    browser = make_browser()
    scan(qtbot, browser)
    browser.filterEdit.setText("TINY")
    assert rows(browser) == [BERT, GPT2]
    browser.filterEdit.clear()
    browser.view.sortByColumn(CachedModelsModel.COL_SIZE, Qt.SortOrder.DescendingOrder)
    assert rows(browser)[0] == BERT


def test_refresh_picks_up_new_models(qtbot, make_browser, cache):
    browser = make_browser()
    scan(qtbot, browser)
    assert len(rows(browser)) == 3
    cache["dir"].add("acme/new", {"config.json": b'{"model_type": "t5"}'})
    with qtbot.waitSignal(browser.scanFinished, timeout=WAIT):
        qtbot.mouseClick(browser.refreshButton, Qt.MouseButton.LeftButton)
    assert "acme/new" in rows(browser)


def test_empty_and_missing_cache(qtbot, make_browser, tmp_path):
    browser = make_browser(cache_dir=tmp_path / "nowhere")
    scan(qtbot, browser)
    assert rows(browser) == []
    assert "No model in the cache yet" in browser.statusLabel.text()


def test_unreadable_folders_are_reported_not_fatal(qtbot, make_browser, cache):
    (Path(cache["dir"]) / "junk").mkdir()
    browser = make_browser()
    scan(qtbot, browser)
    assert len(rows(browser)) == 3
    assert "could not be read" in browser.statusLabel.text()
    assert "junk" in browser.statusLabel.toolTip()


def test_scan_runs_off_the_gui_thread(qtbot, make_browser, cache, monkeypatch):
    real = hub.scan_cache

    def slow(*args, **kwargs):
        time.sleep(0.4)
        return real(*args, **kwargs)

    monkeypatch.setattr(hub, "scan_cache", slow)
    browser = make_browser()
    clock = QElapsedTimer()
    clock.start()
    browser.refresh()
    assert clock.elapsed() < 100
    assert browser.is_scanning() and "Scanning" in browser.statusLabel.text()
    with qtbot.waitSignal(browser.scanFinished, timeout=WAIT):
        pass
    assert len(rows(browser)) == 3
    assert not browser.is_scanning()


def test_stale_scan_is_ignored(qtbot, make_browser, cache, monkeypatch, tmp_path):
    real = hub.scan_cache
    slow_dir = str(tmp_path / "slow-cache")

    def scan_fn(cache_dir=None):
        if cache_dir == slow_dir:
            time.sleep(0.5)
            return hub.CacheScan(cache_dir="stale", models=[], size_on_disk=0, warnings=[])
        return real(cache_dir)

    monkeypatch.setattr(hub, "scan_cache", scan_fn)
    browser = make_browser()
    browser.set_cache_dir(slow_dir)  # scans (slowly)
    with qtbot.waitSignal(browser.scanFinished, timeout=WAIT):
        browser.set_cache_dir(cache["dir"])  # scans again: the slow answer is now stale
    qtbot.wait(700)
    assert len(rows(browser)) == 3
    assert browser.last_scan().cache_dir != "stale"


def test_scan_failure_is_shown_inline(qtbot, make_browser, monkeypatch):
    def broken(*args, **kwargs):
        raise PermissionError("permission denied: /root/.cache")

    monkeypatch.setattr(hub, "scan_cache", broken)
    browser = make_browser()
    scan(qtbot, browser)
    assert "could not be read" in browser.statusLabel.text()
    assert rows(browser) == []
    assert browser.refreshButton.isEnabled()


def test_cache_browser_does_not_import_torch_or_transformers():
    code = (
        "import sys, os\n"
        "os.environ.setdefault('QT_QPA_PLATFORM', 'offscreen')\n"
        "import app.cache_browser\n"
        "bad = [m for m in ('torch', 'transformers') if m in sys.modules]\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
