"""The adapter's recurrent scans: stand-ins for transformers' sequence scans that loop in Python (a trace would
freeze the loop at the trace's length) or ignore the cached state over more than one token. Part of the
transformers adapter (``adapter.py``, ``adapter_forwards.py``); applied only inside the traced module's forward, so
``generate`` (the end-to-end reference) runs transformers' own code, and checked against it by
tests/e2e/test_hybrid.py.

Each scan is one TorchScript-compiled loop over time steps, which the TorchScript exporter writes as an ONNX
``Loop`` whose trip count is the sequence length: one graph serves the prompt (from the zero state) and every cached
step, as the one-token recurrent form transformers runs on cached steps computes it.

- ``mamba_scan``: the Mamba (v1) selective scan of Mamba, Falcon-Mamba and Jamba (``mamba_scan_forward``), whose
  full-sequence form starts from zero whatever the cache holds.
- ``delta_rule``: the gated delta rule of Qwen3-Next, Qwen3.5, OLMo-Hybrid and Lara-Mini
  (``torch_chunk_gated_delta_rule``: a Python loop over 64-token chunks) and Kimi's per-channel-gated variant
  (``chunk_kimi_delta_attention``), as their token-by-token recurrent forms compute it.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import types
from collections.abc import Iterator

import torch
import torch.nn.functional as F
from torch import nn


@functools.cache
def _selective_scan():
    def scan(decay: torch.Tensor, inputs: torch.Tensor, C: torch.Tensor, state: torch.Tensor):
        # decay, inputs: [batch, channels, length, state]; C: [batch, length, state]; state: [batch, channels, state]
        outputs = []
        for t in range(decay.shape[2]):
            state = decay[:, :, t] * state + inputs[:, :, t]
            outputs.append(torch.matmul(state, C[:, t].unsqueeze(-1))[:, :, 0])
        return torch.stack(outputs, dim=-1), state

    return torch.jit.script(scan)


def _mamba_scan_forward(module, hidden_states, time_step, B, C, gate, cache, **kwargs):
    """``mamba_scan_forward``'s result from the cached state, at any length (transformers' recurrent form)."""
    state = cache.get_recurrent_state(module.layer_idx, state_idx=0)
    A = -torch.exp(module.A_log.float())
    bias = module.dt_proj.bias
    dt = F.softplus(time_step.float() + (bias.float()[..., None] if bias is not None else 0.0))
    decay = torch.exp(A[None, :, None, :] * dt[..., None])
    inputs = dt[..., None] * B.float()[:, None] * hidden_states.float()[..., None]
    out, last = _selective_scan()(decay, inputs, C.float(), state.float())
    out = (out + hidden_states * module.D[None, :, None]) * F.silu(gate)
    cache.update_recurrent_state(last.to(state.dtype), module.layer_idx)
    return out.to(hidden_states.dtype)


@functools.cache
def _delta_loop():
    def loop(query: torch.Tensor, key: torch.Tensor, value: torch.Tensor, decay: torch.Tensor, beta: torch.Tensor,
             state: torch.Tensor):
        # query, key: [batch, heads, length, k]; value: [batch, heads, length, v]; decay: [batch, heads, length, k
        # or 1] (log of the state's decay); beta: [batch, heads, length]; state: [batch, heads, k, v]
        outputs = []
        for t in range(query.shape[2]):
            state = state * decay[:, :, t].exp().unsqueeze(-1)
            remembered = (state * key[:, :, t].unsqueeze(-1)).sum(dim=-2)
            delta = (value[:, :, t] - remembered) * beta[:, :, t].unsqueeze(-1)
            state = state + key[:, :, t].unsqueeze(-1) * delta.unsqueeze(-2)
            outputs.append((state * query[:, :, t].unsqueeze(-1)).sum(dim=-2))
        return torch.stack(outputs, dim=2), state

    return torch.jit.script(loop)


def _delta_rule(l2norm):
    def rule(query, key, value, g, beta, chunk_size=64, initial_state=None, output_final_state=False,
             use_qk_l2norm_in_kernel=False, **kwargs):
        dtype = query.dtype
        batch, _, key_heads, key_dim = key.shape
        value_heads, value_dim = value.shape[-2:]
        if key_heads != value_heads:  # each query/key head serves consecutive value heads
            # (repeat_interleave traces into a Tile that onnxruntime rejects)
            repeats = value_heads // key_heads
            query, key = (x.unsqueeze(3).expand(-1, -1, -1, repeats, -1).flatten(2, 3) for x in (query, key))
        query, key, value, g, beta = (x.float() for x in (query, key, value, g, beta))
        if use_qk_l2norm_in_kernel:
            query, key = l2norm(query, dim=-1, eps=1e-6), l2norm(key, dim=-1, eps=1e-6)
        query = query / (key_dim ** 0.5)
        decay = g if g.dim() == 4 else g.unsqueeze(-1)  # Kimi gates per key channel, the others per head
        state = (initial_state.float() if initial_state is not None
                 else value.new_zeros(batch, value_heads, key_dim, value_dim))
        out, state = _delta_loop()(*(x.transpose(1, 2) for x in (query, key, value, decay, beta)), state)
        return out.transpose(1, 2).contiguous().to(dtype), state if output_final_state else None

    return rule


def modeling_modules(model: nn.Module) -> list[types.ModuleType]:
    """The transformers modeling modules the model's layers come from (where the stand-ins replace functions)."""
    names = {type(m).__module__ for m in model.modules() if type(m).__module__.startswith("transformers.models.")}
    return [importlib.import_module(name) for name in sorted(names)]


@contextlib.contextmanager
def _patched(model: nn.Module, name: str, replacement) -> Iterator[None]:
    """``replacement`` for the module-level function ``name`` of the model's modeling modules that define it."""
    with contextlib.ExitStack() as stack:
        for family in modeling_modules(model):
            if hasattr(family, name):
                stack.enter_context(_patched_in(family, name, replacement))
        yield


def mamba_scan(model: nn.Module):
    return _patched(model, "mamba_scan_forward", _mamba_scan_forward)


def _tensor_split(original):
    def tensor_split(x, indices_or_sections, dim=0):
        # The layers split off "recurrent states to keep" at a computed index, which TorchScript writes as an
        # invalid Tile; slices at the same index compute the same parts.
        if isinstance(indices_or_sections, (list, tuple)) and len(indices_or_sections) == 1:
            (index,) = indices_or_sections
            return x.narrow(dim, 0, index), x.narrow(dim, index, x.shape[dim] - index)
        return original(x, indices_or_sections, dim)

    return tensor_split


@contextlib.contextmanager
def delta_rule(model: nn.Module) -> Iterator[None]:
    with contextlib.ExitStack() as stack:
        stack.enter_context(_patched_in(torch, "tensor_split", _tensor_split(torch.tensor_split)))
        for family in modeling_modules(model):
            if hasattr(family, "l2norm"):
                rule = _delta_rule(family.l2norm)
                for name in ("torch_chunk_gated_delta_rule", "chunk_kimi_delta_attention"):
                    if hasattr(family, name):
                        stack.enter_context(_patched_in(family, name, rule))
        yield


@contextlib.contextmanager
def _patched_in(family: types.ModuleType, name: str, replacement) -> Iterator[None]:
    original = getattr(family, name)
    setattr(family, name, replacement)
    try:
        yield
    finally:
        setattr(family, name, original)


#: The stand-ins by name (``EXPORT_FORWARDS`` of a configuration).
SCANS = {"mamba_scan": mamba_scan, "delta_rule": delta_rule}
