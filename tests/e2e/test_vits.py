"""VITS (issue 13 §3, decisions 190–191): ``text-to-audio``, token ids in, ``waveform`` and ``spectrogram`` out, as
Optimum and transformers.js name them. Both output lengths follow the durations the model predicts from the text;
the sampling noise is off (``vits_zero_noise``). What a user relies on: the file infers the task, validates,
computes what ``VitsModel`` computes without noise at batches, lengths and padding the trace never saw (a padded row
is the same speech as that text alone), gives the same audio on every run, and speaks each row with its own
speaker when the model has several.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import warnings

import numpy as np
import pytest
from tests.e2e.transformers_js import transformers_js_dir


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    import torch
    import transformers

    from exportcore.options import ExportOptions
    from exportcore.run import run_export
    from tests.conftest import tiny_config

    torch.manual_seed(0)
    model = transformers.VitsModel(tiny_config("vits", architectures=["VitsModel"])).eval()
    folder = tmp_path_factory.mktemp("vits") / "model"
    model.save_pretrained(folder)
    out = folder.parent / "onnx"
    outcome = run_export(ExportOptions(model=str(folder), output_dir=str(out)))  # the task from VitsModel
    return model, out, outcome


def _session(out):
    import onnxruntime as ort

    return ort.InferenceSession(str(out / "model.onnx"), providers=["CPUExecutionProvider"])


def _pytorch_without_noise(model, ids: np.ndarray, mask: np.ndarray):
    import torch

    saved = model.noise_scale, model.noise_scale_duration
    model.noise_scale = model.noise_scale_duration = 0.0
    try:
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            result = model(input_ids=torch.from_numpy(ids), attention_mask=torch.from_numpy(mask))
    finally:
        model.noise_scale, model.noise_scale_duration = saved
    return result.waveform.numpy(), result.spectrogram.numpy(), result.sequence_lengths.numpy()


def test_the_file_takes_text_and_returns_audio_of_a_length_it_predicts(exported):
    _, out, outcome = exported
    assert outcome.validation == "passed"
    assert len({row.shape_set for row in outcome.rows}) >= 3
    session = _session(out)
    assert [(i.name, i.shape) for i in session.get_inputs()] == [
        ("input_ids", ["batch_size", "sequence_length"]), ("attention_mask", ["batch_size", "sequence_length"])]
    assert [(o.name, o.shape) for o in session.get_outputs()] == [
        ("waveform", ["batch_size", "num_samples"]), ("spectrogram", ["batch_size", 16, "num_frames"])]


@pytest.mark.parametrize("batch,length", [(1, 4), (3, 9), (2, 23)])  # the trace's 2 x 16 never
def test_it_computes_what_vits_computes_without_noise(exported, batch, length):
    model, out, _ = exported
    rng = np.random.default_rng(length)
    ids = rng.integers(0, 38, (batch, length))
    mask = np.ones((batch, length), np.int64)
    mask[-1, length // 2 + 1:] = 0  # a padded row (the only row at batch 1)
    waveform, spectrogram = _session(out).run(["waveform", "spectrogram"], {"input_ids": ids, "attention_mask": mask})
    expected_waveform, expected_spectrogram, _ = _pytorch_without_noise(model, ids, mask)
    assert waveform.shape == expected_waveform.shape and spectrogram.shape == expected_spectrogram.shape
    assert np.abs(waveform - expected_waveform).max() <= 1e-4
    assert np.abs(spectrogram - expected_spectrogram).max() <= 1e-4


def test_a_padded_row_is_that_text_alone_and_every_run_says_the_same(exported):
    model, out, _ = exported
    session = _session(out)
    ids = np.random.default_rng(1).integers(0, 38, (2, 12))
    mask = np.ones((2, 12), np.int64)
    mask[1, 5:] = 0
    batch = session.run(None, {"input_ids": ids, "attention_mask": mask})
    again = session.run(None, {"input_ids": ids, "attention_mask": mask})
    alone = session.run(None, {"input_ids": ids[1:, :5], "attention_mask": mask[1:, :5]})
    assert all(np.array_equal(a, b) for a, b in zip(batch, again))
    _, _, lengths = _pytorch_without_noise(model, ids, mask)
    assert alone[0].shape[1] == lengths[1] < batch[0].shape[1]  # the shorter text speaks for less time
    # the spectrogram frames are the text's alone (the vocoder's convolutions then also read the padding frames)
    frames = alone[1].shape[2]
    assert np.abs(batch[1][1, :, :frames] - alone[1][0]).max() <= 1e-4
    assert not batch[1][1, :, frames:].any()


def test_the_noise_is_off_only_while_exporting_and_validating(exported):
    """The stand-in leaves the loaded model as transformers made it (its sampling noise, PyTorch's random speech)."""
    from exportcore.export.vits_stand_ins import vits_zero_noise

    model, _, _ = exported
    before = model.noise_scale, model.noise_scale_duration
    assert before == (model.config.noise_scale, model.config.noise_scale_duration) and min(before) > 0
    with vits_zero_noise(model):
        assert (model.noise_scale, model.noise_scale_duration) == (0.0, 0.0)
    assert (model.noise_scale, model.noise_scale_duration) == before


@pytest.mark.slow  # torch.export: about 25 s on 2 cores
def test_torch_export_writes_a_file_that_validates_too(exported, tmp_path):
    from exportcore.options import ExportOptions
    from exportcore.run import run_export

    model, out, _ = exported
    outcome = run_export(ExportOptions(model=str(out.parent / "model"), output_dir=str(tmp_path / "onnx"), dynamo=True))
    assert outcome.validation == "passed"
    ids = np.random.default_rng(3).integers(0, 38, (2, 6))
    mask = np.ones((2, 6), np.int64)
    mask[1, 4:] = 0
    session = _session(tmp_path / "onnx")
    waveform = session.run(["waveform"], {"input_ids": ids, "attention_mask": mask})[0]
    assert np.abs(waveform - _pytorch_without_noise(model, ids, mask)[0]).max() <= 1e-4


TJS_VITS = """
import { createRequire } from 'node:module';
const [tjsDir, folder, ids, mask, dims] = process.argv.slice(2);
const { env, VitsModel, Tensor } = createRequire(tjsDir + '/')('@huggingface/transformers');
env.allowRemoteModels = false; env.localModelPath = '/'; env.useFSCache = false;
const model = await VitsModel.from_pretrained(folder, { dtype: 'fp32', device: 'cpu' });
const shape = JSON.parse(dims), longs = (s) => BigInt64Array.from(JSON.parse(s).map(BigInt));
const out = await model({ input_ids: new Tensor('int64', longs(ids), shape),
                          attention_mask: new Tensor('int64', longs(mask), shape) });
console.log(JSON.stringify({ dims: out.waveform.dims, data: Array.from(out.waveform.data) }));
"""


@pytest.mark.slow  # a second export and Node (with transformers.js installed: about 5 s)
@pytest.mark.skipif(shutil.which("node") is None or transformers_js_dir() is None,
                    reason="needs node and transformers.js: (cd tests/tjs && npm ci)")
def test_transformers_js_vits_model_speaks_the_export(exported, tmp_path):
    """transformers.js's VitsModel (its text-to-audio pipeline's model) feeds the two inputs and reads
    ``waveform`` by name."""
    from exportcore.options import ExportOptions
    from exportcore.run import run_export

    model, out, _ = exported
    layout = tmp_path / "tjs"
    outcome = run_export(ExportOptions(model=str(out.parent / "model"), output_dir=str(layout),
                                       layout="transformers.js"))
    assert outcome.validation == "passed"
    ids = np.random.default_rng(4).integers(0, 38, (2, 7))
    mask = np.ones((2, 7), np.int64)
    mask[1, 3:] = 0
    script = tmp_path / "vits.mjs"
    script.write_text(TJS_VITS)
    arguments = [json.dumps(ids.ravel().tolist()), json.dumps(mask.ravel().tolist()), json.dumps(list(ids.shape))]
    done = subprocess.run(["node", str(script), str(transformers_js_dir()), str(layout), *arguments],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    got = np.array(result["data"], dtype=np.float32).reshape(result["dims"])
    expected = _pytorch_without_noise(model, ids, mask)[0]
    assert got.shape == expected.shape and np.abs(got - expected).max() <= 1e-4


def test_a_model_with_several_speakers_takes_one_per_row(tmp_path):
    """``speaker_id`` (one per row) gives each row what transformers gives that text with that speaker's int."""
    import torch
    import transformers

    from exportcore.options import ExportOptions
    from exportcore.run import run_export
    from tests.conftest import tiny_config

    torch.manual_seed(0)
    config = tiny_config("vits", architectures=["VitsModel"], num_speakers=3, speaker_embedding_size=8)
    model = transformers.VitsModel(config).eval()
    model.save_pretrained(tmp_path / "model")
    outcome = run_export(ExportOptions(model=str(tmp_path / "model"), output_dir=str(tmp_path / "onnx")))
    assert outcome.validation == "passed"
    session = _session(tmp_path / "onnx")
    assert [(i.name, i.shape) for i in session.get_inputs()][2] == ("speaker_id", ["batch_size"])
    ids = np.random.default_rng(5).integers(0, 38, (3, 6))
    ids[1] = ids[0]  # one text, two speakers
    mask = np.ones((3, 6), np.int64)
    speakers = np.array([2, 0, 1])
    spectrogram = session.run(["spectrogram"], {"input_ids": ids, "attention_mask": mask, "speaker_id": speakers})[0]
    model.noise_scale = model.noise_scale_duration = 0.0
    rows = []
    for row, speaker in enumerate(speakers):
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            alone = model(input_ids=torch.from_numpy(ids[row:row + 1]), speaker_id=int(speaker)).spectrogram[0].numpy()
        rows.append(alone)
        assert np.abs(spectrogram[row, :, :alone.shape[1]] - alone).max() <= 1e-4
    # the speakers differ (else the test would prove nothing)
    assert rows[0].shape != rows[1].shape or not np.allclose(rows[0], rows[1], atol=1e-3)
