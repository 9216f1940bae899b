"""Publishing a finished run: moved into place in one step, never replacing what it did not check; a run that is
not published (failed validation, a destination filled meanwhile) kept aside under a visible name."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import time
from pathlib import Path

from ..errors import ExportError
from .destination import beside_stem


class DestinationTaken(Exception):
    """The destination filled up (or became a file) while the run worked: publishing would replace it."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


def publish(run_dir: Path, destination: Path, overwrite: bool) -> None:
    """Move the finished run into place.

    Without ``overwrite`` this is one rename(2), which moves a folder onto a path that does not exist or onto an
    empty folder, atomically, and fails on anything else: two runs to the same new folder cannot both publish, and
    files that appeared in the destination meanwhile are never replaced (``DestinationTaken``). With ``overwrite``
    a non-empty destination is replaced by ``replace``.
    """
    open_up(run_dir)
    try:
        os.rename(run_dir, destination)
        return
    except OSError as exc:
        if exc.errno == errno.ENOTDIR:
            raise DestinationTaken("became a file") from None
        if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST):
            raise
        if not overwrite:
            raise DestinationTaken("was filled by another run or program") from None
    replace(run_dir, destination)


def replace(run_dir: Path, destination: Path) -> None:
    """Swap the run folder and the destination in one step (Linux renameat2 RENAME_EXCHANGE), then delete the old
    folder, now at the run folder's path. Elsewhere the old folder is moved aside first and moved back if the run
    folder cannot take its place; if even that fails, the error says where it is."""
    if exchange(run_dir, destination):
        shutil.rmtree(run_dir, ignore_errors=True)  # what was the destination
        return
    backup = destination.with_name(f".{beside_stem(destination)}.old-{os.getpid()}")
    destination.rename(backup)
    try:
        run_dir.rename(destination)
    except OSError as exc:
        kept = put_back(backup, destination)
        where = "it still holds what it held" if kept == destination else f"what it held is now in {kept}"
        raise ExportError("output_not_writable", path=str(destination), reason=f"{exc.strerror or exc}; {where}") from exc
    shutil.rmtree(backup, ignore_errors=True)


def put_back(backup: Path, destination: Path) -> Path:
    """Return the folder that was moved aside to its place, or else to a visible name beside it."""
    for target in (destination, destination.with_name(f"{beside_stem(destination)}.previous-{time.strftime('%Y%m%d-%H%M%S')}")):
        try:
            backup.rename(target)
            return target
        except OSError:
            continue
    return backup


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths (Linux ≥ 3.15, most local file systems). False where that is not available."""
    import ctypes

    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # not Linux, or a C library without renameat2
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):  # the kernel or the file system cannot swap
        return False
    raise OSError(code, os.strerror(code), str(b))


def keep_aside(run_dir: Path, destination: Path, label: str) -> Path:
    """Move a run that is not published (``failed`` validation, ``unpublished`` because the destination filled up)
    beside the destination as ``<dest>.<label>-<time>``, under a name no earlier kept run holds."""
    open_up(run_dir)
    stem = f"{beside_stem(destination)}.{label}-{time.strftime('%Y%m%d-%H%M%S')}"
    for attempt in range(1, 1000):
        kept = destination.with_name(stem if attempt == 1 else f"{stem}-{attempt}")
        if kept.exists():
            continue
        try:
            run_dir.rename(kept)
            return kept
        except OSError:
            if not kept.exists():  # not a race with another run: a real failure
                raise
    raise ExportError("output_not_writable", path=str(destination.parent), reason=f"no free name for the {label} run")


def open_up(run_dir: Path) -> None:
    """The run folder was made private (mkdtemp, 0700); the published folder gets the permissions of a folder the
    user would have made (0777 minus the umask)."""
    run_dir.chmod(0o777 & ~current_umask())


def current_umask() -> int:
    with contextlib.suppress(OSError, StopIteration, ValueError):  # Linux: read it without changing it
        status = Path("/proc/self/status").read_text().splitlines()
        return int(next(line for line in status if line.startswith("Umask:")).split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
