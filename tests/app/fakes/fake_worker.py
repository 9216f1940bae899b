"""A fake ``python -m exportcore.worker JOB.json``: same events, files and exit codes, scriptable failures.

    fake_worker.py [--rows N] [--sleep S] [--crash-at STAGE] [--exit-at STAGE:CODE] [--error-at STAGE:CODE]
                   [--fail-validation] [--ignore-term] [--hang-at STAGE] [--download BYTES]
                   [--fail-variant NAME] JOB.json

``--fail-validation`` keeps the run beside the destination as ``<dest>.failed-<time>`` (as exportcore.run does) and
names it in the error's params ``kept``; ``--download BYTES`` reports a download of that size during resolve with
the byte fields of ``progress`` events. The job's ``variants`` are written beside ``model.onnx`` (under ``onnx/`` in
the transformers.js layout) and judged with one ``variant_result`` event each; ``--fail-variant NAME`` puts that
variant's top-1 agreement below its budget, and the run is kept aside as the core does (``validation_failed`` with
the failed ``variants`` in its params).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from plans import FakeError, make_plan  # noqa: E402

STAGES = ("resolve", "plan", "load", "export", "post-process", "validate", "publish")
SUFFIXES = {"fp16": "_fp16", "q8": "_quantized", "int8": "_int8", "uint8": "_uint8", "q4": "_q4", "q4f16": "_q4f16"}
SIZES = {"fp16": 0.5, "q8": 0.27, "int8": 0.27, "uint8": 0.27, "q4": 0.5, "q4f16": 0.3}


def emit(kind: str, **fields) -> None:
    print(json.dumps({"event": kind, "time": time.time(), **fields}), flush=True)


def apply_layout(folder: str, job: dict) -> None:
    if job.get("layout") == "transformers.js":
        os.makedirs(os.path.join(folder, "onnx"))
        for n in os.listdir(folder):
            if n.endswith(".onnx"):
                os.replace(os.path.join(folder, n), os.path.join(folder, "onnx", n))


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("job")
    p.add_argument("--rows", type=int, default=6)
    p.add_argument("--sleep", type=float, default=0.0)
    p.add_argument("--crash-at", default="")
    p.add_argument("--exit-at", default="")
    p.add_argument("--error-at", default="")
    p.add_argument("--fail-validation", action="store_true")
    p.add_argument("--ignore-term", action="store_true")
    p.add_argument("--hang-at", default="")
    p.add_argument("--download", type=int, default=0)
    p.add_argument("--max-diff", type=float, default=0.5)
    p.add_argument("--fail-variant", default="")
    a = p.parse_args()
    with open(a.job, encoding="utf-8") as fh:
        job = json.load(fh)
    out = job["output_dir"]
    tmp = out.rstrip("/\\") + ".partial-fake"

    def on_term(signum, frame):
        shutil.rmtree(tmp, ignore_errors=True)
        emit("error", code="cancelled", message="The export was cancelled.",
             next_step="Nothing was written to the destination; start it again when ready.", params={}, details="")
        sys.exit(130)

    signal.signal(signal.SIGTERM, signal.SIG_IGN if a.ignore_term else on_term)
    print("fake worker: some noise on stderr", file=sys.stderr, flush=True)
    started = time.time()
    for i, stage in enumerate(STAGES):
        emit("stage_started", stage=stage, detail="")
        emit("progress", fraction=i / len(STAGES), stage=stage, message=f"{stage}…")
        t0 = time.time()
        if a.crash_at == stage:
            os.kill(os.getpid(), signal.SIGSEGV)
        if a.exit_at.startswith(stage + ":"):
            os._exit(int(a.exit_at.split(":")[1]))
        if stage == "resolve" and a.download:
            steps = 5
            emit("progress", fraction=0.0, stage=stage, message="downloading model.safetensors", bytes_done=0,
                 bytes_total=a.download, bytes_per_second=None)
            for k in range(1, steps + 1):
                time.sleep(a.sleep)
                emit("progress", fraction=0.1 * k / steps, stage=stage, message="downloading model.safetensors",
                     bytes_done=a.download * k // steps, bytes_total=a.download, bytes_per_second=a.download / 50)
        if a.hang_at == stage:
            while True:
                time.sleep(0.05)
        if a.error_at.startswith(stage + ":"):
            code = a.error_at.split(":", 1)[1]
            emit("error", code=code, message=f"fake {code}", next_step="fake next step",
                 params={"reason": "fake reason", "submodel": "model"},
                 details="Traceback (most recent call last):\n  File \"x.py\", line 1\nRuntimeError: fake")
            return 3
        if stage == "plan":
            try:
                emit("plan", plan=make_plan(job["model"], job))
            except FakeError as exc:
                d = exc.to_dict()
                emit("error", **d, details="")
                return 2
        if stage == "export":
            os.makedirs(tmp, exist_ok=True)
            with open(os.path.join(tmp, "model.onnx"), "wb") as fh:
                fh.write(b"\0" * 4096)
            for variant in job.get("variants") or ():
                with open(os.path.join(tmp, f"model{SUFFIXES[variant]}.onnx"), "wb") as fh:
                    fh.write(b"\0" * int(4096 * SIZES[variant]))
            with open(os.path.join(tmp, "export_options.json"), "w", encoding="utf-8") as fh:
                json.dump(job, fh)
            emit("log", level="info", message="exported model.onnx")
        failed = 0
        if stage == "validate":
            for r in range(a.rows):
                bad = a.fail_validation and r == a.rows - 1
                failed += bad
                emit("validation_row", submodel="model", shape_set=f"set{r // 2}", output=("last_hidden_state", "pooler")[r % 2],
                     expected_shape=[1, 7, 32], actual_shape=[1, 7, 32], shape_ok=True,
                     max_abs_diff=(a.max_diff if bad else 1.5e-7 * (r + 1)), atol=job.get("atol") or 1e-4,
                     passed=not bad, note="")
                time.sleep(a.sleep)
            variants_failed = []
            for variant in job.get("variants") or ():
                bad = variant == a.fail_variant
                top1 = 0.82 if bad else 0.97
                budget = {"fp16": 1.0, "q4": 0.85, "q4f16": 0.85}.get(variant, 0.99)
                top1 = max(top1, budget) if not bad else top1
                figures = [{"figure": "token_cosine", "value": 0.9991, "budget": 0.95, "passed": True},
                           {"figure": "top1", "value": top1, "budget": budget, "passed": not bad},
                           {"figure": "max_abs_diff", "value": 0.0123, "budget": None, "passed": None}]
                why = f"top-1 agreement where PyTorch's choice is clear {top1:.4f} < {budget:g}" if bad else ""
                name = f"model{SUFFIXES[variant]}.onnx"
                emit("variant_result", variant=variant, files={"model.onnx": name},
                     bytes=int(4096 * SIZES[variant]), fp32_bytes=4096, figures=figures, passed=not bad, why=why,
                     latency_ratio=0.5 + SIZES[variant], note="")
                if bad:
                    variants_failed.append((variant, why))
            if variants_failed and not failed:
                emit("stage_finished", stage=stage, seconds=round(time.time() - t0, 4), detail="")
                emit("stage_started", stage="publish", detail="")
                apply_layout(tmp, job)  # as the core: the layout is applied before a failed run is kept aside
                kept = out.rstrip("/\\") + ".failed-" + time.strftime("%Y%m%d-%H%M%S")
                os.replace(tmp, kept)
                names = [v for v, _ in variants_failed]
                emit("error", code="validation_failed",
                     message=f"Validation failed: 1 of {2 * len(job['variants'])} checks differ from PyTorch beyond "
                             "tolerance.",
                     next_step=f"The {', '.join(names)} variant is outside the accuracy budget",
                     params={"failed": 1, "total": 2 * len(job["variants"]), "kept": kept, "variants": names,
                             "advice": "fake advice"},
                     details="")
                return 1
            if failed:
                emit("stage_finished", stage=stage, seconds=round(time.time() - t0, 4), detail="")
                emit("stage_started", stage="publish", detail="")
                with open(os.path.join(tmp, "validation_report.json"), "w", encoding="utf-8") as fh:
                    json.dump({"validation": "failed"}, fh)
                kept = out.rstrip("/\\") + ".failed-" + time.strftime("%Y%m%d-%H%M%S")
                os.replace(tmp, kept)
                emit("error", code="validation_failed",
                     message=f"Validation failed: {failed} of {a.rows} checks differ from PyTorch beyond tolerance.",
                     next_step="See validation_report.json",
                     params={"failed": failed, "total": a.rows, "kept": kept,
                             **({"atol": job["atol"]} if job.get("atol") else {})},  # as the core: only when given
                     details="")
                return 1
        elif a.sleep:
            time.sleep(a.sleep)
        if stage == "publish":
            apply_layout(tmp, job)
            if os.path.exists(out):
                shutil.rmtree(out)
            os.replace(tmp, out)
        emit("stage_finished", stage=stage, seconds=round(time.time() - t0, 4), detail="")
    files = [{"name": os.path.relpath(os.path.join(d, n), out).replace(os.sep, "/"),
              "bytes": os.path.getsize(os.path.join(d, n))} for d, _, names in os.walk(out) for n in sorted(names)]
    emit("progress", fraction=1.0, stage="publish", message="done")
    emit("result", output_dir=out, files=files, validation="passed", seconds=round(time.time() - started, 3))
    return 0


if __name__ == "__main__":
    sys.exit(main())
