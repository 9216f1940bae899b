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


def cores_used_by_others(interval: float = 0.1) -> float | None:
    """How many cores other processes kept busy over the next ``interval`` seconds (this process's own threads
    left out; its child processes count as others). None where /proc cannot tell."""
    import time

    def sample() -> tuple[int, int, int]:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
        own = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        return sum(fields[:8]), idle, int(own[11]) + int(own[12])  # utime + stime of all its threads

    try:
        total0, idle0, own0 = sample()
        time.sleep(interval)
        total1, idle1, own1 = sample()
    except (OSError, ValueError, IndexError):
        return None
    cores = os.cpu_count() or 1
    elapsed = total1 - total0
    if elapsed <= 0:
        return None
    busy = (elapsed - (idle1 - idle0)) - (own1 - own0)
    return max(0.0, busy / (elapsed / cores))


_last_count: list[tuple[float, int]] = []  # (when, free cores) of the last sample


def free_cores(interval: float = 0.1, max_age: float = 10.0) -> int:
    """Cores this process can use without waiting for others: at least 1. A thread pool larger than that spends
    its time waiting at every operation's barrier for a thread the scheduler put aside (decision 186). Sampled
    at most once every ``max_age`` seconds."""
    import time

    if _last_count and time.monotonic() - _last_count[0][0] < max_age:
        return _last_count[0][1]
    cores = os.cpu_count() or 1
    others = cores_used_by_others(interval)
    count = cores if others is None else max(1, min(cores, round(cores - others)))
    _last_count[:] = [(time.monotonic(), count)]
    return count
