"""Export + validation benchmark: whole-process wall time and peak RSS of ``exportcore export``, per stage too.

    python benchmarks/bench_export.py [--runs N] [--only floor,tiny,bert-base,gpt2-small] [--mode cold|warm|both]

Models (random weights, seeded, built once into benchmarks/out/models): a tiny BERT (the demo model),
a BERT-base-sized encoder (hidden 768, 12 layers) and a GPT-2-small-sized decoder exported with its cache.
The ``floor`` row (cold only) is a process that only imports what every export must import (torch, transformers
with a model class, onnxruntime) and exports nothing: no cold export can be faster than that.
Targets (issue 3): tiny ≤ 2.5 s; BERT-base ≤ 6 s and ≤ 1.1 GB; GPT-2-small with past ≤ 12 s and ≤ 1.4 GB.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ensure_dir, load_average, machine, measure, median_of, python  # noqa: E402

OUT = Path(__file__).resolve().parent / "out"

BUILD = """
import sys, torch, transformers as T
torch.manual_seed(0)
name, target = sys.argv[1], sys.argv[2]
if name == "bert-base":
    T.BertModel(T.BertConfig(architectures=["BertModel"])).save_pretrained(target)
elif name == "gpt2-small":
    T.GPT2LMHeadModel(T.GPT2Config(architectures=["GPT2LMHeadModel"])).save_pretrained(target)
"""

#: What any cold export has to import before it can do anything, and nothing else.
FLOOR = "import torch, transformers, onnxruntime; transformers.BertModel"

CASES = {
    "tiny": ("demo:tiny-bert", []),
    "bert-base": ("bert-base", ["--task", "feature-extraction"]),
    "gpt2-small": ("gpt2-small", ["--task", "text-generation-with-past"]),
}


def model_path(name: str) -> str:
    if name.startswith("demo:"):
        return name
    folder = OUT / "models" / name
    if not (folder / "config.json").exists():
        ensure_dir(folder.parent)
        subprocess.run([python(), "-c", BUILD, name, str(folder)], check=True, capture_output=True)
    return str(folder)


def run_floor(runs: int) -> dict:
    summary = median_of([measure([python(), "-c", FLOOR]) for _ in range(runs)])
    summary["stages"] = {}
    return summary


def run_case(label: str, runs: int, env: dict[str, str]) -> dict:
    """Median over ``runs`` whole `exportcore export` processes. Warm (a server running), the export itself runs
    in a process forked from the server: its peak RSS is the one its run log reports, not the client's."""
    model, extra = CASES[label]
    model = model_path(model)
    results, stages = [], {}
    for i in range(runs):
        dest = OUT / "exports" / label
        shutil.rmtree(dest, ignore_errors=True)
        r = measure([python(), "-m", "exportcore", "export", model, str(dest), *extra], env=env)
        if r["returncode"] != 0:
            raise SystemExit(f"{label}: export failed\n{r['stderr'][-2000:]}")
        report = json.loads((dest / "validation_report.json").read_text())
        stages = report["stage_seconds"]
        log = (dest / "export.log").read_text(encoding="utf-8")
        if "forked from exportcore serve" in log:
            r["client_peak_mb"] = r["peak_mb"]
            r["peak_mb"] = max(float(m) for m in re.findall(r"peak memory (\d+) MB", log))
        elif "OES_SERVER_SOCKET" in env:
            raise SystemExit(f"{label}: the export did not run in the server")
        results.append(r)
    summary = median_of(results)
    summary["stages"] = stages
    return summary


@contextlib.contextmanager
def warm_server():
    """A running `exportcore serve` (own socket); yields (client environment, server RSS in MB once ready)."""
    with tempfile.TemporaryDirectory(prefix="oes-bench-") as folder:
        os.chmod(folder, 0o700)
        env = {"OES_SERVER_SOCKET": str(Path(folder) / "exportcore.sock")}
        proc = subprocess.Popen([python(), "-m", "exportcore", "serve", "--idle-timeout", "600"], stdout=subprocess.PIPE,
                                text=True, env={**os.environ, **env})
        ready = json.loads(proc.stdout.readline())
        rss = next(int(line.split()[1]) for line in Path(f"/proc/{proc.pid}/status").read_text().splitlines()
                   if line.startswith("VmRSS")) / 1024
        print(f"server ready in {ready['seconds']:.1f} s, {rss:.0f} MB resident")
        try:
            yield env, rss
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", default=",".join(["floor", *CASES]))
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    parser.add_argument("--mode", choices=["cold", "warm", "both"], default="both",
                        help="cold: each export imports everything; warm: with `exportcore serve` running")
    args = parser.parse_args()
    ensure_dir(OUT)
    # Warm the demo weights and the OS file cache first: we measure exports, not first-use model building.
    subprocess.run([python(), "-c", "from exportcore.demo import materialize; materialize('demo:tiny-bert')"], check=True, capture_output=True)
    table = {}
    print(f"machine: {machine()}, load average before: {load_average()}")
    modes = ["cold", "warm"] if args.mode == "both" else [args.mode]
    for mode in modes:
        with (warm_server() if mode == "warm" else contextlib.nullcontext(({"OES_NO_SERVER": "1"}, None))) as (env, _):
            print(f"{mode}:\n{'case':<12} {'wall s':>8} {'peak MB':>8}  stages (s)")
            for label in args.only.split(","):
                if label == "floor" and mode == "warm":
                    continue
                row = run_floor(args.runs) if label == "floor" else run_case(label, args.runs, env)
                table[f"{mode}:{label}"] = row
                stages = " ".join(f"{k}={v:.2f}" for k, v in row["stages"].items())
                print(f"{label:<12} {row['seconds']:>8.2f} {row['peak_mb']:>8.0f}  {stages}", flush=True)
    print(f"load average after: {load_average()}")
    if args.json:
        args.json.write_text(json.dumps(table, indent=2))


if __name__ == "__main__":
    main()
