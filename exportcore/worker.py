"""``python -m exportcore.worker JOB.json``: one export in a child process, events as JSON lines on stdout.

SIGTERM / SIGINT / SIGHUP cancel the run at once (``cancel_signals``); the run's own cleanup then removes the
temporary run folder, so nothing is left at the destination, and the last event says ``cancelled``. Exit codes: see ``errors``.
"""

from __future__ import annotations

import os
import sys
import threading

from . import cancel_signals, safe_json
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

    cancel = cancel_signals.install(threading.Event())
    started = False
    try:
        if len(argv) != 1:
            raise ExportError("invalid_option", reason="usage: python -m exportcore.worker JOB.json")
        try:
            job = safe_json.read(argv[0])
        except safe_json.BadJson as exc:
            raise ExportError("invalid_option", reason=f"cannot read the job file {argv[0]}: {exc.reason}") from None
        except OSError as exc:
            raise ExportError("invalid_option", reason=f"cannot read the job file: {exc}") from None
        from .options import ExportOptions

        options = ExportOptions.from_dict(job, for_export=True)  # every field type-checked; model and output_dir required
        from .option_rules import refuse

        refuse(None, options)  # what no model can do, before any work
        from .run import run_export

        started = True  # from here the run reports its own errors
        outcome = run_export(options, on_event=emit, cancel=cancel)
        return EXIT_OK if outcome.validation != "failed" else exit_code_for("validation_failed")
    except ExportError as exc:
        if not started:  # the job itself was wrong: nothing reported it yet
            emit(error_event(exc))
        return exit_code_for(exc.code)
    except KeyboardInterrupt:  # a cancel signal before the run started (the run reports its own)
        emit(error_event(ExportError("cancelled")))
        return exit_code_for("cancelled")
    except Exception as exc:  # noqa: BLE001
        emit(error_event(exc))
        return exit_code_for("internal_error")
    finally:
        cancel_signals.restore()


def warm_main(argv: list[str]) -> int:
    """:func:`main` in a process forked from ``exportcore serve``: huggingface_hub was imported there before this
    worker's environment (``HF_HUB_DISABLE_PROGRESS_BARS``, set by ``main``) existed, so its bars are turned off
    here."""
    from huggingface_hub.utils import disable_progress_bars

    disable_progress_bars()
    return main(argv)


def run_and_exit() -> None:
    cancel_signals.install()  # from the first moment: a cancel before the run starts still reports `cancelled`
    try:
        from .serve.client import delegate

        code = delegate("worker", sys.argv[1:])  # in `exportcore serve`'s warm process, when one runs
        if code is None:
            code = main()
    except KeyboardInterrupt:
        from .childio import protocol_stdout

        protocol_stdout().write(error_event(ExportError("cancelled")).to_json() + "\n")
        code = exit_code_for("cancelled")
    sys.stderr.flush()
    # Skip interpreter teardown (torch's takes seconds under load): the run has cleaned up and flushed its
    # events, and the supervisor waits for this exit, e.g. to confirm a cancel within 2 s.
    os._exit(code)


if __name__ == "__main__":
    run_and_exit()
