"""ONNX Export Studio — the desktop app (PySide6).

Views and Qt item models only: the export logic lives in :mod:`exportcore`, which the app reaches through its
light modules and two child processes (the warm inspect server and one worker per export). This process never
imports torch or transformers (tests/app/test_no_heavy_imports.py).
"""

__version__ = "0.1.0"
APP_NAME = "ONNX Export Studio"
ORG_NAME = "OnnxExportStudio"
