"""Hybrid caches for the export (part of the transformers adapter, ``adapter.py``, split off for size): a hybrid
decoder's convolution / recurrent states and keys and values as flat tensors and back, and what each layer of the
installed transformers' cache can hold."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch
from transformers.cache_utils import Cache, DynamicCache, DynamicLayer, DynamicSlidingWindowLayer


class _FullLengthSliding(DynamicLayer):
    is_sliding = True  # transformers builds the sliding mask from the first such layer's sizes (else layer 0's)


def flat_to_state_cache(config: Any, states: Sequence[tuple[int, str]], flat: Sequence[torch.Tensor]) -> Cache:
    """A hybrid model's cache holding ``flat``: ``states`` gives (layer, kind) per tensor, kind one of ``conv``,
    ``ssm`` / ``recurrent``, ``key``, ``value``. Built as ``generate`` builds it (``DynamicCache(config=…)``, one
    layer object per layer type); state layers are marked as continuing from their state, so zero states and an
    empty key/value compute the prompt exactly and one graph serves the prompt and every cached step. Sliding
    attention layers are full-length, as in ``adapter.flat_to_cache`` (the mask still keeps them in their window)."""
    cache = DynamicCache(config=config)
    cache.layers = [_FullLengthSliding() if type(layer) is DynamicSlidingWindowLayer else layer
                    for layer in cache.layers]
    pairs: dict[int, dict[str, torch.Tensor]] = {}
    for (index, kind), tensor in zip(states, flat, strict=True):
        layer = cache.layers[index]
        if kind in ("key", "value"):
            pairs.setdefault(index, {})[kind] = tensor
        elif kind == "conv":
            layer.conv_states[0] = tensor.clone()  # the model updates its states in place (copy_)
            layer.conv_kernel_size[0] = tensor.shape[-1]
            layer.is_conv_states_initialized[0] = layer.has_previous_state[0] = True
            layer.dtype, layer.device = tensor.dtype, tensor.device
        else:
            layer.recurrent_states[0] = tensor.clone()
            layer.is_recurrent_states_initialized[0] = layer.has_previous_state[0] = True
    for index, pair in pairs.items():
        cache.layers[index].update(pair["key"], pair["value"])
    return cache


def state_cache_to_flat(cache: Cache, states: Sequence[tuple[int, str]]) -> list[torch.Tensor]:
    """The inverse of :func:`flat_to_state_cache`, after the model updated the cache."""
    flat = []
    for index, kind in states:
        layer = cache.layers[index]
        flat.append(layer.keys if kind == "key" else layer.values if kind == "value"
                    else layer.conv_states[0] if kind == "conv" else layer.recurrent_states[0])
    return flat


def state_cache_kinds(config: Any) -> list[set[str]]:
    """What each layer of ``DynamicCache(config=…)`` can hold ({"key", "value"} and/or {"conv", "ssm", "recurrent"}),
    to check a configuration's description of the layers against the installed transformers."""
    from transformers.cache_utils import LinearAttentionCacheLayerMixin

    kinds = []
    for layer in DynamicCache(config=config).layers:
        held = set()
        if isinstance(layer, LinearAttentionCacheLayerMixin):
            held |= {"conv", "ssm", "recurrent"}
        if isinstance(layer, DynamicLayer):
            held |= {"key", "value"}
        kinds.append(held)
    return kinds
