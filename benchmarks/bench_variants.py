"""Variants benchmark: whole-process wall time and peak RSS of ``exportcore export`` with ``--variants fp16,q8,q4``
next to the fp32 export alone, and what each stage and each variant cost.

    python benchmarks/bench_variants.py [--runs N] [--only bert-base,gpt2-small] [--json out.json]

Models: the random-weight BERT-base-sized encoder and GPT-2-small-sized decoder (with its cache) of
bench_export.py, built once into benchmarks/out/models. Cold processes (``OES_NO_SERVER=1``), validation on
(the variants are validated against PyTorch with their budgets, docs/budgets.md).
Aim (issue 12): the three variants add ≤ 1× the fp32 export's wall time; peak memory stays under the fp32
export's peak plus one copy of the largest file.
Optimum's `optimum-cli onnxruntime quantize` is not compared: optimum-onnx does not install beside transformers 5
(docs/benchmarks.md says so with the numbers).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_export import CASES, OUT, model_path  # noqa: E402
from common import ensure_dir, load_average, machine, measure, median_of, python  # noqa: E402

VARIANTS = "fp16,q8,q4"


def export(label: str, variants: str | None, runs: int) -> dict:
    model, extra = CASES[label]
    model = model_path(model)
    results, report = [], {}
    for _ in range(runs):
        dest = OUT / "exports" / f"{label}-variants" if variants else OUT / "exports" / f"{label}-fp32"
        shutil.rmtree(dest, ignore_errors=True)
        cmd = [python(), "-m", "exportcore", "export", model, str(dest), *extra]
        if variants:
            cmd += ["--variants", variants]
        r = measure(cmd, env={"OES_NO_SERVER": "1"})
        if r["returncode"] != 0:
            raise SystemExit(f"{label}: export failed\n{r['stderr'][-3000:]}")
        report = json.loads((dest / "validation_report.json").read_text())
        results.append(r)
    summary = median_of(results)
    summary["stages"] = report["stage_seconds"]
    # In the fp32 run: the largest fp32 file (the memory aim allows one more copy of it).
    summary["largest_onnx_mb"] = max((f["bytes"] for f in report.get("files", []) if f["name"].endswith(".onnx")),
                                     default=0) / 1e6
    summary["variants"] = {name: {"mb": v["bytes"] / 1e6, "fp32_mb": v["fp32_bytes"] / 1e6,
                                  "latency_ratio": v["latency_ratio"], "passed": v["passed"],
                                  "figures": {f["figure"]: round(f["value"], 4) for f in v["figures"] if f["budget"] is not None}}
                           for name, v in report.get("variants", {}).items()}
    return summary


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--only", default="bert-base,gpt2-small")
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    args = parser.parse_args()
    ensure_dir(OUT)
    print(f"machine: {machine()}, load average before: {load_average()}")
    table = {}
    for label in args.only.split(","):
        fp32 = export(label, None, args.runs)
        both = export(label, VARIANTS, args.runs)
        table[label] = {"fp32": fp32, "variants": both}
        added = both["seconds"] - fp32["seconds"]
        print(f"{label}: fp32 {fp32['seconds']:.1f} s {fp32['peak_mb']:.0f} MB · with {VARIANTS} {both['seconds']:.1f} s "
              f"{both['peak_mb']:.0f} MB (+{added:.1f} s = {added / fp32['seconds']:.2f}× fp32; peak limit "
              f"{fp32['peak_mb'] + fp32['largest_onnx_mb'] / 1.048576:.0f} MB)", flush=True)
        print(f"  stages fp32: {fp32['stages']}\n  stages variants: {both['stages']}")
        for name, v in both["variants"].items():
            print(f"  {name}: {v['mb']:.1f} MB of {v['fp32_mb']:.1f}, time {v['latency_ratio']}×, {v['figures']}")
    print(f"load average after: {load_average()}")
    if args.json:
        args.json.write_text(json.dumps(table, indent=2))


if __name__ == "__main__":
    main()
