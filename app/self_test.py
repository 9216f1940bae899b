"""``onnx-export-studio --self-test``: prove that an installed copy can export, with no network at all.

It does what the window does for an export, without a window: writes a job file (``ExportOptions.to_dict()``),
starts the export worker as a CHILD process with :func:`app.paths.worker_command` (in a frozen bundle that is the
app executable itself, dispatching ``-m exportcore.worker``), reads its JSON-line events and checks the outcome:

- the worker exits 0 and its ``result`` event says ``validation == "passed"`` (validation rows arrived, all passed);
- every file the result lists exists at the destination, and an ``.onnx`` file is among them;
- this process never imported torch or transformers (the app's promise, docs/architecture.md "The app").

The demo model (``demo:tiny-bert`` by default) is built from the shipped config with seeded random weights in the
demo cache (``$EXPORTSTUDIO_CACHE`` or ``~/.cache/onnx-export-studio``), so nothing is downloaded:
``HF_HUB_OFFLINE=1`` is set for the child to make sure of it. Prints a short summary and returns 0, or prints what
went wrong and returns 1. Light module: no Qt, no torch.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from exportcore.sizes import format_size

from . import __version__
from .paths import child_environment, is_frozen, worker_command

DEFAULT_MODEL = "demo:tiny-bert"
DEFAULT_TIMEOUT = 600.0
HEAVY_MODULES = ("torch", "transformers")
MAX_ROWS_SHOWN = 6


class SelfTestFailure(Exception):
    pass


def _parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="onnx-export-studio --self-test",
                                     description="Export a built-in demo model through the worker process, offline.")
    parser.add_argument("--self-test", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--model", default=DEFAULT_MODEL, help=f"demo model to export (default {DEFAULT_MODEL})")
    parser.add_argument("--dynamo", action="store_true", help="use the torch.onnx dynamo exporter")
    parser.add_argument("--keep", action="store_true", help="keep the exported files (their folder is printed)")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds before giving up")
    parser.add_argument("--verbose", action="store_true", help="echo the worker's stderr")
    return parser.parse_args(argv)


def run_self_test(model: str = DEFAULT_MODEL, *, dynamo: bool = False, keep: bool = False,
                  timeout: float = DEFAULT_TIMEOUT, verbose: bool = False, out=None) -> int:
    out = out or sys.stdout
    from exportcore.options import ExportOptions  # light (no torch)

    def say(text: str = "") -> None:
        print(text, file=out, flush=True)

    start = time.perf_counter()
    work = Path(tempfile.mkdtemp(prefix="oes-self-test-"))
    destination = work / "export"
    job_file = work / "job.json"
    options = ExportOptions(model=model, output_dir=str(destination), dynamo=dynamo)
    job_file.write_text(json.dumps(options.to_dict(), indent=1), encoding="utf-8")

    env = child_environment()
    env["HF_HUB_OFFLINE"] = "1"  # never the network, even if one is there
    env.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    command = [*worker_command(), str(job_file)]
    stderr_file = work / "worker-stderr.log"
    say(f"ONNX Export Studio {__version__} self-test ({'frozen bundle' if is_frozen() else 'source'}, "
        f"Python {platform.python_version()}, {platform.system()} {platform.machine()})")
    say(f"  exporting {model} offline{' (dynamo)' if dynamo else ''} through the worker process…")

    events: list[dict] = []
    code: int | None = None
    try:
        with open(stderr_file, "wb") as err:
            proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err, env=env)
            expired = threading.Event()

            def give_up() -> None:
                expired.set()
                proc.kill()

            timer = threading.Timer(timeout, give_up)
            timer.start()
            try:
                assert proc.stdout is not None
                for raw in proc.stdout:
                    line = raw.decode("utf-8", "replace").strip()
                    if not line.startswith("{"):
                        continue
                    try:
                        events.append(json.loads(line))
                    except json.JSONDecodeError:
                        continue
                code = proc.wait()
            finally:
                timer.cancel()
        _check(code, events, destination, expired.is_set(), timeout)
    except (SelfTestFailure, OSError) as exc:
        say(f"SELF-TEST FAILED: {exc}")
        say(f"  worker command: {' '.join(command)} (exit status {code})")
        tail = _tail(stderr_file)
        if tail:
            say("  last lines of the worker's stderr:")
            for line in tail:
                say(f"    {line}")
        if keep:
            say(f"  kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
        return 1

    result = next(e for e in reversed(events) if e.get("event") == "result")
    rows = [e for e in events if e.get("event") == "validation_row"]
    say("  files:")
    for f in result.get("files", []):
        say(f"    {f['name']:<32} {format_size(int(f.get('bytes', 0))):>10}")
    diffs = [r["max_abs_diff"] for r in rows if r.get("max_abs_diff") is not None]
    say(f"  validation: {result['validation']} — {sum(bool(r.get('passed')) for r in rows)}/{len(rows)} rows passed"
        + (f", worst max abs diff {max(diffs):.2e}" if diffs else ""))
    for r in rows[:MAX_ROWS_SHOWN]:
        diff = "—" if r.get("max_abs_diff") is None else f"{r['max_abs_diff']:.2e}"
        say(f"    {r.get('submodel', '')} [{r.get('shape_set', '')}] {r.get('output', '')}: "
            f"{'ok' if r.get('passed') else 'FAIL'} ({diff} ≤ {r.get('atol')})")
    if len(rows) > MAX_ROWS_SHOWN:
        say(f"    … {len(rows) - MAX_ROWS_SHOWN} more rows, all passed")
    say("  app process imported torch/transformers: no")
    if verbose:
        for line in _tail(stderr_file, 200):
            say(f"  [worker] {line}")
    if keep:
        say(f"  kept: {destination}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    say(f"SELF-TEST PASSED in {time.perf_counter() - start:.1f} s (export {float(result.get('seconds', 0)):.1f} s)")
    return 0


def _check(code: int | None, events: list[dict], destination: Path, timed_out: bool, timeout: float) -> None:
    if timed_out:
        raise SelfTestFailure(f"the worker did not finish within {timeout:.0f} s")
    errors = [e for e in events if e.get("event") == "error"]
    if errors:
        e = errors[-1]
        raise SelfTestFailure(f"{e.get('code')}: {e.get('message')}"
                              + (f"\n  {e['details'].strip()}" if e.get("details") else ""))
    if code != 0:
        raise SelfTestFailure(f"the worker exited with status {code} and sent {len(events)} events")
    results = [e for e in events if e.get("event") == "result"]
    if not results:
        raise SelfTestFailure("the worker sent no result event")
    result = results[-1]
    if result.get("validation") != "passed":
        raise SelfTestFailure(f"validation is {result.get('validation')!r}, not 'passed'")
    rows = [e for e in events if e.get("event") == "validation_row"]
    if not rows or not all(r.get("passed") for r in rows):
        raise SelfTestFailure(f"{len(rows)} validation rows, {sum(not r.get('passed') for r in rows)} failed")
    folder = Path(result.get("output_dir") or destination)
    files = result.get("files") or []
    missing = [f["name"] for f in files if not (folder / f["name"]).is_file()]
    if missing:
        raise SelfTestFailure(f"files missing at {folder}: {', '.join(missing)}")
    if not any(f["name"].endswith(".onnx") and (folder / f["name"]).stat().st_size > 0 for f in files):
        raise SelfTestFailure(f"no ONNX file at {folder}")
    heavy = [m for m in HEAVY_MODULES if m in sys.modules]
    if heavy:
        raise SelfTestFailure(f"the app process imported {', '.join(heavy)} (it must leave that to the worker)")


def _tail(path: Path, n: int = 25) -> list[str]:
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    return [line for line in lines if line.strip()][-n:]


def main(argv: list[str] | None = None) -> int:
    args = _parse_args(list(sys.argv[1:] if argv is None else argv))
    return run_self_test(args.model, dynamo=args.dynamo, keep=args.keep, timeout=args.timeout, verbose=args.verbose)


if __name__ == "__main__":
    sys.exit(main())
