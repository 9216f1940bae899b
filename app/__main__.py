"""Entry point: ``onnx-export-studio`` (GUI script) and ``python -m app``.

    onnx-export-studio [MODEL] [--language system|en|zh_TW] [--exit-when-shown]
    onnx-export-studio --self-test [--model demo:NAME] [--dynamo] [--keep] [--verbose]   (app.self_test, no window)

``-m exportcore.worker …`` / ``-m exportcore.inspect_server`` as the first arguments run those modules instead of
the GUI: that is how the frozen bundle (where ``sys.executable`` is this app) starts its child processes.
"""

from __future__ import annotations

import argparse
import runpy
import sys
import time

_T0 = time.perf_counter()


def _run_child_module(argv: list[str]) -> int | None:
    from .paths import CHILD_MODULES

    if len(argv) >= 2 and argv[0] == "-m" and argv[1] in CHILD_MODULES:
        sys.argv = [argv[1], *argv[2:]]
        try:
            runpy.run_module(argv[1], run_name="__main__", alter_sys=True)
        except SystemExit as exc:
            return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        return 0
    return None


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    code = _run_child_module(argv)
    if code is not None:
        return code
    if "--self-test" in argv:  # the same in a source install as in the frozen bundle (packaging/launcher.py)
        from .self_test import main as self_test_main

        return self_test_main([a for a in argv if a != "--self-test"])

    parser = argparse.ArgumentParser(prog="onnx-export-studio", description="ONNX Export Studio")
    parser.add_argument("model", nargs="?", help="a model to open: Hub id, folder or demo:<name>")
    parser.add_argument("--language", choices=("system", "en", "zh_TW"), help="UI language (saved)")
    parser.add_argument("--exit-when-shown", action="store_true",
                        help="print the start-up time once the window is shown, then quit (benchmark)")
    parser.add_argument("--self-test", action="store_true",
                        help="export a demo model offline through the worker, print a summary (no window)")
    args = parser.parse_args(argv)

    from .platform_check import check_before_qapplication

    if not check_before_qapplication():
        return 1

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from . import APP_NAME, ORG_NAME, __version__

    QApplication.setApplicationName(APP_NAME)
    QApplication.setOrganizationName(ORG_NAME)
    QApplication.setApplicationVersion(__version__)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setStyle("Fusion")

    from .i18n import LanguageManager
    from .main_window import MainWindow
    from .settings import Settings

    settings = Settings()
    if args.language:
        settings.language = args.language
    language = LanguageManager(app)
    language.apply(settings.language)
    window = MainWindow(settings, language=language)
    window.setWindowIcon(app.style().standardIcon(app.style().StandardPixmap.SP_ComputerIcon))
    if args.exit_when_shown:
        def report() -> None:
            print(f"window-shown {time.perf_counter() - _T0:.3f} torch={'torch' in sys.modules} "
                  f"transformers={'transformers' in sys.modules}", flush=True)
            window.close()
            app.quit()

        window.firstShown.connect(report)
    from .main_window import DEFAULT_SIZE

    if settings.window_geometry is None and (window.width() < DEFAULT_SIZE[0] or window.height() < DEFAULT_SIZE[1]):
        window.showMaximized()  # a 1366×768 laptop: all of the screen, frame and panels left to the window manager
    else:
        window.show()
    if args.model:
        QTimer.singleShot(0, lambda: window.select_model(args.model))
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
