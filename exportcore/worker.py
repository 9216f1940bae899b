"""``python -m exportcore.worker JOB.json``: one export in a child process, events as JSON lines on stdout.

SIGTERM / SIGINT cancel the run at once (the handler raises ``cancelled``); the run's own cleanup then
removes the temporary run folder, so nothing is left at the destination. Exit codes: see ``errors``.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading

from .errors import EXIT_OK, ExportError, exit_code_for
from .events import error_event


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from .childio import protocol_stdout

    channel = protocol_stdout()
    lock = threading.Lock()

    def emit(event) -> None:
        with lock:
            channel.write(event.to_json() + "\n")
            channel.flush()

    cancel = threading.Event()

    def on_signal(signum, frame):  # noqa: ARG001
        cancel.set()
        raise ExportError("cancelled")

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    try:
        if len(argv) != 1:
            raise ExportError("invalid_option", reason="usage: python -m exportcore.worker JOB.json")
        try:
            with open(argv[0], encoding="utf-8") as fh:
                job = json.load(fh)
        except (OSError, json.JSONDecodeError) as exc:
            raise ExportError("invalid_option", reason=f"cannot read job file: {exc}") from None
        from .options import ExportOptions

        options = ExportOptions.from_dict(job)
        from .run import run_export

        outcome = run_export(options, on_event=emit, cancel=cancel)
        return EXIT_OK if outcome.validation != "failed" else exit_code_for("validation_failed")
    except ExportError as exc:
        if exc.code in ("invalid_option", "invalid_dtype"):  # raised before the run could report it
            emit(error_event(exc))
        return exit_code_for(exc.code)
    except Exception as exc:  # noqa: BLE001
        emit(error_event(exc))
        return exit_code_for("internal_error")
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.SIG_DFL)


def run_and_exit() -> None:
    from .server import delegate

    code = delegate("worker", sys.argv[1:])  # in `exportcore serve`'s warm process, when one runs
    if code is None:
        code = main()
    sys.stderr.flush()
    # Skip interpreter teardown (torch's takes seconds under load): the run has cleaned up and flushed its
    # events, and the supervisor waits for this exit, e.g. to confirm a cancel within 2 s.
    os._exit(code)


if __name__ == "__main__":
    run_and_exit()
