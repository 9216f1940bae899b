"""A fake ``python -m exportcore.inspect_server``: same JSON-lines protocol, canned plans, tunable timing.

    fake_inspect_server.py [--warmup S] [--delay S] [--crash-after N] [--never-ready]

Also answers ``{"cmd": "preflight"}`` requests (plans.make_preflight).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from plans import FakeError, make_plan, make_preflight  # noqa: E402


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--warmup", type=float, default=0.0)
    p.add_argument("--delay", type=float, default=0.0)
    p.add_argument("--crash-after", type=int, default=0)
    p.add_argument("--never-ready", action="store_true")
    a = p.parse_args()
    print("fake inspect server: warming up", file=sys.stderr, flush=True)
    time.sleep(a.warmup)
    if a.never_ready:
        time.sleep(3600)
    print(json.dumps({"ready": True, "seconds": a.warmup}), flush=True)
    served = 0
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        req = json.loads(line)
        if req.get("cmd") == "quit":
            return 0
        if a.crash_after and served >= a.crash_after:
            os._exit(139)
        time.sleep(a.delay)
        try:
            if req.get("cmd") == "preflight":
                reply = {"id": req["id"], "preflight": make_preflight(req["model"], req.get("options") or {},
                                                                      req.get("pipeline_tag"))}
            else:
                options = req.get("options") or {}
                tag = req.get("pipeline_tag")
                if tag and options.get("task", "auto") == "auto":  # as exportcore does without architectures
                    plan = make_plan(req["model"], {**options, "task": tag})
                    plan["task_source"] = "pipeline_tag"
                else:
                    plan = make_plan(req["model"], options)
                    plan.setdefault("task_source", "option" if options.get("task", "auto") != "auto" else "architectures")
                reply = {"id": req["id"], "plan": plan}
        except FakeError as exc:
            reply = {"id": req["id"], "error": exc.to_dict()}
        served += 1
        print(json.dumps(reply), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
