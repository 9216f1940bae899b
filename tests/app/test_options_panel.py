"""OptionsPanel: options dicts, impossible combinations disabled with a reason, invalid input blocks export."""

from __future__ import annotations

import sys

import pytest

from conftest import FAKES

sys.path.insert(0, str(FAKES))
from plans import make_plan  # noqa: E402

from exportcore.options import ExportOptions  # noqa: E402

from app.options_panel import OptionsPanel  # noqa: E402


@pytest.fixture
def panel(qtbot, tmp_path):
    p = OptionsPanel()
    qtbot.addWidget(p)
    p.set_output_folder(str(tmp_path))
    return p


def test_before_the_plan_no_past_is_forced(panel):
    panel.set_model("demo:tiny-bert")
    opts = panel.inspect_options()
    assert opts["task"] == "auto" and "use_past" not in opts and "monolith" not in opts


def test_encoder_model_disables_past_and_file_layout(panel):
    panel.set_model("demo:tiny-bert")
    panel.update_from_plan(make_plan("demo:tiny-bert"))
    assert not panel.use_past.isEnabled() and not panel.use_past.isChecked()
    assert "past" in panel.disabled_reason("use_past")
    assert panel.use_past.toolTip() == panel.disabled_reason("use_past")
    assert not panel.file_layout.isEnabled() and "encoder–decoder" in panel.disabled_reason("file_layout")
    assert [panel.task.itemData(i) for i in range(panel.task.count())][:3] == ["auto", "feature-extraction",
                                                                                "fill-mask"]


def test_decoder_past_toggles_past_in_inputs(panel, qtbot):
    panel.set_model("demo:tiny-gpt2")
    panel.update_from_plan(make_plan("gpt2"))
    assert panel.use_past.isEnabled() and panel.use_past.isChecked() and panel.past_in_inputs.isEnabled()
    with qtbot.waitSignal(panel.optionsChanged):
        panel.use_past.setChecked(False)
    assert not panel.past_in_inputs.isEnabled()
    assert panel.disabled_reason("use_past_in_inputs")
    assert panel.inspect_options()["use_past"] is False
    # a task without a -with-past variant disables past
    panel.task.setCurrentIndex(panel.task.findData("text-classification"))
    assert not panel.use_past.isEnabled()
    assert "text-classification" in panel.disabled_reason("use_past")


def test_seq2seq_file_layout_and_merge_needs_past(panel):
    panel.set_model("demo:tiny-t5")
    panel.update_from_plan(make_plan("t5"))
    assert panel.file_layout.isEnabled()
    assert panel.file_layout_value() == "merged"
    assert not panel.past_in_inputs.isEnabled()  # seq2seq decides that itself
    panel.use_past.setChecked(False)
    item = panel.file_layout.model().item(1)
    assert not item.isEnabled() and "past" in item.toolTip()
    assert panel.file_layout_value() == "separate"  # moved off the impossible choice
    opts = panel.inspect_options()
    assert opts["monolith"] is False and opts["post_process"] is False
    panel.file_layout.setCurrentIndex(0)
    assert panel.inspect_options()["monolith"] is True


def _with_facts(plan: dict, **facts) -> dict:
    return {**plan, "facts": {**plan["facts"], **facts}}


def test_dynamo_follows_the_cores_rule_for_t5(panel):
    """The app's own list of types "broken on torch.export" had drifted from the core's: T5 exports there with
    eager attention (docs/facts.md). The control says what the core says."""
    from exportcore import option_rules

    panel.set_model("demo:tiny-t5")
    panel.update_from_plan(make_plan("t5"))
    assert panel.dynamo.isEnabled() and panel.disabled_reason("dynamo") == ""
    eager = option_rules.REASONS["dynamo_eager_attention"].format(model_type="t5")
    assert eager in panel.dynamo.toolTip()
    panel.dynamo.setChecked(True)
    assert panel.inspect_options()["dynamo"] is True


def test_dynamo_disabled_with_the_cores_reason_when_the_plan_says_so(panel):
    from exportcore import option_rules
    from exportcore.options import ExportOptions

    plan = _with_facts(make_plan("t5"), dynamo_supported=False)
    panel.set_model("demo:tiny-t5")
    panel.dynamo.setChecked(True)
    panel.update_from_plan(plan)
    rule = option_rules.rules(plan, ExportOptions(model="demo:tiny-t5", dynamo=True))["dynamo"]
    assert not rule.enabled and rule.code == "dynamo_unsupported_model"
    assert not panel.dynamo.isEnabled()
    assert panel.disabled_reason("dynamo") == rule.reason == panel.dynamo.toolTip()
    assert panel.inspect_options()["dynamo"] is False  # never sent while the core refuses it
    assert panel.opset.maximum() == 23  # the TorchScript exporter's opsets


def test_opset_range_is_the_exporters(panel):
    panel.set_model("demo:tiny-bert")
    panel.update_from_plan(make_plan("bert"))
    assert (panel.opset.minimum(), panel.opset.maximum()) == (6, 23)  # 6 = "Default"; TorchScript writes 7-23
    assert panel.opset.specialValueText() == "Default (14)"  # the plan's default opset
    assert "7–23" in panel.opset.toolTip()
    panel.dynamo.setChecked(True)
    assert panel.opset.minimum() == 17 and panel.opset.maximum() == 25  # 17 = "Default"
    assert "18–25" in panel.opset.toolTip()
    panel.opset.setValue(12)
    assert panel.opset.value() == 17 and panel.inspect_options()["opset"] is None
    panel.dynamo.setChecked(False)
    assert panel.opset.maximum() == 23


def test_monolith_holds_no_past(panel):
    """One file holds no cache (the core refuses --monolith with past): choosing it turns past off with the
    core's reason; asking for past again goes back to encoder + decoder files."""
    panel.set_model("demo:tiny-t5")
    panel.update_from_plan(make_plan("t5"))
    assert panel.use_past.isChecked()
    panel.file_layout.setCurrentIndex(0)
    assert not panel.use_past.isEnabled() and not panel.use_past.isChecked()
    assert "monolith" in panel.disabled_reason("use_past")
    opts = panel.export_options("demo:tiny-t5", "/tmp/x")
    assert opts.monolith is True and opts.use_past is None  # nothing the core would refuse
    panel.file_layout.setCurrentIndex(2)
    assert panel.use_past.isEnabled() and panel.use_past.isChecked()


def test_past_inputs_default_is_the_cores(panel):
    """A decoder's feature-extraction-with-past returns its cache without taking it (as Optimum): the checkbox
    shows the core's default until the user sets it."""
    panel.set_model("fake/gpt2")
    panel.update_from_plan(make_plan("fake/gpt2"))
    assert panel.past_in_inputs.isChecked()  # text-generation feeds the cache back
    panel.task.setCurrentIndex(panel.task.findData("feature-extraction"))
    assert panel.use_past.isEnabled() and not panel.past_in_inputs.isChecked()
    panel.past_in_inputs.setChecked(True)
    panel.task.setCurrentIndex(panel.task.findData("text-generation"))
    panel.task.setCurrentIndex(panel.task.findData("feature-extraction"))
    assert panel.past_in_inputs.isChecked()  # the user's choice stays


def test_an_image_model_has_no_integer_inputs(panel):
    plan = make_plan("fake/bert")
    sub = dict(plan["submodels"][0], inputs={"pixel_values": {"0": "batch_size"}}, dtypes={"pixel_values": "float32"})
    plan = _with_facts({**plan, "model_type": "vit", "submodels": [sub]},
                       shape_keywords=["batch_size", "image_width", "image_height", "num_channels"])
    panel.set_model("fake/vit")
    panel.update_from_plan(plan)
    assert not panel.int_dtype.isEnabled() and "integer" in panel.disabled_reason("int_dtype")
    assert not panel.shape_spins["sequence_length"].isVisibleTo(panel)
    assert panel.shape_spins["image_width"].isVisibleTo(panel)


def test_invalid_inputs_are_problems(panel):
    panel.validation_shapes.setText("batch_size=1,sequence_length=7;batch_size=3,sequence_length=23")
    assert panel.problems() == []
    assert panel.validation_shape_sets() == [{"batch_size": 1, "sequence_length": 7},
                                             {"batch_size": 3, "sequence_length": 23}]
    panel.validation_shapes.setText("batch=oops")
    assert panel.problems() and panel.validation_shapes.toolTip()
    panel.validation_shapes.setText("")
    panel.atol.setText("0")
    assert panel.problems()
    panel.atol.setText("1e-3")
    assert panel.problems() == [] and panel.atol_value() == 1e-3


def test_bf16_turns_validation_off_with_the_reason_and_back_on_after(panel, tmp_path):
    """onnxruntime cannot run bf16 on the CPU, and the core refuses bf16 with validation: the panel never offers
    that combination, and says why."""
    panel.set_model("demo:tiny-bert")
    panel.update_from_plan(make_plan("bert"))
    assert panel.validate.isChecked() and panel.validate.isEnabled()
    panel.float_dtype.setCurrentText("bf16")
    assert not panel.validate.isChecked() and not panel.validate.isEnabled()
    assert "bfloat16" in panel.validate.toolTip() and panel.validate.toolTip() == panel.disabled_reason("validate")
    from exportcore.option_rules import REASONS

    assert panel.disabled_reason("validate") == REASONS["bf16_not_validated"]  # the core's words, not the app's
    opts = panel.export_options("demo:tiny-bert", str(tmp_path / "o"))
    assert opts.validate is False and opts.float_dtype == "bf16"
    panel.float_dtype.setCurrentText("fp16")
    assert panel.validate.isChecked() and panel.validate.isEnabled()
    # saved while bf16 had validation off, the user's own choice (on) comes back with fp32 after a restart
    panel.float_dtype.setCurrentText("bf16")
    saved = panel.persisted()
    assert saved["validate"] is True
    other = OptionsPanel()
    other.load(saved)
    assert not other.validate.isChecked()
    other.float_dtype.setCurrentText("fp32")
    assert other.validate.isChecked()
    # and a user who turned validation off keeps it off
    other.validate.setChecked(False)
    other.float_dtype.setCurrentText("bf16")
    other.float_dtype.setCurrentText("fp32")
    assert not other.validate.isChecked()
    other.deleteLater()


def test_export_options_round_trip_through_exportoptions(panel, tmp_path):
    panel.set_model("demo:tiny-gpt2")
    panel.update_from_plan(make_plan("gpt2"))
    panel.float_dtype.setCurrentText("fp16")
    panel.int_dtype.setCurrentText("int32")
    panel.shape_spins["sequence_length"].setValue(9)
    panel.layout_choice.setCurrentIndex(panel.layout_choice.findData("transformers.js"))
    eo = panel.export_options("demo:tiny-gpt2", str(tmp_path / "o"))
    assert isinstance(eo, ExportOptions) and ExportOptions.from_dict(eo.to_dict()) == eo
    assert eo.float_dtype == "fp16" and eo.int_dtype == "int32" and eo.shapes == {"sequence_length": 9}
    assert "--int-dtype int32" in eo.to_cli_command() and "--layout transformers.js" in eo.to_cli_command()
    panel.float_dtype.setCurrentText("fp32")  # variants are made from an fp32 export
    panel.deploy.checks["q4f16"].setChecked(True)
    eo = panel.export_options("demo:tiny-gpt2", str(tmp_path / "o"))
    assert ExportOptions.from_dict(eo.to_dict()) == eo and "--variants q4f16" in eo.to_cli_command()
    # persisted options load back, emitting one change
    saved = panel.persisted()
    other = OptionsPanel()
    other.load(saved)
    assert other.persisted() == saved
    other.deleteLater()


def test_load_a_history_run(panel):
    panel.set_model("demo:tiny-t5")
    panel.update_from_plan(make_plan("t5"))
    panel.load({"model": "demo:tiny-t5", "task": "text2text-generation", "use_past": True, "post_process": False,
                "opset": 17, "atol": 0.001})
    assert panel.current_task() == "text2text-generation"
    assert panel.file_layout_value() == "separate" and panel.opset.value() == 17 and panel.atol_value() == 0.001


def test_pad_token_id_is_offered_only_for_decoder_classifiers(panel):
    panel.set_model("fake/bert")
    panel.update_from_plan(make_plan("fake/bert", {"task": "text-classification"}))
    assert not panel.model_form.isRowVisible(panel.pad_token)
    assert panel.export_options("fake/bert", "/tmp/x").pad_token_id is None

    panel.set_model("fake/gpt2")
    panel.update_from_plan(make_plan("fake/gpt2", {"task": "text-classification"}))
    assert panel.model_form.isRowVisible(panel.pad_token)
    assert panel.export_options("fake/gpt2", "/tmp/x").pad_token_id is None  # "from the tokenizer" by default
    panel.pad_token.setValue(50256)
    opts = panel.export_options("fake/gpt2", "/tmp/x")
    assert opts.pad_token_id == 50256
    assert "--pad-token-id 50256" in opts.to_cli_command()

    panel.update_from_plan(make_plan("fake/gpt2", {"task": "text-generation"}))
    assert not panel.model_form.isRowVisible(panel.pad_token)
    assert panel.export_options("fake/gpt2", "/tmp/x").pad_token_id is None


def test_pad_token_follows_the_plans_facts_not_class_names(panel):
    """Whether a padding token id is needed is the plan's fact (its decoder-only tasks), not a guess from the
    configuration's class chain."""
    plan = make_plan("fake/gpt2", {"task": "text-classification"})
    for sub in plan["submodels"]:
        sub["class_chain"] = ["SomeOnnxConfig", "OnnxConfig"]
    panel.set_model("fake/mystery")
    panel.update_from_plan(plan)
    assert panel.model_form.isRowVisible(panel.pad_token)
    assert "padding token id" in panel.pad_token.toolTip()

    plan = _with_facts(make_plan("fake/gpt2", {"task": "text-classification"}), decoder_only_tasks=[],
                       config_pad_token_id=None)
    panel.update_from_plan(plan)  # TextDecoderOnnxConfig in the chain, but the facts say: not a decoder
    assert not panel.model_form.isRowVisible(panel.pad_token)

    plan = _with_facts(make_plan("fake/gpt2", {"task": "text-classification"}), config_pad_token_id=7)
    panel.update_from_plan(plan)
    assert panel.model_form.isRowVisible(panel.pad_token) and "pad_token_id 7" in panel.pad_token.toolTip()


def test_copied_cli_command_reproduces_the_panel_exactly(qtbot, tmp_path):
    """Options set in the panel -> the job's ExportOptions -> "Copy CLI command" -> exportcore's own parser -> the
    same ExportOptions (issue 11: the command used to drop use_past_in_inputs=False)."""
    import shlex

    from PySide6.QtWidgets import QApplication

    from exportcore.cli import build_parser, options_from_args

    from app.results import ResultsPanel

    panel = OptionsPanel()
    qtbot.addWidget(panel)
    panel.set_model("demo:tiny-gpt2")
    panel.update_from_plan(make_plan("gpt2"))
    panel.past_in_inputs.setChecked(False)
    panel.float_dtype.setCurrentText("fp16")
    panel.int_dtype.setCurrentText("int32")
    panel.opset.setValue(17)
    panel.atol.setText("0.002")
    panel.shape_spins["sequence_length"].setValue(9)
    panel.validation_shapes.setText("batch_size=1,sequence_length=5;batch_size=2,sequence_length=11")
    panel.overwrite.setChecked(True)
    expected = panel.export_options("demo:tiny-gpt2", str(tmp_path / "out dir"), force=True)
    assert expected.use_past_in_inputs is False and expected.use_past is True

    results = ResultsPanel()
    qtbot.addWidget(results)
    results.set_options(expected.to_dict())
    command = results.copy_cli()
    assert QApplication.clipboard().text() == command
    argv = shlex.split(command)
    assert argv[:2] == ["exportcore", "export"]
    parsed = options_from_args(build_parser().parse_args(argv[1:]))
    assert parsed == expected

