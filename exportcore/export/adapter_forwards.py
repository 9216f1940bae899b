"""The adapter's export forwards: stand-ins for transformers code that computes the right values but does not trace
into a valid ONNX graph. Part of the transformers adapter (``adapter.py``, split off for size): each stand-in is
checked against the original by tests/e2e/test_hybrid.py and tests/e2e/test_multimodal.py, and each is applied only
inside the traced module's forward, so ``generate`` (the end-to-end reference) runs transformers' own code.

- ``mamba2_scan``: the Mamba2 chunked scan of Granite 4 hybrids, Falcon-H1, Nemotron-H and Mamba2 splits off the
  "intermediate states to keep" with ``torch.tensor_split`` at a computed index (TorchScript writes an invalid
  ``Tile``) and takes a ``seq_len == 1`` branch. The stand-in runs the family's own ``mamba2_chunk_scan`` over the
  whole input from the cached state, always; the chunk padding stays dynamic, so the graph is right at any length.
- ``idefics3_embeddings``: Idefics3 / SmolVLM patch position ids without ``torch.bucketize`` (no ONNX symbolic) and
  without an untyped ``torch.full`` (traced as a float index).
- ``qwen2_vl_attention``: Qwen2-VL's vision attention with one block-diagonal mask instead of a split per image.
- ``key_padding_mask``: Nystromformer's attention mask as transformers 4 built it, ``[batch, 1, 1, keys]``: transformers
  5 builds a ``[batch, 1, queries, keys]`` mask, which landmark attention cannot add to its ``[…, landmarks, keys]``
  scores (it fails in PyTorch too as soon as a mask is materialized: a trace, or any padding). Longformer's too: it
  builds the ``[batch, 1, length, length]`` mask and keeps one row of it, length² values in the file for nothing.
- ``patchify_slices``: PatchTST / PatchTSMixer cut the window into patches with ``unfold`` over dimension -2, which
  TorchScript translates with the patch axis in the wrong place (onnxruntime refuses the file); the stand-in takes
  the same patches as slices (checked against the original by tests/core/test_optimum_rest.py).
- ``tiled_patches``: MobileViTV2 cuts its feature map into patches with ``unfold`` and puts them back with ``fold``
  (``aten::col2im``, which the TorchScript exporter cannot translate with a traced output size). Its patches do
  not overlap (stride = kernel), so both are a reshape and a permutation (checked against the original by
  tests/core/test_tiled_patches.py).
- ``named_logits``: MGP-STR returns its character, BPE and WordPiece logits as one tuple, ``logits``; the traced
  module picks outputs by name, so they are named ``char_logits``, ``bpe_logits``, ``wp_logits`` (Optimum's).
- ``longformer_attention``: Longformer's sliding-window and global attention in blocks whose count follows the
  input, without the padding to a window multiple (``longformer_attention.py``; checked by
  tests/core/test_longformer_attention.py).
"""

from __future__ import annotations

import contextlib
import importlib
import types
from collections.abc import Iterator

import torch
import torch.nn.functional as F
from torch import nn

from . import adapter_scans, longformer_attention, vits_stand_ins
from .instance_methods import methods_replaced

_modeling_modules = adapter_scans.modeling_modules


def _mamba2_scan_forward(family):
    chunk_scan = family.mamba2_chunk_scan

    def scan_forward(module, hidden_states, B, C, dt, cache, **kwargs):
        batch, length, _ = hidden_states.shape
        state = cache.get_recurrent_state(module.layer_idx, state_idx=0)
        A = -torch.exp(module.A_log.float())
        # The scan pads to whole chunks itself, but a trace at a length that needs no padding freezes "no padding".
        # Padding here by 1..chunk steps keeps it in the graph; a padded step has dt = softplus(-1e4 + bias) = 0:
        # no input and no decay, so the final state is the last real step's and the outputs are cut off.
        pad = module.chunk_size - length % module.chunk_size
        groups = (batch, length, module.n_groups, module.ssm_state_size)
        out, last = chunk_scan(
            F.pad(hidden_states.view(batch, length, module.num_heads, module.head_dim), (0, 0, 0, 0, 0, pad)),
            F.pad(dt, (0, 0, 0, pad), value=-1e4), A,
            F.pad(B.view(groups), (0, 0, 0, 0, 0, pad)), F.pad(C.view(groups), (0, 0, 0, 0, 0, pad)),
            chunk_size=module.chunk_size, D=module.D, z=None, return_final_states=True, dt_bias=module.dt_bias,
            dt_softplus=True, initial_states=state, dt_limit=module.time_step_limit)
        cache.update_recurrent_state(last, module.layer_idx)
        return out[:, :length].reshape(batch, length, -1)

    return scan_forward


@contextlib.contextmanager
def mamba2_scan(model: nn.Module) -> Iterator[None]:
    patched = []
    for family in _modeling_modules(model):
        if hasattr(family, "mamba2_scan_forward") and hasattr(family, "mamba2_chunk_scan"):
            patched.append((family, family.mamba2_scan_forward))
            family.mamba2_scan_forward = _mamba2_scan_forward(family)
    try:
        yield
    finally:
        for family, original in patched:
            family.mamba2_scan_forward = original


def _idefics3_embeddings_forward(self, pixel_values: torch.Tensor, patch_attention_mask: torch.Tensor) -> torch.Tensor:
    batch, _, _, _ = pixel_values.shape
    embeddings = self.patch_embedding(pixel_values).flatten(2).transpose(1, 2)
    side = self.num_patches_per_side
    boundaries = torch.arange(1 / side, 1.0, 1 / side, device=pixel_values.device)
    rows = patch_attention_mask[:, :, 0].sum(dim=1)
    cols = patch_attention_mask[:, 0, :].sum(dim=1)
    row_index = torch.arange(patch_attention_mask.size(1), dtype=torch.float32, device=pixel_values.device)
    col_index = torch.arange(patch_attention_mask.size(2), dtype=torch.float32, device=pixel_values.device)
    fraction_rows = torch.clamp(row_index[None, :] * (1.0 / rows)[:, None], max=1.0 - 1e-6)
    fraction_cols = torch.clamp(col_index[None, :] * (1.0 / cols)[:, None], max=1.0 - 1e-6)
    # bucketize(x, boundaries, right=True) == how many boundaries are <= x
    bucket_rows = (fraction_rows[..., None] >= boundaries).sum(-1)
    bucket_cols = (fraction_cols[..., None] >= boundaries).sum(-1)
    position_ids = (bucket_rows[:, :, None] * side + bucket_cols[:, None, :]).reshape(batch, -1)
    position_ids = torch.where(patch_attention_mask.view(batch, -1), position_ids, torch.zeros_like(position_ids))
    return embeddings + self.position_embedding(position_ids)


@contextlib.contextmanager
def idefics3_embeddings(embeddings: nn.Module) -> Iterator[None]:
    embeddings.forward = types.MethodType(_idefics3_embeddings_forward, embeddings)
    try:
        yield
    finally:
        del embeddings.forward  # back to the class's own


def _qwen2_vl_attention(mask: torch.Tensor, family: types.ModuleType):
    apply_rotary_pos_emb_vision = family.apply_rotary_pos_emb_vision

    def forward(self, hidden_states, cu_seqlens=None, position_embeddings=None, **kwargs):
        length = hidden_states.shape[0]
        query, key, value = self.qkv(hidden_states).reshape(length, 3, self.num_heads, -1).permute(1, 0, 2, 3).unbind(0)
        query, key = apply_rotary_pos_emb_vision(query, key, *position_embeddings)
        query, key, value = (t.transpose(0, 1).unsqueeze(0) for t in (query, key, value))
        out = F.scaled_dot_product_attention(query, key, value, attn_mask=mask, scale=self.scaling)
        return self.proj(out.squeeze(0).transpose(0, 1).reshape(length, -1))

    return forward


@contextlib.contextmanager
def qwen2_vl_attention(visual: nn.Module, masks: list[torch.Tensor]) -> Iterator[None]:
    """Qwen2-VL / Qwen2.5-VL vision attention over all images at once, block ``i`` with ``masks[i]`` (same frame;
    Qwen2.5-VL's windowed blocks: same frame and window) instead of a Python split per image or window by
    ``cu_seqlens.tolist()`` (a trace would freeze the image count and sizes)."""
    blocks = [block.attn for block in visual.blocks]
    family = importlib.import_module(type(blocks[0]).__module__)
    for attention, mask in zip(blocks, masks, strict=True):
        attention.forward = types.MethodType(_qwen2_vl_attention(mask, family), attention)
    try:
        yield
    finally:
        for attention in blocks:
            del attention.forward


def _key_padding_mask(config, inputs_embeds: torch.Tensor, attention_mask: torch.Tensor | None = None, **kwargs):
    if attention_mask is None:
        return None
    dtype = inputs_embeds.dtype
    return (1.0 - attention_mask[:, None, None, :].to(dtype)) * torch.finfo(dtype).min


@contextlib.contextmanager
def key_padding_mask(model: nn.Module) -> Iterator[None]:
    patched = []
    for family in _modeling_modules(model):
        if hasattr(family, "create_bidirectional_mask"):
            patched.append((family, family.create_bidirectional_mask))
            family.create_bidirectional_mask = _key_padding_mask
    try:
        yield
    finally:
        for family, original in patched:
            family.create_bidirectional_mask = original


def _patchify_forward(module: nn.Module, past_values: torch.Tensor) -> torch.Tensor:
    window = past_values[:, module.sequence_start:, :]
    patches = [window[:, i * module.patch_stride:i * module.patch_stride + module.patch_length, :]
               for i in range(module.num_patches)]
    # [batch, patches, patch_length, channels] -> [batch, channels, patches, patch_length], as unfold + transpose give
    return torch.stack(patches, dim=1).permute(0, 3, 1, 2).contiguous()


def patchify_slices(model: nn.Module) -> contextlib.AbstractContextManager:
    patched = [module for module in model.modules()
               if type(module).__name__.endswith("Patchify") and hasattr(module, "sequence_start")]
    return methods_replaced(patched, forward=_patchify_forward)


def _unfolding(module, feature_map):
    batch, channels, height, width = feature_map.shape
    ph, pw = module.patch_height, module.patch_width
    tiles = feature_map.reshape(batch, channels, height // ph, ph, width // pw, pw)
    patches = tiles.permute(0, 1, 3, 5, 2, 4).reshape(batch, channels, ph * pw, -1)
    return patches, (height, width)


def _folding(module, patches, output_size):
    batch, channels, _, _ = patches.shape
    ph, pw = module.patch_height, module.patch_width
    height, width = output_size
    tiles = patches.reshape(batch, channels, ph, pw, height // ph, width // pw)
    return tiles.permute(0, 1, 4, 2, 5, 3).reshape(batch, channels, height, width)


def tiled_patches(model: nn.Module) -> contextlib.AbstractContextManager:
    patched = [module for module in model.modules()
               if hasattr(module, "unfolding") and hasattr(module, "folding") and hasattr(module, "patch_height")]
    return methods_replaced(patched, unfolding=_unfolding, folding=_folding)


@contextlib.contextmanager
def named_logits(model: nn.Module) -> Iterator[None]:
    original = model.forward

    def forward(*args, **kwargs):
        char, bpe, wordpiece = original(*args, **kwargs)["logits"]
        return {"char_logits": char, "bpe_logits": bpe, "wp_logits": wordpiece}

    model.forward = forward
    try:
        yield
    finally:
        del model.forward


#: The stand-ins by the name a configuration's ``EXPORT_FORWARDS`` gives (``batched_experts`` is applied by
#: export/part_modules.py when the model is wrapped).
STAND_INS = {"mamba2_scan": mamba2_scan, "key_padding_mask": key_padding_mask, "patchify_slices": patchify_slices,
             "named_logits": named_logits, "tiled_patches": tiled_patches,
             "longformer_attention": longformer_attention.longformer_attention,
             "vits_zero_noise": vits_stand_ins.vits_zero_noise,
             "vits_unchecked_splines": vits_stand_ins.vits_unchecked_splines,
             "vits_speaker_rows": vits_stand_ins.vits_speaker_rows, **adapter_scans.SCANS}


@contextlib.contextmanager
def applied(model: nn.Module, names: tuple[str, ...]) -> Iterator[None]:
    """The named stand-ins in force (see the module docstring and ``adapter_scans``)."""
    with contextlib.ExitStack() as stack:
        for name, stand_in in STAND_INS.items():
            if name in names:
                stack.enter_context(stand_in(model))
        yield
