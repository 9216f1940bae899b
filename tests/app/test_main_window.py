"""The whole flow in the main window with the fake inspect server and fake worker (offscreen, no torch)."""

from __future__ import annotations

import os

from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication


def _wait_plan(qtbot, w, model_type=None):
    """The plan for the selection, and its pre-flight (Export is offered once both are in)."""
    qtbot.waitUntil(lambda: w.inspector.state == "plan" and not w.inspector.updating.isVisible()
                    and (model_type is None or w.inspector.plan.get("model_type") == model_type)
                    and w.session.preflight_done(), timeout=10000)


def test_select_inspect_change_export_results(qtbot, make_window, out_dir, demo_list):
    w = make_window(worker_args=("--rows", "6", "--sleep", "0.01"))
    w.options.set_output_folder(str(out_dir), user=True)
    w.sources.demo.load(demo_list)
    assert w.sources.demo.model_ids() == ["demo:tiny-bert", "demo:tiny-gpt2", "demo:tiny-t5"]

    # select -> inspect
    w.sources.show_tab("demo")
    index = w.sources.demo.model.index(1, 0)
    w.sources.demo.view.clicked.emit(index)
    assert w.session.ref == "demo:tiny-gpt2"
    _wait_plan(qtbot, w, "gpt2")
    assert w.inspector.files_model.files() == ["model.onnx"]
    page = w.inspector.pages[0]
    names = [page.inputs_model.row(i)[0] for i in range(page.inputs_model.rowCount())]
    assert names[:2] == ["input_ids", "attention_mask"] and "past_key_values.0.key" in names
    assert "GPT2OnnxConfig" in w.inspector.chain.text()

    # change options -> the inspector follows
    w.options.use_past.setChecked(False)
    qtbot.waitUntil(lambda: w.inspector.plan is not None and not w.inspector.plan["submodels"][0]["use_past"],
                    timeout=5000)
    assert not any(n.startswith("past_key_values") for n in
                   (page.inputs_model.row(i)[0] for i in range(page.inputs_model.rowCount())))
    w.options.int_dtype.setCurrentText("int32")
    qtbot.waitUntil(lambda: w.inspector.pages[0].inputs_model.row(0)[1] == "int32", timeout=5000)

    # export -> live rows -> results -> history
    assert w.export_button.isEnabled()
    job = w.start_export()
    assert w.centre.currentWidget() is w.run_view
    with qtbot.waitSignal(job.finished, timeout=15000):
        pass
    assert job.state == "succeeded"
    assert w.run_view.validation.rowCount() == 6
    assert w.run_view.banner.kind == "ok"
    assert all(w.run_view.stages.state[s] == "done" for s in w.run_view.stages.stages)
    assert w.results.files.rowCount() >= 1 and w.results.output_dir == job.options["output_dir"]
    assert job.options["output_dir"].startswith(str(out_dir))
    assert job.options["int_dtype"] == "int32" and job.options["use_past"] is False
    cli = w.results.copy_cli()
    assert cli.startswith("exportcore export demo:tiny-gpt2") and "--no-past" in cli
    assert QApplication.clipboard().text() == cli
    assert w.history.model.rowCount() == 1 and w.settings.history[0]["outcome"] == "succeeded"
    assert w.settings.recent_models[0] == "demo:tiny-gpt2"

    # re-run from the history: a new folder, since the first one is not empty
    again = w.rerun(w.history.model.entry(0))
    with qtbot.waitSignal(again.finished, timeout=15000):
        pass
    assert again.state == "succeeded" and again.options["output_dir"] != job.options["output_dir"]
    assert w.history.model.rowCount() == 2


def test_inspect_error_is_friendly(qtbot, make_window):
    w = make_window()
    w.select_model("org/bad-model")
    qtbot.waitUntil(lambda: w.inspector.error_banner.isVisible(), timeout=5000)
    text = w.inspector.error_banner.label.text()
    assert "mystery" in text and "Traceback" not in text
    assert w.inspector.state == "error"


def test_warming_up_state_then_plan(qtbot, make_window):
    w = make_window(inspect_args=("--warmup", "0.6"), wait_ready=False)
    w.select_model("demo:tiny-bert")
    assert w.inspector.state == "warming"
    assert "warming" in w.helper_status.text().lower()
    _wait_plan(qtbot, w, "bert")
    assert "ready" in w.helper_status.text().lower()


def test_cancel_from_the_run_view(qtbot, make_window, out_dir):
    w = make_window(worker_args=("--hang-at", "export"))
    w.options.set_output_folder(str(out_dir), user=True)
    w.select_model("demo:tiny-bert")
    _wait_plan(qtbot, w)
    job = w.start_export()
    qtbot.waitUntil(lambda: w.run_view.stages.state["export"] == "running", timeout=10000)
    assert w.run_view.cancel_button.isEnabled()
    with qtbot.waitSignal(job.finished, timeout=3000):
        qtbot.mouseClick(w.run_view.cancel_button, Qt.MouseButton.LeftButton)
    assert job.state == "cancelled"
    assert w.run_view.banner.kind == "warn"
    assert w.run_view.stages.state["export"] == "cancelled"
    assert not os.listdir(out_dir)


def test_crashing_worker_leaves_the_app_usable(qtbot, make_window, out_dir):
    w = make_window(worker_args=("--crash-at", "export"))
    w.options.set_output_folder(str(out_dir), user=True)
    w.select_model("demo:tiny-bert")
    _wait_plan(qtbot, w)
    job = w.start_export()
    with qtbot.waitSignal(job.finished, timeout=10000):
        pass
    assert job.state == "crashed"
    assert w.run_view.error_banner.isVisible()
    assert "stopped unexpectedly" in w.run_view.error_banner.label.text()
    assert w.queue_panel.model.data(w.queue_panel.model.index(0, 3)) == "crashed"
    assert w.history.model.entry(0)["outcome"] == "crashed"
    # still usable: inspect another model
    w.select_model("demo:tiny-t5")
    _wait_plan(qtbot, w, "t5")
    assert w.export_button.isEnabled()


def test_queue_of_exports(qtbot, make_window, out_dir):
    w = make_window(worker_args=("--rows", "2", "--sleep", "0.05"))
    w.options.set_output_folder(str(out_dir), user=True)
    w.select_model("demo:tiny-bert")
    _wait_plan(qtbot, w)
    jobs = [w.start_export() for _ in range(3)]
    assert len({j.options["output_dir"] for j in jobs}) == 3  # each its own folder
    assert "queue" in w.export_button.text().lower()
    qtbot.waitUntil(lambda: all(j.is_done for j in jobs), timeout=20000)
    assert [j.state for j in jobs] == ["succeeded"] * 3
    assert w.queue_panel.model.rowCount() == 3


def test_drop_a_folder_on_the_window(qtbot, make_window, tmp_path):
    w = make_window()
    folder = tmp_path / "my-model"
    folder.mkdir()
    (folder / "config.json").write_text("{}")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(folder))])
    assert w.dropped_folder(mime) == str(folder)
    event = QDropEvent(QPoint(10, 10).toPointF(), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    w.dropEvent(event)
    assert w.session.ref == str(folder)
    file_mime = QMimeData()
    file_mime.setUrls([QUrl.fromLocalFile(str(folder / "config.json"))])
    assert w.dropped_folder(file_mime) == str(folder)
    nothing = QMimeData()
    nothing.setText("hello")
    assert w.dropped_folder(nothing) is None


def test_language_switch_to_traditional_chinese(qtbot, make_window):
    w = make_window()
    assert w.centre.tabText(0) == "Inspector"
    w.set_language("zh_TW")
    try:
        qtbot.waitUntil(lambda: w.centre.tabText(0) == "檢視器", timeout=3000)  # LanguageChange is posted
        assert w.export_button.text() == "匯出"
        assert w.settings.language == "zh_TW"
        assert w.language_actions["zh_TW"].isChecked()
    finally:
        w.set_language("en")
    qtbot.waitUntil(lambda: w.centre.tabText(0) == "Inspector", timeout=3000)


def test_settings_persist_between_windows(qtbot, make_window, settings, out_dir):
    w = make_window()
    w.options.set_output_folder(str(out_dir), user=True)
    w.options.float_dtype.setCurrentText("fp16")
    w.options.opset.setValue(17)
    w.close()
    assert settings.options["float_dtype"] == "fp16" and settings.options["opset"] == 17
    assert settings.output_folder == str(out_dir)
    w2 = make_window(start_helper=False)
    assert w2.options.float_dtype.currentText() == "fp16" and w2.options.opset.value() == 17


# -- Export only for a resolved plan (issue 11, item 8) ----------------------------------------------------------
def test_export_is_disabled_until_the_selection_is_resolved(qtbot, make_window, out_dir):
    w = make_window(inspect_args=("--delay", "0.4"))
    w.options.set_output_folder(str(out_dir), user=True)
    w.select_model("demo:tiny-bert")
    assert not w.export_button.isEnabled() and "inspector" in w.destination.text().lower()
    assert w.start_export() is None
    _wait_plan(qtbot, w, "bert")
    assert w.export_button.isEnabled()
    # a model whose inspection fails: no Export, and the reason where the destination was
    w.select_model("org/bad-model")
    qtbot.waitUntil(lambda: w.inspector.error_banner.isVisible(), timeout=5000)
    assert not w.export_button.isEnabled()
    assert "Model not supported" in w.destination.text()
    assert w.start_export() is None and not w.queue.jobs
    # back to a good model
    w.select_model("demo:tiny-gpt2")
    _wait_plan(qtbot, w, "gpt2")
    assert w.export_button.isEnabled() and w.destination.text().startswith("Writes to")


# -- Quit during an export; Open folder without a file manager (item 11) -----------------------------------------
def _answer(qtbot, which: str):
    """Click a button of the next modal box once it is shown (the box's exec() blocks the test)."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QMessageBox

    seen = {}

    def click():
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, click)
            return
        seen["text"] = box.text() + " " + box.informativeText()
        seen["buttons"] = [b.text() for b in box.buttons()]
        button = next(b for b in box.buttons() if b.text() == which)
        button.click()

    QTimer.singleShot(20, click)
    return seen


def test_quit_during_an_export_asks_first(qtbot, make_window, out_dir):
    w = make_window(worker_args=("--hang-at", "export"), ask_before_quit=True)
    w.options.set_output_folder(str(out_dir), user=True)
    w.select_model("demo:tiny-bert")
    _wait_plan(qtbot, w)
    job = w.start_export()
    qtbot.waitUntil(lambda: job.state == "running", timeout=5000)
    seen = _answer(qtbot, "Keep running")
    w.quit_action.trigger()  # Ctrl+Q
    assert "demo:tiny-bert" in seen["text"]
    assert seen["buttons"] and "Quit and cancel the export" in seen["buttons"]
    assert w.isVisible() and job.state == "running"
    _answer(qtbot, "Quit and cancel the export")
    w.close()
    assert not w.isVisible()
    qtbot.waitUntil(lambda: job.is_done, timeout=5000)
    assert job.state == "cancelled" and not os.listdir(out_dir)


def test_quit_without_exports_does_not_ask(qtbot, make_window):
    w = make_window(ask_before_quit=True)
    w.close()
    assert not w.isVisible()


def test_open_folder_without_a_file_manager_shows_the_path(qtbot, make_window, out_dir, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    w = make_window()
    w.options.set_output_folder(str(out_dir), user=True)
    w.select_model("demo:tiny-bert")
    _wait_plan(qtbot, w)
    job = w.start_export()
    with qtbot.waitSignal(job.finished, timeout=15000):
        pass
    monkeypatch.setattr("app.results.QDesktopServices.openUrl", lambda url: False)
    w.results.open_button.click()
    box = w.results.findChild(QMessageBox, "openFolderFailed")
    assert box is not None and box.isVisible()
    assert job.options["output_dir"] in box.text()
    copy = next(b for b in box.buttons() if b.text() == "Copy path")
    copy.click()
    assert QApplication.clipboard().text() == job.options["output_dir"]


# -- The task that is exported is always shown (item 9) ---------------------------------------------------------
def test_the_chosen_task_is_shown_everywhere(qtbot, make_window, out_dir):
    w = make_window(worker_args=("--hang-at", "resolve"))
    w.options.set_output_folder(str(out_dir), user=True)
    w.select_model("demo:tiny-bert")
    _wait_plan(qtbot, w, "bert")
    assert w.options.task.itemText(0) == "Automatic: feature-extraction"
    job = w.start_export()
    qtbot.waitUntil(lambda: job.state == "running", timeout=5000)
    assert w.queue_panel.model.data(w.queue_panel.model.index(0, 2)) == "feature-extraction"  # not "auto"
    assert "task: feature-extraction" in w.run_view.title.text()
    w.queue.cancel(job)
    qtbot.waitUntil(lambda: job.is_done, timeout=5000)
    assert w.history.model.data(w.history.model.index(0, 2)) == "feature-extraction"


def test_the_hub_pipeline_tag_goes_to_the_helper_and_the_export(qtbot, make_window, out_dir, tmp_path):
    """A Hub model opened from its downloaded folder (no `architectures` in config.json): the app passes the Hub's
    pipeline tag to the inspect helper, shows where the task came from, and exports that task."""
    w = make_window()
    w.options.set_output_folder(str(out_dir), user=True)
    folder = tmp_path / "snapshot"
    folder.mkdir()
    (folder / "config.json").write_text('{"model_type": "bert"}')
    w.sources.hub._tags[str(folder)] = "text-classification"  # what the Hub pane learnt from the search/details
    w.select_model(str(folder))
    _wait_plan(qtbot, w, "bert")
    assert w.inspector.plan["task"] == "text-classification"
    assert "from the Hub's pipeline tag" in w.inspector.header.text()
    job = w.start_export()
    assert job.options["task"] == "text-classification"
    assert "--task text-classification" in w.results.copy_cli()
