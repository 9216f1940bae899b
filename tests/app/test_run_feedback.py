"""What the run view and the results say during and after a run: download bytes, a failed validation's kept folder,
a fresh summary per run, what to try after an fp16 validation failure (fake worker, offscreen)."""

from __future__ import annotations

import os

from PySide6.QtWidgets import QApplication

from conftest import fake_worker_cmd


def _wait_plan(qtbot, w):
    qtbot.waitUntil(lambda: w.inspector.state == "plan" and not w.inspector.updating.isVisible()
                    and w.export_button.isEnabled(), timeout=10000)


def _export(qtbot, w, model="demo:tiny-bert"):
    w.select_model(model)
    _wait_plan(qtbot, w)
    job = w.start_export()
    assert job is not None
    with qtbot.waitSignal(job.finished, timeout=15000):
        pass
    return job


# -- 3. download progress in bytes ------------------------------------------------------------------------------
def test_transfer_words_and_rate():
    from app.transfer import Transfer, clean_message, short_text
    from exportcore.events import Progress
    from exportcore.hub import TransferMeter as RateMeter

    t = Transfer(done=1_200_000_000, total=3_500_000_000, rate=25_000_000, name="model.safetensors")
    assert short_text(t) == "1.2 GB of 3.5 GB · 25.0 MB/s · 1 min 32 s left"
    assert Transfer.from_progress(Progress(fraction=0.1, stage="resolve", message="x")) is None
    ev = Transfer.from_progress(Progress(fraction=0.1, stage="resolve", bytes_done=5, bytes_total=10,
                                         bytes_per_second=None, message="downloading vocab.txt"))
    assert ev == Transfer(5, 10, None, "vocab.txt") and ev.seconds_left is None
    assert clean_message("downloading None") == "downloading"
    clock = iter([0.0, 0.2, 1.0, 2.0])
    meter = RateMeter(clock=lambda: next(clock))
    assert meter.add(0) is None and meter.add(100) is None  # too early to tell
    assert meter.add(1000) == 1000.0 and meter.add(3000) == 1500.0


def test_run_view_shows_bytes_rate_and_time_left(qtbot, make_window, out_dir):
    w = make_window(worker_args=("--download", "3500000000", "--sleep", "0.3", "--rows", "2"))
    w.options.set_output_folder(str(out_dir), user=True)
    w.select_model("demo:tiny-bert")
    _wait_plan(qtbot, w)
    job = w.start_export()
    qtbot.waitUntil(lambda: "MB/s" in w.run_view.progress.format(), timeout=10000)
    fmt = w.run_view.progress.format()
    assert "MB/s" in fmt and "left" in fmt and "None" not in fmt
    banner = w.run_view.banner.label.text()
    assert "model.safetensors" in banner and "of 3.5 GB" in banner and "left" in banner
    with qtbot.waitSignal(job.finished, timeout=15000):
        pass
    assert "GB" not in w.run_view.progress.format()  # the download line does not outlive the run


def test_progress_never_shows_none(qtbot, make_window):
    w = make_window()
    view = w.run_view
    view._progress(0.0, "resolve", "downloading None")
    view._apply_progress()
    assert "None" not in view.progress.format() and "None" not in view.stages.detail.get("resolve", "")


# -- 4. a failed validation shows the kept folder; 12. and what to try ----------------------------------------
def test_failed_validation_shows_the_kept_folder(qtbot, make_window, out_dir, monkeypatch):
    w = make_window(worker_args=("--rows", "4", "--fail-validation", "--max-diff", "0.0123"))
    w.options.set_output_folder(str(out_dir), user=True)
    w.options.float_dtype.setCurrentText("fp16")
    job = _export(qtbot, w)
    assert job.state == "validation_failed"
    kept = job.error.params["kept"]
    assert os.path.isdir(kept) and not os.path.exists(job.options["output_dir"])
    # Results: the kept folder, its files, Open folder enabled on it
    results = w.results
    assert results.output_dir == kept and results.kept
    names = [results.files.files[i]["name"] for i in range(results.files.rowCount())]
    assert "model.onnx" in names and "validation_report.json" in names
    assert kept in results.summary.text() and "not published" in results.summary.text()
    assert results.open_button.isEnabled()
    opened = []
    monkeypatch.setattr("app.results.QDesktopServices.openUrl", lambda url: opened.append(url.toLocalFile()) or True)
    results.open_button.click()
    assert opened == [kept]
    assert w.run_view.lower_tabs.currentIndex() == 1
    # the stage table: the checks failed, the files were kept aside (not "Publish failed")
    stages = w.run_view.stages
    assert stages.state["validate"] == "checks_failed" and stages.state["publish"] == "kept"
    row = stages.stages.index("publish")
    assert stages.data(stages.index(row, 1)) == "kept aside"
    assert "failed" not in stages.data(stages.index(row, 1))
    # the banner names the folder and what to try for fp16
    banner = w.run_view.banner.label.text()
    assert kept in banner and "fp32" in banner and "0.02" in banner and "1.23e-02" in banner
    # history points at the kept folder
    assert w.history.model.entry(0)["output_dir"] == kept


def test_failed_validation_suggestion_sets_the_options(qtbot, make_window, out_dir):
    w = make_window(worker_args=("--rows", "2", "--fail-validation", "--max-diff", "0.0123"))
    w.options.set_output_folder(str(out_dir), user=True)
    w.options.float_dtype.setCurrentText("fp16")
    _export(qtbot, w)
    w.run_view.banner.label.linkActivated.emit("atol:0.02")
    assert w.options.atol_value() == 0.02 and w.options.float_dtype.currentText() == "fp16"
    w.run_view.banner.label.linkActivated.emit("dtype:fp32")
    assert w.options.float_dtype.currentText() == "fp32"


def test_validation_advice_texts():
    from app.errors import validation_advice
    from exportcore.errors import suggested_atol as suggest_atol

    assert suggest_atol(0.0123) == 0.02 and suggest_atol(1.3e-7) == 2e-7 and suggest_atol(0.5) == 1.0
    text, atol = validation_advice("fp16", 0.0123)
    assert atol == 0.02 and "fp32" in text and "0.02" in text and "convert it to fp16" in text
    text, atol = validation_advice("fp32", 3e-4)
    assert atol == 5e-4 and "0.0005" in text
    text, atol = validation_advice("fp32", None)
    assert atol is None and "report" in text


def test_validation_advice_names_the_tolerance_the_run_used():
    """The advice used to speak of "the default tolerance" whatever the run used."""
    from app.errors import validation_advice

    text, atol = validation_advice("fp16", 0.0123, 1e-9)
    assert atol == 0.02 and "atol 1e-09" in text and "default" not in text
    text, atol = validation_advice("fp32", 3e-4, 1e-4)
    assert atol == 5e-4 and "1e-04" not in text and "0.0001" in text and "0.0005" in text
    text, atol = validation_advice("fp16", 0.0123, 0.01, suggested=0.05)  # the core's suggestion wins
    assert atol == 0.05 and "0.05" in text
    text, atol = validation_advice("fp32", 3e-5, 1e-4)  # no tolerance would help: the shapes differ
    assert atol is None and "shapes differ" in text


def test_failed_validation_banner_uses_the_runs_atol(qtbot, make_window, out_dir):
    w = make_window(worker_args=("--rows", "2", "--fail-validation", "--max-diff", "0.0123"))
    w.options.set_output_folder(str(out_dir), user=True)
    w.options.float_dtype.setCurrentText("fp16")
    w.options.atol.setText("1e-9")
    job = _export(qtbot, w)
    assert job.state == "validation_failed" and job.error.params["atol"] == 1e-9
    banner = w.run_view.banner.label.text()
    assert "atol 1e-09" in banner and "default" not in banner and "0.02" in banner


# -- 5. the summary of the previous run does not stay above the next run ---------------------------------------
def test_next_run_starts_with_an_empty_summary(qtbot, make_window, out_dir):
    w = make_window(worker_args=("--rows", "3", "--fail-validation"))
    w.options.set_output_folder(str(out_dir), user=True)
    first = _export(qtbot, w)
    assert first.state == "validation_failed"
    assert "2 passed, 1 failed" in w.run_view.validation_title.text()
    w.queue.command = fake_worker_cmd("--hang-at", "export")  # the next run stops before validating
    second = w.start_export()
    qtbot.waitUntil(lambda: w.run_view.job is second and w.run_view.stages.state["export"] == "running",
                    timeout=10000)
    assert w.run_view.validation.rowCount() == 0
    assert "passed" not in w.run_view.validation_title.text()
    assert w.results.files.rowCount() == 0
    w.queue.cancel(second)
    qtbot.waitUntil(lambda: second.is_done, timeout=5000)
    QApplication.processEvents()
