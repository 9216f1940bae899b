"""The app process never imports torch or transformers (docs/architecture.md, "The app"): start the real window in a
subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import json, sys
sys.argv = ["onnx-export-studio", "--exit-when-shown"]
from app.__main__ import main
code = main()
heavy = ("torch", "transformers", "onnxruntime", "onnx", "numpy")
print(json.dumps({"code": code, "heavy": sorted(m for m in heavy if m in sys.modules)}))
"""


def test_window_starts_without_torch_or_transformers(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "OES_SETTINGS_FILE": str(tmp_path / "s.ini"),
           "PYTHONPATH": str(ROOT), "OES_INSPECT_CMD": f"{sys.executable} -c pass", "HF_HUB_OFFLINE": "1"}
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=60,
                         cwd=str(ROOT))
    assert out.returncode == 0, out.stderr
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    report = json.loads(lines[-1])
    assert report["heavy"] == [], report
    shown = [line for line in out.stdout.splitlines() if line.startswith("window-shown")]
    assert shown and "torch=False" in shown[0] and "transformers=False" in shown[0]


def test_app_modules_import_light(tmp_path):
    code = ("import sys, importlib, pkgutil, app\n"
            "for m in pkgutil.iter_modules(app.__path__):\n"
            "    importlib.import_module('app.' + m.name)\n"
            "print(sorted(m for m in ('torch', 'transformers') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, cwd=str(ROOT),
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"
