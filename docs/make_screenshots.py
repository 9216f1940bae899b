"""Render the main states of the app into docs/screenshots/*.png (offscreen, or under Xvfb with DISPLAY set).

    python docs/make_screenshots.py [--out docs/screenshots] [--fake]

Uses the real inspect helper and export worker on the built-in demo models (weights built on the fly into a
temporary cache) and a fake Hub on 127.0.0.1 for the search results, so nothing touches the network. ``--fake``
uses the fake helper processes of tests/app/fakes instead (no torch needed; quicker).
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
          "06b-error-details", "07-zh-TW-inspector", "08-zh-TW-run")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshots"))
    parser.add_argument("--fake", action="store_true", help="fake helper processes (tests/app/fakes)")
    args = parser.parse_args()
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
    from app.errors import ErrorDialog
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
    if args.fake:
        fakes = ROOT / "tests" / "app" / "fakes"
        kwargs = {"inspect_command": [sys.executable, str(fakes / "fake_inspect_server.py")],
                  "worker_command": [sys.executable, str(fakes / "fake_worker.py"), "--rows", "9", "--sleep", "0.2"]}
    cache = str(tmp / "hf-cache")
    w = MainWindow(settings, language=language, hub_options={"auto_search": False, "cache_dir": cache},
                   cache_options={"cache_dir": cache}, **kwargs)
    w.resize(1440, 880)
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

    def shot(name: str, widget=None) -> None:
        spin(0.25)
        path = out / f"{name}.png"
        (widget or w).grab().save(str(path))
        print("wrote", path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)

    # 1. empty (helper warm)
    w.sources.show_tab("demo")
    spin(90, lambda: w.client.is_ready)
    shot("01-empty")

    # 2. Hub search results, one selected
    w.sources.show_tab("hub")
    hb = w.sources.hub
    if hasattr(hb, "searchEdit"):
        hb.searchEdit.setText("tiny")
        hb.search()
        spin(20, lambda: hb.resultsView.model() is not None and hb.resultsView.model().rowCount() > 0)
        hb.resultsView.selectRow(1)
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
    spin(30, lambda: w.inspector.state == "plan" and w.inspector.plan.get("model_type") == "gpt2")
    job = w.start_export()
    spin(120, lambda: len(job.rows) >= 2 or job.is_done or
         w.run_view.stages.state.get("load") == "running" and job.elapsed() > 1.0)
    shot("04-export-running")
    spin(300, lambda: job.is_done)
    w.run_view.lower_tabs.setCurrentIndex(1)
    shot("05-validation-done")

    # 6. an error: a folder whose model type is not supported
    bad = tmp / "mystery-model"
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

    # 7. Traditional Chinese
    w.set_language("zh_TW")
    w.select_model("demo:tiny-gpt2")
    spin(30, lambda: w.inspector.state == "plan")
    shot("07-zh-TW-inspector")
    w.run_view.attach(job)
    w.results.show_result(job.result or {}, job.options)
    w.centre.setCurrentWidget(w.run_view)
    w.run_view.lower_tabs.setCurrentIndex(0)
    shot("08-zh-TW-run")

    w.set_language("en")
    w.close()
    hub.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
