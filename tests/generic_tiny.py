"""Tiny configurations for the generic path's model types, built from each configuration class by attribute name.

The generic types have no hand-written tiny configuration (tests/architectures.py has those of the registered
types): ``tiny_config(model_type)`` takes ``CONFIG_MAPPING[model_type]``'s defaults and shrinks every size it knows
by name (widths, depth, heads, vocabulary, positions, experts, latent-attention ranks, windows), then applies the
type's ``OVERRIDES``. Per-layer lists (and a heterogeneous configuration's per-layer overrides) are cut to keep one
layer of every kind. ``untie_routers`` gives a zero-initialized router seeded weights. Imports transformers when
called.
"""

from __future__ import annotations

import copy
import dataclasses
import inspect
import re
from typing import Any

H, L, A, KV, HD, V, FF, POS = 32, 2, 4, 2, 8, 128, 64, 128

EXACT: dict[str, int] = {
    **dict.fromkeys(("hidden_size", "d_model", "n_embd", "embedding_dim", "emb_dim", "dim", "hidden_dim",
                     "word_embed_proj_dim", "attention_hidden_size", "router_hidden_size"), H),
    **dict.fromkeys(("num_hidden_layers", "n_layer", "num_layers", "n_layers", "decoder_layers", "encoder_layers",
                     "num_blocks"), L),
    **dict.fromkeys(("num_attention_heads", "n_head", "num_heads", "n_heads", "decoder_attention_heads",
                     "encoder_attention_heads", "swa_num_attention_heads"), A),
    **dict.fromkeys(("num_key_value_heads", "num_kv_heads", "n_kv_heads", "multi_query_group_num",
                     "num_query_groups"), KV),
    **dict.fromkeys(("vocab_size", "max_position_embeddings", "n_positions", "n_ctx", "max_seq_len",
                     "context_length", "original_max_position_embeddings", "max_source_positions",
                     "max_target_positions"), POS),
    **dict.fromkeys(("num_experts", "num_local_experts", "n_routed_experts", "moe_num_experts"), 4),
    **dict.fromkeys(("num_experts_per_tok", "moe_k", "top_k", "moe_topk"), 2),
    "n_shared_experts": 1, "n_group": 1, "topk_group": 1, "first_k_dense_replace": 1,
    "head_dim": HD, "q_lora_rank": 16, "kv_lora_rank": 16, "o_lora_rank": 16, "qk_rope_head_dim": HD,
    "qk_nope_head_dim": HD, "v_head_dim": HD, "qk_head_dim": 2 * HD,
    **dict.fromkeys(("sliding_window", "sliding_window_size", "attention_window_size", "local_attention",
                     "attention_chunk_size"), 4),
}
PATTERNS = [  # (regex on the name, value) for the names not in EXACT
    (r"(^|_)vocab_size", V),
    (r"(head_dim|head_size|^d_head$|^dim_head$|^kv_channels$|attention_head_dim)$", HD),
    (r"^(moe|expert|shared_expert|shared_experts|moe_shared_expert)_.*(intermediate|ffn|hidden)_size$", 16),
    (r"(intermediate|ffn|_ff$|^dff$|^dim_ff$|^d_inner$|feed_forward_size)", FF),
    (r"lora_rank$|_rank$", 8),
]
ALWAYS = ("num_key_value_heads", "sliding_window", "local_attention")
#: Left unset (None) by some classes' defaults, though their model needs them (experts routing, head size).
FILL_WHEN_NONE = ("head_dim", "num_experts_per_tok", "n_routed_experts", "n_shared_experts", "n_group", "topk_group")
TOKEN_ID = re.compile(r"_token_(id|index)$")
#: Per-type arguments the shrinking by name cannot guess (nested configurations, per-layer rope tables, sizes that
#: must agree with each other): model type -> keyword arguments, applied last.
OVERRIDES: dict[str, dict[str, Any]] = {
    "cohere_compass_text": {"rope_parameters": {"full_attention": {"rope_type": "default", "rope_theta": 10000.0,
                                                                   "mrope_section": [2, 1, 1]}}},
    # axial position embeddings: their widths sum to hidden_size, their shape multiplies to the positions
    "reformer": {"attention_head_size": HD, "attn_layers": ["local", "lsh"], "axial_pos_shape": [8, 16],
                 "axial_pos_embds_dim": [16, 16], "local_attn_chunk_length": 4, "lsh_attn_chunk_length": 4,
                 "num_buckets": 4, "hash_seed": 0},
    # input, looped and output blocks of one layer each (the defaults' 8 + 8 leave a negative looped block)
    "dory": {"num_hidden_layers": 3, "n_input_layers": 1, "n_output_layers": 1,
             "layer_types": ["sliding_attention", "full_attention", "sliding_attention"]},
    # the last layers read the keys and values of earlier ones (num_kv_shared_layers): both kinds must keep their own
    "gemma3n_text": {"num_hidden_layers": 4, "num_kv_shared_layers": 2, "hidden_size_per_layer_input": 8,
                     "layer_types": ["sliding_attention", "full_attention"] * 2,
                     "activation_sparsity_pattern": [0.95, 0.95, 0.0, 0.0]},
    "dbrx": {"attn_config": {"kv_n_heads": KV, "rope_theta": 10000.0, "clip_qkv": 8.0},
             "ffn_config": {"ffn_hidden_size": FF, "moe_num_experts": 4, "moe_top_k": 2}},
}


def _defaults(cls) -> dict[str, Any]:
    try:
        fields = {f.name: (f.default if f.default is not dataclasses.MISSING else None) for f in dataclasses.fields(cls)}
    except TypeError:
        fields = {n: (p.default if p.default is not inspect.Parameter.empty else None)
                  for n, p in inspect.signature(cls.__init__).parameters.items() if n not in ("self", "kwargs")}
    try:
        default = cls()
    except Exception:  # noqa: BLE001 - some classes need arguments; their field defaults are all there is
        return fields
    attrs = {name: _read(default, name, value) for name, value in fields.items()}
    attrs.pop("per_layer_config", None)
    if getattr(default, "is_heterogeneous", False):  # layer index -> the attributes it overrides
        overrides = default.to_dict().get("per_layer_config") or {}
        attrs["per_layer_config"] = {int(key): value for key, value in overrides.items()}
    return attrs


def _read(config, name: str, default: Any) -> Any:
    try:
        return getattr(config, name, default)
    except RuntimeError:  # a heterogeneous configuration's per-layer attribute read globally: its field default
        return default


def _size(name: str) -> int | None:
    if name in EXACT:
        return EXACT[name]
    return next((value for pattern, value in PATTERNS if re.search(pattern, name)), None)


def _shrink_layer(overrides: dict[str, Any]) -> dict[str, Any]:
    """A heterogeneous configuration's layer overrides, shrunk to twice the global tiny size (so the layer still
    differs from the others); equal query and key/value head counts stay equal."""
    shrunk = dict(overrides)
    for name, value in overrides.items():
        new = _size(name)
        if isinstance(value, int) and not isinstance(value, bool) and new is not None and value > 2 * new:
            shrunk[name] = 2 * new
    if overrides.get("num_key_value_heads") == overrides.get("num_attention_heads") is not None:
        shrunk["num_key_value_heads"] = shrunk["num_attention_heads"]
    return shrunk


def shrink_kwargs(cls) -> dict[str, Any]:
    attrs = _defaults(cls)
    kwargs: dict[str, Any] = {}
    special = 120
    for name, value in attrs.items():
        if isinstance(value, bool):
            continue
        if name == "eos_token_id" and isinstance(value, list):
            kwargs[name] = [2]
        elif TOKEN_ID.search(name) and isinstance(value, int):
            fixed = {"pad_token_id": 0, "bos_token_id": 1, "eos_token_id": 2}.get(name)
            if fixed is None and value >= 100:
                special = fixed = min(special + 1, V - 1)
            if fixed is not None:
                kwargs[name] = fixed
        elif isinstance(value, int):
            new = _size(name)
            if new is not None and (value > new or name in ALWAYS):
                kwargs[name] = new
        elif value is None and name in FILL_WHEN_NONE:
            kwargs[name] = EXACT[name]
    for kv_name, q_name in (("num_key_value_heads", "num_attention_heads"), ("num_kv_heads", "num_attention_heads"),
                            ("n_kv_heads", "n_heads")):
        if kv_name in attrs:  # grouped-query attention stays grouped (2 of 4); multi-head stays multi-head
            kv, q = attrs.get(kv_name), attrs.get(q_name)
            if kv is None:
                kwargs.pop(kv_name, None)
            else:
                kwargs[kv_name] = KV if isinstance(kv, int) and isinstance(q, int) and kv < q else A
    layers = attrs.get("num_hidden_layers") or attrs.get("num_layers") or attrs.get("n_layer")
    per_layer = {k: v for k, v in attrs.items() if isinstance(v, (list, tuple)) and layers and len(v) == layers
                 and k != "eos_token_id"}
    overrides = attrs.get("per_layer_config")
    if overrides and layers:
        per_layer["per_layer_config"] = [_shrink_layer(overrides.get(i, {})) for i in range(layers)]
    if per_layer:  # keep one layer of every kind, at least L layers
        keep: list[int] = []
        seen: set = set()
        for name, values in per_layer.items():
            for i, item in enumerate(values):
                if (name, repr(item)) not in seen:
                    seen.add((name, repr(item)))
                    keep.append(i)
        keep = sorted(set(keep) | set(range(min(L, layers))))[:6]
        for name, values in per_layer.items():
            kwargs[name] = type(values)(values[i] for i in keep)
        if "per_layer_config" in kwargs:
            kwargs["per_layer_config"] = {i: layer for i, layer in enumerate(kwargs["per_layer_config"]) if layer}
        for name in ("num_hidden_layers", "num_layers", "n_layer"):
            if name in attrs:
                kwargs[name] = len(keep)
    return kwargs


def tiny_config(model_type: str, decoder: bool = True) -> Any:
    """``decoder``: for a causal LM (an encoder family's causal-LM class decodes only with ``is_decoder``)."""
    from transformers import CONFIG_MAPPING

    cls = CONFIG_MAPPING[model_type]
    kwargs = {**shrink_kwargs(cls), **copy.deepcopy(OVERRIDES.get(model_type, {}))}
    if decoder:
        kwargs.setdefault("is_decoder", True)
    kwargs.setdefault("pad_token_id", 0)  # decoder classifiers need one
    try:
        return cls(**kwargs)
    except Exception:  # noqa: BLE001 - a validator may refuse one of the shrunk values: retry without it
        for name in ("sliding_window", "num_key_value_heads", "head_dim", "local_attention"):
            kwargs.pop(name, None)
            try:
                return cls(**kwargs)
            except Exception:  # noqa: BLE001
                continue
        raise


ROUTER = re.compile(r"(^|\.)(router|gate)(\.|$)")


def untie_routers(model) -> None:
    """Seeded random weights for a router that initializes to zeros (afmoe): every expert would score the same, and
    PyTorch and onnxruntime break top-k ties differently. Trained checkpoints have no such ties."""
    import torch

    generator = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for name, param in model.named_parameters():
            if ROUTER.search(name) and name.endswith(".weight") and param.numel() > 1 and not param.any():
                param.copy_(torch.randn(param.shape, generator=generator) * 0.02)
