"""The variants' accuracy budgets (exportcore/validate/budgets.py, agreement.py): what each figure counts, how a
figure is judged, and how a failure is told (the event, the error, the CLI table). No model: arrays made here."""

from __future__ import annotations

import io

import numpy as np
import pytest

from exportcore.errors import ExportError, exit_code_for, variants_out_of_budget
from exportcore.events import VariantResult, event_from_json
from exportcore.validate import budgets
from exportcore.validate.agreement import ReferenceFacts, Tally

RNG = np.random.default_rng(0)


def _logits(rows: int, width: int = 50) -> np.ndarray:
    return RNG.normal(size=(1, rows, width)).astype(np.float32)


def _choices(clear: int, near_ties: int) -> np.ndarray:
    """Logit rows whose best class leads by 5 (clear) or by 0.001 (a near-tie), best class first."""
    rows = np.zeros((1, clear + near_ties, 4), np.float32)
    rows[0, :clear, 0] = 5.0
    rows[0, clear:, :2] = [1.0, 0.999]
    return rows


def test_identical_outputs_agree_fully():
    tally = Tally()
    hidden = RNG.normal(size=(2, 5, 8)).astype(np.float32)
    logits = _choices(30, 5)
    tally.add("m", "last_hidden_state", hidden, hidden.copy(), None)
    tally.add("m", "logits", logits, logits.copy(), None)
    figures = tally.figures()
    assert figures["token_cosine"] == pytest.approx(1.0) and figures["embedding_cosine"] == pytest.approx(1.0)
    assert figures["top1"] == 1.0 and figures["top1_all"] == 1.0 and figures["max_abs_diff"] == 0.0


def test_a_flipped_clear_choice_counts_and_a_flipped_near_tie_does_not():
    ref = _choices(30, 10)
    got = ref.copy()
    got[0, 30:, :2] = [0.999, 1.0]  # every near-tie flips
    tally = Tally()
    tally.add("m", "logits", ref, got, None)
    assert tally.figures()["top1"] == 1.0 and tally.figures()["top1_all"] == 0.75
    got[0, :3, :2] = [0.0, 5.0]  # three clear choices flip too
    tally = Tally()
    tally.add("m", "logits", ref, got, None)
    assert tally.figures()["top1"] == pytest.approx(27 / 30)


def test_variants_sharing_the_reference_facts_get_the_figures_each_would_get_alone():
    """PyTorch's side of top-1 is computed once for every variant (``ReferenceFacts``), over a vocabulary wide enough
    to be sliced; each variant's figures are still its own, padded positions left out."""
    ref = _logits(40, width=60_000)  # 17 rows a slice
    ref[0, :20, 7] += 40.0  # clear choices at half the positions
    mask = np.ones((1, 40), np.int64)
    mask[0, -5:] = 0
    flipped = ref.copy()
    flipped[0, :4, 9] += 80.0  # four clear choices lost
    shared = ReferenceFacts()
    for got in (ref + 0.01, flipped, ref.copy()):
        alone, together = Tally(), Tally(shared)
        alone.add("m", "logits", ref, got, mask)
        together.add("m", "logits", ref, got, mask)
        assert together.figures() == alone.figures()
    assert alone.figures()["top1"] == 1.0 and alone.figures()["top1_all"] == 1.0
    flipped_alone = Tally()
    flipped_alone.add("m", "logits", ref, flipped, mask)
    assert flipped_alone.clear_total >= 20 and flipped_alone.clear_agree == flipped_alone.clear_total - 4
    # The same reference under another mask (fewer positions kept, the flipped ones among those left out).
    other = np.zeros((1, 40), np.int64)
    other[0, 10:30] = 1
    alone, together = Tally(), Tally(shared)
    alone.add("m", "logits", ref, flipped, other)
    together.add("m", "logits", ref, flipped, other)
    assert together.figures() == alone.figures() and together.all_total == 20 and together.figures()["top1_all"] == 1.0


def test_flat_logits_of_an_untrained_model_are_judged_by_the_logits_cosine():
    """Near-ties everywhere: top-1 cannot judge, the centred logits cosine can, and a shift of a row does not count."""
    ref = 0.05 * RNG.normal(size=(2, 20, 64)).astype(np.float32)  # random, flat: no clear choice anywhere
    close = ref + 0.002 * RNG.normal(size=ref.shape).astype(np.float32) + 3.0  # small noise, one shared shift
    tally = Tally()
    tally.add("m", "logits", ref, close, None)
    figures = tally.figures()
    assert figures["top1"] is None and tally.notes()
    assert 0.99 < figures["logits_cosine"] <= figures["logits_cosine_mean"] < 1.0
    assert all(row["passed"] for row in budgets.judge("q8", figures) if row["budget"] is not None)
    tally = Tally()
    tally.add("m", "logits", ref, -ref, None)  # every score turned upside down
    rows = {r["figure"]: r for r in budgets.judge("q4", tally.figures())}
    assert rows["logits_cosine"]["value"] == pytest.approx(-1.0) and rows["logits_cosine"]["passed"] is False
    assert "scores (logits" in budgets.why_failed(list(rows.values()))


def test_the_logits_cosine_is_the_worst_position_and_padding_does_not_count():
    ref = RNG.normal(size=(1, 6, 16)).astype(np.float32)
    got = ref.copy()
    got[0, 5] = RNG.normal(size=16)  # one unrelated position, padded
    mask = np.array([[1, 1, 1, 1, 1, 0]])
    tally = Tally()
    tally.add("m [b=1]", "logits", ref, got, mask)
    assert tally.figures()["logits_cosine"] == pytest.approx(1.0)
    tally = Tally()
    tally.add("m [b=1]", "logits", ref, got, None)
    assert tally.figures()["logits_cosine"] < 0.8 and tally.worst["logits_cos"] == "m [b=1]"
    assert tally.figures()["logits_cosine_mean"] > tally.figures()["logits_cosine"]


def test_a_near_tie_of_a_two_class_classifier_does_not_decide_its_logits_cosine():
    ref = RNG.normal(size=(40, 2)).astype(np.float32)
    ref[0] = [1.0, 0.999]
    got = ref.copy()
    got[0] = [0.999, 1.0]  # the near-tie flips: alone, its two centred scores would have a cosine of -1
    tally = Tally()
    tally.add("m", "logits", ref, got, None)
    assert tally.figures()["logits_cosine"] > 0.999
    tally = Tally()
    tally.add("m", "logits", ref, -ref, None)
    assert tally.figures()["logits_cosine"] == pytest.approx(-1.0)


def test_top1_is_not_judged_on_a_handful_of_clear_choices():
    ref = _choices(5, 30)  # a random model with a large vocabulary: nearly every choice is a near-tie
    got = ref.copy()
    got[0, :2, :2] = [0.0, 5.0]
    tally = Tally()
    tally.add("m", "logits", ref, got, None)
    assert tally.figures()["top1"] is None and tally.figures()["top1_all"] == pytest.approx(33 / 35)
    assert tally.notes() == ["top-1 not judged: PyTorch's choice is clear at only 5 of 35 positions"]


def test_a_sentence_transformers_export_is_judged_on_its_token_embeddings_too():
    """--library sentence_transformers writes token_embeddings + sentence_embedding: both are judged (MiniLM)."""
    hidden = RNG.normal(size=(2, 5, 8)).astype(np.float32)
    tally = Tally()
    tally.add("m", "token_embeddings", hidden, -hidden, None)
    tally.add("m", "sentence_embedding", hidden[:, 0], hidden[:, 0].copy(), None)
    assert tally.figures()["token_cosine"] == pytest.approx(-1.0)
    assert tally.figures()["embedding_cosine"] == pytest.approx(-1.0)  # pooled from the tokens: the lowest


def test_padded_positions_do_not_count():
    hidden = RNG.normal(size=(1, 4, 8)).astype(np.float32)
    damaged = hidden.copy()
    damaged[0, 3] = -damaged[0, 3]  # only the padded position is wrong
    mask = np.array([[1, 1, 1, 0]])
    tally = Tally()
    tally.add("m", "last_hidden_state", hidden, damaged, mask)
    assert tally.figures()["token_cosine"] == pytest.approx(1.0)
    tally = Tally()
    tally.add("m", "last_hidden_state", hidden, damaged, None)
    assert tally.figures()["token_cosine"] == pytest.approx(-1.0)


def test_wrong_shapes_and_non_finite_values_are_failures_not_figures():
    tally = Tally()
    tally.add("m [b=1]", "logits", _logits(3), _logits(4), None)
    bad = _logits(3)
    bad[0, 0, 0] = np.nan
    tally.add("m [b=2]", "logits", _logits(3), bad, None)
    assert len(tally.broken) == 2 and "shape" in tally.broken[0] and "not finite" in tally.broken[1]


def test_judge_names_the_figure_out_of_budget():
    rows = budgets.judge("q4", {"token_cosine": 0.95, "top1": 0.5, "max_abs_diff": 3.0, "embedding_cosine": None})
    by_name = {r["figure"]: r for r in rows}
    assert by_name["token_cosine"]["passed"] is True and by_name["top1"]["passed"] is False
    assert by_name["max_abs_diff"]["budget"] is None and by_name["max_abs_diff"]["passed"] is None  # reported only
    assert "embedding_cosine" not in by_name  # no output to measure it on: not judged
    why = budgets.why_failed(rows)
    assert "top-1" in why and "0.5000 < 0.9" in why and "cosine" not in why
    assert budgets.judge("fp16", {"token_cosine": float("nan")})[0]["passed"] is False


def test_each_variant_has_a_budget_and_smaller_files_get_looser_ones():
    from exportcore.postprocess.variants import VARIANTS

    assert set(budgets.BUDGETS) == set(VARIANTS)
    for figure in budgets.JUDGED:
        assert budgets.HALF.floor(figure) >= budgets.EIGHT_BIT.floor(figure) >= budgets.FOUR_BIT.floor(figure)
    with pytest.raises(ExportError) as info:
        budgets.budget_for("q3")
    assert info.value.code == "validation_error"


def _result(variant: str, passed: bool, top1: float) -> VariantResult:
    figures = budgets.judge(variant, {"top1": top1, "max_abs_diff": 0.1})
    return VariantResult(variant=variant, files={"model.onnx": f"model_{variant}.onnx"}, bytes=250, fp32_bytes=1000,
                         figures=figures, passed=passed, why=budgets.why_failed(figures), latency_ratio=0.4)


def test_variant_result_travels_as_json():
    event = _result("q8", False, 0.5)
    back = VariantResult.from_json(event.to_json())
    assert back == event and event_from_json(event.to_json()) == event
    with pytest.raises(ValueError):
        VariantResult.from_json('{"event": "log", "level": "info", "message": "x"}')


def test_a_variant_out_of_budget_is_a_validation_failure_that_says_which_and_why(tmp_path):
    results = [_result("fp16", True, 1.0), _result("q4", False, 0.5)]
    error = variants_out_of_budget(*budgets.variants_failure(results), str(tmp_path / "kept"))
    assert error.code == "validation_failed" and exit_code_for(error.code) == 1
    assert error.params["variants"] == ["q4"] and error.params["failed"] == 1 and error.params["total"] == 2
    assert "q4" in error.next_step and "top-1" in error.next_step and str(tmp_path / "kept") in error.next_step


def test_the_cli_summary_shows_a_variants_table():
    from exportcore.events import RunResult
    from exportcore.progress import ConsoleReporter

    stream = io.StringIO()
    reporter = ConsoleReporter(stream=stream)
    reporter(_result("q8", True, 1.0))
    reporter(_result("q4", False, 0.5))
    reporter(RunResult(output_dir="out", files=[], validation="passed", seconds=1.0))
    text = stream.getvalue()
    assert "✗ variant q4: top-1" in text
    q8 = next(line for line in text.splitlines() if line.strip().startswith("q8"))
    assert "ok" in q8 and "0.25×" in q8 and "time 0.40×" in q8 and "top-1 1.0000 (≥0.99)" in q8
    q4 = next(line for line in text.splitlines() if line.strip().startswith("q4 "))
    assert "FAILED" in q4 and "0.5000 ✗" in q4


def test_a_variant_with_no_judged_figure_is_not_called_ok():
    """An export with no output a judged figure applies to passes with nothing judged, and the table says so."""
    from exportcore.progress import variants_table

    figures = budgets.judge("q4", {"max_abs_diff": 0.1})
    result = VariantResult(variant="q4", files={"model.onnx": "model_q4.onnx"}, bytes=250, fp32_bytes=1000,
                           figures=figures, passed=True, note="top-1 not judged: too few clear choices")
    (line,) = [line for line in variants_table([result]) if line.strip().startswith("q4")]
    assert "unjudged" in line and " ok " not in line and "top-1 not judged" in line


def _identity_model(path, scale: float = 1.0) -> None:
    """A file that returns its float input as ``logits`` (times ``scale``)."""
    import onnx
    from onnx import TensorProto, helper

    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["b", "s", 8])
    y = helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["b", "s", 8])
    k = helper.make_tensor("k", TensorProto.FLOAT, [], [scale])
    graph = helper.make_graph([helper.make_node("Mul", ["x", "k"], ["logits"])], "g", [x], [y], [k])
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), str(path))


def _refs(tmp_path):
    from types import SimpleNamespace

    from exportcore.validate.comparison import Case
    from exportcore.validate.variant_checks import References

    _identity_model(tmp_path / "model.onnx")
    check = SimpleNamespace(submodel="model", onnx_path=tmp_path / "model.onnx", cfg=SimpleNamespace(outputs=["logits"]))
    x = 4 * RNG.normal(size=(2, 16, 8)).astype(np.float32)  # logits with clear choices mostly
    return References([], [Case(check, "batch=2", {"x": x}, [x], 1e-4)])


def test_variants_are_judged_file_by_file_and_one_onnxruntime_cannot_load_fails(tmp_path):
    from exportcore.validate.variant_checks import validate_variants

    refs = _refs(tmp_path)
    _identity_model(tmp_path / "model_fp16.onnx")
    _identity_model(tmp_path / "model_q4.onnx", scale=-1.0)  # every choice turned upside down
    (tmp_path / "model_quantized.onnx").write_bytes(b"not an onnx file")
    files = {v: {"model.onnx": f"model_{s}.onnx"} for v, s in (("fp16", "fp16"), ("q4", "q4"), ("q8", "quantized"))}
    emitted = []
    results = {r.variant: r for r in validate_variants(refs, files, tmp_path, emitted.append, latency=False)}
    assert [e.variant for e in emitted] == ["fp16", "q4", "q8"]
    fp16 = {f["figure"]: f for f in results["fp16"].figures}
    assert results["fp16"].passed and fp16["top1"] == {"figure": "top1", "value": 1.0, "budget": 1.0, "passed": True}
    assert fp16["logits_cosine"]["passed"] and fp16["logits_cosine"]["value"] == pytest.approx(1.0)
    assert not results["q4"].passed and "top-1" in results["q4"].why and "scores (logits" in results["q4"].why
    assert not results["q8"].passed and "model_quantized.onnx" in results["q8"].why
    assert results["fp16"].bytes == (tmp_path / "model_fp16.onnx").stat().st_size



def test_variants_judged_two_at_a_time_as_they_arrive_give_the_same_figures(tmp_path):
    from exportcore.validate.variant_checks import validate_variants

    refs = _refs(tmp_path)
    _identity_model(tmp_path / "model_fp16.onnx")
    _identity_model(tmp_path / "model_q4.onnx", scale=-1.0)
    _identity_model(tmp_path / "model_quantized.onnx")
    files = {v: {"model.onnx": f"model_{s}.onnx"} for v, s in (("q4", "q4"), ("fp16", "fp16"), ("q8", "quantized"))}
    one = validate_variants(refs, files, tmp_path, lambda r: None, latency=False)
    emitted = []
    arriving = ((variant, mapping) for variant, mapping in files.items())  # as Deployables.ready hands them over
    two = validate_variants(refs, arriving, tmp_path, emitted.append, latency=False, threads=2)
    assert [r.variant for r in two] == ["fp16", "q8", "q4"]  # the variants' table order, whatever came first
    assert sorted(e.variant for e in emitted) == ["fp16", "q4", "q8"]
    assert {r.variant: (r.passed, r.figures) for r in two} == {r.variant: (r.passed, r.figures) for r in one}
    assert not {r.variant: r for r in two}["q4"].passed


def test_judging_in_threads_stops_at_once_on_a_builders_or_a_checks_failure():
    """A builder failing while a variant is being judged, or a check failing while the next variant is still being
    built, ends the run at once: nothing waits for the other (decision 199)."""
    import time

    from exportcore.errors import ExportError
    from exportcore.validate.variant_checks import _in_threads

    def builder_fails():
        yield "fp16", {"model.onnx": "model_fp16.onnx"}
        time.sleep(0.2)
        raise ExportError("variant_failed", variant="q4", file="model.onnx", reason="its process was killed")

    def slow_check(variant, mapping):
        time.sleep(5)

    start = time.monotonic()
    with pytest.raises(ExportError) as caught:
        _in_threads(builder_fails(), slow_check, threads=2)
    assert caught.value.code == "variant_failed" and time.monotonic() - start < 2

    def slow_builder():
        yield "fp16", {"model.onnx": "model_fp16.onnx"}
        time.sleep(5)
        yield "q4", {"model.onnx": "model_q4.onnx"}

    def failing_check(variant, mapping):
        raise ValueError("onnxruntime crashed")

    start = time.monotonic()
    with pytest.raises(ValueError):
        _in_threads(slow_builder(), failing_check, threads=2)
    assert time.monotonic() - start < 2
