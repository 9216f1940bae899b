"""What the warm server and its clients agree on: where the socket is and who may use it, how long a message may
be, and which environment variables make a warm process stale (they were read at import time)."""

from __future__ import annotations

import hashlib
import os
import socket
import stat
import struct
import sys
import tempfile
from pathlib import Path

from .. import __version__

#: Environment variables a warm process has already acted on (read at import time): a request that sets
#: them differently runs in a fresh process instead.
IMPORT_TIME_ENV_PREFIXES = ("HF_", "HUGGINGFACE_", "TRANSFORMERS_", "TORCH", "PYTORCH_", "OMP_", "MKL_", "OPENBLAS_",
                            "KMP_", "ORT_", "CUDA", "PYTHON", "LD_", "MALLOC_")
IMPORT_TIME_ENV_NAMES = ("HOME", "XDG_CACHE_HOME", "USE_TORCH")
#: Among those, the ones the server applies in the forked process itself.
APPLIED_AFTER_FORK = ("HF_HUB_DISABLE_PROGRESS_BARS",)
#: Requests and replies are one JSON message each, at most this long.
MAX_MESSAGE = 1 << 20


def socket_path() -> Path:
    """Where the server for this interpreter and this exportcore version listens."""
    explicit = os.environ.get("OES_SERVER_SOCKET")
    if explicit:
        return Path(explicit)
    key = hashlib.sha256(f"{os.path.realpath(sys.executable)}|{sys.version}|{__version__}".encode()).hexdigest()[:12]
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    base = Path(runtime) / "onnx-export-studio" if runtime and os.path.isdir(runtime) else \
        Path(tempfile.gettempdir()) / f"onnx-export-studio-{os.getuid()}"
    return base / f"exportcore-{key}.sock"


def is_private(folder: Path) -> bool:
    """A real folder (not a symlink) that belongs to this user and that nobody else can enter."""
    try:
        info = folder.lstat()
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o077


def env_fingerprint(env: dict[str, str]) -> dict[str, str]:
    """The variables of ``env`` that a warm process has acted on already."""
    return {k: v for k, v in env.items() if (k.startswith(IMPORT_TIME_ENV_PREFIXES) or k in IMPORT_TIME_ENV_NAMES)
            and k not in APPLIED_AFTER_FORK}


def peer_uid(conn: socket.socket) -> int:
    """The user id of the process at the other end of a Unix socket."""
    creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    return struct.unpack("3i", creds)[1]
