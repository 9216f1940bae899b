"""``exportcore serve``: exports run in a warm forked process, and behave exactly as without it.

A real server process per module (its own socket, via ``OES_SERVER_SOCKET``); real ``exportcore export`` and
``python -m exportcore.worker`` processes as clients. What a user relies on: the same files, output and exit codes;
Ctrl-C / SIGTERM still cancel and leave nothing; a client killed outright cancels its export; a request from a
different environment (``HF_*`` read at import time) runs in a fresh process instead; no server, a stale socket
or ``OES_NO_SERVER`` mean the command simply runs itself.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from exportcore.errors import exit_code_for

EXPORTCORE = [sys.executable, "-c", "from exportcore.cli import console_main; console_main()"]
WORKER = [sys.executable, "-m", "exportcore.worker"]
SERVED = "running in a process forked from exportcore serve"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("serve")
    folder.chmod(0o700)
    env = {**os.environ, "OES_SERVER_SOCKET": str(folder / "exportcore.sock")}
    env.pop("OES_NO_SERVER", None)
    log = folder / "server.err"
    with open(log, "w") as err:
        proc = subprocess.Popen([*EXPORTCORE, "serve", "--idle-timeout", "600"], stdout=subprocess.PIPE, stderr=err,
                                text=True, env=env)
    ready = json.loads(proc.stdout.readline())
    assert ready["ready"] is True and Path(ready["socket"]).exists()
    # a second server for the same socket says so and leaves the first one alone
    second = subprocess.run([*EXPORTCORE, "serve"], env=env, capture_output=True, text=True, timeout=60)
    assert second.returncode == 0 and json.loads(second.stdout)["reason"] == "already running"
    assert Path(ready["socket"]).exists()
    yield env
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=10) == 0
    assert not Path(ready["socket"]).exists(), "the server leaves its socket behind"
    assert "Traceback" not in log.read_text(), log.read_text()[-2000:]


def _log(folder: Path) -> str:
    return (folder / "export.log").read_text(encoding="utf-8")


def test_export_runs_in_the_server_and_gives_the_same_result(server, tmp_path):
    out = tmp_path / "out"
    done = subprocess.run([*EXPORTCORE, "export", "demo:tiny-bert", str(out), "--json-events"], env=server,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert SERVED in _log(out)
    events = [json.loads(line) for line in done.stdout.splitlines()]  # the client's own stdout, from the server
    assert events[-1]["event"] == "result" and events[-1]["validation"] == "passed"
    assert (out / "model.onnx").is_file()

    local = tmp_path / "local"
    done = subprocess.run([*EXPORTCORE, "export", "demo:tiny-bert", str(local)], env={**server, "OES_NO_SERVER": "1"},
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and SERVED not in _log(local)
    assert (local / "model.onnx").read_bytes() == (out / "model.onnx").read_bytes()


@pytest.mark.parametrize("served", [True, False], ids=["served", "alone"])
def test_a_reader_that_goes_away_stops_the_output_not_the_export(server, tmp_path, served):
    """`exportcore export M OUT 2>&1 | head -2` (decision 43): served, the export used to fail with
    internal_error BrokenPipeError from exporter_output_in_log and publish nothing."""
    out = tmp_path / "out"
    env = server if served else {**server, "OES_NO_SERVER": "1"}
    proc = subprocess.Popen([*EXPORTCORE, "export", "demo:tiny-bert", str(out)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    head = [proc.stdout.readline() for _ in range(2)]
    proc.stdout.close()  # as `head -2` does
    assert proc.wait(timeout=300) == 0, head
    assert (out / "model.onnx").is_file()
    assert (SERVED in _log(out)) is served


def test_files_get_the_clients_umask_not_the_servers(server, tmp_path):
    out = tmp_path / "out"
    code = "import os, sys; os.umask(0o077); from exportcore.cli import console_main; console_main()"
    done = subprocess.run([sys.executable, "-c", code, "export", "demo:tiny-bert", str(out)], env=server,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert SERVED in _log(out)
    assert (out / "model.onnx").stat().st_mode & 0o077 == 0


def test_errors_and_exit_codes_come_back_from_the_server(server, tmp_path):
    done = subprocess.run([*EXPORTCORE, "export", str(tmp_path / "no-such-model"), str(tmp_path / "out")], env=server,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == exit_code_for("not_a_model")
    assert "error [not_a_model]" in done.stderr and "Traceback" not in done.stderr
    done = subprocess.run([*EXPORTCORE, "export", "--help"], env=server, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "--validation-shapes" in done.stdout


def test_worker_events_reach_the_apps_pipe_through_the_server(server, tmp_path):
    job = tmp_path / "job.json"
    job.write_text(json.dumps({"model": "demo:tiny-bert", "output_dir": str(tmp_path / "out")}), encoding="utf-8")
    done = subprocess.run([*WORKER, str(job)], env=server, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    events = [json.loads(line) for line in done.stdout.splitlines()]
    assert any(e["event"] == "log" and SERVED in e["message"] for e in events)
    assert events[-1]["event"] == "result"


SLOW_SHAPES = [{"batch_size": b, "sequence_length": n} for b in (1, 2, 3) for n in range(3, 31)]  # within n_positions


def _start_slow_worker(env, tmp_path, closed_stdin=False):
    """A valid worker export slow enough to stop mid-way (84 validation shape sets); returns once it validates."""
    job = tmp_path / "job.json"
    job.write_text(json.dumps({"model": "demo:tiny-gpt2", "output_dir": str(tmp_path / "out"),
                               "validation_shapes": SLOW_SHAPES}), encoding="utf-8")
    argv = [*WORKER, str(job)]
    if closed_stdin:
        argv = ["sh", "-c", 'exec "$@" 0<&-', "sh", *argv]
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for line in proc.stdout:  # wait until the export is under way
        event = json.loads(line)
        if event["event"] == "stage_started" and event["stage"] == "validate":
            return proc
    raise AssertionError(f"the worker ended early: {proc.stderr.read()}")


def _finish(proc, timeout: float) -> tuple[int, list[dict], str]:
    """(exit code, the events written from here on, stderr) of ``proc``, reading both pipes while it ends, as a
    terminal does: unread, 84 shape sets' validation rows fill a pipe (about 130 kB), and an export blocked writing
    to it cannot finish its cancel."""
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, [json.loads(line) for line in out.splitlines() if line.strip()], err


def _events_after(proc) -> list[dict]:
    """What the export wrote after this point: the served process writes to the pipe even once the client is gone."""
    return [json.loads(line) for line in proc.stdout]


def _nothing_left(tmp_path):
    return not (tmp_path / "out").exists() and not [p for p in tmp_path.iterdir() if p.name.startswith(".out")]


def test_sigterm_to_the_client_cancels_the_served_export(server, tmp_path):
    proc = _start_slow_worker(server, tmp_path)
    start = time.monotonic()
    proc.send_signal(signal.SIGTERM)
    code, events, _ = _finish(proc, timeout=10)
    assert code == exit_code_for("cancelled")
    assert time.monotonic() - start < 2
    assert [e["code"] for e in events if e["event"] == "error"] == ["cancelled"]
    assert _nothing_left(tmp_path)


@pytest.mark.parametrize(("served", "signum"), [(True, signal.SIGTERM), (True, signal.SIGHUP), (False, signal.SIGTERM)],
                         ids=["served-sigterm", "served-sighup", "alone-sigterm"])
def test_sigterm_or_sighup_to_exportcore_export_cancels_like_ctrl_c(server, tmp_path, served, signum):
    """`exportcore export` stopped by a service manager or a closed terminal: exit 130, one `cancelled` error
    line, nothing at the destination or beside it; the same with and without the server."""
    env = server if served else {**server, "OES_NO_SERVER": "1"}
    shapes = ";".join(f"batch_size={s['batch_size']},sequence_length={s['sequence_length']}" for s in SLOW_SHAPES)
    # As started from a terminal: the tests themselves may run under nohup, whose ignored SIGHUP the export keeps.
    proc = subprocess.Popen([*EXPORTCORE, "export", "demo:tiny-gpt2", str(tmp_path / "out"), "--json-events",
                             "--validation-shapes", shapes], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, preexec_fn=lambda: signal.signal(signum, signal.SIG_DFL))
    for line in proc.stdout:
        event = json.loads(line)
        if event["event"] == "stage_started" and event["stage"] == "validate":
            break
    proc.send_signal(signum)
    code, events, stderr = _finish(proc, timeout=10)
    assert code == exit_code_for("cancelled")
    assert "error [cancelled]" in stderr and "Traceback" not in stderr, stderr[-2000:]
    assert [e["code"] for e in events if e["event"] == "error"] == ["cancelled"]
    assert _nothing_left(tmp_path)


def test_under_nohup_a_hang_up_does_not_cancel_the_served_export(server, tmp_path):
    """nohup makes SIGHUP ignored; the client must not forward what its own process ignores."""
    proc = subprocess.Popen([*EXPORTCORE, "export", "demo:tiny-gpt2", str(tmp_path / "out"), "--json-events"],
                            env=server, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_IGN))
    for line in proc.stdout:
        event = json.loads(line)
        if event["event"] == "stage_started" and event["stage"] == "export":
            break
    proc.send_signal(signal.SIGHUP)
    code, _, stderr = _finish(proc, timeout=60)
    assert code == 0, stderr[-2000:]
    assert (tmp_path / "out" / "model.onnx").is_file()


@pytest.mark.parametrize("closed_stdin", [False, True], ids=["stdin-open", "stdin-closed"])
def test_a_killed_client_cancels_its_export(server, tmp_path, closed_stdin):
    """With fd 0 closed, the client's socket must not take its number (the server would then hold the client's own
    end and never see it go)."""
    proc = _start_slow_worker(server, tmp_path, closed_stdin=closed_stdin)
    proc.kill()
    proc.wait()
    events = _events_after(proc)  # until the served process exits and closes the pipe
    assert [e["code"] for e in events if e["event"] == "error"] == ["cancelled"]
    assert not any(e["event"] == "result" for e in events)
    assert _nothing_left(tmp_path)


def test_a_socket_in_a_folder_others_can_enter_is_never_used(server, tmp_path):
    """Someone else could have made it: the client does not hand it its environment and terminal."""
    folder = tmp_path / "open"
    folder.mkdir()
    folder.chmod(0o755)
    import socket as socket_module

    listener = socket_module.socket(socket_module.AF_UNIX, socket_module.SOCK_SEQPACKET)
    listener.bind(str(folder / "exportcore.sock"))
    listener.listen(1)
    try:
        env = {**server, "OES_SERVER_SOCKET": str(folder / "exportcore.sock")}
        done = subprocess.run([*EXPORTCORE, "export", "demo:tiny-bert", str(tmp_path / "out")], env=env,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        assert SERVED not in _log(tmp_path / "out")
        listener.setblocking(False)
        with pytest.raises(BlockingIOError):
            listener.accept()  # nobody connected
    finally:
        listener.close()


def test_a_different_hub_environment_runs_in_a_fresh_process(server, tmp_path):
    out = tmp_path / "out"
    env = {**server, "HF_ENDPOINT": "http://127.0.0.1:9"}  # read by huggingface_hub at import time
    done = subprocess.run([*EXPORTCORE, "export", "demo:tiny-bert", str(out)], env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr
    assert SERVED not in _log(out)


def test_without_a_server_or_with_a_stale_socket_the_command_runs_itself(tmp_path):
    folder = tmp_path / "sock"
    folder.mkdir(mode=0o700)
    stale = folder / "exportcore.sock"
    import socket as socket_module

    listener = socket_module.socket(socket_module.AF_UNIX, socket_module.SOCK_SEQPACKET)
    listener.bind(str(stale))
    listener.close()  # the file stays, nobody listens: a server that crashed
    env = {**os.environ, "OES_SERVER_SOCKET": str(stale)}
    env.pop("OES_NO_SERVER", None)
    done = subprocess.run([*EXPORTCORE, "export", "demo:tiny-bert", str(tmp_path / "out")], env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert SERVED not in _log(tmp_path / "out")


def test_the_server_stops_when_idle_and_removes_its_socket(tmp_path):
    folder = tmp_path / "sock"
    folder.mkdir(mode=0o700)
    env = {**os.environ, "OES_SERVER_SOCKET": str(folder / "exportcore.sock")}
    proc = subprocess.Popen([*EXPORTCORE, "serve", "--idle-timeout", "1"], stdout=subprocess.PIPE, text=True, env=env)
    assert json.loads(proc.stdout.readline())["ready"] is True
    assert proc.wait(timeout=30) == 0
    assert not (folder / "exportcore.sock").exists()


def test_a_socket_folder_others_can_enter_is_refused(tmp_path):
    folder = tmp_path / "open"
    folder.mkdir()
    folder.chmod(0o755)
    env = {**os.environ, "OES_SERVER_SOCKET": str(folder / "exportcore.sock")}
    done = subprocess.run([*EXPORTCORE, "serve", "--idle-timeout", "1"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode != 0
    assert "private" in done.stderr and "Traceback" not in done.stderr
