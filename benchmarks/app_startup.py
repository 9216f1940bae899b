"""Time from launching the app process to its window being shown (target ≤ 1.0 s; torch not imported).

    python benchmarks/app_startup.py [--runs 5]

Whole-process wall time, measured by the parent from spawn to the child's "window-shown" line
(``onnx-export-studio --exit-when-shown``); offscreen unless DISPLAY is set.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=5)
    a = p.parse_args()
    tmp = tempfile.mkdtemp(prefix="oes-bench-")
    env = {**os.environ, "OES_SETTINGS_FILE": os.path.join(tmp, "s.ini"), "PYTHONPATH": str(ROOT)}
    if not env.get("DISPLAY"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    walls, inside, flags = [], [], set()
    for _ in range(a.runs + 1):  # the first run warms the disk cache and is not counted
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-m", "app", "--exit-when-shown"], stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, text=True, env=env, cwd=str(ROOT))
        line = ""
        for line in proc.stdout:
            if line.startswith("window-shown"):
                break
        shown = time.perf_counter() - t0
        proc.wait(timeout=30)
        parts = line.split()
        walls.append(shown)
        inside.append(float(parts[1]) if len(parts) > 1 else float("nan"))
        flags.add(" ".join(parts[2:]))
    walls, inside = walls[1:], inside[1:]
    print(f"app start-up to window shown (whole process, {a.runs} runs): median {statistics.median(walls):.3f} s, "
          f"max {max(walls):.3f} s (inside the process: median {statistics.median(inside):.3f} s)")
    print(f"heavy imports at start-up: {', '.join(sorted(flags))}")
    print(f"target <= 1.000 s: {'OK' if max(walls) <= 1.0 else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
