"""Variants benchmark: whole-process wall time and peak memory of ``exportcore export`` with ``--variants fp16,q8,q4``
next to the fp32 export alone, and what each stage and each variant cost.

    python benchmarks/bench_variants.py [--runs N] [--only bert-base,gpt2-small] [--processes 1,2] [--json out.json]

Models: the random-weight BERT-base-sized encoder and GPT-2-small-sized decoder (with its cache) of
bench_export.py, built once into benchmarks/out/models. Cold processes (``OES_NO_SERVER=1``), validation on
(the variants are validated against PyTorch with their budgets, docs/budgets.md). The fp32-alone and
with-variants runs alternate, so that a busy spell of the shared machine weighs on both.
Memory: the export builds its variants in child processes (postprocess/variant_processes.py), so the peak RSS of
any one process (GNU time's %M) is not the whole story: the process tree is sampled every 50 ms and its peak is
reported twice, as the sum of RSS (pages shared between parent and forked child counted twice) and as the sum of
PSS (shared pages split between them: what the tree really occupies). CPU is user + sys of the whole tree.
``--wall`` runs each export once more without the sampler and reports that wall time too (the sampler's reads
of every process's memory take CPU from the export they measure, about 6 s of a GPT-2-small-sized run).
``--processes 1,2`` also runs the variants with that many builder processes at a time (``OES_VARIANT_PROCESSES``;
0 builds them in the export's own process, as before decision 134).
Aim (issue 12): the three variants add ≤ 1× the fp32 export's wall time; peak memory stays under the fp32
export's peak plus one copy of the largest file.
Optimum's `optimum-cli onnxruntime quantize` is not compared here: optimum-onnx does not install beside
transformers 5 (docs/benchmarks.md says so with the numbers).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_export import CASES, OUT, model_path  # noqa: E402
from common import ensure_dir, load_average, machine, python  # noqa: E402

VARIANTS = "fp16,q8,q4"
TIME = "/usr/bin/time"
PAGE = os.sysconf("SC_PAGE_SIZE")


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            tree.setdefault(ppid, []).append(int(entry))
    return tree


def _tree_memory(root: int) -> tuple[float, float]:
    """(sum of RSS, sum of PSS) in MiB of ``root`` and its descendants."""
    tree, todo, rss, pss = _children(), [root], 0, 0
    while todo:
        pid = todo.pop()
        todo += tree.get(pid, [])
        try:
            rss += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    pss += int(line.split()[1]) * 1024
                    break
        except (OSError, ValueError, IndexError):
            continue
    return rss / 2**20, pss / 2**20


def measure_tree(cmd: list[str], env: dict, sample: bool = True) -> dict:
    """Run ``cmd`` once: wall seconds, CPU seconds of the tree, peak RSS of its largest process (GNU time), and
    the sampled peaks of the tree's summed RSS and PSS (``sample``; else 0)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        load_before = os.getloadavg()[0]
        start = time.perf_counter()
        proc = subprocess.Popen([TIME, "-o", report.name, "-f", "%M %U %S", *cmd], env={**os.environ, **env},
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        peaks = [0.0, 0.0]
        done = threading.Event()

        def sampling() -> None:
            while sample and not done.is_set():
                rss, pss = _tree_memory(proc.pid)
                peaks[0], peaks[1] = max(peaks[0], rss), max(peaks[1], pss)
                done.wait(0.05)

        sampler = threading.Thread(target=sampling, daemon=True)
        sampler.start()
        stdout, stderr = proc.communicate()
        wall = time.perf_counter() - start
        done.set()
        sampler.join()
        peak_kb, user, system = report.read().strip().splitlines()[-1].split()
    # The sampled tree includes GNU time itself (about 2 MiB): left in, it is part of no export.
    return {"seconds": wall, "cpu": float(user) + float(system), "peak_mb": int(peak_kb) / 1024,
            "tree_rss_mb": peaks[0], "tree_pss_mb": peaks[1], "load": (load_before, os.getloadavg()[0]),
            "returncode": proc.returncode, "stdout": stdout, "stderr": stderr}


def export_once(label: str, variants: str | None, processes: str | None, sample: bool = True) -> dict:
    model, extra = CASES[label]
    model = model_path(model)
    dest = OUT / "exports" / (f"{label}-variants" if variants else f"{label}-fp32")
    shutil.rmtree(dest, ignore_errors=True)
    cmd = [python(), "-m", "exportcore", "export", model, str(dest), *extra]
    env = {"OES_NO_SERVER": "1"}
    if variants:
        cmd += ["--variants", variants]
    if processes is not None:
        env["OES_VARIANT_PROCESSES"] = processes
    r = measure_tree(cmd, env, sample)
    if r["returncode"] != 0:
        raise SystemExit(f"{label}: export failed\n{r['stderr'][-3000:]}")
    report = json.loads((dest / "validation_report.json").read_text())
    r["stages"] = report["stage_seconds"]
    r["largest_onnx_mb"] = max((f["bytes"] for f in report.get("files", []) if f["name"].endswith(".onnx")
                                and not any(f["name"].endswith(f"_{s}.onnx") for s in ("fp16", "quantized", "q4"))),
                               default=0) / 2**20
    r["variants"] = {name: {"mb": v["bytes"] / 1e6, "fp32_mb": v["fp32_bytes"] / 1e6,
                            "latency_ratio": v["latency_ratio"], "passed": v["passed"],
                            "figures": {f["figure"]: round(f["value"], 4) for f in v["figures"]
                                        if f["budget"] is not None}}
                     for name, v in report.get("variants", {}).items()}
    del r["stdout"], r["stderr"]
    return r


def summary(runs: list[dict]) -> dict:
    keys = ("seconds", "cpu", "peak_mb", "tree_rss_mb", "tree_pss_mb") + (("wall",) if "wall" in runs[0] else ())
    out = {k: statistics.median(r[k] for r in runs) for k in keys}
    out.update(runs=len(runs), seconds_range=(min(r["seconds"] for r in runs), max(r["seconds"] for r in runs)),
               load=(min(r["load"][0] for r in runs), max(max(r["load"]) for r in runs)),
               stages={s: round(statistics.median(r["stages"].get(s, 0) for r in runs), 2) for s in runs[-1]["stages"]},
               largest_onnx_mb=runs[-1]["largest_onnx_mb"], variants=runs[-1]["variants"])
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--only", default="bert-base,gpt2-small")
    parser.add_argument("--processes", default="", help="also run with these builder process counts, e.g. 1,0")
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    parser.add_argument("--wall", action="store_true",
                        help="also run each export once more without the memory sampler: its wall time (the sampler's "
                             "reads of every process's memory cost the export they measure CPU time)")
    args = parser.parse_args()
    ensure_dir(OUT)
    print(f"machine: {machine()}, load average before: {load_average()}", flush=True)
    modes = [None] + [p for p in args.processes.split(",") if p]
    labels = args.only.split(",")
    runs = {label: {"fp32": [], **{f"variants/{m or 'auto'}": [] for m in modes}} for label in labels}
    for i in range(args.runs):  # interleaved: fp32, variants, … of each model, then the next round
        for label in labels:
            for name, mode in [("fp32", None)] + [(f"variants/{m or 'auto'}", m) for m in modes]:
                r = export_once(label, None if name == "fp32" else VARIANTS, mode)
                if args.wall:
                    r["wall"] = export_once(label, None if name == "fp32" else VARIANTS, mode, sample=False)["seconds"]
                runs[label][name].append(r)
                print(f"  run {i + 1} {label} {name}: {r['seconds']:.1f} s, cpu {r['cpu']:.1f} s, largest process "
                      f"{r['peak_mb']:.0f} MiB, tree RSS {r['tree_rss_mb']:.0f}, tree PSS {r['tree_pss_mb']:.0f} "
                      f"MiB, load {r['load'][0]:.1f}-{r['load'][1]:.1f}, stages {r['stages']}"
                      + (f", unsampled {r['wall']:.1f} s" if args.wall else ""), flush=True)
    table = {}
    for label in labels:
        table[label] = {name: summary(r) for name, r in runs[label].items()}
        fp32 = table[label]["fp32"]
        limit = fp32["peak_mb"] + fp32["largest_onnx_mb"]
        print(f"{label}: fp32 alone {fp32['seconds']:.1f} s (cpu {fp32['cpu']:.1f} s), peak {fp32['peak_mb']:.0f} MiB "
              f"(tree PSS {fp32['tree_pss_mb']:.0f}); memory aim {limit:.0f} MiB; load {fp32['load']}", flush=True)
        print(f"  stages fp32: {fp32['stages']}")
        for name, both in table[label].items():
            if name == "fp32":
                continue
            added = both["seconds"] - fp32["seconds"]
            print(f"  {name}: {both['seconds']:.1f} s ({both['seconds_range'][0]:.1f}-{both['seconds_range'][1]:.1f}; "
                  f"+{added:.1f} s = {added / fp32['seconds']:.2f}× fp32), cpu {both['cpu']:.1f} s "
                  f"(+{both['cpu'] - fp32['cpu']:.1f}), largest process {both['peak_mb']:.0f} MiB, tree RSS "
                  f"{both['tree_rss_mb']:.0f}, tree PSS {both['tree_pss_mb']:.0f} MiB; load {both['load']}", flush=True)
            if "wall" in both:
                added = both["wall"] - fp32["wall"]
                print(f"    without the sampler: {both['wall']:.1f} s against fp32's {fp32['wall']:.1f} s: +{added:.1f} s = "
                      f"{added / fp32['wall']:.2f}× fp32", flush=True)
            print(f"    stages: {both['stages']}")
            for vname, v in both["variants"].items():
                print(f"    {vname}: {v['mb']:.1f} MB of {v['fp32_mb']:.1f}, time {v['latency_ratio']}×, "
                      f"passed {v['passed']}, {v['figures']}")
    print(f"load average after: {load_average()}")
    if args.json:
        args.json.write_text(json.dumps(table, indent=2))


if __name__ == "__main__":
    main()
