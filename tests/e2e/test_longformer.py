"""Longformer (issue 13 §3, decisions 181–183): one file whose sequence axis is really dynamic. transformers pads
to a multiple of ``attention_window`` and chunks by Python integers, which a trace freezes; the export's blocks
follow the input. What a user relies on: the file takes ``global_attention_mask``, validates, computes what
transformers' own code computes at lengths the trace never saw (shorter than a window, longer than several, not a
multiple), with padded rows and any number of global tokens per row, and needs memory linear in the length. Every
task is exported and validated by tests/e2e/test_architectures.py.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    import torch
    import transformers

    from exportcore.options import ExportOptions
    from exportcore.run import run_export
    from tests.conftest import tiny_config

    torch.manual_seed(0)
    # spread weights: at transformers' 0.02 attention is nearly uniform and would hide a wrong band
    model = transformers.LongformerModel(tiny_config("longformer", initializer_range=0.5)).eval()
    folder = tmp_path_factory.mktemp("longformer") / "model"
    model.save_pretrained(folder)
    out = folder.parent / "onnx"
    outcome = run_export(ExportOptions(model=str(folder), output_dir=str(out), task="feature-extraction"))
    return model, out, outcome


def _feeds(length: int, with_global: bool = True) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(length)
    mask = np.ones((3, length), np.int64)
    mask[1, max(1, length - 3):] = 0  # a padded row
    glob = np.zeros((3, length), np.int64)
    if with_global:  # no global token in the first row, one in the second, more in the third
        glob[1:, 0] = 1
        glob[2, rng.integers(0, length, 2)] = 1
    return {"input_ids": rng.integers(3, 128, (3, length)), "attention_mask": mask, "global_attention_mask": glob}


def test_the_file_takes_the_global_attention_mask_and_validates(exported):
    import onnxruntime as ort

    _, out, outcome = exported
    assert outcome.validation == "passed"
    assert len({row.shape_set for row in outcome.rows}) >= 3
    session = ort.InferenceSession(str(out / "model.onnx"), providers=["CPUExecutionProvider"])
    inputs = session.get_inputs()
    assert [i.name for i in inputs] == ["input_ids", "attention_mask", "global_attention_mask"]
    assert all(i.shape == ["batch_size", "sequence_length"] for i in inputs)


@pytest.mark.parametrize("with_global", [True, False], ids=["global tokens", "none global"])
@pytest.mark.parametrize("length", [1, 9, 30])  # the trace's 16 tokens are 4 windows of 4
def test_it_computes_what_transformers_computes_at_lengths_the_trace_never_saw(exported, length, with_global):
    import onnxruntime as ort
    import torch

    model, out, _ = exported
    feeds = _feeds(length, with_global)
    session = ort.InferenceSession(str(out / "model.onnx"), providers=["CPUExecutionProvider"])
    (hidden,) = session.run(["last_hidden_state"], feeds)
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = model(**{k: torch.from_numpy(v) for k, v in feeds.items()}).last_hidden_state.numpy()
    assert hidden.shape == expected.shape == (3, length, model.config.hidden_size)
    assert np.abs(hidden - expected).max() <= 1e-4


@pytest.mark.slow  # torch.export: about 35 s on 2 cores
def test_torch_export_writes_the_same_dynamic_file(exported, tmp_path):
    """The stand-in gathers the global positions with ``nonzero`` (a data-dependent size): torch.export takes it."""
    import onnxruntime as ort

    from exportcore.options import ExportOptions
    from exportcore.run import run_export

    model, out, _ = exported
    dynamo = tmp_path / "dynamo"
    outcome = run_export(ExportOptions(model=str(out.parent / "model"), output_dir=str(dynamo),
                                       task="feature-extraction", dynamo=True))
    assert outcome.validation == "passed"
    feeds = _feeds(17)
    first, second = (ort.InferenceSession(str(folder / "model.onnx"), providers=["CPUExecutionProvider"])
                     .run(["last_hidden_state"], feeds)[0] for folder in (out, dynamo))
    assert np.abs(first - second).max() <= 1e-4


def test_no_value_in_the_graph_grows_with_the_square_of_the_length(exported):
    """Memory linear in the length is what Longformer is for: every intermediate value of the file holds at most
    about twice as many numbers at 60 tokens as at 30 (a dense mask or attention would hold four times as many)."""
    import onnx
    import onnxruntime as ort

    _, out, _ = exported
    model = onnx.load(str(out / "model.onnx"))
    typed = {info.name: info for info in onnx.shape_inference.infer_shapes(model).graph.value_info}
    names = {o.name for o in model.graph.output}
    for node in model.graph.node:
        model.graph.output.extend(typed[name] for name in node.output if name in typed and name not in names)
    assert len(model.graph.output) > 100  # most intermediate values are looked at
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    sizes = {}
    for length in (30, 60):
        feeds = _feeds(length)
        feeds["global_attention_mask"][:] = 0
        feeds["global_attention_mask"][1:, [0, 5]] = 1  # the same global positions at both lengths
        values = session.run(None, feeds)
        sizes[length] = [max(np.asarray(v).size, 1) for v in values]
    growth = {o.name: longer / shorter for o, shorter, longer in zip(session.get_outputs(), sizes[30], sizes[60])}
    assert max(growth.values()) <= 2.5, sorted(growth.items(), key=lambda item: -item[1])[:3]
