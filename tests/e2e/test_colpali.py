"""ColPali (issue 13 §3): one ``model.onnx`` with Optimum's names, run as a retrieval runtime runs it — document
pages (image tokens + text, padded batches) and text-only queries through the same file — against
``ColPaliForRetrieval`` called as ``ColPaliProcessor`` feeds it (``token_type_ids`` all zero)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from tests.conftest import TINY_CONFIGS

IMAGE_TOKENS = 16  # the tiny SigLIP: 32-pixel images, 8-pixel patches


@pytest.fixture(scope="module")
def colpali_dir(tmp_path_factory) -> Path:
    import torch
    import transformers

    torch.manual_seed(0)
    model = transformers.ColPaliForRetrieval(TINY_CONFIGS["colpali"]())
    model.config.architectures = ["ColPaliForRetrieval"]
    folder = tmp_path_factory.mktemp("colpali") / "tiny"
    model.save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def colpali_export(colpali_dir, tmp_path_factory):
    from exportcore.options import ExportOptions
    from exportcore.run import run_export

    out = tmp_path_factory.mktemp("colpali-onnx") / "onnx"
    outcome = run_export(ExportOptions(model=str(colpali_dir), output_dir=str(out)))  # the task is inferred
    return outcome, out


def _check_layout(colpali_export) -> None:
    import onnx

    outcome, out = colpali_export
    assert outcome.validation == "passed"
    assert len({row.shape_set for row in outcome.rows}) >= 3
    plan = json.loads((out / "export_plan.json").read_text(encoding="utf-8"))
    assert plan["task"] == "feature-extraction"
    assert sorted(p.name for p in out.glob("*.onnx")) == ["model.onnx"]
    graph = onnx.load(str(out / "model.onnx"), load_external_data=False).graph
    dims = {i.name: [d.dim_param or d.dim_value for d in i.type.tensor_type.shape.dim] for i in graph.input}
    assert list(dims) == ["input_ids", "pixel_values", "attention_mask"]
    assert dims["input_ids"] == dims["attention_mask"] == ["batch_size", "sequence_length"]
    assert dims["pixel_values"] == ["batch_size", 3, 32, 32]
    assert [o.name for o in graph.output] == ["embeddings"]


def _reference(folder: Path, ids: np.ndarray, mask: np.ndarray, pixels: np.ndarray | None) -> np.ndarray:
    import torch
    import transformers

    model = transformers.ColPaliForRetrieval.from_pretrained(folder).eval()
    with torch.no_grad():
        out = model(input_ids=torch.from_numpy(ids), attention_mask=torch.from_numpy(mask),
                    pixel_values=None if pixels is None else torch.from_numpy(pixels),
                    token_type_ids=torch.zeros(ids.shape, dtype=torch.long))
    return out.embeddings.numpy()


def _ids(rng, batch: int, text: int, image: bool) -> np.ndarray:
    ids = rng.integers(6, 128, (batch, (IMAGE_TOKENS if image else 0) + text))
    if image:
        ids[:, :IMAGE_TOKENS] = 5
    return ids


def test_pages_and_queries_through_the_one_file(colpali_dir, colpali_export):
    """The default run's case (one export): the layout, a padded batch of pages, a text-only query."""
    _check_layout(colpali_export)
    _check_pages(colpali_dir, colpali_export, 3, 9)
    _check_query(colpali_dir, colpali_export)


@pytest.mark.slow
@pytest.mark.parametrize("batch, text", [(1, 4), (2, 21)])
def test_padded_pages_match_pytorch(colpali_dir, colpali_export, batch, text):
    _check_pages(colpali_dir, colpali_export, batch, text)


def _check_pages(colpali_dir: Path, colpali_export, batch: int, text: int) -> None:
    """Right-padded rows: the file attends over the whole prompt as transformers does with the processor's inputs
    (a causal trace differs from it by ~0.1 on every token, padded or not)."""
    import onnxruntime as ort

    rng = np.random.default_rng(batch * 100 + text)
    ids = _ids(rng, batch, text, image=True)
    mask = np.ones_like(ids)
    mask[0, ids.shape[1] - min(3, text):] = 0
    pixels = rng.uniform(-1, 1, (batch, 3, 32, 32)).astype(np.float32)
    session = ort.InferenceSession(str(colpali_export[1] / "model.onnx"))
    got = session.run(None, {"input_ids": ids, "pixel_values": pixels, "attention_mask": mask})[0]
    want = _reference(colpali_dir, ids, mask, pixels)
    np.testing.assert_allclose(got, want, atol=1e-4)
    norms = np.linalg.norm(got, axis=-1)
    np.testing.assert_allclose(norms[mask == 1], 1, atol=1e-4)  # multi-vector, normalized, zero on padding
    assert np.all(norms[mask == 0] == 0)


def _check_query(colpali_dir: Path, colpali_export) -> None:
    """A query holds no image token: any image (zeros here) reaches no output, and the embeddings are those of
    ``ColPaliForRetrieval`` without ``pixel_values``."""
    import onnxruntime as ort

    rng = np.random.default_rng(7)
    ids = _ids(rng, 2, 6, image=False)
    mask = np.ones_like(ids)
    mask[1, -2:] = 0
    session = ort.InferenceSession(str(colpali_export[1] / "model.onnx"))
    feeds = {"input_ids": ids, "attention_mask": mask}
    got = session.run(None, {**feeds, "pixel_values": np.zeros((2, 3, 32, 32), np.float32)})[0]
    other = session.run(None, {**feeds, "pixel_values": rng.uniform(-1, 1, (2, 3, 32, 32)).astype(np.float32)})[0]
    np.testing.assert_allclose(got, _reference(colpali_dir, ids, mask, None), atol=1e-4)
    np.testing.assert_array_equal(got, other)
