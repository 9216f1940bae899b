"""``python -m exportcore.inspect_server``: a warm helper process answering inspection requests.

The GUI process never imports torch or transformers; it keeps this process running and asks it
to resolve + plan, or (``"cmd": "preflight"``) for an export's pre-flight (:mod:`exportcore.plan.preflight`: the
Hub's metadata and config.json only, never weights). Protocol (JSON lines): see docs/interfaces.md.
"""

from __future__ import annotations

import json
import sys
import time


def handle(request: dict) -> dict:
    from .errors import ExportError
    from .events import error_event
    from .options import ExportOptions
    from .plan import inspect

    reply: dict = {"id": request.get("id")}
    try:
        model, options = request.get("model"), request.get("options", {})
        if not isinstance(model, str) or not model:
            raise ExportError("invalid_option", reason="the request has no 'model' string")
        if not isinstance(options, dict):
            raise ExportError("invalid_option", reason="the request's 'options' is not an object")
        pipeline_tag = request.get("pipeline_tag")  # the Hub's, for a downloaded folder that does not carry it
        if pipeline_tag is not None and not isinstance(pipeline_tag, str):
            raise ExportError("invalid_option", reason="the request's 'pipeline_tag' is not a string")
        command = request.get("cmd", "inspect")
        if command == "preflight":
            from .plan import preflight

            # Always fresh: the user may have freed space since the last answer.
            reply["preflight"] = preflight.run(ExportOptions.from_dict({**options, "model": model}),
                                               reuse=False, pipeline_tag=pipeline_tag).to_dict()
        elif command == "inspect":
            reply["plan"] = inspect(ExportOptions.from_dict({**options, "model": model}), pipeline_tag=pipeline_tag)
        else:
            raise ExportError("invalid_option", reason=f"unknown command {str(command)[:40]!r} (inspect, preflight, "
                              "quit)")
    except ExportError as exc:
        reply["error"] = exc.to_dict()
    except Exception as exc:  # noqa: BLE001 - the server must survive any one bad request
        event = error_event(exc)
        reply["error"] = {"code": event.code, "message": event.message, "next_step": event.next_step, "params": event.params}
    return reply


def main() -> int:
    from .childio import protocol_stdout

    channel = protocol_stdout()
    start = time.perf_counter()
    from . import plan, registry, safe_json  # noqa: F401
    from .errors import ExportError

    registry.supported_model_types()
    from .plan import light_config

    if light_config.table_missing():  # another transformers than the lock's: record its table once, then stay light
        from .plan.light_config_build import record_table

        record_table(announce=lambda line: print(f"note: {line}", file=sys.stderr, flush=True))
    # Inspection reads config.json without transformers (light_config); transformers (and torch) are
    # imported only for the rare configuration that needs them, so the helper starts fast and stays small.
    handle({"id": None, "model": "demo:tiny-bert"})
    channel.write(json.dumps({"ready": True, "seconds": round(time.perf_counter() - start, 3)}) + "\n")
    channel.flush()
    for line in sys.stdin.buffer:  # bytes: a line that is not UTF-8 is one bad request, not the end of the helper
        line = line.strip()
        if not line:
            continue
        try:
            request = safe_json.loads(line)
            reason = "a request must be a JSON object"
        except safe_json.BadJson as exc:
            request, reason = None, exc.reason
        if isinstance(request, dict) and not isinstance(request.get("id"), (str, int, float, type(None))):
            request, reason = None, "its 'id' must be a number or a string"
        if not isinstance(request, dict):  # one bad request never ends the helper
            error = ExportError("invalid_option", reason=f"bad request: {reason}").to_dict()
            channel.write(json.dumps({"id": None, "error": error}) + "\n")
            channel.flush()
            continue
        if request.get("cmd") == "quit":
            break
        channel.write(json.dumps(handle(request), ensure_ascii=False) + "\n")
        channel.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
