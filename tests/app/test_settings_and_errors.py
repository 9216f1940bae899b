"""Settings wrapper, friendly errors (every core code has words), the error dialog hides tracebacks."""

from __future__ import annotations

from PySide6.QtCore import QByteArray

from exportcore.errors import MESSAGES

from app.error_views import ErrorBanner, ErrorDialog
from app.errors import TEXTS, clean_details, describe, from_error_dict
from app.settings import MAX_RECENT, Settings


def test_settings_round_trip(tmp_path):
    s = Settings(tmp_path / "s.ini")
    assert s.language == "system" and s.recent_models == [] and s.history == []
    for i in range(MAX_RECENT + 3):
        s.add_recent_model(f"m{i}")
    s.add_recent_model("m5")
    s.output_folder = str(tmp_path / "out")
    s.options = {"float_dtype": "fp16", "opset": 17, "model": "ignored"}
    s.language = "zh_TW"
    s.offline = True
    s.add_history({"model": "a", "outcome": "succeeded"})
    s.window_geometry = QByteArray(b"geom")
    s.sync()
    t = Settings(tmp_path / "s.ini")
    assert t.recent_models[0] == "m5" and len(t.recent_models) == MAX_RECENT
    assert t.output_folder == str(tmp_path / "out")
    assert t.options == {"float_dtype": "fp16", "opset": 17}
    assert t.language == "zh_TW" and t.offline is True
    assert t.history == [{"model": "a", "outcome": "succeeded"}]
    assert bytes(t.window_geometry.data()) == b"geom"


def test_settings_survive_garbage(tmp_path):
    path = tmp_path / "s.ini"
    path.write_text("[sources]\nrecent=not json\n[ui]\nlanguage=klingon\n")
    s = Settings(path)
    assert s.recent_models == [] and s.language == "system"


def test_every_core_error_code_has_friendly_words():
    missing = set(MESSAGES) - set(TEXTS)
    assert not missing, missing


def test_describe_fills_params_and_keeps_technical_details():
    e = describe("unsupported_task", {"task": "fill-mask-with-past", "model_type": "bert",
                                      "supported": ["fill-mask", "feature-extraction"]}, message="core says")
    assert "fill-mask-with-past" in e.sentence and "bert" in e.sentence
    assert "fill-mask, feature-extraction" in e.next_step
    assert "core says" in e.details and "unsupported_task" in e.details
    unknown = describe("brand_new_code", {}, message="A new failure.", next_step="Do this.")
    assert unknown.sentence == "A new failure." and unknown.next_step == "Do this."
    missing_param = describe("disk_full", {})
    assert "{" not in missing_param.sentence


def test_tracebacks_never_reach_the_dialog(qtbot):
    tb = ("step 1\nTraceback (most recent call last):\n  File \"a.py\", line 3, in f\n    g()\n"
          "  File \"b.py\", line 9, in g\n    raise RuntimeError('x')\nRuntimeError: x\nafter")
    assert clean_details(tb) == "step 1\nRuntimeError: x\nafter"
    err = from_error_dict({"code": "export_failed", "params": {"submodel": "model", "reason": "x"}, "details": tb})
    dialog = ErrorDialog(err)
    qtbot.addWidget(dialog)
    assert not dialog.details_view.isVisible()
    dialog.show()
    dialog.details_button.click()
    assert dialog.details_view.isVisible()
    text = dialog.details_view.toPlainText()
    assert "Traceback" not in text and 'File "' not in text and "RuntimeError: x" in text
    assert "model" in dialog.sentence_label.text()


def test_error_banner(qtbot):
    banner = ErrorBanner()
    qtbot.addWidget(banner)
    banner.show_error(describe("cancelled"))
    assert "cancelled" in banner.label.text().lower()
    dialog = banner.show_dialog()
    qtbot.addWidget(dialog)
    assert dialog.windowTitle()
    banner.clear()
    assert banner.error is None
