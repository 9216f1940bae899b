"""The records a run keeps beside its ONNX files: ``export_options.json`` (with the CLI command that repeats it),
``export_plan.json``, ``validation_report.json`` and ``export.log``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .. import __version__, safe_json
from ..events import ValidationRow
from ..options import ExportOptions


def write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def set_config_value(path: Path, key: str, value: Any) -> None:
    if path.is_file():
        write_json(path, {**safe_json.read(path), key: value})


def list_files(run_dir: Path, planned: list[str]) -> list[dict]:
    """The planned files first, then every other file at the top and in the planned files' folders (``onnx/``)."""
    names = [n for n in planned if (run_dir / n).exists()]
    folders = [run_dir] + sorted({(run_dir / n).parent for n in names} - {run_dir})
    for folder in folders:
        names += sorted(p.relative_to(run_dir).as_posix() for p in folder.iterdir()
                        if p.is_file() and p.relative_to(run_dir).as_posix() not in names)
    return [{"name": n, "bytes": (run_dir / n).stat().st_size} for n in names]


def write_records(run_dir: Path, options: ExportOptions, plan: dict, rows: list[ValidationRow], validation: str,
                  timings: dict[str, float], log_lines: list[str], report: dict[str, Any] | None = None) -> None:
    """``report``: more of validation_report.json (the files with their sizes, the variants, what --optimize ran)."""
    def dump(name: str, data: Any) -> None:
        write_json(run_dir / name, data)

    dump("export_options.json", {**options.to_dict(), "cli": options.to_cli_command(), "exportcore_version": __version__})
    dump("export_plan.json", plan)
    dump(
        "validation_report.json",
        {
            "status": validation,
            "checks": len(rows),
            "failed": sum(not r.passed for r in rows),
            "rows": [{k: v for k, v in r.to_dict().items() if k not in ("event", "time")} for r in rows],
            "stage_seconds": {k: round(v, 3) for k, v in timings.items()},
            **(report or {}),
        },
    )
    (run_dir / "export.log").write_text("\n".join(log_lines) + "\n", encoding="utf-8")
