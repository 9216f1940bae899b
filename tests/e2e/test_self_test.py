"""``python packaging/launcher.py --self-test`` from the source checkout: the self-test works before anything is frozen.

The frozen bundle runs the same code (tests/packaging/test_bundle.py, marker ``packaging``): here it proves the
launcher's dispatch, the job file, the worker CHILD process and the event parsing, offline, in a clean HOME.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LAUNCHER = REPO / "packaging" / "launcher.py"


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OES_", "EXPORTSTUDIO_", "HF_"))}
    env.update(HOME=str(tmp_path / "home"), XDG_CACHE_HOME=str(tmp_path / "home" / ".cache"), HF_HUB_OFFLINE="1",
               TMPDIR=str(tmp_path))
    env.pop("PYTHONPATH", None)  # the launcher must find the sources by itself
    return env


def test_launcher_self_test_from_source(tmp_path):
    (tmp_path / "home").mkdir()
    out = subprocess.run([sys.executable, str(LAUNCHER), "--self-test"], capture_output=True, text=True,
                         env=_env(tmp_path), cwd=str(tmp_path), timeout=600)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "SELF-TEST PASSED" in out.stdout
    assert "validation: passed" in out.stdout
    # listed with its size in the units of every other size the app shows (decimal, as the Hub shows them)
    assert re.search(r"^\s+model\.onnx\s+\d+\.\d (kB|MB)$", out.stdout, re.M), out.stdout
    # the demo weights were built in the (clean) user cache, the export folder was cleaned up
    assert (tmp_path / "home" / ".cache" / "onnx-export-studio" / "demo_models" / "tiny-bert").is_dir()
    assert not list(tmp_path.glob("oes-self-test-*"))


def test_self_test_reports_a_failing_worker(tmp_path):
    """A worker that dies says so: exit 1 and the reason, not a hang or a traceback."""
    (tmp_path / "home").mkdir()
    env = _env(tmp_path)
    env["OES_WORKER_CMD"] = f"{sys.executable} -c \"import sys; print('boom', file=sys.stderr); sys.exit(3)\""
    out = subprocess.run([sys.executable, str(LAUNCHER), "--self-test"], capture_output=True, text=True, env=env,
                         cwd=str(tmp_path), timeout=120)
    assert out.returncode == 1, out.stdout + out.stderr
    assert "SELF-TEST FAILED" in out.stdout
    assert "exited with status 3" in out.stdout
    assert "boom" in out.stdout
