"""The run folder: a private temporary folder beside the destination, named by its process and host so that the
next run can remove what a killed one left, and checked for free space once the weights are on disk."""

from __future__ import annotations

import errno
import os
import re
import shutil
import socket
import tempfile
from pathlib import Path

from ..errors import ExportError, disk_full
from ..plan.preflight import output_needed
from ..weight_files import weight_files
from .destination import beside_stem


def make_run_dir(destination: Path) -> tuple[Path, list[Path]]:
    """The private run folder beside the destination, and the parent folders made for it (deepest first), which a
    failed run removes again. Run folders of killed runs for the same destination are removed first."""
    parent = destination.parent
    created = [p for p in (parent, *parent.parents) if not p.exists()]
    try:
        parent.mkdir(parents=True, exist_ok=True)
        remove_abandoned_run_dirs(destination)
        prefix = f".{beside_stem(destination)}.partial-{os.getpid()}@{_host()}-"
        return Path(tempfile.mkdtemp(prefix=prefix, dir=parent)), created
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise disk_full(parent, quota=exc.errno == errno.EDQUOT) from exc
        raise ExportError("output_not_writable", path=str(parent), reason=exc.strerror or str(exc)) from exc


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9_.]", "_", socket.gethostname())[:40]


def remove_abandoned_run_dirs(destination: Path) -> None:
    """A run killed outright (SIGKILL, power loss) cannot clean up: its folder names its process and host. Only
    folders of this host whose process is gone are removed (on a shared disk, another host's run is left alone)."""
    mine = re.compile(rf"\.{re.escape(beside_stem(destination))}\.partial-(\d+)@{re.escape(_host())}-[^/]+")
    for entry in destination.parent.iterdir():
        match = mine.fullmatch(entry.name)
        if match and entry.is_dir() and not process_exists(int(match.group(1))):
            shutil.rmtree(entry, ignore_errors=True)


def process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def remove_empty(folders: list[Path]) -> None:
    for folder in folders:  # deepest first
        try:
            folder.rmdir()
        except OSError:
            return



def check_free_space(run_dir: Path, model_folder: Path) -> None:
    """The pre-flight's rule (``preflight.output_needed``), again now that the weights are on disk."""
    weights = sum(p.stat().st_size for p in weight_files(model_folder))
    needed = output_needed(weights)
    free = shutil.disk_usage(run_dir).free
    if free < needed:
        raise disk_full(run_dir.parent, needed_bytes=needed, free_bytes=free)
