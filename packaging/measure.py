"""Measure the Linux bundle that packaging/build-linux.sh made, and write the "Packaging" section of docs/benchmarks.md.

    python packaging/measure.py [--runs 5] [--write]

Reads packaging/dist/build-info.json (build times and sizes the build script recorded), then measures the frozen app:
- launch → window shown: whole process, spawn to the ``window-shown`` line of ``--exit-when-shown`` (offscreen),
  median of ``--runs`` after one warm-up run, plus the time the app itself reports (from importing its main module);
- ``--self-test``: the first run in a clean HOME (builds the demo model's weights) and warm runs (weights cached).
``--write`` replaces only the text between the ``packaging`` markers of docs/benchmarks.md (appends it if absent).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "packaging" / "dist"
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- packaging:start -->", "<!-- packaging:end -->"
NAME = "onnx-export-studio"
GB_GOAL = 1.5


def clean_env(home: str, **extra: str) -> dict[str, str]:
    os.makedirs(home, exist_ok=True)
    return {"PATH": "/usr/bin:/bin", "HOME": home, "LANG": "C.UTF-8", "HF_HUB_OFFLINE": "1", **extra}


def time_to_window(exe: Path, runs: int) -> tuple[list[float], list[float]]:
    walls, inside = [], []
    with tempfile.TemporaryDirectory(prefix="oes-measure-") as tmp:
        env = clean_env(tmp, QT_QPA_PLATFORM="offscreen", OES_SETTINGS_FILE=os.path.join(tmp, "s.ini"))
        for i in range(runs + 1):
            t0 = time.perf_counter()
            proc = subprocess.Popen([str(exe), "--exit-when-shown"], stdout=subprocess.PIPE,
                                    stderr=subprocess.DEVNULL, text=True, env=env, cwd=tmp)
            line = ""
            assert proc.stdout is not None
            for line in proc.stdout:
                if line.startswith("window-shown"):
                    break
            shown = time.perf_counter() - t0
            proc.wait(timeout=60)
            if not line.startswith("window-shown"):
                raise SystemExit(f"no window-shown line (exit {proc.returncode})")
            if "torch=False" not in line:
                raise SystemExit(f"torch was imported before the window: {line.strip()}")
            if i:  # the first run warms the page cache
                walls.append(shown)
                inside.append(float(line.split()[1]))
    return walls, inside


def self_test(exe: Path, warm_runs: int) -> tuple[float, list[float], float]:
    """(first run s, warm runs s, export s reported by the last run)"""
    times, export = [], 0.0
    with tempfile.TemporaryDirectory(prefix="oes-measure-") as tmp:
        env = clean_env(tmp)
        for _ in range(warm_runs + 1):
            t0 = time.perf_counter()
            out = subprocess.run([str(exe), "--self-test"], capture_output=True, text=True, env=env, cwd=tmp,
                                 timeout=900)
            times.append(time.perf_counter() - t0)
            if out.returncode != 0:
                raise SystemExit(f"self-test failed:\n{out.stdout}\n{out.stderr[-3000:]}")
            m = re.search(r"\(export ([0-9.]+) s\)", out.stdout)
            export = float(m.group(1)) if m else float("nan")
    return times[0], times[1:], export


def du_h(path: Path) -> str:
    return subprocess.run(["du", "-sh", str(path)], capture_output=True, text=True).stdout.split()[0]


def mib(n: float | None) -> str:
    return "—" if n is None else f"{n / 1024**2:,.0f} MiB"


def cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--write", action="store_true")
    p.add_argument("--row", action="append", default=[], metavar="WHAT::VALUE",
                   help="an extra table row measured elsewhere (e.g. a build from a clean checkout)")
    a = p.parse_args()
    info = json.loads((DIST / "build-info.json").read_text())
    bundle = Path(info["bundle"])
    exe = bundle / NAME
    load_before = os.getloadavg()[0]
    walls, inside = time_to_window(exe, a.runs)
    first, warm, export = self_test(exe, max(2, a.runs // 2))
    load_after = os.getloadavg()[0]
    sec, size = info["seconds"], info["bytes"]
    installed = size.get("installed")
    lines = [
        "## Packaging: the Linux bundle and its installers (packaging/build-linux.sh, packaging/measure.py)",
        "",
        f"Measured {time.strftime('%Y-%m-%d')} on {cpu_name()}, {os.cpu_count()} cores, {platform.system()} "
        f"{platform.release()}; PyInstaller {info['pyinstaller']}, app {info['version']}, CPU PyTorch. "
        f"1-minute load average {load_before:.2f} → {load_after:.2f} during the measurements (the machine is shared: "
        "wall times are inflated when it is busy).",
        "",
        "| what | measured |",
        "|---|---:|",
        f"| build: PyInstaller (analysis + collect, `--clean`) | {sec['pyinstaller']:.0f} s |",
        f"| build: `.tar.gz` (gzip -6) | {sec['targz']:.0f} s |" if sec.get("targz") else None,
        f"| build: `.deb` (dpkg-deb, {info.get('deb_compression', 'xz')}) | {sec['deb']:.0f} s |" if sec.get("deb") else None,
        None if info.get("pyinstaller_reused") else
        f"| build: whole `build-linux.sh` (build venv already present"
        f"{'; self-test skipped' if not sec.get('self_test') else ''}) | {sec['total']:.0f} s |",
        f"| bundle size (`du -sh packaging/dist/{NAME}`) | {du_h(bundle)} ({mib(size['bundle'])}) |",
        f"| `.tar.gz` | {mib(size.get('targz'))} |",
        f"| `.deb` | {mib(size.get('deb'))} |",
        f"| installed size (`.deb` Installed-Size; goal ≤ {GB_GOAL} GB) | {mib(installed)} — "
        f"{'meets' if installed and installed <= GB_GOAL * 1024**3 else 'MISSES'} the goal |",
        f"| launch → window shown, whole process (offscreen, median of {a.runs} after a warm-up) | "
        f"{statistics.median(walls):.2f} s (min {min(walls):.2f}, max {max(walls):.2f}) |",
        f"| the same, as the app reports it (from importing its main module) | {statistics.median(inside):.2f} s |",
        f"| `--self-test`, first run in a clean HOME (builds the demo weights) | {first:.1f} s |",
        f"| `--self-test`, weights cached (median of {len(warm)}) | {statistics.median(warm):.1f} s "
        f"(export + validation in the worker {export:.1f} s) |",
    ]
    lines += [f"| {what} | {value} |" for what, _, value in (row.partition("::") for row in a.row)]
    text = "\n".join(line for line in lines if line is not None)
    text += ("\n\nThe window appears before torch or transformers are imported (the app reports `torch=False`); "
             "the worker child process pays for torch when an export starts. "
             "Re-run: `bash packaging/build-linux.sh && python packaging/measure.py --write`.")
    print(text)
    if a.write:
        section = f"{START}\n{text}\n{END}"
        doc = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n"
        if START in doc and END in doc:
            doc = doc[: doc.index(START)] + section + doc[doc.index(END) + len(END):]
        else:
            doc = doc.rstrip("\n") + "\n\n" + section + "\n"
        DOC.write_text(doc, encoding="utf-8")
        print(f"\nwrote {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
