"""1366×768 first (issue 11): at the default size of a laptop screen a person can search, read model ids and see
which models are exportable without resizing anything (offscreen, fake Hub)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView

from conftest import fake_inspect_cmd, fake_worker_cmd

from app.hub_models import SearchResultsModel
from app.main_window import MainWindow

WAIT = 10000
LONG_IDS = ("sentence-transformers/all-MiniLM-L6-v2", "hf-internal-testing/tiny-random-bert")


def visible_columns(view) -> list[int]:
    header = view.horizontalHeader()
    cols = [header.logicalIndex(v) for v in range(header.count())]
    return [c for c in cols if not header.isSectionHidden(c)]


def test_split_for_a_laptop_screen():
    from app.main_window import split_sizes

    left, centre, right = split_sizes(1366, hub=True)
    assert left >= 460 and centre >= 420 and right >= 330 and left + centre + right <= 1366
    assert split_sizes(1366, hub=False)[0] < left  # Local and Demo lists give the room back to the centre


def test_hub_pane_is_usable_at_1366x768(qtbot, settings, tmp_path, fake_hub, hf_cache):
    w = MainWindow(settings, inspect_command=fake_inspect_cmd(), worker_command=fake_worker_cmd(),
                   hub_options={"auto_search": False, "cache_dir": str(hf_cache), "timeout": 3.0},
                   cache_options={"cache_dir": str(hf_cache)}, warm_engine=False)
    w.ask_before_quit = False
    qtbot.addWidget(w)
    w.resize(1366, 768)
    w.show()
    hub = w.sources.hub
    with qtbot.waitSignal(hub.resultsChanged, timeout=WAIT):
        hub.search()
    qtbot.wait(100)  # the columns are fitted once the layout settled
    assert w.sources.width() >= 460

    # search and paste boxes show their whole placeholder
    for edit in (hub.search_pane.searchEdit, hub.pasteEdit):
        need = edit.fontMetrics().horizontalAdvance(edit.placeholderText())
        assert edit.width() >= need, (edit.objectName(), edit.width(), need)
    # the filters show their current choice
    for combo in (hub.search_pane.taskCombo, hub.search_pane.libraryCombo, hub.search_pane.sortCombo):
        assert combo.width() >= combo.fontMetrics().horizontalAdvance(combo.currentText()) + 20

    view = hub.search_pane.resultsView
    header = view.horizontalHeader()
    viewport = view.viewport().width()
    # ids are readable: the id column is wide enough for the usual "org/name"
    id_width = header.sectionSize(SearchResultsModel.COL_ID)
    for repo_id in LONG_IDS:
        assert view.fontMetrics().horizontalAdvance(repo_id) + 8 <= id_width, (repo_id, id_width)
    # Exportable and Task are on screen, beside the id
    assert visible_columns(view)[:3] == [SearchResultsModel.COL_ID, SearchResultsModel.COL_EXPORTABLE,
                                         SearchResultsModel.COL_TASK]
    for col in (SearchResultsModel.COL_EXPORTABLE, SearchResultsModel.COL_TASK):
        assert not header.isSectionHidden(col)
        assert header.sectionViewportPosition(col) + header.sectionSize(col) <= viewport, col
    assert header.sectionResizeMode(SearchResultsModel.COL_ID) == QHeaderView.ResizeMode.Stretch

    # the details pane is below the results (the pane is narrow) and shows a model's facts
    assert hub.splitter.orientation().name == "Vertical"
    with qtbot.waitSignal(hub.detailsChanged, timeout=WAIT):
        hub.search_pane.resultsView.selectRow(0)
    assert hub.details_pane.titleLabel.isVisible() and hub.download_pane.downloadButton.isVisible()
    assert hub.inspectButton.isVisible()
    w.close()


def test_hub_pane_goes_side_by_side_when_wide(qtbot, fake_hub):
    from app.hub_browser import HubBrowser

    browser = HubBrowser(auto_search=False, timeout=3.0)
    qtbot.addWidget(browser)
    browser.resize(1200, 700)
    browser.show()
    qtbot.wait(20)
    assert browser.splitter.orientation().name == "Horizontal"
    with qtbot.waitSignal(browser.resultsChanged, timeout=WAIT):
        browser.search()
    qtbot.wait(50)
    shown = visible_columns(browser.search_pane.resultsView)
    assert SearchResultsModel.COL_DOWNLOADS in shown  # room for the counts too
    browser.resize(520, 700)
    qtbot.wait(50)
    assert browser.splitter.orientation().name == "Vertical"
    assert visible_columns(browser.search_pane.resultsView)[:3] == [
        SearchResultsModel.COL_ID, SearchResultsModel.COL_EXPORTABLE, SearchResultsModel.COL_TASK]


def test_queue_shows_which_model_each_export_is_at_1366x768(qtbot, make_window, out_dir):
    """The queue's Model column used to show "demo:…-gpt2": a long id keeps its name (organisation, folder or
    demo: dropped first, then the middle elided), the full id is the tooltip."""
    from app.queue_view import ModelIdDelegate, fitted_model_id

    w = make_window(worker_args=("--hang-at", "resolve"))
    w.resize(1366, 768)
    for model in (*LONG_IDS, "demo:tiny-gpt2"):
        w.session.enqueue({"model": model, "output_dir": str(out_dir / model.replace("/", "_")), "task": "auto"})
    qtbot.wait(200)  # laid out
    panel = w.queue_panel
    view, model = panel.view, panel.model
    width = view.horizontalHeader().sectionSize(1) - ModelIdDelegate.PADDING
    shown = [fitted_model_id(model.data(model.index(r, 1)), view.fontMetrics(), width) for r in range(3)]
    assert "all-MiniLM-L6-v2" in shown[0] and "tiny-random-bert" in shown[1] and shown[2] == "demo:tiny-gpt2", shown
    assert LONG_IDS[0] in model.data(model.index(0, 1), Qt.ItemDataRole.ToolTipRole)
    assert isinstance(view.itemDelegateForColumn(1), ModelIdDelegate)
    for job in list(w.queue.jobs):
        w.queue.cancel(job)


def test_fitted_model_id_keeps_the_name():
    from PySide6.QtGui import QFont, QFontMetrics

    from app.queue_view import fitted_model_id

    metrics = QFontMetrics(QFont("DejaVu Sans", 9))
    full = "sentence-transformers/all-MiniLM-L6-v2"
    assert fitted_model_id(full, metrics, 1000) == full
    assert fitted_model_id(full, metrics, metrics.horizontalAdvance("…/all-MiniLM-L6-v2")) == "…/all-MiniLM-L6-v2"
    tight = fitted_model_id(full, metrics, 60)
    assert "…" in tight and tight.startswith("all") and tight.endswith("v2")
    assert fitted_model_id("demo:tiny-gpt2", metrics, metrics.horizontalAdvance("tiny-gpt2")) == "tiny-gpt2"
    folder = "/home/me/models/my-bert/"
    assert fitted_model_id(folder, metrics, metrics.horizontalAdvance("…/my-bert")) == "…/my-bert"
