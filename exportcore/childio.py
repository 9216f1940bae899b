"""stdout discipline for child processes: the protocol owns stdout, everything else goes to stderr."""

from __future__ import annotations

import os
import sys
from typing import TextIO


def protocol_stdout() -> TextIO:
    """Return a stream on the original stdout and point fd 1 (and ``sys.stdout``) at stderr.

    torch and transformers print progress and warnings on stdout, from Python and from C++;
    redirecting the file descriptor keeps the JSON-lines channel clean.
    """
    global _channel
    if _channel is None:  # once per process: a second call must not take stderr for the original stdout
        sys.stdout.flush()
        channel = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
        os.dup2(2, 1)
        sys.stdout = sys.stderr
        _channel = channel
    return _channel


_channel: TextIO | None = None
