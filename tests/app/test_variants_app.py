"""Issue 12 in the app: the Variants and Runtime sections of the options panel, the variants' estimated sizes in the
pre-flight, the variants table in Results (fake worker, offscreen), all in both languages."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import sys
import tempfile

from conftest import FAKES
from test_i18n import CJK, _switch, english_sentences, translated_sources, window_texts

sys.path.insert(0, str(FAKES))
from plans import make_plan, make_preflight  # noqa: E402

from exportcore.cli import build_parser, options_from_args  # noqa: E402
from exportcore.events import VariantResult  # noqa: E402
from exportcore.option_rules import REASONS  # noqa: E402
from exportcore.options import LAYOUTS, OPTIMIZE_LEVELS  # noqa: E402
from exportcore.postprocess.variants import VARIANTS  # noqa: E402
from exportcore.validate.budgets import SHORT  # noqa: E402

from app import variant_words  # noqa: E402
from app.options_panel import OptionsPanel  # noqa: E402

WAIT = 15000


def test_the_words_are_the_cores():
    assert set(variant_words.WHAT) == set(VARIANTS)
    for name, variant in VARIANTS.items():
        assert variant_words.WHAT[name] == variant.what, name
    assert variant_words.FIGURES == SHORT
    assert tuple(variant_words.LAYOUT_TEXTS) == LAYOUTS
    assert tuple(variant_words.OPTIMIZE_TEXTS) == (None, *OPTIMIZE_LEVELS)


def _panel(qtbot, tmp_path) -> OptionsPanel:
    panel = OptionsPanel()
    qtbot.addWidget(panel)
    panel.set_output_folder(str(tmp_path))
    panel.set_model("demo:tiny-gpt2")
    panel.update_from_plan(make_plan("gpt2"))
    return panel


def test_choices_reach_the_options_and_the_cli_command(qtbot, tmp_path):
    panel = _panel(qtbot, tmp_path)
    assert set(panel.deploy.checks) == set(VARIANTS)
    assert panel.deploy.notes["q8"].text() == VARIANTS["q8"].what  # each with what it is for
    assert panel.export_options("demo:tiny-gpt2", "/tmp/o").variants == ()  # none by default, as the CLI
    with qtbot.waitSignal(panel.settingsChanged):
        panel.deploy.checks["q4"].setChecked(True)
    panel.deploy.checks["fp16"].setChecked(True)
    panel.layout_choice.setCurrentIndex(panel.layout_choice.findData("transformers.js"))
    panel.optimize_choice.setCurrentIndex(panel.optimize_choice.findData("O2"))
    assert "onnx/" in panel.deploy.layout_note.text() and "fused" in panel.deploy.optimize_note.text()
    options = panel.export_options("demo:tiny-gpt2", str(tmp_path / "o"))
    assert (options.variants, options.layout, options.optimize) == (("fp16", "q4"), "transformers.js", "O2")
    assert panel.session.options.variants == ("fp16", "q4")  # the session has them before anyone asks
    command = options.to_cli_command()
    assert "--variants fp16,q4 --layout transformers.js --optimize O2" in command
    args = build_parser().parse_args(shlex.split(command)[1:])  # the CLI reads the command back to the same options
    assert options_from_args(args) == options


def test_an_fp16_export_rules_variants_out_and_keeps_the_choice(qtbot, tmp_path, settings):
    panel = _panel(qtbot, tmp_path)
    panel.deploy.checks["q8"].setChecked(True)
    panel.optimize_choice.setCurrentIndex(panel.optimize_choice.findData("O1"))
    panel.float_dtype.setCurrentText("fp16")
    assert not panel.variant_checks.isEnabled() and not panel.optimize_choice.isEnabled()
    assert panel.disabled_reason("variants") == REASONS["variants_need_fp32"]
    assert panel.deploy.checks["q8"].toolTip() == REASONS["variants_need_fp32"]
    options = panel.export_options("demo:tiny-gpt2", "/tmp/o")
    assert options.variants == () and options.optimize is None  # what the core would refuse is not asked for
    # saved like the other options, the user's choice included, and read back by a new panel
    settings.options = panel.persisted()
    other = OptionsPanel()
    qtbot.addWidget(other)
    other.load(settings.options)
    assert other.deploy.variants() == ("q8",) and other.deploy.optimize() == "O1"
    other.float_dtype.setCurrentText("fp32")
    other.set_model("demo:tiny-gpt2")
    assert other.export_options("demo:tiny-gpt2", "/tmp/o").variants == ("q8",)
    assert panel.deploy.checks["q8"].toolTip() == REASONS["variants_need_fp32"]
    panel.float_dtype.setCurrentText("fp32")
    assert panel.deploy.checks["q8"].toolTip() == VARIANTS["q8"].what


def test_preflight_shows_each_variants_estimate(qtbot):
    from app.preflight import PreflightFacts
    from app.preflight_panel import PreflightPanel

    panel = PreflightPanel()
    qtbot.addWidget(panel)
    panel.show_facts(PreflightFacts.from_reply(make_preflight("demo:tiny-bert", {"output_dir": "/tmp/o"})))
    assert not panel.labels["variants"][1].text()
    panel.show_facts(PreflightFacts.from_reply(make_preflight("demo:tiny-bert", {"variants": ["fp16", "q4"],
                                                                                 "output_dir": "/tmp/o"})))
    text = panel.labels["variants"][1].text()
    assert "fp16 about 200.0 kB" in text and "q4 about 200.0 kB" in text and "estimate" in text


def _export_with_variants(qtbot, make_window, out_dir, variants, *worker_args, layout="optimum"):
    w = make_window(worker_args=("--rows", "2", *worker_args))
    w.options.set_output_folder(str(out_dir), user=True)
    for name in variants:
        w.options.deploy.checks[name].setChecked(True)
    w.options.layout_choice.setCurrentIndex(w.options.layout_choice.findData(layout))
    w.select_model("demo:tiny-bert")
    qtbot.waitUntil(lambda: w.inspector.state == "plan" and w.export_button.isEnabled()
                    and w.session.preflight_done(), timeout=WAIT)
    shown = []
    w.results.variants.rowsInserted.connect(
        lambda *_: shown.append(w.session.shown_job is not None and not w.session.shown_job.is_done))
    job = w.start_export()
    with qtbot.waitSignal(job.finished, timeout=WAIT):
        pass
    return w, job, shown


def test_variants_reach_the_job_and_the_table_fills_live(qtbot, make_window, out_dir):
    w, job, shown = _export_with_variants(qtbot, make_window, out_dir, ("fp16", "q8"), "--sleep", "0.05")
    assert job.state == "succeeded"
    assert job.options["variants"] in (["fp16", "q8"], ("fp16", "q8"))
    with open(os.path.join(job.options["output_dir"], "export_options.json"), encoding="utf-8") as fh:
        assert json.load(fh)["variants"] == ["fp16", "q8"]  # the worker's job file
    assert shown and all(shown)  # rows arrived while the run was still going
    model = w.results.variants
    assert [model.data(model.index(r, 0)) for r in range(2)] == ["fp16", "q8"]
    assert model.data(model.index(1, model.COL_RESULT)) == "pass"
    assert "(0.27×)" in model.data(model.index(1, model.COL_SIZE))
    assert model.data(model.index(1, model.COL_TIME)) == "0.77×"
    assert "token cos 0.9991 ≥ 0.95" in model.data(model.index(1, model.COL_ACCURACY))
    assert w.results.variants_part.isVisibleTo(w.results)
    assert "2 passed, 0 failed" in w.results.variants_title.text()
    assert "--variants fp16,q8" in w.results.copy_cli()


def test_a_failed_variant_is_why_the_run_was_kept(qtbot, make_window, out_dir):
    w, job, _ = _export_with_variants(qtbot, make_window, out_dir, ("q8", "q4"), "--fail-variant", "q4",
                                      layout="transformers.js")
    assert job.state == "validation_failed"
    names = [f["name"] for f in w.results.files.files]  # the kept folder's files, onnx/ included
    assert "onnx/model_q4.onnx" in names and "onnx/model.onnx" in names
    model = w.results.variants
    rows = {model.data(model.index(r, 0)): r for r in range(model.rowCount())}
    assert model.data(model.index(rows["q8"], model.COL_RESULT)) == "pass"
    assert model.data(model.index(rows["q4"], model.COL_RESULT)) == "fail"
    failed = model.data(model.index(rows["q4"], model.COL_ACCURACY))
    assert failed.startswith("top-1 0.8200 < 0.85 ✗")  # the figure that failed comes first
    summary = w.results.summary.text()
    assert job.kept_folder in summary and "q4: top-1 0.8200 < 0.85" in summary
    banner = w.run_view.banner.label.text()
    assert "q4 is outside its accuracy budget" in banner and "fp32 files passed" in banner
    assert "checks differ" not in banner
    # "Export without q4" leaves the others ticked
    w.run_view.banner.label.linkActivated.emit("variants:q8")
    assert w.options.deploy.variants() == ("q8",)


def test_variants_follow_the_language(qtbot, tmp_path):
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from app.i18n import LanguageManager
    from app.results import ResultsPanel

    panel = _panel(qtbot, tmp_path)
    results = ResultsPanel()
    qtbot.addWidget(results)
    results.variants.set_results([
        VariantResult(variant="q4", files={"model.onnx": "model_q4.onnx"}, bytes=10, fp32_bytes=20, passed=False,
                      figures=[{"figure": "top1", "value": 0.5, "budget": 0.85, "passed": False}], why="x")])
    def texts():
        return (panel.deploy.notes["q4"].text(), panel.deploy.variants_box.title(), panel.layout_choice.itemText(0),
                results.variants.headerData(4, Qt.Orientation.Horizontal),
                results.variants.data(results.variants.index(0, 1)))

    english = texts()
    language = LanguageManager(QApplication.instance())
    try:
        language.apply("zh_TW")
        qtbot.waitUntil(lambda: panel.deploy.variants_box.title() != english[1], timeout=3000)
        chinese = texts()
        assert all(a != b for a, b in zip(english, chinese)), chinese
        assert "位元" in chinese[0]
        panel.float_dtype.setCurrentText("fp16")
        assert panel.disabled_reason("variants") != REASONS["variants_need_fp32"]  # the reason too
    finally:
        language.apply("en")
    qtbot.waitUntil(lambda: panel.deploy.variants_box.title() == english[1], timeout=3000)
    assert panel.deploy.notes["q4"].text() == english[0]


def test_no_english_left_in_the_variants_run_under_zh_tw(qtbot, make_window):
    """The window walk of test_i18n over a run kept aside for a variant: options, banner, Results, table."""
    folder = tempfile.mkdtemp(prefix="oes")  # pytest's "test_…_the_0" folder names would read as English
    try:
        w, job, _ = _export_with_variants(qtbot, make_window, folder, ("q8", "q4"), "--fail-variant", "q4")
        assert job.state == "validation_failed"
        w.run_view.lower_tabs.setCurrentIndex(1)
        _switch(qtbot, w, "zh_TW", "檢視器")
        try:
            chinese = window_texts(w)
            sources = translated_sources()
            left = {t: where for t, where in chinese.items() if t in sources}
            left.update(english_sentences(chinese))
            assert not left, "\n".join(f"{where}: {t!r}" for t, where in sorted(left.items()))
            assert any("首選一致 0.8200 < 0.85" in t for t in chinese)  # the failed figure, in Chinese
        finally:
            _switch(qtbot, w, "en", "Inspector")
        assert not [t for t in window_texts(w) if CJK.search(t)]
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_a_variant_with_nothing_judged_is_not_shown_as_passed(qtbot):
    """A variant that passes with no figure held against a budget (no output a figure applies to) is "not judged"."""
    from app.variant_results import VariantsModel

    judged = VariantResult(variant="q8", files={"model.onnx": "model_quantized.onnx"}, bytes=250, fp32_bytes=1000,
                           figures=[{"figure": "top1", "value": 1.0, "budget": 0.99, "passed": True}], passed=True)
    unjudged = VariantResult(variant="q4", files={"model.onnx": "model_q4.onnx"}, bytes=200, fp32_bytes=1000,
                             figures=[{"figure": "max_abs_diff", "value": 0.1, "budget": None, "passed": None}],
                             passed=True, note="top-1 not judged")
    model = VariantsModel()
    for result in (judged, unjudged):
        model.add(result)
    shown = {model.data(model.index(row, 0)): model.data(model.index(row, model.COL_RESULT))
             for row in range(model.rowCount())}
    assert shown == {"q8": "pass", "q4": "not judged"}


def test_an_untrained_decoder_judged_by_its_logits_cosine_is_shown_as_passed(qtbot):
    """No clear top-1 choice (flat random logits): the logits cosine judges the variant, and the table says so."""
    from PySide6.QtCore import Qt

    from app.variant_results import VariantsModel
    from exportcore.validate import budgets

    figures = budgets.judge("q4", {"logits_cosine": 0.9903, "logits_cosine_mean": 0.9956, "max_abs_diff": 0.01})
    result = VariantResult(variant="q4", files={"model.onnx": "model_q4.onnx"}, bytes=200, fp32_bytes=1000,
                           figures=figures, passed=True, note="top-1 not judged: PyTorch's choice is clear at only 0 "
                                                              "of 234 positions")
    model = VariantsModel()
    model.add(result)
    assert model.data(model.index(0, model.COL_RESULT)) == "pass"
    assert model.data(model.index(0, model.COL_ACCURACY)) == "logits cos 0.9903 ≥ 0.85"
    assert "logits cos mean 0.9956" in model.data(model.index(0, 0), Qt.ItemDataRole.ToolTipRole)


def test_variants_judged_in_any_order_are_listed_in_the_tables_order_failed_first(qtbot):
    """The variants are judged as they are built (the 8-bit one may come before fp16): the rows keep the variants'
    table order, a failed variant above the passed ones."""
    from app.variant_results import VariantsModel

    def result(variant: str, passed: bool) -> VariantResult:
        return VariantResult(variant=variant, files={"model.onnx": f"model_{variant}.onnx"}, bytes=200,
                             fp32_bytes=1000, passed=passed,
                             figures=[{"figure": "top1", "value": 1.0 if passed else 0.5, "budget": 0.9,
                                       "passed": passed}])

    model = VariantsModel()
    for variant, passed in (("q4", True), ("q8", True), ("q4f16", False), ("fp16", True), ("int8", False)):
        model.add(result(variant, passed))
    assert [model.data(model.index(row, 0)) for row in range(model.rowCount())] == [
        "int8", "q4f16", "fp16", "q8", "q4"]
