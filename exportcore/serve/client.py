"""The client side of ``exportcore serve``: hand a command to the warm server and wait for its exit code."""

from __future__ import annotations

import json
import os
import signal
import socket
import sys

from .protocol import MAX_MESSAGE, is_private, peer_uid, socket_path


def delegate(entry: str, argv: list[str]) -> int | None:
    """Run ``entry`` (``cli`` or ``worker``) with ``argv`` in a warm server process; ``None`` when no server
    takes it (none running, or it declines): the caller then runs the command itself."""
    if os.environ.get("OES_NO_SERVER"):
        return None
    path = socket_path()
    if not path.exists() or not is_private(path.parent):
        return None  # never hand our environment (tokens) and terminal to a socket someone else could have made
    _open_standard_fds()
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    try:
        sock.settimeout(5)
        sock.connect(str(path))
        if peer_uid(sock) != os.getuid():
            sock.close()
            return None
        umask = os.umask(0o022)
        os.umask(umask)
        request = {"entry": entry, "argv": argv, "cwd": os.getcwd(), "env": dict(os.environ), "umask": umask}
        socket.send_fds(sock, [json.dumps(request).encode()], [0, 1, 2])
        reply = json.loads(sock.recv(MAX_MESSAGE) or b"{}")
    except (OSError, ValueError):
        sock.close()
        return None
    if "pid" not in reply:
        sock.close()
        return None
    pid = reply["pid"]

    def forward(signum, frame):
        try:
            os.kill(pid, signum)
        except ProcessLookupError:
            pass

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(signum) is not signal.SIG_IGN:  # what nohup or a background job ignores stays ignored
            signal.signal(signum, forward)
    sock.settimeout(None)
    while True:
        data = sock.recv(MAX_MESSAGE)
        if not data:
            from ..errors import ExportError, exit_code_for

            error = ExportError("internal_error", reason="the export process of `exportcore serve` ended without a result")
            print(f"error [{error.code}]: {error.message}", file=sys.stderr)
            return exit_code_for(error.code)
        message = json.loads(data)
        if "exit" in message:
            return int(message["exit"])


def _open_standard_fds() -> None:
    """Give closed fds 0–2 /dev/null: the socket must not take one of those numbers, or the server would get the
    client's own end of it as "stdin" and never see the client go away."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            opened = os.open(os.devnull, os.O_RDWR)
            if opened != fd:
                os.dup2(opened, fd)
                os.close(opened)
