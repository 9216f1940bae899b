"""``python -m exportcore.inspect_server``: a warm helper process answering inspection requests.

The GUI process never imports torch or transformers; it keeps this process running and asks it
to resolve + plan. Protocol (JSON lines): see docs/interfaces.md.
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
        options = ExportOptions.from_dict({**request.get("options", {}), "model": request["model"]})
        reply["plan"] = inspect(options)
    except KeyError:
        reply["error"] = ExportError("invalid_option", reason="request without 'model'").to_dict()
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
    from . import plan, registry  # noqa: F401

    registry.supported_model_types()
    # Inspection reads config.json without transformers (light_config); transformers (and torch) are
    # imported only for the rare configuration that needs them, so the helper starts fast and stays small.
    handle({"id": None, "model": "demo:tiny-bert"})
    channel.write(json.dumps({"ready": True, "seconds": round(time.perf_counter() - start, 3)}) + "\n")
    channel.flush()
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        try:
            request = json.loads(line)
        except json.JSONDecodeError as exc:
            channel.write(json.dumps({"id": None, "error": {"code": "invalid_option", "message": f"bad request: {exc}"}}) + "\n")
            channel.flush()
            continue
        if request.get("cmd") == "quit":
            break
        channel.write(json.dumps(handle(request), ensure_ascii=False) + "\n")
        channel.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
