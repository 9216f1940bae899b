"""Greedy generation run ONLY in onnxruntime on the exported files (feeding the past back) equals PyTorch ``generate``.

For gpt2 and llama (``model.onnx`` with ``past_key_values.*``) and t5 (``encoder_model.onnx`` +
``decoder_model_merged.onnx`` with ``use_cache_branch``): a batch of 2 prompts of different lengths with padding
(left padding for the decoder-only models, the padding side ``generate`` needs; right padding for T5's encoder, as
its tokenizer pads), 20 new tokens, the same token ids as ``model.generate(do_sample=False, max_new_tokens=20,
min_new_tokens=20)`` and the same next-token logits at every step.

Stopping: generation must not stop early, and the ONNX loop (which applies no logits processor) must pick the
same argmax as ``generate``. ``eos_token_id=None`` does not work for that: ``generate`` (transformers 5.24) fills a
``None`` from the model's own generation config, and ``min_new_tokens`` then suppresses the model's EOS id (seen
here: GPT-2's id 2 was masked at step 2 and the tokens diverged). So ``generate`` runs with
``eos_token_id = vocab_size``, an id no step can produce: no EOS stopping and nothing suppressed, while
``min_new_tokens=20`` is still passed as asked. The test checks that exactly 20 new tokens came back, and compares the
raw next-token logits of every step too (``output_logits``). ``pad_token_id`` is 0, what the padded slots hold.

The exports are the shared default exports of tests/e2e/models.py (``--task auto``: text-generation-with-past,
text2text-generation-with-past, merged decoder).
"""

from __future__ import annotations

import numpy as np
import pytest

from tests.e2e.models import tiny_exports  # noqa: F401 - fixture
from tests.e2e.ort_generate import greedy_decoder_only, greedy_seq2seq

NEW_TOKENS = 20
PAD = 0
PROMPT_LENGTHS = (4, 7)  # row 0 is padded to row 1's length
LOGITS_ATOL = 1e-4


def _prompts(vocab: int, left_padding: bool) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(1234)
    width = max(PROMPT_LENGTHS)
    ids = np.full((len(PROMPT_LENGTHS), width), PAD, dtype=np.int64)
    mask = np.zeros_like(ids)
    for row, length in enumerate(PROMPT_LENGTHS):
        span = slice(width - length, width) if left_padding else slice(0, length)
        ids[row, span] = rng.integers(3, vocab, size=length)
        mask[row, span] = 1
    return ids, mask


def _torch_generate(model_dir, architecture: str, ids: np.ndarray, mask: np.ndarray, vocab_size: int):
    """``generate`` greedy with 20 new tokens; returns (sequences, raw next-token logits [steps, batch, vocab])."""
    import copy

    import torch
    import transformers

    model = getattr(transformers, architecture).from_pretrained(str(model_dir)).eval()
    config = copy.deepcopy(model.generation_config)
    config.update(
        do_sample=False, num_beams=1, max_new_tokens=NEW_TOKENS, min_new_tokens=NEW_TOKENS,
        eos_token_id=vocab_size, pad_token_id=PAD, output_logits=True, return_dict_in_generate=True,
    )
    with torch.no_grad():
        out = model.generate(
            input_ids=torch.from_numpy(ids), attention_mask=torch.from_numpy(mask), generation_config=config
        )
    logits = torch.stack(out.logits).float().numpy()
    return out.sequences.numpy(), logits


def _check(case_id: str, ours: np.ndarray, our_logits: np.ndarray, ref: np.ndarray, ref_logits: np.ndarray, prompt: int):
    assert ref.shape[1] == prompt + NEW_TOKENS, f"generate stopped early or ran long: {ref.shape}"
    new = ref[:, prompt:]
    # Precondition: a run that could not reveal a wrong past (one token repeated for the whole loop in every row).
    assert max(len(set(row)) for row in new.tolist()) >= 3, f"{case_id}: degenerate generation {new.tolist()}"
    assert ours.shape == ref.shape
    mismatch = [(r, s) for r in range(ref.shape[0]) for s in range(NEW_TOKENS) if ours[r, prompt + s] != new[r, s]]
    assert not mismatch, (
        f"{case_id}: onnxruntime tokens differ from generate at (row, step) {mismatch[:5]}\n"
        f"ours {ours[:, prompt:].tolist()}\nref  {new.tolist()}"
    )
    np.testing.assert_array_equal(ours, ref)  # the prompt part too
    assert our_logits.shape == ref_logits.shape
    diff = np.abs(our_logits - ref_logits).max(axis=(1, 2))
    assert diff.max() <= LOGITS_ATOL, f"{case_id}: step logits differ, max abs diff per step {diff.tolist()}"


@pytest.mark.parametrize("case_id", ["gpt2", "llama"])
def test_decoder_only_greedy_loop_in_onnxruntime_equals_generate(case_id, tiny_exports):
    export = tiny_exports(case_id)
    assert export.json("export_plan.json")["task"] == "text-generation-with-past"
    config = export.json("config.json")
    ids, mask = _prompts(config["vocab_size"], left_padding=True)
    assert mask[0, 0] == 0 and mask[1].all(), "row 0 must be left-padded"

    ours, our_logits = greedy_decoder_only(export.output_dir / "model.onnx", ids, mask, NEW_TOKENS)
    ref, ref_logits = _torch_generate(export.model_dir, config["architectures"][0], ids, mask, config["vocab_size"])
    _check(case_id, ours, our_logits, ref, ref_logits, prompt=ids.shape[1])


def test_t5_greedy_loop_with_merged_decoder_equals_generate(tiny_exports):
    export = tiny_exports("t5")
    plan = export.json("export_plan.json")
    assert plan["task"] == "text2text-generation-with-past"
    assert plan["files"] == ["encoder_model.onnx", "decoder_model_merged.onnx"]
    config = export.json("config.json")
    ids, mask = _prompts(config["vocab_size"], left_padding=False)
    assert mask[0, -1] == 0 and mask[1].all(), "row 0 must be padded"
    start = config["decoder_start_token_id"]

    ours, our_logits = greedy_seq2seq(
        export.output_dir / "encoder_model.onnx", export.output_dir / "decoder_model_merged.onnx",
        ids, mask, start, NEW_TOKENS,
    )
    ref, ref_logits = _torch_generate(export.model_dir, config["architectures"][0], ids, mask, config["vocab_size"])
    assert (ref[:, 0] == start).all()
    _check("t5", ours, our_logits, ref, ref_logits, prompt=1)
