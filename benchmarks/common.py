"""Shared helpers for the benchmarks: whole-process wall time and peak RSS of a command."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TIME = "/usr/bin/time"


def measure(cmd: list[str], env: dict | None = None, cwd: str | None = None) -> dict:
    """Run ``cmd`` once; wall seconds and peak RSS (MB) of the whole process (GNU time's %M)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        start = time.perf_counter()
        proc = subprocess.run(
            [TIME, "-o", report.name, "-f", "%M", *cmd],
            env={**os.environ, **(env or {})},
            cwd=cwd,
            capture_output=True,
            text=True,
        )
        wall = time.perf_counter() - start
        peak_kb = int(report.read().strip().splitlines()[-1])
    return {"seconds": wall, "peak_mb": peak_kb / 1024, "returncode": proc.returncode, "stdout": proc.stdout, "stderr": proc.stderr}


def median_of(runs: list[dict]) -> dict:
    return {
        "seconds": statistics.median(r["seconds"] for r in runs),
        "peak_mb": statistics.median(r["peak_mb"] for r in runs),
        "runs": len(runs),
    }


def python() -> str:
    return sys.executable


def machine() -> str:
    return f"{os.cpu_count()} cores, {os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB"


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def ensure_dir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


def write_doc_section(doc_path: Path, name: str, text: str) -> None:
    """Replace the ``<!-- {name}:start -->`` … ``end`` section of ``doc_path`` with ``text`` (or append it). What
    follows its ``<!-- {name}:notes -->`` marker up to the re-run line (findings written by hand) is kept."""
    start, end, notes_mark = (f"<!-- {name}:{part} -->" for part in ("start", "end", "notes"))
    doc = doc_path.read_text(encoding="utf-8")
    if start in doc and end in doc:
        before, rest = doc.split(start, 1)
        old, after = rest.split(end, 1)
        if notes_mark in old:
            notes = old.split(notes_mark, 1)[1].split("\nRe-run: ", 1)[0]
            text = text.replace("\nRe-run: ", "\n" + notes_mark + notes + "\nRe-run: ", 1)
        doc = before + text + after
    else:
        doc = doc.rstrip("\n") + "\n\n" + text + "\n"
    doc_path.write_text(doc, encoding="utf-8")
