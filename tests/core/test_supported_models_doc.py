"""docs/supported-models.md is generated from the registry and committed: it must be current."""

from __future__ import annotations

from exportcore import registry, supported_models


def test_committed_supported_models_doc_is_current():
    committed = supported_models.DOC_PATH.read_text(encoding="utf-8")
    assert committed == supported_models.render(), "run: python -m exportcore.supported_models"


def test_doc_lists_every_registered_type_and_task():
    text = supported_models.render()
    for model_type in registry.supported_model_types():
        row = next(line for line in text.splitlines() if line.startswith(f"| `{model_type}` |"))
        for task in registry.supported_tasks(model_type):
            assert task in row


def test_not_exportable_types_are_not_registered():
    for model_type in supported_models.NOT_EXPORTABLE:
        assert not registry.is_exportable(model_type), model_type


def test_check_mode(tmp_path):
    stale = tmp_path / "supported-models.md"
    stale.write_text("old\n", encoding="utf-8")
    assert supported_models.main(["--check", "--output", str(stale)]) == 1
    assert supported_models.main(["--output", str(stale)]) == 0
    assert supported_models.main(["--check", "--output", str(stale)]) == 0
