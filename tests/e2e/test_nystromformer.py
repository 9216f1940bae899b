"""Nystromformer (issue 13 §2): its landmark attention runs at ``segment_means_seq_len`` tokens only, so the export's
sequence axis is static at that length and its batch dynamic (decision 169). What a user relies on: the file says
the length (an ONNX input dimension of 64, not a symbol), it computes what transformers computes at that length, a
padded batch (the attention mask marking the padding, decision 170) runs, and every validation row was made at 64.
Every task is exported and validated by tests/e2e/test_architectures.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

LENGTH = 64  # tests/architectures.py: segment_means_seq_len


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    import torch
    import transformers

    from exportcore.options import ExportOptions
    from exportcore.run import run_export
    from tests.conftest import TINY_CONFIGS

    torch.manual_seed(0)
    model = transformers.AutoModel.from_config(TINY_CONFIGS["nystromformer"]()).eval()
    folder = tmp_path_factory.mktemp("nystromformer") / "model"
    model.save_pretrained(folder)
    out = folder.parent / "onnx"
    outcome = run_export(ExportOptions(model=str(folder), output_dir=str(out), task="feature-extraction"))
    return model, out, outcome


def _session(path: Path):
    import onnxruntime as ort

    return ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])


def _feeds(batch: int, length: int = LENGTH) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(1)
    return {"input_ids": rng.integers(3, 128, (batch, length)), "attention_mask": np.ones((batch, length), np.int64),
            "token_type_ids": np.zeros((batch, length), np.int64)}


def test_the_file_has_a_fixed_sequence_and_a_dynamic_batch(exported):
    _, out, outcome = exported
    assert outcome.validation == "passed"
    for tensor in [*_session(out / "model.onnx").get_inputs(), *_session(out / "model.onnx").get_outputs()]:
        assert tensor.shape[:2] == ["batch_size", LENGTH], tensor
    plan = json.loads((out / "export_plan.json").read_text())
    assert plan["submodels"][0]["static_axes"]["input_ids"]["1"]["size"] == LENGTH
    labels = {row.shape_set for row in outcome.rows}
    assert len(labels) >= 3 and all(label.endswith(f"sequence={LENGTH}") for label in labels)
    assert {label.split(",")[0] for label in labels} == {"batch=1", "batch=2", "batch=3"}  # the batch still varies


def test_it_computes_what_transformers_computes(exported):
    import torch

    model, out, _ = exported
    feeds = _feeds(3)
    (hidden,) = _session(out / "model.onnx").run(["last_hidden_state"], feeds)
    with torch.no_grad():
        expected = model(**{k: torch.from_numpy(v) for k, v in feeds.items()}).last_hidden_state.numpy()
    assert np.abs(hidden - expected).max() <= 1e-4


def test_a_padded_batch_runs_with_the_padding_masked(exported):
    """transformers 5's own Nystromformer fails on any padding mask (its 4-D mask does not fit the landmark scores);
    the export masks padded keys as transformers 4 did."""
    import torch

    from exportcore.export.adapter_forwards import key_padding_mask

    model, out, _ = exported
    feeds = _feeds(2)
    feeds["attention_mask"][1, 40:] = 0
    (hidden,) = _session(out / "model.onnx").run(["last_hidden_state"], feeds)
    tensors = {k: torch.from_numpy(v) for k, v in feeds.items()}
    with pytest.raises(RuntimeError):
        with torch.no_grad():
            model(**tensors)
    with torch.no_grad(), key_padding_mask(model):
        expected = model(**tensors).last_hidden_state.numpy()
    assert np.isfinite(hidden).all() and np.abs(hidden - expected).max() <= 1e-4
    assert np.abs(hidden[0] - _session(out / "model.onnx").run(["last_hidden_state"], _feeds(2))[0][0]).max() <= 1e-4


def test_another_length_is_refused_by_onnxruntime_naming_the_length(exported):
    _, out, _ = exported
    with pytest.raises(Exception, match=f"Expected: {LENGTH}"):
        _session(out / "model.onnx").run(None, _feeds(1, 7))
