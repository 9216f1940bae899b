"""The light part of exportcore (what the app imports) imports neither torch nor transformers, and no Qt anywhere.

The app process must stay free of torch / transformers (docs/architecture.md: the GUI thread never blocks;
docs/facts.md: they cost ~2 s to import), and exportcore must not depend on a GUI toolkit. Checked in a fresh
interpreter, since this test process has long imported torch.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "exportcore"
HEAVY = ("torch", "transformers", "PySide6", "PyQt5", "PyQt6", "qtpy", "onnxruntime")
QT = ("PySide2", "PySide6", "PyQt4", "PyQt5", "PyQt6", "qtpy")

PROBE = """
import json, sys
import exportcore, exportcore.errors, exportcore.events, exportcore.options, exportcore.tasks
import exportcore.registry, exportcore.demo, exportcore.hub, exportcore.plan.preflight
types = exportcore.registry.supported_model_types()
exportcore.registry.supported_tasks("gpt2")
exportcore.registry.model_table()
exportcore.registry.is_exportable("bert", "text-classification")
exportcore.tasks.normalize_task("causal-lm-with-past")
import exportcore.option_rules, exportcore.dtypes
gpt2 = {"model": "demo:tiny-gpt2", "model_type": "gpt2", "task": "text-generation-with-past",
        "supported_tasks": exportcore.registry.supported_tasks("gpt2")}
exportcore.option_rules.rules(gpt2, exportcore.options.ExportOptions(model="demo:tiny-gpt2", float_dtype="bf16"))
exportcore.dtypes.get("bfloat16").long_name
exportcore.demo.list_demo_models()
exportcore.options.ExportOptions(model="demo:tiny-bert").to_cli_command()
check = exportcore.plan.preflight.run(exportcore.options.ExportOptions(model="demo:tiny-gpt2", output_dir="out"))
assert check.supported and check.memory_estimate_bytes, check  # the whole pre-flight ran, task included
print(json.dumps({"types": types, "loaded": sorted(m for m in sys.modules if m.split(".")[0] in %r)}))
""" % (HEAVY,)


def test_light_modules_import_neither_torch_nor_transformers():
    proc = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60,
                          cwd=PACKAGE.parent)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert len(result["types"]) >= 12  # the registry really loaded its model classes
    assert result["loaded"] == [], f"light imports pulled in {result['loaded']}"


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.Call):  # importlib.import_module("x") / __import__("x")
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called in ("import_module", "__import__") and node.args and isinstance(node.args[0], ast.Constant):
                names.add(str(node.args[0].value))
    return names


def test_no_qt_import_anywhere_in_exportcore():
    files = sorted(PACKAGE.rglob("*.py"))
    assert len(files) > 10
    offenders = {}
    for path in files:
        qt = {m for m in _imported_modules(path) if m.split(".")[0] in QT}
        if qt:
            offenders[str(path.relative_to(PACKAGE.parent))] = sorted(qt)
    assert offenders == {}


def test_the_qt_scan_would_see_a_qt_import(tmp_path):
    """The scan above is not vacuous: it finds each form of import."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import os\n"
        "def f():\n"
        "    from PySide6.QtCore import QObject\n"
        "    import PyQt5.QtWidgets\n"
        "    importlib.import_module('qtpy')\n",
        encoding="utf-8",
    )
    assert {"PySide6.QtCore", "PyQt5.QtWidgets", "qtpy"} <= _imported_modules(sample)
