"""HubBrowser (and app.background) against the fake Hub: pytest-qt, offscreen."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import subprocess  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

pytest.importorskip("pytestqt")

from PySide6.QtCore import QElapsedTimer, Qt, QTimer  # noqa: E402

from app import background  # noqa: E402
from app.hub_browser import HubBrowser  # noqa: E402
from app.hub_models import ROLE_ITEM, SearchResultsModel  # noqa: E402

BERT = "hf-internal-testing/tiny-random-bert"
GPT2 = "hf-internal-testing/tiny-random-gpt2"
MINILM = "sentence-transformers/all-MiniLM-L6-v2"
GATED = "meta-llama/Llama-fake-gated"
BIG = "acme/big-weights"
SUPPORTED = {"bert", "gpt2", "t5", "vit", "whisper", "llama"}
WAIT = 5000


def exportable(model_type, pipeline_tag):
    if model_type is None:
        return None
    return model_type in SUPPORTED


@pytest.fixture
def make_browser(qtbot, fake_hub):
    made = []

    def make(**kwargs):
        kwargs.setdefault("is_exportable", exportable)
        kwargs.setdefault("auto_search", False)
        kwargs.setdefault("timeout", 3.0)
        widget = HubBrowser(**kwargs)
        qtbot.addWidget(widget)
        widget.resize(1200, 700)
        made.append(widget)
        return widget

    yield make
    for widget in made:
        widget.shutdown()
    assert background.wait_for_idle(5000)


def search(qtbot, browser):
    with qtbot.waitSignal(browser.resultsChanged, timeout=WAIT):
        browser.search()


def ids(browser):
    model = browser.search_pane.resultsModel
    return [model.item(r).id for r in range(model.rowCount())]


def select(qtbot, browser, repo_id):
    row = ids(browser).index(repo_id)
    with qtbot.waitSignal(browser.detailsChanged, timeout=WAIT) as blocker:
        browser.search_pane.resultsView.selectRow(row)
    assert blocker.args == [repo_id]


def open_model(qtbot, browser, repo_id, revision=None):
    with qtbot.waitSignal(browser.detailsChanged, timeout=WAIT):
        browser.show_model(repo_id, revision)


# ---------------------------------------------------------------------------------------------
# search


def test_first_show_searches_and_fills_the_table(qtbot, make_browser, fake_hub, qtmodeltester):
    browser = make_browser(auto_search=True, page_size=25)
    with qtbot.waitSignal(browser.resultsChanged, timeout=WAIT):
        browser.show()
    assert browser.search_pane.resultsModel.rowCount() == 25
    assert ids(browser)[0] == MINILM  # most downloads first
    assert "timm/resnet-fake" not in ids(browser)  # library filter: transformers
    (request,) = fake_hub.requests_to(r"^/api/models$")
    assert request.param("sort") == "downloads"
    assert request.params("filter") == ["transformers"]
    assert request.param("limit") == "25"
    assert browser.search_pane.loadMoreButton.isVisible()
    model = browser.search_pane.resultsModel
    row = ids(browser).index(BERT)
    assert model.index(row, SearchResultsModel.COL_TASK).data() == "fill-mask"
    assert model.index(row, SearchResultsModel.COL_DOWNLOADS).data() == "120k"
    assert model.index(row, SearchResultsModel.COL_DOWNLOADS).data(Qt.ItemDataRole.UserRole) == 120_000
    assert model.index(row, SearchResultsModel.COL_EXPORTABLE).data() == "✓ yes"
    assert model.index(row, 0).data(ROLE_ITEM).model_type == "bert"
    qtmodeltester.check(model)


def test_exportable_badge_unknown_and_no(qtbot, make_browser):
    browser = make_browser(page_size=50)
    browser.search_pane.libraryCombo.setCurrentIndex(browser.search_pane.libraryCombo.findData(None))  # also searches
    qtbot.waitUntil(lambda: browser.search_pane.resultsModel.rowCount() > 0, timeout=WAIT)
    model = browser.search_pane.resultsModel
    badges = {model.item(r).id: model.index(r, SearchResultsModel.COL_EXPORTABLE).data()
              for r in range(model.rowCount())}
    assert badges["timm/resnet-fake"] == "? unknown"
    assert badges["acme/mystery-model"] == "✗ no"
    assert badges[BERT] == "✓ yes"


def test_typing_is_debounced(qtbot, make_browser, fake_hub):
    browser = make_browser(debounce_ms=150)
    with qtbot.waitSignal(browser.resultsChanged, timeout=WAIT):
        qtbot.keyClicks(browser.search_pane.searchEdit, "internal-testing")
    requests = fake_hub.requests_to(r"^/api/models$")
    assert [r.param("search") for r in requests] == ["internal-testing"]
    assert set(ids(browser)) == {BERT, GPT2, "hf-internal-testing/tiny-random-t5"}


def test_filters_and_sort_are_sent(qtbot, make_browser, fake_hub):
    browser = make_browser()
    with qtbot.waitSignal(browser.resultsChanged, timeout=WAIT):
        browser.search_pane.taskCombo.setCurrentIndex(browser.search_pane.taskCombo.findData("text-generation"))
    assert fake_hub.requests_to(r"^/api/models$")[-1].param("pipeline_tag") == "text-generation"
    assert set(ids(browser)) == {GPT2, GATED, "tiny-gpt2-legacy"}
    with qtbot.waitSignal(browser.resultsChanged, timeout=WAIT):
        browser.search_pane.sortCombo.setCurrentIndex(browser.search_pane.sortCombo.findData("likes"))
    request = fake_hub.requests_to(r"^/api/models$")[-1]
    assert request.param("sort") == "likes"
    assert ids(browser)[0] == GATED  # 700 likes
    with qtbot.waitSignal(browser.resultsChanged, timeout=WAIT):
        browser.search_pane.sortCombo.setCurrentIndex(browser.search_pane.sortCombo.findData("last_modified"))
    assert fake_hub.requests_to(r"^/api/models$")[-1].param("sort") == "lastModified"
    with qtbot.waitSignal(browser.resultsChanged, timeout=WAIT):
        browser.search_pane.libraryCombo.setCurrentIndex(browser.search_pane.libraryCombo.findData(None))
    assert fake_hub.requests_to(r"^/api/models$")[-1].params("filter") == []
    with qtbot.waitSignal(browser.resultsChanged, timeout=WAIT):
        browser.search_pane.taskCombo.setCurrentIndex(0)
    assert fake_hub.requests_to(r"^/api/models$")[-1].param("pipeline_tag") is None
    assert browser.search_params() == {"query": "", "task": None, "library": None, "sort": "last_modified"}


def test_load_more_pages(qtbot, make_browser, fake_hub, qtmodeltester):
    browser = make_browser(page_size=12)
    browser.search_pane.searchEdit.setText("fillers/")
    search(qtbot, browser)
    assert browser.search_pane.resultsModel.rowCount() == 12
    assert browser.search_pane.loadMoreButton.isVisibleTo(browser)
    with qtbot.waitSignal(browser.resultsChanged, timeout=WAIT):
        qtbot.mouseClick(browser.search_pane.loadMoreButton, Qt.MouseButton.LeftButton)
    assert browser.search_pane.resultsModel.rowCount() == 24
    with qtbot.waitSignal(browser.resultsChanged, timeout=WAIT):
        browser.load_more()
    assert browser.search_pane.resultsModel.rowCount() == 30
    assert not browser.search_pane.loadMoreButton.isVisibleTo(browser)
    assert len(set(ids(browser))) == 30
    cursors = [r.param("cursor") for r in fake_hub.requests_to(r"^/api/models$")]
    assert cursors == [None, "12", "24"]
    qtmodeltester.check(browser.search_pane.resultsModel)
    # a new search starts again from the first page
    browser.search_pane.searchEdit.setText("fillers/tiny-random-bert-0")
    search(qtbot, browser)
    assert browser.search_pane.resultsModel.rowCount() == 10


def test_stale_search_result_is_ignored(qtbot, make_browser, fake_hub):
    browser = make_browser()
    fake_hub.inject("delay", path=r"^/api/models$", query="search=tiny-random-t5", seconds=0.8)
    browser.search_pane.searchEdit.setText("tiny-random-t5")
    browser.search()  # slow
    browser.search_pane.searchEdit.setText("tiny-vit")
    with qtbot.waitSignal(browser.resultsChanged, timeout=WAIT):
        browser.search()  # fast, wins
    assert ids(browser) == ["google/tiny-vit"]
    qtbot.wait(1200)  # the slow answer arrives and must be dropped
    assert ids(browser) == ["google/tiny-vit"]
    assert len(fake_hub.requests_to(r"^/api/models$")) == 2


def test_search_does_not_block_the_gui_thread(qtbot, make_browser, fake_hub):
    browser = make_browser(timeout=5)
    fake_hub.inject("delay", path=r"^/api/models$", seconds=0.6)
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(time.monotonic()))
    timer.start(20)
    clock = QElapsedTimer()
    clock.start()
    browser.search()
    assert clock.elapsed() < 100
    with qtbot.waitSignal(browser.resultsChanged, timeout=WAIT):
        pass
    timer.stop()
    assert len(ticks) >= 10  # the event loop kept turning during the request
    gaps = [b - a for a, b in zip(ticks, ticks[1:])]
    assert max(gaps) < 0.25


# ---------------------------------------------------------------------------------------------
# details


def test_details_pane(qtbot, make_browser, fake_hub, qtmodeltester):
    browser = make_browser()
    search(qtbot, browser)
    select(qtbot, browser, MINILM)
    assert browser.details_pane.titleLabel.text() == MINILM
    meta = browser.details_pane.metaLabel.text()
    assert "sentence-similarity" in meta and "bert" in meta and "150k" in meta and "✓ yes" in meta
    card = browser.details_pane.cardView.toPlainText()
    assert "all-MiniLM-L6-v2" in card and "license:" not in card
    files = browser.details_pane.filesModel
    assert files.rowCount() == len(fake_hub.repo(MINILM).files)
    paths = [files.item(r).path for r in range(files.rowCount())]
    assert "model.safetensors" in paths
    skipped = {files.item(r).path for r in range(files.rowCount()) if not files.included(files.item(r).path)}
    assert skipped == {".gitattributes", "pytorch_model.bin", "tf_model.h5", "onnx/model.onnx"}
    assert browser.details_pane.sizeLabel.text().startswith("Download: 6 files")
    assert browser.download_pane.downloadButton.isEnabled() and browser.inspectButton.isEnabled()
    assert not browser.details_pane.detailsError.isVisibleTo(browser)
    qtmodeltester.check(files)


def test_model_without_card(qtbot, make_browser, fake_hub):
    del fake_hub.repo("acme/mystery-model").files["README.md"]
    browser = make_browser()
    open_model(qtbot, browser, "acme/mystery-model")
    assert browser.details_pane.cardView.toPlainText() == "This model has no model card."
    assert "✗ no" in browser.details_pane.metaLabel.text()


def test_paste_url_opens_details_with_revision(qtbot, make_browser, fake_hub):
    browser = make_browser()
    browser.pasteEdit.setText(f"https://huggingface.co/{GPT2}/tree/v1.0")
    with qtbot.waitSignal(browser.detailsChanged, timeout=WAIT):
        qtbot.mouseClick(browser.openButton, Qt.MouseButton.LeftButton)
    assert browser.details_pane.titleLabel.text() == f"{GPT2} @ v1.0"
    assert browser.current_details().model_type == "gpt2"
    assert fake_hub.requests_to(r"/revision/v1\.0$")


def test_paste_garbage_is_an_inline_error_without_request(qtbot, make_browser, fake_hub):
    browser = make_browser()
    browser.pasteEdit.setText("https://example.com/not/a/model")
    with qtbot.waitSignal(browser.errorShown, timeout=WAIT) as blocker:
        browser.pasteEdit.returnPressed.emit()
    assert blocker.args == ["not_a_model"]
    assert browser.details_pane.detailsError.isVisibleTo(browser)
    assert "not a Hub model link" in browser.details_pane.detailsError.text()
    assert fake_hub.requests == []


def test_unknown_model_is_an_inline_error(qtbot, make_browser):
    browser = make_browser()
    with qtbot.waitSignal(browser.errorShown, timeout=WAIT) as blocker:
        browser.show_model("acme/does-not-exist")
    assert blocker.args == ["hub_not_found"]
    assert "was not found on the Hub" in browser.details_pane.detailsError.text()
    assert not browser.download_pane.downloadButton.isEnabled()


# ---------------------------------------------------------------------------------------------
# choosing a model


def test_double_click_and_inspect_emit_model_chosen(qtbot, make_browser):
    browser = make_browser()
    search(qtbot, browser)
    row = ids(browser).index(BERT)
    index = browser.search_pane.resultsModel.index(row, 0)
    with qtbot.waitSignal(browser.modelChosen, timeout=WAIT) as blocker:
        browser.search_pane.resultsView.doubleClicked.emit(index)
    assert blocker.args == [BERT]
    select(qtbot, browser, BERT)
    with qtbot.waitSignal(browser.modelChosen, timeout=WAIT) as blocker:
        qtbot.mouseClick(browser.inspectButton, Qt.MouseButton.LeftButton)
    assert blocker.args == [BERT]


# ---------------------------------------------------------------------------------------------
# download


def test_download_with_progress_then_inspect_local_folder(qtbot, make_browser, fake_hub, hf_cache):
    browser = make_browser()
    open_model(qtbot, browser, MINILM)
    values = []
    browser.download_pane.progressBar.valueChanged.connect(values.append)
    with qtbot.waitSignal(browser.downloadFinished, timeout=WAIT) as blocker:
        qtbot.mouseClick(browser.download_pane.downloadButton, Qt.MouseButton.LeftButton)
    path = Path(blocker.args[0])
    assert Path(hf_cache) in path.parents
    assert (path / "config.json").is_file() and (path / "model.safetensors").is_file()
    assert not (path / "tf_model.h5").exists()
    assert values and values[-1] == 1000 and values == sorted(values)
    assert browser.download_pane.progressLabel.text().startswith("Downloaded to ")
    qtbot.waitUntil(lambda: browser.download_pane.downloadButton.isEnabled(), timeout=WAIT)
    assert not browser.download_pane.cancelButton.isVisibleTo(browser)
    with qtbot.waitSignal(browser.modelChosen, timeout=WAIT) as chosen:
        browser.choose_current()
    assert chosen.args == [str(path)]


def test_download_cancel(qtbot, make_browser, fake_hub, hf_cache):
    fake_hub.chunk_size = 16 * 1024
    fake_hub.chunk_delay = 0.02
    browser = make_browser()
    open_model(qtbot, browser, BIG)
    qtbot.mouseClick(browser.download_pane.downloadButton, Qt.MouseButton.LeftButton)
    assert browser.download_pane.cancelButton.isVisibleTo(browser)
    assert not browser.download_pane.downloadButton.isEnabled()
    download = browser.download_pane
    qtbot.waitUntil(lambda: " of " in download.progressLabel.text() and download.progressBar.value() > 0,
                    timeout=WAIT)
    qtbot.mouseClick(browser.download_pane.cancelButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "cancelled" in browser.download_pane.progressLabel.text(), timeout=WAIT)
    assert browser.download_pane.downloadButton.isEnabled()
    assert not browser.download_pane.cancelButton.isVisibleTo(browser)
    storage = Path(hf_cache) / "models--acme--big-weights"
    assert not list(storage.rglob("*.incomplete"))
    got = {r.path.rsplit("/", 1)[-1] for r in fake_hub.requests_to(r"/resolve/", method="GET")}
    assert "model-00003-of-00003.safetensors" not in got
    # the window is still usable
    search(qtbot, browser)
    assert browser.search_pane.resultsModel.rowCount() > 0


def test_gated_download_is_an_inline_error(qtbot, make_browser):
    browser = make_browser()
    open_model(qtbot, browser, GATED)
    assert "gated" in browser.details_pane.metaLabel.text()
    with qtbot.waitSignal(browser.errorShown, timeout=WAIT) as blocker:
        browser.download_current()
    assert blocker.args == ["hub_gated"]
    assert "refused access" in browser.download_pane.progressLabel.text()
    qtbot.waitUntil(lambda: browser.download_pane.downloadButton.isEnabled(), timeout=WAIT)
    open_model(qtbot, browser, BERT)  # another model: the old download error is gone
    download = browser.download_pane
    assert download.progressLabel.text() == "" and not download.progressBar.isVisibleTo(browser)


# ---------------------------------------------------------------------------------------------
# faults


@pytest.mark.parametrize(
    "kind, code, words",
    [
        ("delay", "hub_unreachable", "timed out"),
        ("500", "hub_unavailable", "HTTP 500"),
        ("503", "hub_unavailable", "cannot serve the request right now"),
        ("malformed", "hub_unreachable", "malformed"),
        ("gated", "hub_gated", "refused access"),
    ],
)
def test_search_faults_are_friendly_and_recoverable(qtbot, make_browser, fake_hub, kind, code, words):
    browser = make_browser(timeout=0.4)
    browser.show()
    fault = fake_hub.inject(kind, path=r"^/api/models", seconds=3)
    started = time.monotonic()
    with qtbot.waitSignal(browser.errorShown, timeout=WAIT) as blocker:
        browser.search()
    assert time.monotonic() - started < 2.5
    assert blocker.args == [code]
    assert words in browser.search_pane.statusLabel.text()
    assert browser.search_pane.resultsModel.rowCount() == 0
    # details fail the same way, inline
    with qtbot.waitSignal(browser.errorShown, timeout=WAIT) as blocker:
        browser.show_model(BERT)
    assert blocker.args == [code]
    assert browser.details_pane.detailsError.isVisibleTo(browser) and words in browser.details_pane.detailsError.text()
    assert browser.isVisible() and browser.isEnabled() and browser.search_pane.searchEdit.isEnabled()
    # the Hub recovers: the same window works
    fake_hub.faults.remove(fault)
    search(qtbot, browser)
    assert browser.search_pane.resultsModel.rowCount() > 0
    assert "models" in browser.search_pane.statusLabel.text()
    open_model(qtbot, browser, BERT)
    assert not browser.details_pane.detailsError.isVisibleTo(browser)


def test_load_more_fault_keeps_the_rows(qtbot, make_browser, fake_hub):
    browser = make_browser(page_size=10)
    search(qtbot, browser)
    fake_hub.inject("500", path=r"^/api/models$", times=1)
    with qtbot.waitSignal(browser.errorShown, timeout=WAIT):
        browser.load_more()
    assert browser.search_pane.resultsModel.rowCount() == 10
    assert browser.search_pane.loadMoreButton.isEnabled()
    with qtbot.waitSignal(browser.resultsChanged, timeout=WAIT):
        browser.load_more()
    assert browser.search_pane.resultsModel.rowCount() == 20


# ---------------------------------------------------------------------------------------------
# offline


def test_offline_mode_sends_nothing(qtbot, make_browser, fake_hub, hf_cache):
    snapshot = hf_cache.add(BERT, {"config.json": b'{"model_type": "bert"}', "model.safetensors": b"w" * 64,
                                   "README.md": b"# Cached bert\n"})
    browser = make_browser()
    with qtbot.waitSignal(browser.resultsChanged, timeout=WAIT):
        browser.set_offline(True)  # toggling searches the cache
    assert ids(browser) == [BERT]
    assert "local cache" in browser.search_pane.statusLabel.text()
    select(qtbot, browser, BERT)
    assert "Cached bert" in browser.details_pane.cardView.toPlainText()
    assert "from the local cache" in browser.details_pane.metaLabel.text()
    with qtbot.waitSignal(browser.downloadFinished, timeout=WAIT) as blocker:
        browser.download_current()
    assert blocker.args == [str(snapshot)]
    with qtbot.waitSignal(browser.modelChosen, timeout=WAIT) as blocker:
        browser.choose_current()
    assert blocker.args == [str(snapshot)]
    with qtbot.waitSignal(browser.errorShown, timeout=WAIT) as blocker:
        browser.pasteEdit.setText(GPT2)
        browser.open_pasted()
    assert blocker.args == ["not_in_cache"]
    assert "Turn Offline off" in browser.details_pane.detailsError.text()
    assert fake_hub.requests == []
    # back online: the Hub is asked again
    with qtbot.waitSignal(browser.resultsChanged, timeout=WAIT):
        browser.search_pane.offlineCheck.setChecked(False)
    assert len(fake_hub.requests_to(r"^/api/models$")) == 1


def test_offline_from_environment(qtbot, make_browser, fake_hub, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    browser = make_browser()
    assert browser.search_pane.offlineCheck.isChecked() and not browser.search_pane.offlineCheck.isEnabled()
    search(qtbot, browser)
    assert fake_hub.requests == []


# ---------------------------------------------------------------------------------------------
# screenshot


def test_screenshot(qtbot, make_browser, tmp_path):
    browser = make_browser()
    browser.show()
    search(qtbot, browser)
    select(qtbot, browser, MINILM)
    qtbot.wait(50)  # let the posted layout requests run before grabbing
    target = Path(os.environ.get("HUB_BROWSER_SCREENSHOT", tmp_path / "hub_browser.png"))
    assert browser.grab().save(str(target))
    assert target.stat().st_size > 10_000


# ---------------------------------------------------------------------------------------------
# app.background


def test_run_in_pool_delivers_on_the_gui_thread(qtbot):
    gui = threading.get_ident()
    seen = {}

    def work(x, call):
        seen["worker"] = threading.get_ident()
        call.report(1)
        call.report(2)
        return x * 2

    progress, finished = [], []
    results = []
    background.run_in_pool(work, 21, pass_call=True, on_progress=progress.append,
                      on_result=lambda v: results.append((v, threading.get_ident())),
                      on_finished=lambda: finished.append(True))
    qtbot.waitUntil(lambda: bool(finished), timeout=WAIT)
    assert results == [(42, gui)]
    assert progress == [1, 2]
    assert seen["worker"] != gui


def test_run_in_pool_errors_and_cancel(qtbot):
    errors, results, finished = [], [], []
    background.run_in_pool(lambda: 1 / 0, on_error=errors.append, on_finished=lambda: finished.append(1))
    qtbot.waitUntil(lambda: bool(finished), timeout=WAIT)
    assert isinstance(errors[0], ZeroDivisionError)

    gate = threading.Event()
    call = background.run_in_pool(lambda: gate.wait(5) and "late", on_result=results.append,
                                  on_finished=lambda: finished.append(2))
    call.cancel()
    assert call.cancelled and call.cancel_event.is_set()
    gate.set()
    qtbot.waitUntil(lambda: 2 in finished, timeout=WAIT)
    assert results == [] and call.done


def test_latest_call_cancels_the_stale_one(qtbot):
    slot = background.LatestCall()
    results = []
    gate = threading.Event()
    first = slot.start(lambda: gate.wait(5) and "first", on_result=results.append)
    second = slot.start(lambda: "second", on_result=results.append)
    assert first.cancelled and not second.cancelled
    qtbot.waitUntil(lambda: second.done, timeout=WAIT)
    gate.set()
    qtbot.waitUntil(lambda: first.done, timeout=WAIT)
    assert results == ["second"]
    assert not slot.busy


def test_callback_exception_does_not_break_the_loop(qtbot):
    finished = []

    def boom(_value):
        raise RuntimeError("view bug")

    background.run_in_pool(lambda: 1, on_result=boom, on_finished=lambda: finished.append(1))
    qtbot.waitUntil(lambda: bool(finished), timeout=WAIT)


# ---------------------------------------------------------------------------------------------
# the app process stays light


def test_app_modules_do_not_import_torch_or_transformers():
    code = (
        "import sys, os\n"
        "os.environ.setdefault('QT_QPA_PLATFORM', 'offscreen')\n"
        "import app.hub_browser, app.cache_browser, app.hub_models, app.background\n"
        "from PySide6.QtWidgets import QApplication\n"
        "qapp = QApplication([])\n"
        "w = app.hub_browser.HubBrowser(auto_search=False); c = app.cache_browser.CacheBrowser(auto_scan=False)\n"
        "bad = [m for m in ('torch', 'transformers') if m in sys.modules]\n"
        "print(bad); sys.exit(1 if bad else 0)\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_download_shows_bytes_rate_and_time_left(qtbot, make_browser, fake_hub, hf_cache):
    """The Hub pane's own download: bytes of the file being downloaded, the rate and the time left (issue 11)."""
    fake_hub.chunk_size = 16 * 1024
    fake_hub.chunk_delay = 0.02
    browser = make_browser()
    open_model(qtbot, browser, BIG)
    qtbot.mouseClick(browser.download_pane.downloadButton, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "B/s" in browser.download_pane.progressLabel.text(), timeout=WAIT)
    text = browser.download_pane.progressLabel.text()
    assert " of 601.0 kB" in text and "kB/s" in text and "left" in text and ".safetensors" in text, text
    browser.cancel_download()
    qtbot.waitUntil(lambda: "cancelled" in browser.download_pane.progressLabel.text(), timeout=WAIT)


def test_large_download_asks_first(qtbot, make_browser, fake_hub, hf_cache, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    browser = make_browser(download_warning_bytes=1000)
    open_model(qtbot, browser, BIG)
    asked = []

    def answer(box):
        asked.append(box.text() + " " + box.informativeText())
        return 0

    monkeypatch.setattr(QMessageBox, "exec", answer)  # the question is answered with Cancel (no button clicked)
    browser.download_current()
    assert asked and BIG in asked[0] and "Free space in the model cache" in asked[0]
    assert not browser.download_pane.progressBar.isVisible()
    assert not fake_hub.requests_to(r"/resolve/.*safetensors", method="GET")


def test_gated_with_a_token_that_has_no_access_says_so(qtbot, make_browser, fake_hub, monkeypatch):
    """A valid token without access to a gated repo: the pane says the token has no access, never "log in (set
    HF_TOKEN)"; an unknown token is called invalid, not "gated"."""
    fake_hub.valid_tokens.add("hf_other_account")
    fake_hub.repo(GATED).authorized_tokens = {"hf_someone_else"}
    monkeypatch.setenv("HF_TOKEN", "hf_other_account")
    browser = make_browser()
    open_model(qtbot, browser, GATED)
    with qtbot.waitSignal(browser.errorShown, timeout=WAIT) as blocker:
        browser.download_current()
    assert blocker.args == ["hub_access_denied"]
    text = browser.download_pane.progressLabel.text()
    assert "has no access" in text and "HF_TOKEN" not in text and "log in" not in text.lower()

    monkeypatch.setenv("HF_TOKEN", "hf_nobody_knows_this_token")
    with qtbot.waitSignal(browser.errorShown, timeout=WAIT) as blocker:
        browser.show_model(BERT)
    assert blocker.args == ["hub_token_invalid"]
    text = browser.details_pane.detailsError.text()
    assert "invalid" in text and "gated" not in text
