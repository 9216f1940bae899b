"""Decoder text classifiers need a padding token id (transformers refuses batch > 1 without one).

As Optimum does: ``--pad-token-id`` wins; otherwise the tokenizer saved with the model; otherwise a coded error that
says what to pass — never an export failure blamed on the opset. The exported config.json then carries the id the
ONNX model was exported with.
"""

from __future__ import annotations

import json

import pytest

from exportcore.errors import ExportError, exit_code_for
from exportcore.options import ExportOptions
from exportcore.run import run_export
from tests.conftest import tiny_config


@pytest.fixture(scope="module")
def classifier(tmp_path_factory):
    """A tiny GPT-2 text classifier whose config has no pad_token_id, saved without a tokenizer."""
    import torch
    import transformers

    config = tiny_config("gpt2", pad_token_id=None, architectures=["GPT2ForSequenceClassification"])
    torch.manual_seed(0)
    folder = tmp_path_factory.mktemp("gpt2-classifier")
    transformers.GPT2ForSequenceClassification(config).save_pretrained(folder)
    assert json.loads((folder / "config.json").read_text()).get("pad_token_id") is None
    return folder


def test_without_any_pad_token_the_error_says_what_to_pass(classifier, tmp_path):
    with pytest.raises(ExportError) as info:
        run_export(ExportOptions(model=str(classifier), output_dir=str(tmp_path / "out")))
    assert info.value.code == "pad_token_required" and exit_code_for("pad_token_required") == 2
    assert "--pad-token-id" in info.value.next_step
    assert not (tmp_path / "out").exists() and not list(tmp_path.glob(".out*"))


def test_the_option_sets_it_and_the_exported_config_says_so(classifier, tmp_path):
    out = tmp_path / "out"
    outcome = run_export(ExportOptions(model=str(classifier), output_dir=str(out), pad_token_id=3))
    assert outcome.validation == "passed" and {r.shape_set.split(",")[0] for r in outcome.rows} >= {"batch=1", "batch=3"}
    assert json.loads((out / "config.json").read_text())["pad_token_id"] == 3
    assert "--pad-token-id 3" in json.loads((out / "export_options.json").read_text())["cli"]


def test_the_tokenizer_saved_with_the_model_provides_it(classifier, tmp_path):
    import shutil

    from tokenizers import Tokenizer
    from tokenizers.models import WordLevel
    from tokenizers.pre_tokenizers import Whitespace
    from transformers import PreTrainedTokenizerFast

    folder = tmp_path / "with-tokenizer"
    shutil.copytree(classifier, folder)
    vocab = {"[UNK]": 0, "[PAD]": 1, **{f"w{i}": i + 2 for i in range(20)}}
    backend = Tokenizer(WordLevel(vocab, unk_token="[UNK]"))
    backend.pre_tokenizer = Whitespace()
    PreTrainedTokenizerFast(tokenizer_object=backend, unk_token="[UNK]", pad_token="[PAD]").save_pretrained(folder)
    out = tmp_path / "out"
    outcome = run_export(ExportOptions(model=str(folder), output_dir=str(out)))
    assert outcome.validation == "passed"
    assert json.loads((out / "config.json").read_text())["pad_token_id"] == 1
    assert "pad_token_id 1 from the tokenizer" in (out / "export.log").read_text()
