"""What this machine has for an export: free disk space and available memory. Light: standard library only."""

from __future__ import annotations

import os
import shutil
from pathlib import Path


def free_bytes(folder: str | os.PathLike) -> int | None:
    """Free space for a new file in ``folder`` (or its nearest existing parent); None when it cannot be told."""
    place = Path(folder).expanduser().absolute()
    for candidate in (place, *place.parents):
        try:
            return shutil.disk_usage(candidate).free
        except OSError:  # missing (not made yet) or unreadable: ask its parent
            continue
    return None


def device(folder: Path) -> int | None:
    """The file system ``folder`` is (or would be made) on."""
    for candidate in (folder, *folder.parents):
        try:
            return os.stat(candidate).st_dev
        except OSError:
            continue
    return None


def memory_available() -> tuple[int | None, int | None]:
    """(available, total) bytes of memory for a new process: MemAvailable / MemTotal, lowered to what a cgroup
    (container) limit leaves. (None, None) where this cannot be read."""
    available = total = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("MemAvailable", "MemTotal"):
                amount = int(value.split()[0]) * 1024
                if key == "MemAvailable":
                    available = amount
                else:
                    total = amount
    except (OSError, ValueError, IndexError):
        try:
            page = os.sysconf("SC_PAGE_SIZE")
            available, total = os.sysconf("SC_AVPHYS_PAGES") * page, os.sysconf("SC_PHYS_PAGES") * page
        except (OSError, ValueError, AttributeError):
            return None, None
    limit, used = _cgroup_memory()
    if limit is not None:
        total = min(total, limit) if total is not None else limit
        left = max(limit - (used or 0), 0)
        available = min(available, left) if available is not None else left
    return available, total


def _cgroup_memory() -> tuple[int | None, int | None]:
    """(limit, usage) of this process's memory cgroup (v2, else v1); (None, None) without a limit."""
    def number(path: Path) -> int | None:
        try:
            text = path.read_text().strip()
        except OSError:
            return None
        return int(text) if text.isdigit() else None

    base = Path("/sys/fs/cgroup")
    try:
        own = next((line.split(":", 2)[2] for line in Path("/proc/self/cgroup").read_text().splitlines()
                    if line.startswith("0::")), "/")
    except (OSError, IndexError):
        own = "/"
    folder = base / own.lstrip("/")
    limit = number(folder / "memory.max")
    if limit is not None:
        return limit, number(folder / "memory.current")
    limit = number(base / "memory" / "memory.limit_in_bytes")
    if limit is not None and limit < 2**60:  # v1 writes a huge number for "no limit"
        return limit, number(base / "memory" / "memory.usage_in_bytes")
    return None, None
