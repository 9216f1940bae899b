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


def test_not_exportable_types_fail_as_documented(tiny_model_dir):
    """``exportcore inspect`` on a listed type stops with unsupported_model_type (what the doc promises)."""
    from exportcore.errors import ExportError
    from exportcore.options import ExportOptions
    from exportcore.plan import resolve
    from tests.conftest import TINY_CONFIGS
    import pytest

    for model_type in supported_models.NOT_EXPORTABLE:
        assert model_type in TINY_CONFIGS, f"{model_type}: keep its tiny config (tests/architectures.py) as evidence"
        with pytest.raises(ExportError) as excinfo:
            resolve(ExportOptions(model=str(tiny_model_dir(model_type))))
        assert excinfo.value.code == "unsupported_model_type"
