"""What a run left behind: its folder and files (published, or kept aside when validation failed), and the history
entry that remembers the run. No widgets."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import Any

from .export_job import ExportJob
from .job_state import JobState


def list_folder(path: str, depth: int = 2) -> list[dict]:
    """``[{"name", "bytes"}]`` of the files in a run folder, as a ``result`` event lists them: names relative to the
    folder with ``/`` (the transformers.js layout keeps its ONNX files in ``onnx/``), ``depth`` levels down."""
    files = []

    def scan(folder: str, prefix: str, levels: int) -> None:
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_file():
                    files.append({"name": prefix + entry.name, "bytes": entry.stat().st_size})
                elif levels > 1 and entry.is_dir(follow_symlinks=False):
                    scan(entry.path, f"{prefix}{entry.name}/", levels - 1)

    try:
        scan(path, "", depth)
    except OSError:
        return []
    return sorted(files, key=lambda f: f["name"])


def kept_folder(job: ExportJob) -> str:
    """The folder a run that failed validation was kept in (beside its destination), if it is there."""
    return job.kept_folder if job.kept_folder and os.path.isdir(job.kept_folder) else ""


@dataclass(frozen=True)
class RunOutput:
    """The files a run left and where: ``kept`` when they are a failed run kept aside, not a published export."""

    folder: str = ""
    files: tuple[dict, ...] = ()
    kept: bool = False

    @classmethod
    def of(cls, job: ExportJob) -> "RunOutput":
        if job.result is not None:
            return cls(str(job.result.output_dir or job.options.get("output_dir") or ""),
                       tuple(f for f in job.result.files or [] if isinstance(f, dict)))
        kept = kept_folder(job)
        if kept:
            return cls(kept, tuple(list_folder(kept)), kept=True)
        return cls()


def history_entry(job: ExportJob) -> dict[str, Any]:
    """How a finished run is remembered (Settings' history; "Run again" and "Use these options" read it back)."""
    output = RunOutput.of(job)
    return {
        "when": job.started_at or time.time(), "model": job.model, "task": job.task,
        "outcome": str(job.state), "seconds": round(job.elapsed(), 2),
        "output_dir": output.folder if output.kept else job.options.get("output_dir", ""),
        "options": job.options, "files": list(output.files),
        "error": job.error.code if job.error is not None and job.state != JobState.SUCCEEDED else None,
    }
