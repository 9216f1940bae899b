"""Render the main states of the app into docs/screenshots/*.png (offscreen, or under Xvfb with DISPLAY set).

    python docs/make_screenshots.py [--out docs/screenshots] [--fake] [--size 1366x768]

Uses the real inspect helper and export worker on the built-in demo models (weights built on the fly into a
temporary cache) and a fake Hub on 127.0.0.1 for the search results, so nothing touches the network. ``--fake``
uses the fake helper processes of tests/app/fakes instead (no torch needed; quicker). The window is the size of a
1366×768 laptop screen unless ``--size`` says otherwise (the layout is made for that size first).

A download in progress is shown with the fake worker in both modes: it reports the bytes of a multi-GB download,
which a demo model never has. The pre-flight question about a 145 GB model that does not fit is made only with
``--fake`` (``--fake --only 13-preflight-question``): the fake Hub has no such model.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

STATES = ("01-empty", "02-search-results", "03-inspector", "04-export-running", "05-validation-done", "06-error",
          "06b-error-details", "07-zh-TW-inspector", "08-zh-TW-run", "09-validation-failed-kept",
          "10-download-progress", "11-zh-TW-hub", "12-preflight", "13-preflight-question", "14-variants-options",
          "15-variants-results")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--fake", action="store_true", help="fake helper processes (tests/app/fakes)")
    parser.add_argument("--size", default="1366x768", help="window size, WIDTHxHEIGHT")
    parser.add_argument("--only", nargs="*", help="only these states (names from STATES)")
    args = parser.parse_args()
    width, height = (int(v) for v in args.size.lower().split("x"))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)

    tmp = Path(tempfile.mkdtemp(prefix="oes-shots-"))
    if not os.environ.get("DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["OES_SETTINGS_FILE"] = str(tmp / "settings.ini")
    os.environ["EXPORTSTUDIO_CACHE"] = str(tmp / "demo-cache")
    os.environ["HF_HOME"] = str(tmp / "hf-home")
    os.environ.pop("HF_HUB_OFFLINE", None)

    from fakehub import FakeHub  # tests/fakehub.py

    hub = FakeHub().start()
    os.environ["HF_ENDPOINT"] = f"http://127.0.0.1:{hub.port}"

    from PySide6.QtCore import QEventLoop, Qt
    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QApplication

    import app as app_pkg  # noqa: F401  (applies the PySide6 6.12 guard)
    from app.error_views import ErrorDialog
    from app.i18n import LanguageManager
    from app.main_window import MainWindow
    from app.settings import Settings

    qapp = QApplication(sys.argv[:1])
    qapp.setStyle("Fusion")
    font = QFont("DejaVu Sans", 9)
    font.setStyleStrategy(QFont.StyleStrategy.PreferAntialias)
    qapp.setFont(font)
    language = LanguageManager(qapp)
    language.apply("en")
    settings = Settings()
    settings.language = "en"
    settings.output_folder = str(tmp / "exports")

    kwargs = {}
    fakes = ROOT / "tests" / "app" / "fakes"
    if args.fake:
        kwargs = {"inspect_command": [sys.executable, str(fakes / "fake_inspect_server.py")],
                  "worker_command": [sys.executable, str(fakes / "fake_worker.py"), "--rows", "9", "--sleep", "0.2"],
                  "warm_engine": False}
    cache = str(tmp / "hf-cache")
    w = MainWindow(settings, language=language, hub_options={"auto_search": False, "cache_dir": cache},
                   cache_options={"cache_dir": cache}, **kwargs)
    w.ask_before_quit = False
    w.resize(width, height)
    w.show()

    def spin(seconds: float, until=lambda: False) -> bool:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            qapp.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
            if until():
                qapp.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
                return True
            time.sleep(0.01)
        return False

    def shot(name: str, widget=None, settle: float = 0.25, screen: bool = False) -> None:
        """``screen``: the whole X screen (a dialog is a window of its own, not part of the main window's grab)."""
        assert name in STATES, name
        spin(settle)
        if args.only and name not in args.only:
            return
        path = out / f"{name}.png"
        picture = qapp.primaryScreen().grabWindow(0) if screen else (widget or w).grab()
        picture.save(str(path))
        print("wrote", path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)

    # 1. first start: the Hub tab with the most downloaded models (helper warm)
    hb = w.sources.hub
    answers: list[int] = []
    hb.resultsChanged.connect(lambda: answers.append(1))
    w.sources.show_tab("hub")
    hb.search()
    spin(90, lambda: w.client.is_ready and len(answers) == 1)
    shot("01-empty")

    # 2. Hub search results, one selected
    hb.search_pane.searchEdit.setText("tiny")
    hb.search()
    spin(20, lambda: len(answers) == 2)
    hb.search_pane.resultsView.selectRow(1)
    spin(5, lambda: False)
    shot("02-search-results")

    # 3. the inspector on an encoder-decoder demo
    w.sources.show_tab("demo")
    w.select_model("demo:tiny-t5")
    spin(60, lambda: w.inspector.state == "plan")
    w.inspector.submodel_tabs.setCurrentIndex(1)
    shot("03-inspector")

    # 4. an export running, 5. validation done
    w.select_model("demo:tiny-gpt2")
    spin(30, lambda: w.inspector.state == "plan" and w.inspector.plan.get("model_type") == "gpt2"
         and w.export_button.isEnabled())
    job = w.start_export()
    # with the warm engine the whole run takes about a second: grab it while it validates (or exports)
    spin(120, lambda: (len(job.rows) >= 2 and not job.is_done) or job.is_done
         or w.run_view.stages.state.get("export") == "running")
    shot("04-export-running", settle=0.0)
    spin(300, lambda: job.is_done)
    w.run_view.lower_tabs.setCurrentIndex(1)
    shot("05-validation-done")

    # 6. an error: a folder whose model type is not supported
    bad = tmp / ("unknown-model" if args.fake else "mystery-model")  # the fake helper refuses "unknown" names
    bad.mkdir()
    (bad / "config.json").write_text(json.dumps({"model_type": "mystery-net", "architectures": ["MysteryModel"]}))
    w.select_model(str(bad))
    spin(30, lambda: w.inspector.error_banner.isVisible())
    shot("06-error")
    dialog = ErrorDialog(w.inspector.error_banner.error, w)
    dialog.show()
    dialog.details_button.setChecked(True)
    dialog.resize(620, 380)
    shot("06b-error-details", dialog)
    dialog.close()

    # 9. a validation that fails (fp16 with a tolerance nothing meets): the kept folder and what to try
    w.sources.show_tab("demo")
    w.select_model("demo:tiny-bert")
    spin(30, lambda: w.inspector.state == "plan" and w.inspector.plan.get("model_type") == "bert")
    w.options.float_dtype.setCurrentText("fp16")
    w.options.atol.setText("1e-9")
    spin(30, lambda: w.export_button.isEnabled())
    failed = w.start_export()
    spin(300, lambda: failed is not None and failed.is_done)
    shot("09-validation-failed-kept")
    w.options.atol.setText("")
    w.options.float_dtype.setCurrentText("fp32")

    # 10. a download in progress (the fake worker reports a 3.5 GB download)
    command = w.queue.command
    w.queue.command = [sys.executable, str(fakes / "fake_worker.py"), "--download", "3500000000", "--sleep", "1.5"]
    w.select_model("demo:tiny-bert")
    spin(30, lambda: w.export_button.isEnabled())
    downloading = w.start_export()
    spin(20, lambda: "/s" in w.run_view.progress.format())
    shot("10-download-progress")
    w.queue.cancel(downloading)
    spin(10, lambda: downloading.is_done)
    w.queue.command = command

    # 12. the pre-flight of a Hub model in the inspector, 13. the question before an export that does not fit
    w.sources.show_tab("hub")
    hb.show_model("acme/big-weights")
    spin(20, lambda: hb.current_details() is not None)
    hb.choose_current()
    spin(60, lambda: w.inspector.state == "plan" and w.session.preflight_done())
    w.centre.setCurrentWidget(w.inspector)
    shot("12-preflight")
    if args.fake:
        w.select_model("org/huge-model")
        spin(30, lambda: w.inspector.state == "plan" and w.session.preflight_done())
        question = w.preflight_question(w.session.preflight)
        question.show()
        spin(0.5)
        question.move(w.geometry().center() - question.rect().center())
        if os.environ.get("DISPLAY"):
            shot("13-preflight-question", screen=True)
        else:  # offscreen there is no screen to grab: the question alone
            shot("13-preflight-question", widget=question)
        question.close()

    # 14. the Variants and Runtime sections, with the variants' estimated sizes in the pre-flight
    from PySide6.QtWidgets import QScrollArea

    w.sources.show_tab("demo")
    w.select_model("demo:tiny-bert")
    spin(30, lambda: w.inspector.state == "plan" and w.inspector.plan.get("model_type") == "bert")
    for name in ("fp16", "q8", "q4"):
        w.options.deploy.checks[name].setChecked(True)
    w.options.layout_choice.setCurrentIndex(w.options.layout_choice.findData("transformers.js"))
    spin(30, lambda: w.session.preflight_done() and w.export_button.isEnabled())
    w.centre.setCurrentWidget(w.inspector)
    options_scroll = next(a for a in w.findChildren(QScrollArea) if a.widget() is w.options)
    options_scroll.ensureWidgetVisible(w.options.deploy.runtime_box, 0, 0)
    options_scroll.ensureWidgetVisible(w.options.deploy.variants_box, 0, 0)
    shot("14-variants-options")

    # 15. the variants table in Results (the fake worker fails q4, to show a run kept aside for a variant)
    command = w.queue.command
    if args.fake:
        w.queue.command = [sys.executable, str(fakes / "fake_worker.py"), "--rows", "6", "--fail-variant", "q4"]
    variants_job = w.start_export()
    spin(300, lambda: variants_job is not None and variants_job.is_done)
    w.run_view.lower_tabs.setCurrentIndex(1)
    shot("15-variants-results")
    w.queue.command = command
    for name in ("fp16", "q8", "q4"):
        w.options.deploy.checks[name].setChecked(False)
    w.options.layout_choice.setCurrentIndex(0)
    options_scroll.verticalScrollBar().setValue(0)

    # 7. Traditional Chinese
    w.set_language("zh_TW")
    w.select_model("demo:tiny-gpt2")
    spin(30, lambda: w.inspector.state == "plan")
    w.centre.setCurrentWidget(w.inspector)
    shot("07-zh-TW-inspector")
    w.run_view.attach(job)
    w.results.show_job(job)
    w.centre.setCurrentWidget(w.run_view)
    w.run_view.lower_tabs.setCurrentIndex(0)
    shot("08-zh-TW-run")
    w.sources.show_tab("hub")
    hb.search_pane.resultsView.selectRow(0)
    spin(5, lambda: False)
    shot("11-zh-TW-hub")

    w.set_language("en")
    w.close()
    hub.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
