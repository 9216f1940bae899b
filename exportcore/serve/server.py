"""``exportcore serve``: torch, transformers and onnxruntime imported once; each export forks from them.

Importing them costs 4–5 s of every export (more than the export of a tiny model). A running server
takes that off: ``exportcore export`` and ``python -m exportcore.worker`` look for it and, if it answers,
hand it their arguments, working directory, environment and stdin/stdout/stderr (file descriptors over
a Unix socket). The server forks a process for the request — a fresh process per export, as before,
only already warm — which runs the very same command on those streams and reports its exit code.
The client forwards SIGINT/SIGTERM to it, and if the client dies the export is cancelled.

Nothing changes when no server runs, and a server declines (the client then runs the command itself)
when the request's environment differs from its own in variables read at import time (``HF_*``,
``TRANSFORMERS_*``, ``TORCH*``, thread settings, ``HOME``…). The socket lives in a private folder
(``$XDG_RUNTIME_DIR`` or ``/tmp/onnx-export-studio-<uid>``, mode 0700); the server serves its own
user only. The parent never runs a tensor operation, so torch has no thread pool when it forks (the OpenBLAS
threads numpy starts are fork-aware); onnxruntime is imported by each child, not by the parent.
"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import sys
import tempfile
import time
from pathlib import Path
from typing import Callable, Mapping

from .. import cancel_signals
from .protocol import MAX_MESSAGE, env_fingerprint, is_private, peer_uid, socket_path

#: An entry point a request may name: ``main(argv) -> exit code`` (``cli``: ``exportcore …``; ``worker``:
#: ``python -m exportcore.worker JOB.json``). ``exportcore serve`` hands them in; the server imports neither.
EntryPoint = Callable[[list[str]], int]

_STOP_SIGNALS = {signal.SIGINT, signal.SIGTERM}


def _private_dir(folder: Path) -> None:
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not is_private(folder):
        from ..errors import ExportError

        raise ExportError("invalid_option", reason=f"the socket folder {folder} must belong to you and be private "
                          "(chmod 700), or point OES_SERVER_SOCKET elsewhere")


def preload() -> None:
    """Import what every export imports (no tensor operation: the parent must not start thread pools).

    Not onnxruntime: importing it opens an sqlite database, which forked processes must not share (0.3 s each).
    """
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    import onnx  # noqa: F401
    import torch  # noqa: F401
    import transformers.modeling_utils  # noqa: F401

    from .. import plan, progress, run  # noqa: F401
    from ..export import adapter, initializers, onnx_export, torch_hooks, torch_stages  # noqa: F401
    from ..plan.light_config_build import record_table
    from ..postprocess import merge, steps  # noqa: F401
    from ..validate import checks, comparison  # noqa: F401

    torch_hooks.torchscript_exporter()

    # transformers is imported now anyway: a transformers other than the lock's gets its table recorded once, so
    # that later inspections stay light. Configuration classes only, no tensor operation.
    record_table(announce=lambda line: print(f"note: {line}", file=sys.stderr, flush=True))


def serve(entry_points: Mapping[str, EntryPoint], idle_timeout: float | None = None, exit_with_stdin: bool = False,
          announce=print) -> int:
    """Listen until stopped (SIGINT/SIGTERM, ``idle_timeout`` seconds without an export, or stdin closing with
    ``exit_with_stdin``), forking one process per request that runs ``entry_points[request's entry](argv)``."""
    path = socket_path()
    _private_dir(path.parent)
    already_running = json.dumps({"ready": False, "reason": "already running", "socket": str(path)})
    if path.exists():
        probe = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            probe.connect(str(path))
            announce(already_running)
            return 0
        except OSError:
            path.unlink()  # stale: its server is gone
        finally:
            probe.close()
    start = time.perf_counter()
    environment = dict(os.environ)
    fingerprint = env_fingerprint(environment)  # as started: imports add variables (torch: TORCHINDUCTOR_CACHE_DIR)
    preload()
    added = {k: v for k, v in os.environ.items() if k not in environment}
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    try:
        listener.bind(str(path))
    except OSError:  # another server started meanwhile
        listener.close()
        announce(already_running)
        return 0
    os.chmod(path, 0o600)
    own_inode = path.stat().st_ino
    server_pid = os.getpid()
    listener.listen(16)
    stop = False

    def on_stop(signum, frame):
        nonlocal stop
        stop = True

    signal.signal(signal.SIGTERM, on_stop)
    signal.signal(signal.SIGINT, on_stop)
    announce(json.dumps({"ready": True, "socket": str(path), "pid": os.getpid(),
                         "seconds": round(time.perf_counter() - start, 3)}))
    children: set[int] = set()
    last_activity = time.monotonic()
    watched = [listener] + ([sys.stdin] if exit_with_stdin else [])
    try:
        while not stop:
            for pid in list(children):
                if os.waitpid(pid, os.WNOHANG)[0]:
                    children.discard(pid)
                    last_activity = time.monotonic()
            if idle_timeout is not None and not children and time.monotonic() - last_activity > idle_timeout:
                break
            try:
                ready, _, _ = select.select(watched, [], [], 1.0)
            except InterruptedError:
                continue
            if exit_with_stdin and sys.stdin in ready and not os.read(sys.stdin.fileno(), 4096):
                break  # the process that started us is gone
            if listener not in ready:
                continue
            conn, _ = listener.accept()
            uid = peer_uid(conn)
            if uid != os.getuid():
                conn.close()
                continue
            # Signals stay blocked across fork until the child has its own handlers (then it unblocks them).
            signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
            pid = os.fork()
            if pid == 0:
                try:
                    listener.close()
                    _serve_one(conn, entry_points, fingerprint, added)
                finally:
                    os._exit(1)  # whatever happens, a child never returns into this loop
            signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)
            conn.close()
            children.add(pid)
            last_activity = time.monotonic()
    finally:
        listener.close()
        try:  # only our own socket: a newer server may have replaced it
            if os.getpid() == server_pid and path.stat().st_ino == own_inode:
                path.unlink()
        except OSError:
            pass
    return 0



def _serve_one(conn: socket.socket, entry_points: Mapping[str, EntryPoint], fingerprint: dict[str, str],
               added: dict[str, str]) -> None:
    """In the forked process: take over the client's streams, directory and environment, run, report."""
    code = 1
    try:
        # Not what the server had (e.g. nohup's): a forwarded signal cancels this export from the first moment.
        for signum in cancel_signals.CANCEL_SIGNALS:
            signal.signal(signum, signal.SIG_DFL)
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        cancel_signals.install()
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)
        os.setsid()  # the server's terminal (Ctrl-C, hang-up) is not this export's
        message, fds, _, _ = socket.recv_fds(conn, MAX_MESSAGE, 3)
        if not message:  # a probe ("is a server running?") or a client that gave up
            os._exit(0)
        request = json.loads(message)
        env = request["env"]
        reason = _decline_reason(request, entry_points, fingerprint, fds)
        if reason:
            conn.send(json.dumps({"declined": reason}).encode())
            os._exit(0)
        for target, fd in enumerate(fds):
            os.dup2(fd, target)
            os.close(fd)
        _rebind_std_streams()
        os.chdir(request["cwd"])
        os.umask(int(request.get("umask", 0o022)))
        os.environ.clear()
        os.environ.update({**added, **env})
        tempfile.tempdir = None  # re-read TMPDIR & co. from the client's environment
        os.environ["OES_SERVED_BY"] = str(os.getppid())
        if env.get("HF_HUB_DISABLE_PROGRESS_BARS", "").lower() in ("1", "true", "yes", "on"):
            from huggingface_hub.utils import disable_progress_bars

            disable_progress_bars()
        try:
            conn.send(json.dumps({"pid": os.getpid()}).encode())
        except OSError:
            os._exit(130)  # the client left (a cancel) before its export started
        _cancel_when_client_leaves(conn)
        code = entry_points[request["entry"]](request["argv"])
    except KeyboardInterrupt:
        code = 130
    except SystemExit as exc:  # argparse: --help, usage errors
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    except BaseException:  # noqa: BLE001 - report, never fall back into the server loop
        import traceback

        traceback.print_exc()
    finally:
        while True:  # from here on nothing may interrupt the way out; a signal already pending raises here once
            try:
                signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
                break
            except KeyboardInterrupt:
                code = 130
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        try:
            conn.send(json.dumps({"exit": code}).encode())
        except OSError:
            pass
        os._exit(code)


def _decline_reason(request: dict, entry_points: Mapping[str, EntryPoint], fingerprint: dict[str, str],
                    fds: list[int]) -> str | None:
    if request.get("entry") not in entry_points or len(fds) != 3:
        return "malformed request"
    if env_fingerprint(request["env"]) != fingerprint:
        changed = sorted(set(env_fingerprint(request["env"]).items()) ^ set(fingerprint.items()))
        return "environment differs: " + ", ".join(sorted({k for k, _ in changed}))
    return None


def _rebind_std_streams() -> None:
    sys.stdin = open(0, encoding="utf-8", errors="replace", closefd=False)
    sys.stdout = open(1, "w", buffering=1 if os.isatty(1) else -1, encoding="utf-8", errors="replace", closefd=False)
    sys.stderr = open(2, "w", buffering=1, encoding="utf-8", errors="backslashreplace", closefd=False)


def _cancel_when_client_leaves(conn: socket.socket) -> None:
    import threading

    def watch() -> None:
        try:
            while conn.recv(MAX_MESSAGE):
                pass
        except OSError:
            pass
        os.kill(os.getpid(), signal.SIGINT)  # the client is gone: cancel, as Ctrl-C would

    threading.Thread(target=watch, name="client-watch", daemon=True).start()
