"""SAM (issue 13 §3): a tiny seeded ``SamModel`` exports as ``vision_encoder.onnx`` + ``prompt_encoder_mask_decoder.onnx``
(Optimum's "split", what transformers.js's ``SamModel`` loads), each validated against PyTorch, and the two files
chained give ``SamModel``'s own masks and scores for prompts of several sizes."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

from exportcore.errors import ExportError
from exportcore.options import ExportOptions
from tests.conftest import TINY_CONFIGS
from tests.e2e.transformers_js import transformers_js_dir

VISION_INPUTS = ["pixel_values"]
VISION_OUTPUTS = ["image_embeddings", "image_positional_embeddings"]
DECODER_INPUTS = ["image_positional_embeddings", "image_embeddings", "input_points", "input_labels"]
DECODER_OUTPUTS = ["iou_scores", "pred_masks"]


def _save_tiny_sam(folder: Path) -> Path:
    """The tiny configuration of tests/architectures.py, seeded; the parameters transformers initializes to zero
    (relative and absolute position tables) get seeded noise too, so that a wrong index in them shows."""
    import torch
    import transformers

    torch.manual_seed(0)
    model = transformers.SamModel(TINY_CONFIGS["sam"]()).eval()
    with torch.no_grad():
        for name, parameter in model.named_parameters():
            if "rel_pos" in name or name.endswith("pos_embed"):
                parameter.normal_(0.0, 0.2)
    model.config.architectures = ["SamModel"]
    model.save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def sam_config_dir(tmp_path_factory) -> Path:
    """config.json only: what inspection and the plan read."""
    folder = tmp_path_factory.mktemp("sam-config")
    config = TINY_CONFIGS["sam"]()
    config.architectures = ["SamModel"]
    config.save_pretrained(folder)
    return folder


@pytest.fixture(scope="module")
def sam_export(tmp_path_factory):
    from exportcore.run import run_export

    base = tmp_path_factory.mktemp("sam")
    source = _save_tiny_sam(base / "tiny-sam")
    out = base / "onnx"
    outcome = run_export(ExportOptions(model=str(source), output_dir=str(out)))
    return source, out, outcome


def _names(path: Path) -> tuple[list[str], list[str], dict[str, str]]:
    import onnx

    graph = onnx.load(str(path), load_external_data=False).graph
    types = {i.name: onnx.TensorProto.DataType.Name(i.type.tensor_type.elem_type) for i in graph.input}
    return [i.name for i in graph.input], [o.name for o in graph.output], types


def test_two_files_with_optimums_names_each_validated(sam_export):
    _, out, outcome = sam_export
    assert outcome.validation == "passed", [r.to_dict() for r in outcome.rows if not r.passed][:3]
    assert (out / "vision_encoder.onnx").is_file() and (out / "prompt_encoder_mask_decoder.onnx").is_file()
    assert not (out / "model.onnx").exists()
    inputs, outputs, _ = _names(out / "vision_encoder.onnx")
    assert (inputs, outputs) == (VISION_INPUTS, VISION_OUTPUTS)
    inputs, outputs, types = _names(out / "prompt_encoder_mask_decoder.onnx")
    assert (inputs, outputs) == (DECODER_INPUTS, DECODER_OUTPUTS)
    assert types["input_labels"] == "INT64" and types["input_points"] == "FLOAT"

    rows = {}
    for row in outcome.rows:
        rows.setdefault(row.submodel, []).append(row)
    assert set(rows) == {"vision_encoder", "prompt_encoder_mask_decoder"}
    assert all(len({r.shape_set for r in group}) >= 3 for group in rows.values())
    # the prompts really varied over the shape sets: batch x point batches 1x1, 3x2, 2x3 (points: 1, 9, 4)
    masks = [r.expected_shape for r in rows["prompt_encoder_mask_decoder"] if r.output == "pred_masks"]
    assert sorted(tuple(shape[:2]) for shape in masks) == [(1, 1), (2, 3), (3, 2)]
    _check_chained(*sam_export[:2], batch=2, point_batches=3, points=4)  # one export in the default run: here


def _chained(out: Path, pixels: np.ndarray, points: np.ndarray, labels: np.ndarray) -> list[np.ndarray]:
    """What a runtime does: the vision encoder once, its two outputs into the prompt decoder by name."""
    import onnxruntime as ort

    vision = ort.InferenceSession(str(out / "vision_encoder.onnx"), providers=["CPUExecutionProvider"])
    decoder = ort.InferenceSession(str(out / "prompt_encoder_mask_decoder.onnx"), providers=["CPUExecutionProvider"])
    embeddings, positions = vision.run(None, {"pixel_values": pixels})
    return decoder.run(None, {"image_embeddings": embeddings, "image_positional_embeddings": positions,
                              "input_points": points, "input_labels": labels})


def _prompt(batch: int, point_batches: int, points: int, seed: int):
    rng = np.random.default_rng(seed)
    pixels = rng.standard_normal((batch, 3, 64, 64)).astype(np.float32)
    coords = rng.uniform(0, 64, (batch, point_batches, points, 2)).astype(np.float32)
    labels = rng.choice([1, 0, -10], size=(batch, point_batches, points)).astype(np.int64)
    labels[..., 0] = 1
    return pixels, coords, labels


@pytest.mark.slow  # the default run chains one prompt size (above); these add the smallest and a wide one
@pytest.mark.parametrize("batch, point_batches, points", [(1, 1, 1), (1, 5, 2)])
def test_the_two_files_chained_give_sam_models_masks(sam_export, batch, point_batches, points):
    _check_chained(*sam_export[:2], batch=batch, point_batches=point_batches, points=points)


def _check_chained(source: Path, out: Path, batch: int, point_batches: int, points: int) -> None:
    import torch
    import transformers

    pixels, coords, labels = _prompt(batch, point_batches, points, seed=batch + point_batches + points)
    scores, masks = _chained(out, pixels, coords, labels)
    model = transformers.SamModel.from_pretrained(source).eval()
    with torch.no_grad():
        expected = model(pixel_values=torch.from_numpy(pixels), input_points=torch.from_numpy(coords),
                         input_labels=torch.from_numpy(labels))
    assert scores.shape == (batch, point_batches, 3) and masks.shape == (batch, point_batches, 3, 32, 32)
    assert masks.std() > 100 * 1e-4 and scores.std() > 100 * 1e-4  # far more signal than the tolerance below
    assert np.abs(scores - expected.iou_scores.numpy()).max() <= 1e-4
    assert np.abs(masks - expected.pred_masks.numpy()).max() <= 1e-4


def test_inspect_shows_both_parts(sam_config_dir):
    from exportcore.plan.document import inspect

    source = sam_config_dir
    document = inspect(ExportOptions(model=str(source)))
    assert document["model_type"] == "sam" and document["task"] == "feature-extraction"
    assert document["task_source"] == "architectures"
    assert document["supported_tasks"] == ["feature-extraction", "mask-generation"]
    assert document["files"] == ["vision_encoder.onnx", "prompt_encoder_mask_decoder.onnx"]
    vision, decoder = document["submodels"]
    assert (vision["name"], list(vision["inputs"]), list(vision["outputs"])) == (
        "vision_encoder", VISION_INPUTS, VISION_OUTPUTS)
    assert (decoder["name"], list(decoder["inputs"]), list(decoder["outputs"])) == (
        "prompt_encoder_mask_decoder", DECODER_INPUTS, DECODER_OUTPUTS)
    assert decoder["inputs"]["input_points"] == {"0": "batch_size", "1": "point_batch_size",
                                                 "2": "nb_points_per_image"}
    assert vision["inputs"]["pixel_values"] == {"0": "batch_size"}  # the position table fixes the image size
    assert vision["dummy_shapes"]["pixel_values"] == [2, 3, 64, 64]
    assert decoder["input_dtypes"]["input_labels"] == "int64"
    assert decoder["dummy_shapes"]["input_points"] == [2, 3, 4, 2]  # the trace's prompts: Optimum's 3 point batches
    assert document["facts"]["shape_keywords"] == ["batch_size"]  # the prompts follow the batch (PROMPT_SIZES)


def test_another_image_size_is_refused_before_any_work(sam_config_dir):
    from exportcore.plan import make_plan

    source = sam_config_dir
    with pytest.raises(ExportError) as caught:
        make_plan(ExportOptions(model=str(source), shapes={"image_height": 32}))
    assert caught.value.code == "image_size_unsupported"


def test_mask_generation_is_the_same_split():
    from exportcore import registry
    from exportcore.tasks import TaskChoice, auto_classes

    assert auto_classes("mask-generation") == ("AutoModelForMaskGeneration",)
    assert registry.infer_task("sam", ["SamModel"]) == TaskChoice("feature-extraction")  # Optimum's task
    assert registry.infer_task("sam", None, "mask-generation") == TaskChoice("mask-generation")  # the Hub's tag
    cls = registry.get_config_class("sam", "mask-generation")
    assert cls is registry.get_config_class("sam", "feature-extraction")
    config = TINY_CONFIGS["sam"]()
    whole = cls(config, task="mask-generation")
    assert [list(whole.with_part(p).outputs) for p in whole.parts()] == [VISION_OUTPUTS, DECODER_OUTPUTS]


TJS_SAM = """
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
const [tjsDir, folder, inputsFile] = process.argv.slice(2);
const { env, SamModel, Tensor } = createRequire(tjsDir + '/')('@huggingface/transformers');
env.allowRemoteModels = false; env.localModelPath = '/'; env.useFSCache = false;
const model = await SamModel.from_pretrained(folder, { dtype: 'fp32', device: 'cpu' });
const x = JSON.parse(readFileSync(inputsFile, 'utf8'));
const out = await model({
  pixel_values: new Tensor('float32', Float32Array.from(x.pixel_values.data), x.pixel_values.dims),
  input_points: new Tensor('float32', Float32Array.from(x.input_points.data), x.input_points.dims),
  input_labels: new Tensor('int64', BigInt64Array.from(x.input_labels.data.map(BigInt)), x.input_labels.dims),
});
const plain = (t) => ({ dims: t.dims, data: Array.from(t.data).map(Number) });
console.log(JSON.stringify({ iou_scores: plain(out.iou_scores), pred_masks: plain(out.pred_masks) }));
"""


@pytest.mark.slow  # a second export and Node: about 15 s
@pytest.mark.skipif(shutil.which("node") is None or transformers_js_dir() is None,
                    reason="needs node and transformers.js: (cd tests/tjs && npm ci)")
def test_transformers_js_sam_model_runs_the_export(sam_export, tmp_path):
    """transformers.js's SamModel (the mask-generation pipeline's model) loads the transformers.js layout and gives
    PyTorch's masks."""
    import torch
    import transformers

    from exportcore.run import run_export

    source, _, _ = sam_export
    out = tmp_path / "tjs"
    outcome = run_export(ExportOptions(model=str(source), output_dir=str(out), task="mask-generation",
                                       layout="transformers.js"))
    assert outcome.validation == "passed"
    pixels, coords, labels = _prompt(1, 2, 3, seed=7)
    given = {name: {"dims": list(a.shape), "data": a.ravel().tolist()}
             for name, a in (("pixel_values", pixels), ("input_points", coords), ("input_labels", labels))}
    script, inputs = tmp_path / "sam.mjs", tmp_path / "inputs.json"
    script.write_text(TJS_SAM)
    inputs.write_text(json.dumps(given))
    done = subprocess.run(["node", str(script), str(transformers_js_dir()), str(out), str(inputs)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    model = transformers.SamModel.from_pretrained(source).eval()
    with torch.no_grad():
        expected = model(pixel_values=torch.from_numpy(pixels), input_points=torch.from_numpy(coords),
                         input_labels=torch.from_numpy(labels))
    for name in DECODER_OUTPUTS:
        got = np.array(result[name]["data"], dtype=np.float32).reshape(result[name]["dims"])
        assert np.abs(got - getattr(expected, name).numpy()).max() <= 1e-4, name


@pytest.mark.slow  # a second export on the torch.export path: about 15 s
def test_the_torch_export_path_gives_the_same_masks(sam_export, tmp_path):
    """The decoder's per-point-batch repeat, rewritten as a reshape (export/sam_parts.py), works there too."""
    from exportcore.run import run_export

    source, _, _ = sam_export
    out = tmp_path / "dynamo"
    outcome = run_export(ExportOptions(model=str(source), output_dir=str(out), dynamo=True))
    assert outcome.validation == "passed", [r.to_dict() for r in outcome.rows if not r.passed][:3]
    _check_chained(source, out, batch=3, point_batches=2, points=5)
