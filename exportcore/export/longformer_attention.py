"""Longformer's attention with shapes that follow the input (part of the transformers adapter, registered in
``adapter_forwards.STAND_INS`` as ``longformer_attention``; decisions 181–183).

transformers' ``LongformerModel`` pads the input to a multiple of ``attention_window`` by a Python integer
(``_pad_to_window_size``), and its ``LongformerSelfAttention`` cuts the padded sequence into overlapping chunks whose
count, the number of global tokens, and whether there is any (``.item()``) are Python values too: a trace freezes
them, and the file is wrong at any other length or global pattern.

The stand-in computes the same attention from tensor shapes only. With ``w = attention_window / 2``, queries go in
blocks of ``w`` (the last block padded), and block ``b`` scores the keys of blocks ``b - 1``, ``b`` and ``b + 1``;
a constant mask keeps ``|i - j| <= w``, another drops keys that are padding, global (transformers scores a global
key once, in its own columns) or outside the sequence. The global keys are gathered (every position global in some
row, ``nonzero``) and scored in columns before the band, masked per row, and everything goes through one softmax, as
in transformers. Padding queries get zeros (transformers zeroes their probabilities); the gathered positions also
attend to every non-padding key through the global projections, and a row's global tokens take that result.
Nothing has to be a multiple of the window, so the model's own padding is skipped (and its unpadding is a no-op).

Memory per layer: ``length x 1.5 window`` band scores and ``2 x length x global tokens`` global ones per head, where
transformers holds ``length x (window + 1 + global tokens)``. tests/core/test_longformer_attention.py checks the
stand-in against transformers' own code.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator

import torch
from torch import nn

from .instance_methods import methods_replaced


def _heads(module: nn.Module, states: torch.Tensor) -> torch.Tensor:
    batch, length, _ = states.shape
    return states.view(batch, length, module.num_heads, module.head_dim).transpose(1, 2)


def _query_blocks(x: torch.Tensor, w: int, tail) -> torch.Tensor:
    """[..., length, d] -> [..., blocks, w, d], the last block padded by ``tail``."""
    x = nn.functional.pad(x, (0, 0, 0, tail))
    return x.reshape(*x.shape[:-2], -1, w, x.shape[-1])


def _key_blocks(x: torch.Tensor, w: int, tail) -> torch.Tensor:
    """[..., length, d] -> [..., blocks, 3w, d]: for query block b, the positions b*w - w ... b*w + 2w - 1."""
    padded = nn.functional.pad(x, (0, 0, w, tail + w))
    span = padded.shape[-2] - 2 * w
    thirds = [padded[..., i * w:i * w + span, :] for i in range(3)]
    return torch.cat([t.reshape(*t.shape[:-2], -1, w, t.shape[-1]) for t in thirds], dim=-2)


def _softmax(scores: torch.Tensor) -> torch.Tensor:
    return nn.functional.softmax(scores, dim=-1, dtype=torch.float32).type_as(scores)


def _banded_forward(self, hidden_states, attention_mask=None, is_index_masked=None, is_index_global_attn=None,
                    is_global_attn=None, output_attentions=False):
    if output_attentions:
        raise NotImplementedError("the export's Longformer attention returns no attention probabilities")
    batch, length, _ = hidden_states.shape
    heads, head_dim, w = self.num_heads, self.head_dim, self.one_sided_attn_window_size
    scale, lowest = math.sqrt(head_dim), torch.finfo(hidden_states.dtype).min
    masked, is_global = is_index_masked, is_index_global_attn  # [batch, length]
    tail = (w - length % w) % w
    query = _heads(self, self.query(hidden_states) / scale)
    key, value = _heads(self, self.key(hidden_states)), _heads(self, self.value(hidden_states))

    positions = torch.arange(3 * w, device=query.device)
    band = (positions[None, :] - w - positions[:w, None]).abs() <= w  # [w, 3w]: query i of a block, key j
    local_keys = (~(masked | is_global)).to(query.dtype)[:, None, :, None]
    keep = band & (_key_blocks(local_keys, w, tail)[..., 0] > 0)[..., None, :]  # [batch, 1, blocks, w, 3w]
    queries = _query_blocks(query, w, tail)
    band_scores = torch.matmul(queries, _key_blocks(key, w, tail).transpose(-1, -2)).masked_fill(~keep, lowest)

    columns = torch.nonzero(is_global.any(0)).squeeze(-1)  # positions global in some row
    global_keys = key.index_select(2, columns)[:, :, None]  # [batch, heads, 1, globals, head_dim]
    global_scores = torch.matmul(queries, global_keys.transpose(-1, -2))
    global_scores = global_scores.masked_fill(~is_global.index_select(1, columns)[:, None, None, None, :], lowest)
    probs = _softmax(torch.cat([global_scores, band_scores], dim=-1))
    count = global_scores.shape[-1]
    out = (torch.matmul(probs[..., :count], value.index_select(2, columns)[:, :, None])
           + torch.matmul(probs[..., count:], _key_blocks(value, w, tail)))
    out = out.reshape(batch, heads, -1, head_dim)[:, :, :length].masked_fill(masked[:, None, :, None], 0.0)

    global_queries = _heads(self, self.query_global(hidden_states) / scale).index_select(2, columns)
    scores = torch.matmul(global_queries, _heads(self, self.key_global(hidden_states)).transpose(-1, -2))
    global_out = torch.matmul(_softmax(scores.masked_fill(masked[:, None, None, :], lowest)),
                              _heads(self, self.value_global(hidden_states)))
    # position -> its row in global_out (1-based; 0 picks a zero row for positions not gathered)
    gathered = is_global.any(0).long()
    global_out = torch.cat([global_out.new_zeros(batch, heads, 1, head_dim), global_out], dim=2)
    global_out = global_out.index_select(2, torch.cumsum(gathered, 0) * gathered)
    out = torch.where(is_global[:, None, :, None], global_out, out)
    return (out.transpose(1, 2).reshape(batch, length, self.embed_dim),)


def _no_window_padding(self, input_ids, attention_mask, token_type_ids, position_ids, inputs_embeds, pad_token_id):
    return 0, input_ids, attention_mask, token_type_ids, position_ids, inputs_embeds


@contextlib.contextmanager
def longformer_attention(model: nn.Module) -> Iterator[None]:
    attentions = [m for m in model.modules() if hasattr(m, "query_global") and hasattr(m, "one_sided_attn_window_size")]
    padders = [m for m in model.modules() if hasattr(m, "_pad_to_window_size")]
    with methods_replaced(attentions, forward=_banded_forward), \
            methods_replaced(padders, _pad_to_window_size=_no_window_padding):
        yield
