"""The inspector marks a derived export configuration (issue 13): from the plan document's ``configuration`` field,
in the UI language; a hand-written plan carries no badge, whatever its class is called."""

from __future__ import annotations

from PySide6.QtGui import QTextDocumentFragment
from PySide6.QtWidgets import QApplication

from app.i18n import LanguageManager
from app.inspector import InspectorView

BADGE = "generic — derived, validated on export"


def _plan(configuration: str, config_class: str) -> dict:
    sub = {"name": "model", "config_class": config_class, "class_chain": [config_class, "TextDecoderOnnxConfig"],
           "inputs": {"input_ids": {"0": "batch_size", "1": "sequence_length"}},
           "outputs": {"logits": {"0": "batch_size", "1": "sequence_length"}}, "opset": 20, "atol": 1e-4}
    plan = {"model": "/m", "model_type": "olmo3", "task": "text-generation-with-past", "task_source": "architectures",
            "configuration": configuration, "library": "transformers", "files": ["model.onnx"], "submodels": [sub]}
    if configuration == "generic":
        plan["configuration_note"] = "derived, validated on export"
    return plan


def _chain(view: InspectorView) -> str:
    return QTextDocumentFragment.fromHtml(view.chain.text()).toPlainText()


def test_generic_plan_shows_the_badge_and_follows_the_language(qtbot):
    view = InspectorView()
    qtbot.addWidget(view)
    view.resize(900, 500)
    view.show_plan("org/olmo3-tiny", _plan("generic", "GenericOlmo3OnnxConfig"), {})
    view.show()
    assert BADGE in _chain(view)
    assert view.chain.toolTip()
    assert not view.grab().isNull()  # it renders offscreen
    language = LanguageManager(QApplication.instance())
    try:
        language.apply("zh_TW")
        qtbot.waitUntil(lambda: BADGE not in _chain(view), timeout=3000)
        assert "通用" in _chain(view)
    finally:
        language.apply("en")
    qtbot.waitUntil(lambda: BADGE in _chain(view), timeout=3000)


def test_hand_written_plan_has_no_badge_even_with_a_generic_looking_class(qtbot):
    view = InspectorView()
    qtbot.addWidget(view)
    view.show_plan("org/x", _plan("hand-written", "GenericLookingOnnxConfig"), {})
    assert "generic —" not in _chain(view) and not view.chain.toolTip()
    view.show_plan("org/y", _plan("generic", "LlamaOnnxConfig"), {})  # the field decides, not the class name
    assert BADGE in _chain(view)


def test_hub_list_marks_a_type_the_registry_would_derive(qtmodeltester):
    from PySide6.QtCore import Qt

    from exportcore import registry
    from exportcore.hub.types import ModelSummary

    from app.hub_models import SearchResultsModel
    from app.sources import hub_exportable

    derived = registry.generic_model_types()[0]
    assert hub_exportable(derived, None) == "generic"
    assert hub_exportable("llama", "text-generation") is True  # hand-written
    assert hub_exportable("marian", "text-generation") == "generic"  # a hand-written type's derived task
    assert hub_exportable("marian", "translation") is True
    assert hub_exportable("no-such-type", "text-generation") is False
    model = SearchResultsModel(hub_exportable)
    model.set_items([ModelSummary(id="org/derived", model_type=derived), ModelSummary(id="org/llama",
                     model_type="llama", pipeline_tag="text-generation")])
    col = SearchResultsModel.COL_EXPORTABLE
    assert model.index(0, col).data() == "✓ generic"
    assert BADGE in model.index(0, col).data(Qt.ItemDataRole.ToolTipRole)
    assert model.index(1, col).data() == "✓ yes"
    assert model.index(0, col).data(Qt.ItemDataRole.UserRole) == model.index(1, col).data(Qt.ItemDataRole.UserRole)
    qtmodeltester.check(model)
