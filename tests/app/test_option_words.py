"""The option rules' reasons in the app: the core's sentence in English, translated by code, retranslated live."""

from __future__ import annotations

import sys

from conftest import FAKES

sys.path.insert(0, str(FAKES))
from plans import make_plan  # noqa: E402

from exportcore.option_rules import REASONS, Rule  # noqa: E402

from app import option_words  # noqa: E402
from app.option_words import TEXTS, rule_text, words  # noqa: E402

#: the codes a control of the options panel can show
PANEL_CODES = {"past_not_for_task", "past_not_for_model", "past_not_in_one_file", "past_off", "seq2seq_past_inputs",
               "layout_not_seq2seq", "layout_one_file_task", "layout_one_file_without_past", "merge_needs_past",
               "no_integer_inputs", "opset_range_torchscript", "opset_range_dynamo", "dynamo_unsupported_model",
               "dynamo_eager_attention", "shape_unused", "bf16_not_validated", "validation_off",
               "static_axes_traced_shapes", "pad_token_from_tokenizer", "pad_token_in_config"}


def test_english_is_the_cores_sentence_word_for_word():
    assert PANEL_CODES <= set(REASONS) and PANEL_CODES <= set(TEXTS)
    for code, text in TEXTS.items():
        assert code in REASONS, f"{code}: the core no longer has this reason"
        assert text == REASONS[code], code


def test_a_code_the_app_does_not_know_shows_the_cores_english(monkeypatch):
    monkeypatch.delitem(option_words.TEXTS, "validation_off")
    assert rule_text(Rule(False, "validation_off", REASONS["validation_off"])) == REASONS["validation_off"]
    assert words("a_new_code", {}, "The core's words.") == "The core's words."
    assert rule_text(Rule(True)) == ""


def test_panel_reasons_follow_the_language(qtbot):
    from PySide6.QtWidgets import QApplication

    from app.i18n import LanguageManager
    from app.options_panel import OptionsPanel

    panel = OptionsPanel()
    qtbot.addWidget(panel)
    panel.set_model("demo:tiny-bert")
    panel.update_from_plan(make_plan("bert"))
    english = panel.disabled_reason("use_past")
    assert english == REASONS["past_not_for_model"]
    language = LanguageManager(QApplication.instance())
    try:
        language.apply("zh_TW")
        qtbot.waitUntil(lambda: panel.disabled_reason("use_past") != english, timeout=3000)
        assert panel.use_past.toolTip() == "此模型不匯出 past key/values。"
        panel.float_dtype.setCurrentText("bf16")
        assert "bfloat16" in panel.validate.toolTip() and "無法" in panel.validate.toolTip()
        assert panel.opset.toolTip() == "TorchScript 匯出器可寫出 opset 7–23。"  # params filled in
    finally:
        language.apply("en")
    qtbot.waitUntil(lambda: panel.disabled_reason("use_past") == english, timeout=3000)
