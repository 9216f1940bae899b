"""A full disk or a folder we may not write, wherever in the run it happens, said as such (``disk_full``,
``output_not_writable``), not as the stage that hit it (docs/decisions.md, 53)."""

from __future__ import annotations

import errno
import os
from pathlib import Path

from ..errors import FULL_DISK_ERRNOS, ExportError, causes, disk_full, full_disk_in_words
from ..machine import free_bytes

#: Codes whose cause may be a full disk or a folder we may not write (the exporters wrap what they hit).
RECODED_WHEN_OS_ERROR = frozenset({"export_failed", "dynamo_unsupported", "merge_failed", "validation_error"})


def coded_os_error(exc: BaseException, destination: Path) -> ExportError | None:
    """``disk_full`` for ENOSPC/EDQUOT anywhere in the run (naming the folder), ``output_not_writable`` for a
    permission error beside the destination; None for anything else (it stays what it was)."""
    output = destination.parent
    chain = causes(exc)
    for error in chain:
        if not isinstance(error, OSError):
            continue
        written = _written(error, output)
        if error.errno in FULL_DISK_ERRNOS:
            path = output  # the run folder, gone by now, was in it
            if written is not None and output not in written.parents:
                path = written.parent
            return disk_full(path, free_bytes=free_bytes(path), quota=FULL_DISK_ERRNOS[error.errno],
                             writing=written.name if written is not None else "")
        if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS) and written is not None and (
                written == output or output in written.parents):
            return ExportError("output_not_writable", path=str(written), reason=error.strerror or str(error))
    quota = full_disk_in_words(chain)  # C++ code (torch's and onnx's writers) words it in its own message
    if quota is not None:
        return disk_full(output, free_bytes=free_bytes(output), quota=quota)
    return None


def _written(error: OSError, output: Path) -> Path | None:
    """The file the failed call wrote. A copy's error names its source first (shutil sets ``filename`` to the
    source and ``filename2`` to the target): the target is the one that filled a disk, and it is ours."""
    names = [Path(os.fsdecode(name)) for name in (error.filename2, error.filename) if name]
    return next((name for name in names if name == output or output in name.parents), names[0] if names else None)
