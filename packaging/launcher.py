"""Entry script of the frozen bundle (PyInstaller runs it as ``__main__``); also runs from a source checkout.

    onnx-export-studio [MODEL] [--language …] [--exit-when-shown]    the window (app.__main__.main)
    onnx-export-studio --self-test [--model demo:NAME] [--dynamo] [--keep] [--verbose]
                                                                     export a demo model offline, print a summary
    onnx-export-studio -m exportcore.worker JOB.json                 the export worker child process  } handled by
    onnx-export-studio -m exportcore.inspect_server                  the warm inspection helper       } app.__main__
    onnx-export-studio -m exportcore ARGS…                           the ``exportcore`` command line (inspect, export…)

``python packaging/launcher.py --self-test`` from a checkout proves the self-test before anything is frozen.
"""

from __future__ import annotations

import os
import sys


def _ensure_importable() -> None:
    """From a checkout, make ``app`` and ``exportcore`` importable (sys.path[0] is packaging/ when run as a script)."""
    if getattr(sys, "frozen", False):
        return
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    if root not in sys.path:
        sys.path.insert(0, root)


def _ensure_streams() -> None:
    """A windowed Windows/macOS executable may start with no stdout/stderr: give print() somewhere to go."""
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, open(os.devnull, "w", encoding="utf-8"))


def _run_cli(argv: list[str]) -> int:
    from exportcore.cli import main as cli_main

    sys.argv = ["exportcore", *argv]
    try:
        code = cli_main(argv)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return int(code or 0)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    _ensure_importable()
    _ensure_streams()
    if "--self-test" in argv:
        from app.self_test import main as self_test_main

        return self_test_main([a for a in argv if a != "--self-test"])
    if len(argv) >= 2 and argv[0] == "-m" and argv[1] in ("exportcore", "exportcore.cli"):
        return _run_cli(argv[2:])
    _set_desktop_file_name()
    from app.__main__ import main as app_main

    return app_main(argv)


def _set_desktop_file_name() -> None:
    """Let Wayland / X11 docks match the window to onnx-export-studio.desktop (its icon and name)."""
    try:
        from PySide6.QtGui import QGuiApplication

        QGuiApplication.setDesktopFileName("onnx-export-studio")
    except Exception:  # noqa: BLE001  (cosmetic only)
        pass


if __name__ == "__main__":
    import multiprocessing

    multiprocessing.freeze_support()  # a frozen child started by multiprocessing runs its task, not the window
    sys.exit(main())
