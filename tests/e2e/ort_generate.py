"""Greedy decoding with onnxruntime only, on exported files, feeding the past back — what a runtime does.

Nothing here imports torch or transformers: the loops read everything they need (input names, element types,
the static head counts and head sizes of the past inputs) from the ONNX files themselves.

- :func:`greedy_decoder_only` — ``model.onnx`` of a ``text-generation-with-past`` export (``input_ids``,
  ``attention_mask`` of length past + new, optional ``position_ids``, ``past_key_values.{i}.key|value`` in,
  ``logits`` + ``present.{i}.key|value`` out). The first step feeds empty (length-0) past tensors. Position ids
  follow ``generate``: ``cumsum(attention_mask) - 1``, with 1 on padded slots, so left padding works.
- :func:`greedy_seq2seq` — ``encoder_model.onnx`` once, then ``decoder_model_merged.onnx``: first step with
  ``use_cache_branch = False`` and empty past tensors, afterwards ``use_cache_branch = True`` with the presents
  of the previous step as the self-attention past; the cross-attention past is the first step's
  ``present.{i}.encoder.*``, kept for the whole loop (as Optimum's runtime does).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import onnxruntime as ort

_NP = {
    "tensor(int64)": np.int64,
    "tensor(int32)": np.int32,
    "tensor(float)": np.float32,
    "tensor(float16)": np.float16,
    "tensor(double)": np.float64,
    "tensor(bool)": np.bool_,
}


class Session:
    """An onnxruntime CPU session that casts feeds to the types the file declares and drops unknown feeds."""

    def __init__(self, path: str | Path) -> None:
        options = ort.SessionOptions()
        options.log_severity_level = 3
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.inputs = {i.name: i for i in self.session.get_inputs()}
        self.output_names = [o.name for o in self.session.get_outputs()]

    def dtype(self, name: str):
        return _NP[self.inputs[name].type]

    def empty_past(self, name: str, batch: int) -> np.ndarray:
        """A zero-length past tensor ``[batch, heads, 0, head_dim]``; heads and head_dim are the file's static dims."""
        shape = self.inputs[name].shape
        heads, head_dim = shape[1], shape[3]
        if not (isinstance(heads, int) and isinstance(head_dim, int)):
            raise AssertionError(f"{name}: heads / head_dim should be static in the file, got {shape}")
        return np.zeros((batch, heads, 0, head_dim), dtype=self.dtype(name))

    def run(self, feeds: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        missing = set(self.inputs) - set(feeds)
        if missing:
            raise AssertionError(f"inputs not fed: {sorted(missing)}")
        feeds = {name: np.asarray(value).astype(self.dtype(name), copy=False) for name, value in feeds.items() if name in self.inputs}
        return dict(zip(self.output_names, self.session.run(self.output_names, feeds)))


def _past_names(session: Session) -> list[str]:
    return [name for name in session.inputs if name.startswith("past_key_values.")]


def position_ids_from_mask(attention_mask: np.ndarray) -> np.ndarray:
    """As ``generate`` computes them: ``cumsum(mask) - 1``, padded slots set to 1."""
    positions = np.cumsum(attention_mask, axis=-1) - 1
    return np.where(attention_mask == 0, 1, positions)


def greedy_decoder_only(model_path: str | Path, input_ids: np.ndarray, attention_mask: np.ndarray,
                        max_new_tokens: int) -> tuple[np.ndarray, np.ndarray]:
    """Greedy decoding of a decoder-only ``model.onnx``.

    Returns ``(tokens, logits)``: ``tokens`` is ``[batch, prompt + max_new_tokens]`` (the prompt, left-padded as
    given, followed by the new tokens), ``logits`` is ``[max_new_tokens, batch, vocab]``, the next-token logits of
    each step."""
    session = Session(model_path)
    past_names = _past_names(session)
    if not past_names:
        raise AssertionError("model.onnx has no past_key_values inputs: not a with-past export")
    batch = input_ids.shape[0]
    past = {name: session.empty_past(name, batch) for name in past_names}
    tokens = input_ids.astype(np.int64)
    mask = attention_mask.astype(np.int64)
    step_ids = tokens
    step_logits: list[np.ndarray] = []
    for _ in range(max_new_tokens):
        feeds = {"input_ids": step_ids, "attention_mask": mask, **past}
        if "position_ids" in session.inputs:
            feeds["position_ids"] = position_ids_from_mask(mask)[:, -step_ids.shape[1]:]
        out = session.run(feeds)
        step_logits.append(out["logits"][:, -1, :])
        next_token = step_logits[-1].argmax(axis=-1).astype(np.int64)[:, None]
        tokens = np.concatenate([tokens, next_token], axis=1)
        mask = np.concatenate([mask, np.ones((batch, 1), dtype=np.int64)], axis=1)
        past = {name: out["present." + name[len("past_key_values."):]] for name in past_names}
        step_ids = next_token
    return tokens, np.stack(step_logits)


def greedy_seq2seq(encoder_path: str | Path, decoder_merged_path: str | Path, input_ids: np.ndarray,
                   attention_mask: np.ndarray, decoder_start_token_id: int,
                   max_new_tokens: int) -> tuple[np.ndarray, np.ndarray]:
    """Greedy decoding with an encoder and a merged decoder.

    Returns ``(tokens, logits)``: ``tokens`` is ``[batch, 1 + max_new_tokens]`` decoder tokens (the start token
    first, as ``generate`` returns them for encoder-decoder models), ``logits`` is ``[max_new_tokens, batch, vocab]``,
    the next-token logits of each step."""
    encoder = Session(encoder_path)
    decoder = Session(decoder_merged_path)
    if "use_cache_branch" not in decoder.inputs:
        raise AssertionError("decoder_model_merged.onnx has no use_cache_branch input")
    past_names = _past_names(decoder)
    batch = input_ids.shape[0]
    encoder_feeds = {"input_ids": input_ids, "attention_mask": attention_mask}
    hidden = encoder.run({k: v for k, v in encoder_feeds.items() if k in encoder.inputs})["last_hidden_state"]
    tokens = np.full((batch, 1), decoder_start_token_id, dtype=np.int64)
    past = {name: decoder.empty_past(name, batch) for name in past_names}
    use_cache = False
    step_logits: list[np.ndarray] = []
    for _ in range(max_new_tokens):
        feeds = {
            "input_ids": tokens[:, -1:] if use_cache else tokens,
            "encoder_hidden_states": hidden,
            "use_cache_branch": np.array([use_cache]),
            **past,
        }
        if "encoder_attention_mask" in decoder.inputs:
            feeds["encoder_attention_mask"] = attention_mask
        out = decoder.run(feeds)
        step_logits.append(out["logits"][:, -1, :])
        next_token = step_logits[-1].argmax(axis=-1).astype(np.int64)[:, None]
        tokens = np.concatenate([tokens, next_token], axis=1)
        # Self-attention past: this step's presents. Cross-attention past: the first step's presents, kept as they
        # are (what Optimum's runtime does; it does not read present.*.encoder.* on the cache branch).
        past = {
            name: past[name] if use_cache and ".encoder." in name else out["present." + name[len("past_key_values."):]]
            for name in past_names
        }
        use_cache = True
    return tokens, np.stack(step_logits)
