"""Issue 13 §2 and §4 in the app: the inspector says which axes a model runs at one size only (Nystromformer's
sequence) and why, from the plan document's ``static_axes``; the options panel offers ``--library`` as the core's
rule says, from the plan document's ``library_choices``. The plans are the core's own (``exportcore inspect`` on
config.json folders: no torch in this process)."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocumentFragment
from PySide6.QtWidgets import QApplication

from exportcore.options import ExportOptions
from exportcore.plan.document import inspect

from app.i18n import LanguageManager
from app.inspector import InspectorView
from app.options_panel import OptionsPanel

NYSTROMFORMER = {"model_type": "nystromformer", "architectures": ["NystromformerForMaskedLM"], "vocab_size": 128,
                 "hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 4, "intermediate_size": 37,
                 "max_position_embeddings": 80, "num_landmarks": 4, "segment_means_seq_len": 64, "type_vocab_size": 2}
BERT = {"model_type": "bert", "architectures": ["BertModel"], "vocab_size": 128, "hidden_size": 32,
        "num_hidden_layers": 2, "num_attention_heads": 4, "intermediate_size": 37, "max_position_embeddings": 64}


def _folder(tmp_path: Path, name: str, config: dict, sentence: bool = False) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "config.json").write_text(json.dumps(config))
    if sentence:
        (folder / "modules.json").write_text(json.dumps([
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}]))
        (folder / "1_Pooling").mkdir()
        (folder / "1_Pooling" / "config.json").write_text(json.dumps({"pooling_mode": "mean"}))
    return folder


def _plain(label) -> str:
    return QTextDocumentFragment.fromHtml(label.text()).toPlainText()


def test_the_inspector_shows_the_fixed_length_and_why_in_both_languages(qtbot, tmp_path):
    plan = inspect(ExportOptions(model=str(_folder(tmp_path, "nystromformer", NYSTROMFORMER))))
    view = InspectorView()
    qtbot.addWidget(view)
    view.resize(1000, 560)
    view.show_plan("org/nystromformer", plan, {})
    view.show()
    page = view.pages[0]
    assert page.fixed_note.isVisible()
    note = _plain(page.fixed_note)
    assert "sequence_length = 64" in note and "pad" in note
    assert "landmark attention" in page.fixed_note.toolTip()
    model = page.inputs_model
    assert model.rowCount() == 3 and all(model.row(i)[3] == "0: batch_size  ·  1: sequence_length = 64 (fixed)"
                                         for i in range(3))
    assert "landmark attention" in model.index(0, 3).data(Qt.ItemDataRole.ToolTipRole)
    assert page.outputs_model.row(0)[3] == "0: batch_size  ·  1: sequence_length = 64 (fixed)"  # fill-mask logits
    language = LanguageManager(QApplication.instance())
    try:
        language.apply("zh_TW")
        qtbot.waitUntil(lambda: "固定" in _plain(page.fixed_note), timeout=3000)
        assert "（固定）" in model.row(0)[3]
    finally:
        language.apply("en")
    # A model without fixed axes shows no note.
    view.show_plan("org/bert", inspect(ExportOptions(model=str(_folder(tmp_path, "bert", BERT)))), {})
    assert not view.pages[0].fixed_note.isVisible() and "(fixed)" not in view.pages[0].inputs_model.row(0)[3]


def test_the_options_panel_hides_a_fixed_shape(qtbot, tmp_path):
    panel = OptionsPanel()
    qtbot.addWidget(panel)
    folder = str(_folder(tmp_path, "nystromformer", NYSTROMFORMER))
    panel.set_model(folder)
    panel.update_from_plan(inspect(ExportOptions(model=folder)))
    assert panel.shape_spins["sequence_length"].isHidden() and not panel.shape_spins["batch_size"].isHidden()


def test_the_options_panel_offers_the_library_the_core_allows(qtbot, tmp_path):
    panel = OptionsPanel()
    qtbot.addWidget(panel)
    panel.set_output_folder(str(tmp_path))
    sentence = str(_folder(tmp_path, "minilm", BERT, sentence=True))
    panel.set_model(sentence)
    panel.update_from_plan(inspect(ExportOptions(model=sentence)))
    assert panel.library.isEnabled() and panel.library.itemText(0) == "Automatic: sentence-transformers"
    assert "last_hidden_state" in panel.library.toolTip()
    assert panel.option_fields()["library"] == "auto" and panel.inspect_options()["library"] == "auto"
    with qtbot.waitSignal(panel.optionsChanged):
        panel.library.setCurrentIndex(panel.library.findData("transformers"))
    assert panel.export_options(sentence, str(tmp_path / "out")).to_cli_args()[-2:] == ["--library", "transformers"]
    assert panel.session.options is not None and panel.session.options.library == "transformers"

    plain = str(_folder(tmp_path, "bert", BERT))
    panel.set_model(plain)  # a new model starts from automatic again
    assert panel.current_library() == "auto"
    panel.update_from_plan(inspect(ExportOptions(model=plain)))
    assert not panel.library.isEnabled() and "modules.json" in panel.disabled_reason("library")
    panel.load({"library": "sentence_transformers"})  # a re-run of an export that asked for it: still changeable
    assert panel.current_library() == "sentence_transformers" and panel.library.isEnabled()


def test_the_inspector_names_the_library_and_says_why(qtbot, tmp_path):
    view = InspectorView()
    qtbot.addWidget(view)
    view.show_plan("org/minilm", inspect(ExportOptions(model=str(_folder(tmp_path, "m", BERT, sentence=True)))), {})
    assert "library sentence_transformers" in _plain(view.header)
    assert "detected from modules.json" in view.header.toolTip()
    view.show_plan("org/bert", inspect(ExportOptions(model=str(_folder(tmp_path, "b", BERT)))), {})
    assert "library transformers" in _plain(view.header) and view.header.toolTip() == ""
