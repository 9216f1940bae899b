"""Pix2Struct (issue 13 §3, decisions 175–177): an encoder over flattened patches and a T5-like decoder whose
``decoder_attention_mask`` covers the past and the new tokens. What a user relies on: Optimum's files and names
(``encoder_model.onnx``, ``decoder_model_merged.onnx``), driven as Optimum's ``ORTModelForPix2Struct`` drives them,
give transformers' own tokens and logits, with padding patches of any count and a decoder mask that is honoured
once there is a cache (or covers only the new token, as Optimum's runtime feeds it). Both tasks are also exported
and validated by tests/e2e/test_architectures.py.
"""

from __future__ import annotations

import numpy as np
import pytest

STEPS = 6
PATCH_VALUES = 48  # the tiny model's 4 x 4 pixels x 3 channels (tests/architectures.py)


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    import torch
    import transformers

    from exportcore.options import ExportOptions
    from exportcore.run import run_export
    from tests.conftest import tiny_config

    torch.manual_seed(0)
    model = transformers.Pix2StructForConditionalGeneration(tiny_config("pix2struct")).eval()
    folder = tmp_path_factory.mktemp("pix2struct") / "model"
    model.save_pretrained(folder)
    out = folder.parent / "onnx"
    outcome = run_export(ExportOptions(model=str(folder), output_dir=str(out), task="image-to-text-with-past"))
    return model, out, outcome


def _sessions(out):
    import onnxruntime as ort

    return (ort.InferenceSession(str(out / "encoder_model.onnx"), providers=["CPUExecutionProvider"]),
            ort.InferenceSession(str(out / "decoder_model_merged.onnx"), providers=["CPUExecutionProvider"]))


def _patches(valid: list[int], patches: int) -> tuple[np.ndarray, np.ndarray]:
    """Patches as the processor pads them: rows and columns from 1, then zeros (mask 0) up to ``patches``."""
    rng = np.random.default_rng(patches)
    flat = rng.uniform(-1, 1, (len(valid), patches, 2 + PATCH_VALUES)).astype(np.float32)
    index = np.arange(patches)
    flat[:, :, 0], flat[:, :, 1] = index // 4 + 1, index % 4 + 1
    mask = np.zeros((len(valid), patches), np.int64)
    for row, count in enumerate(valid):
        mask[row, :count] = 1
        flat[row, count:] = 0
    return flat, mask


def _step(decoder, mask, hidden, ids, decoder_mask, past, first):
    names = [o.name for o in decoder.get_outputs()]
    feeds = {"encoder_attention_mask": mask, "input_ids": ids, "decoder_attention_mask": decoder_mask,
             "encoder_hidden_states": hidden, "use_cache_branch": np.array([not first]), **past}
    out = dict(zip(names, decoder.run(names, feeds)))
    fresh = {name.replace("present", "past_key_values", 1): value for name, value in out.items()
             if name.startswith("present") and (first or ".encoder." not in name)}
    return out["logits"], {**past, **fresh}


def _empty_past(decoder, batch):
    return {i.name: np.zeros((batch, i.shape[1], 0, i.shape[3]), np.float32) for i in decoder.get_inputs()
            if i.name.startswith("past_key_values.")}


def test_the_files_and_names_are_optimums_and_validate(exported):
    _, out, outcome = exported
    assert outcome.validation == "passed"
    assert {row.submodel for row in outcome.rows} >= {"encoder_model", "decoder_model_merged (with cache)"}
    assert len({row.shape_set for row in outcome.rows if "with cache" in row.submodel}) >= 3
    assert sorted(p.name for p in out.glob("*.onnx")) == ["decoder_model_merged.onnx", "encoder_model.onnx"]
    encoder, decoder = _sessions(out)
    assert [(i.name, i.shape) for i in encoder.get_inputs()] == [
        ("flattened_patches", ["batch_size", "encoder_sequence_length", 2 + PATCH_VALUES]),
        ("attention_mask", ["batch_size", "encoder_sequence_length"])]
    inputs = {i.name: i.shape for i in decoder.get_inputs()}
    assert list(inputs)[:4] == ["encoder_attention_mask", "input_ids", "decoder_attention_mask",
                                "encoder_hidden_states"]
    assert inputs["decoder_attention_mask"] == ["batch_size", "past_decoder_sequence_length + decoder_sequence_length"]
    assert "use_cache_branch" in inputs and "past_key_values.1.encoder.value" in inputs
    assert [o.name for o in decoder.get_outputs()][:3] == ["logits", "present.0.decoder.key", "present.0.decoder.value"]


# Padding patches at counts the trace never saw; the decoder mask over past + new tokens, or over the new token only
# as Optimum's ORTModelForPix2Struct feeds it once there is a cache (the whole past is attended then).
@pytest.mark.parametrize("valid, patches, whole_mask", [([12, 9], 12, True), ([3], 5, False)])
def test_greedy_decoding_gives_the_logits_of_generate(exported, valid, patches, whole_mask):
    import torch

    model, out, _ = exported
    flat, mask = _patches(valid, patches)
    with torch.no_grad():
        reference = model.generate(flattened_patches=torch.from_numpy(flat), attention_mask=torch.from_numpy(mask),
                                   max_new_tokens=STEPS, do_sample=False, eos_token_id=None, output_logits=True,
                                   return_dict_in_generate=True)
    encoder, decoder = _sessions(out)
    hidden = encoder.run(None, {"flattened_patches": flat, "attention_mask": mask})[0]
    batch = len(valid)
    past, ids = _empty_past(decoder, batch), reference.sequences[:, :1].numpy()
    for step in range(STEPS):  # fed transformers' tokens: one flip on a tiny model does not hide the rest
        decoder_mask = np.ones((batch, step + 1 if whole_mask else 1), np.int64)
        logits, past = _step(decoder, mask, hidden, ids, decoder_mask, past, step == 0)
        np.testing.assert_allclose(logits[:, -1], reference.logits[step].numpy(), atol=1e-4, rtol=0)
        ids = reference.sequences[:, step + 1:step + 2].numpy()


def test_the_decoder_mask_over_the_past_is_honoured(exported):
    """A left-padded decoder prompt: the padded slot, masked in the past, changes the next step's logits in
    transformers; the file must change them alike (a file that ignored the mask would give the unmasked logits)."""
    import torch

    model, out, _ = exported
    flat, mask = _patches([10, 10], 10)
    prompt = np.array([[0, 0, 7, 9], [0, 5, 7, 9]], np.int64)  # row 0: one padding slot after the start token
    masked = np.array([[1, 0, 1, 1, 1], [1, 1, 1, 1, 1]], np.int64)  # past 4 + the new token
    new = np.array([[11], [11]], np.int64)
    encoder, decoder = _sessions(out)
    hidden = encoder.run(None, {"flattened_patches": flat, "attention_mask": mask})[0]

    def both(decoder_mask):
        with torch.no_grad():
            first = model(flattened_patches=torch.from_numpy(flat), attention_mask=torch.from_numpy(mask),
                          decoder_input_ids=torch.from_numpy(prompt),
                          decoder_attention_mask=torch.from_numpy(decoder_mask[:, :4]), use_cache=True)
            second = model(encoder_outputs=(first.encoder_last_hidden_state,), attention_mask=torch.from_numpy(mask),
                           decoder_input_ids=torch.from_numpy(new),
                           decoder_attention_mask=torch.from_numpy(decoder_mask), cache=first.cache, use_cache=True)
        _, past = _step(decoder, mask, hidden, prompt, decoder_mask[:, :4], _empty_past(decoder, 2), True)
        logits, _ = _step(decoder, mask, hidden, new, decoder_mask, past, False)
        return logits[:, -1], second.logits[:, -1].numpy()

    onnx_masked, torch_masked = both(masked)
    onnx_plain, _ = both(np.ones_like(masked))
    np.testing.assert_allclose(onnx_masked, torch_masked, atol=1e-4, rtol=0)
    assert np.abs(onnx_masked[0] - onnx_plain[0]).max() > 1e-3  # the mask changed the padded row
    np.testing.assert_allclose(onnx_masked[1], onnx_plain[1], atol=1e-5)  # and nothing else


def test_only_pix2struct_decoders_take_a_decoder_mask(tiny_model_dir):
    """T5's (and every other seq2seq template's) decoders are unchanged; Pix2Struct's dummy mask is past + new."""
    from exportcore.options import ExportOptions
    from exportcore.plan.submodels import make_plan

    t5 = make_plan(ExportOptions(model=str(tiny_model_dir("t5")), task="text2text-generation-with-past"))
    assert not any("decoder_attention_mask" in s.onnx_config.inputs for s in t5.submodels)
    plan = make_plan(ExportOptions(model=str(tiny_model_dir("pix2struct")), task="image-to-text-with-past"))
    with_past = plan.submodel("decoder_with_past_model").onnx_config
    shapes = with_past.dummy_shapes(batch_size=2, sequence_length=5, past_sequence_length=3)
    assert shapes["decoder_attention_mask"] == [2, 4] and shapes["decoder_input_ids"] == [2, 1]
    assert "decoder_attention_mask" not in plan.submodel("encoder_model").onnx_config.inputs
