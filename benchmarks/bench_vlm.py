"""Vision-language export benchmark (issue 14 item 6): whole-process wall time and peak RSS of a cold
``exportcore export`` of an Idefics3 / SmolVLM model into its three parts (``vision_encoder.onnx``,
``embed_tokens.onnx``, ``decoder_model_merged.onnx``), validation on (every part at the default shape sets and the
end-to-end greedy check against PyTorch ``generate``), with the run's stage times and the files' sizes.

    python benchmarks/bench_vlm.py [--runs N] [--only tiny,smolvlm-256m] [--runs-large N] [--write] [--json out.json]

Models, built once into benchmarks/out/models (seeded random weights, no Hub access):

- ``tiny``: the tiny Idefics3 of tests/e2e/test_multimodal.py (tests/architectures.py's ``IMAGE_TEXT_CONFIGS``,
  weights spread to std 0.2 like the test does, so greedy decoding has clear choices).
- ``smolvlm-256m``: the sizes of HuggingFaceTB/SmolVLM-256M-Instruct (an ``idefics3`` model): a SigLIP-base vision
  tower (768 hidden, 12 layers, 12 heads, 512-pixel crops of 16-pixel patches), pixel shuffle by 4 (64 image
  tokens per crop), a SmolLM2-135M-sized Llama (576 hidden, 30 layers, 9 heads, 3 KV heads, vocabulary 49280),
  written down below from its published config.json. transformers' ``SmolVLMConfig`` / ``Idefics3Config``
  defaults are much larger (a Llama-7B text model), so they are not used. Weights keep transformers' init.

``--write`` replaces the text between the ``bench_vlm`` markers in docs/benchmarks.md. A failed export is reported
there with its error (a finding), not hidden.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
from common import ensure_dir, load_average, machine, measure, median_of, python, write_doc_section  # noqa: E402

OUT = HERE / "out"
DOC = REPO / "docs" / "benchmarks.md"
WIDTH = 118
START, END = "<!-- bench_vlm:start -->", "<!-- bench_vlm:end -->"
NOTES = "<!-- bench_vlm:notes -->"

#: HuggingFaceTB/SmolVLM-256M-Instruct's config.json (the values that set the sizes).
SMOLVLM_256M = dict(
    architectures=["Idefics3ForConditionalGeneration"],
    image_token_id=49190, scale_factor=4, tie_word_embeddings=False,
    vision_config=dict(hidden_size=768, intermediate_size=3072, num_hidden_layers=12, num_attention_heads=12,
                       image_size=512, patch_size=16, num_channels=3, layer_norm_eps=1e-6),
    text_config=dict(model_type="llama", vocab_size=49280, hidden_size=576, intermediate_size=1536,
                     num_hidden_layers=30, num_attention_heads=9, num_key_value_heads=3, head_dim=64,
                     max_position_embeddings=8192, rms_norm_eps=1e-5, initializer_range=0.041666666666666664,
                     rope_parameters={"rope_type": "default", "rope_theta": 100000.0},
                     pad_token_id=2, bos_token_id=1, eos_token_id=2, tie_word_embeddings=False),
)

BUILD = """
import json, sys, torch, transformers as T
name, target, repo = sys.argv[1], sys.argv[2], sys.argv[3]
torch.manual_seed(0)
if name == "tiny":
    sys.path.insert(0, repo)
    from tests.architectures import IMAGE_TEXT_CONFIGS, ISSUE_14_ARCHITECTURES
    class_name, kwargs = IMAGE_TEXT_CONFIGS["idefics3"]
    config = getattr(T, class_name)(**kwargs, architectures=[ISSUE_14_ARCHITECTURES["idefics3"]])
else:
    config = T.Idefics3Config(**json.loads(sys.argv[4]))
model = T.AutoModelForImageTextToText.from_config(config).eval()
if name == "tiny":
    g = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for p in model.parameters():
            if p.dim() >= 2:
                p.copy_(torch.randn(p.shape, generator=g) * 0.2)
model.save_pretrained(target)
print(sum(p.numel() for p in model.parameters()))
"""

LABELS = {"tiny": "tiny Idefics3 (tests' model)", "smolvlm-256m": "SmolVLM-256M-sized, random weights"}


def model_folder(name: str) -> tuple[Path, int]:
    """The model's folder (built on first use) and its parameter count."""
    folder = OUT / "models" / f"vlm-{name}"
    count_file = folder / "parameters.txt"
    if not count_file.exists():
        shutil.rmtree(folder, ignore_errors=True)
        ensure_dir(folder.parent)
        start = time.perf_counter()
        done = subprocess.run([python(), "-c", BUILD, name, str(folder), str(REPO), json.dumps(SMOLVLM_256M)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"building {name} failed\n{done.stderr[-3000:]}")
        count_file.write_text(done.stdout.strip().splitlines()[-1])
        print(f"built {name} in {time.perf_counter() - start:.0f} s")
    return folder, int(count_file.read_text())


def error_of(stderr: str) -> str:
    """The coded error line if there is one, else the last line of the traceback."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    coded = [line for line in lines if line.startswith("error [")]
    return (coded or lines or ["(no output)"])[-1][:600]


def validation_split(stdout: str) -> dict[str, float]:
    """Seconds of the validate stage per part and per end-to-end case, from the ``--json-events`` rows' times: a
    group lasts from the previous group's last row (or the stage's start) to its own last row."""
    events = [json.loads(line) for line in stdout.splitlines() if line.startswith("{")]
    start = next((e["time"] for e in events if e["event"] == "stage_started" and e["stage"] == "validate"), None)
    split: dict[str, float] = {}
    if start is None:
        return split
    last = start
    for event in events:
        if event["event"] == "stage_finished" and event["stage"] == "validate":
            split["rest"] = event["time"] - last
            break
        if event["event"] != "validation_row":
            continue
        row = event["row"] if "row" in event else event
        group = row["submodel"]
        if group.startswith("end-to-end"):
            group = f"end-to-end {row['shape_set']}"
        split[group] = split.get(group, 0.0) + event["time"] - last
        last = event["time"]
    return split


def run(name: str, runs: int) -> dict:
    folder, parameters = model_folder(name)
    dest = OUT / "exports" / f"vlm-{name}"
    results, report, loads = [], {}, []
    for _ in range(runs):
        shutil.rmtree(dest, ignore_errors=True)
        loads.append(os.getloadavg()[0])
        r = measure([python(), "-m", "exportcore", "export", str(folder), str(dest), "--json-events"],
                    env={"OES_NO_SERVER": "1"})
        loads.append(os.getloadavg()[0])
        print(f"  {name}: {r['seconds']:.1f} s, {r['peak_mb']:.0f} MiB, exit {r['returncode']}", flush=True)
        if r["returncode"] != 0:
            return {"name": name, "parameters": parameters, "failed": error_of(r["stderr"]), "seconds": r["seconds"],
                    "peak_mb": r["peak_mb"], "returncode": r["returncode"], "load": (min(loads), max(loads))}
        report = json.loads((dest / "validation_report.json").read_text(encoding="utf-8"))
        r["split"] = validation_split(r["stdout"])
        log = (dest / "export.log").read_text(encoding="utf-8")
        r["stage_peaks"] = {stage.split()[0]: int(peak) for stage, peak
                            in re.findall(r"DEBUG\s+(.+?): [\d.]+ s, peak memory (\d+) MB", log)}
        results.append(r)
    summary = median_of(results)
    rows = report.get("rows", [])
    e2e = [row for row in rows if row["submodel"].startswith("end-to-end")]
    summary.update(
        name=name, parameters=parameters, load=(min(loads), max(loads)),
        stages=report["stage_seconds"], split=results[-1]["split"], stage_peaks=results[-1]["stage_peaks"],
        last_seconds=results[-1]["seconds"],
        files={f["name"]: f["bytes"] for f in report.get("files", []) if f["name"].endswith((".onnx", ".onnx_data"))},
        checks=(sum(row["passed"] for row in rows), len(rows)),
        e2e=(sum(row["passed"] for row in e2e), len(e2e), sorted({row["shape_set"] for row in e2e})),
        status=report.get("status"),
        min_max=(min(x["seconds"] for x in results), max(x["seconds"] for x in results)),
    )
    return summary


def estimate_mib(parameters: int) -> float:
    """What the pre-flight expects this export to need (it refuses when less is free)."""
    sys.path.insert(0, str(REPO))
    from exportcore.plan import preflight

    return preflight.memory_estimate(parameters * 4, parameters, "F32", "fp32") / 2**20


def versions() -> str:
    code = ("import torch, transformers, onnx, onnxruntime as o;"
            "print(f'torch {torch.__version__}, transformers {transformers.__version__}, onnx {onnx.__version__}, "
            "onnxruntime {o.__version__}')")
    return subprocess.run([python(), "-c", code], capture_output=True, text=True).stdout.strip()


def mb(n: float) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.0f} kB"


def count(n: int) -> str:
    return f"{n / 1e6:.1f} M" if n >= 1e6 else f"{n / 1e3:.1f} k"


def section(table: list[dict], runs: dict[str, int], load_before: str, load_after: str, started: str,
            ended: str) -> str:
    lines = [
        START,
        "## `exportcore export` of a vision-language model (benchmarks/bench_vlm.py)",
        "",
        f"Measured {started}–{ended} UTC on the shared machine ({machine()}, Linux {platform.release()}, Python "
        f"{platform.python_version()}, {versions()}). 1-minute load average {load_before.split()[0]} before, "
        f"{load_after.split()[0]} after. Whole cold processes (`OES_NO_SERVER=1`: each export imports torch, "
        "transformers and onnxruntime itself), wall time and peak RSS from `/usr/bin/time`, validation on: each part "
        "at the default shape sets plus the end-to-end check (image(s) + prompt → greedy tokens through the three "
        "parts in onnxruntime, with the cache, against PyTorch `generate`). Stage times are from the last run's "
        "`validation_report.json`; the validate stage's split is when each part's (and each end-to-end case's) rows "
        "arrived (`--json-events`), so a part's share includes the PyTorch references taken before it. "
        "Idefics3 models (SmolVLM-256M's family) with seeded random weights: the tests' tiny one, and one with "
        "SmolVLM-256M-Instruct's sizes (vision 768 hidden × 12 layers, 512-pixel crops of 16-pixel patches, "
        "64 image tokens per crop; text 576 hidden × 30 layers, 9 heads / 3 KV heads, vocabulary 49280).",
        "",
        "| model | parameters | runs | wall (s) | peak RSS (MiB) | resolve | load | export | validate | other stages |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    notes = []
    for row in table:
        label = LABELS[row["name"]]
        params = count(row["parameters"])
        if "failed" in row:
            lines.append(f"| {label} | {params} | 1 | failed after {row['seconds']:.1f} | {row['peak_mb']:.0f} "
                         "| | | | | |")
            notes.append(f"**{label}: the export failed** (exit {row['returncode']}, load average "
                         f"{row['load'][0]:.1f}–{row['load'][1]:.1f}): `{row['failed']}`")
            continue
        stages = dict(row["stages"])
        main = [stages.pop(k, None) for k in ("resolve", "load", "export", "validate")]
        cells = " | ".join("" if v is None else f"{v:.2f}" for v in main)
        other = ", ".join(f"{k} {v:.2f}" for k, v in stages.items())
        spread = f" ({row['min_max'][0]:.1f}–{row['min_max'][1]:.1f})" if row["runs"] > 1 else ""
        lines.append(f"| {label} | {params} | {row['runs']} | **{row['seconds']:.1f}**{spread} | "
                     f"**{row['peak_mb']:.0f}** | {cells} | {other} |")
        files = ", ".join(f"`{name}` {mb(size)}" for name, size in row["files"].items())
        passed, total, cases = row["e2e"]
        weights = row["parameters"] * 4 / 2**20
        notes.append(f"{label}: validation {row['status']} ({row['checks'][0]} of {row['checks'][1]} rows, of which "
                     f"end-to-end {passed} of {total}: {'; '.join(cases)}). Files: {files} (total "
                     f"{mb(sum(row['files'].values()))}). "
                     + (f"Peak RSS is {row['peak_mb'] / weights:.1f}× the fp32 weights ({weights:.0f} MiB); the "
                        f"pre-flight's memory estimate is {estimate_mib(row['parameters']):.0f} MiB. "
                        if weights > 100 else "")
                     + "Validation is "
                     f"{100 * (row['stages'].get('validate', 0) / row['last_seconds']):.0f}% of the last run's "
                     "wall time"
                     + (" (" + ", ".join(f"{k} {v:.1f} s" for k, v in row["split"].items()) + ")"
                        if row.get("split") else "")
                     + ". Peak memory (MiB) at the end of each stage (the run log): "
                     + ", ".join(f"{k} {v}" for k, v in row.get("stage_peaks", {}).items())
                     + ". Load "
                     f"average {row['load'][0]:.1f}–{row['load'][1]:.1f} during its runs.")
    lines[3] = textwrap.fill(lines[3], WIDTH)
    lines += ["", *(textwrap.fill(f"- {note}", WIDTH, subsequent_indent="  ") for note in notes), ""]
    only = ",".join(row["name"] for row in table)
    lines += [f"Re-run: `python benchmarks/bench_vlm.py --only {only} --runs {runs['tiny']} "
              f"--runs-large {runs['smolvlm-256m']} --write` (the models are built once into benchmarks/out/models).",
              END]
    lines[-2] = textwrap.fill(lines[-2], WIDTH)
    return "\n".join(lines)


def write_section(text: str) -> None:
    write_doc_section(DOC, "bench_vlm", text)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3, help="runs of the tiny model (median reported)")
    parser.add_argument("--runs-large", type=int, default=1, help="runs of the SmolVLM-256M-sized model")
    parser.add_argument("--only", default="tiny,smolvlm-256m")
    parser.add_argument("--write", action="store_true", help="update our section of docs/benchmarks.md")
    parser.add_argument("--json", type=Path, help="also write the numbers here")
    args = parser.parse_args()
    runs = {"tiny": args.runs, "smolvlm-256m": args.runs_large}
    names = args.only.split(",")
    for name in names:  # build first: we measure exports, not model building
        model_folder(name)
    started = time.strftime("%Y-%m-%d %H:%M", time.gmtime())
    load_before = load_average()
    print(f"machine: {machine()}, load average before: {load_before}")
    table = [run(name, runs[name]) for name in names]
    load_after = load_average()
    ended = time.strftime("%H:%M", time.gmtime())
    print(f"load average after: {load_after}")
    for row in table:
        print(json.dumps(row, default=str))
    text = section(table, runs, load_before, load_after, started, ended)
    print(text)
    if args.json:
        args.json.write_text(json.dumps(table, indent=2, default=str))
    if args.write:
        write_section(text)
        print(f"\nwrote {DOC.relative_to(REPO)}")


if __name__ == "__main__":
    main()
