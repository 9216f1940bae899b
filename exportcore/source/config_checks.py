"""Bounds on the structural values of a configuration, checked before anything is built from them.

Layer counts become input and output names (``past_key_values.{i}.key``), head counts and sizes become dummy
dimensions, sizes become tensors when the model is built. A hostile or broken config.json (``n_layer: 100000000``,
``num_hidden_layers: -1``) would otherwise make inspection grow without bound or export a model with no layers.
Each bound is far beyond every real model of 2026 (the largest: 126 layers, 128 heads, hidden 16384, feed-forward
53248, vocabulary 262144, 10M positions) and far below what would exhaust memory while building names.

Light: no torch, no transformers. Fields are matched by name in the file and in every nested object (sub-configs:
``text_config``, ``vision_config``, ``encoder``…); a null is left to transformers (it derives the value).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ..errors import ExportError


@dataclass(frozen=True)
class Bound:
    what: str
    low: int
    high: int
    float_ok: bool = False  # a whole float (1200.0) is accepted: the value never becomes a name or a dimension


LAYERS = Bound("a layer count", 1, 1024)
HEADS = Bound("an attention head count", 1, 1024)
WIDTH = Bound("a hidden size", 1, 262_144)
HEAD_SIZE = Bound("a head size", 0, 65_536)  # 0: derived from the hidden size (GLM's default)
FEED_FORWARD = Bound("a feed-forward size", 1, 1_048_576)
VOCABULARY = Bound("a vocabulary size", 1, 4_194_304)
TOKEN_TYPES = Bound("a token type count", 0, 1024)
POSITIONS = Bound("a position count", 0, 268_435_456, float_ok=True)
IMAGE = Bound("an image or patch size", 1, 32_768)
CHANNELS = Bound("a channel or mel-bin count", 1, 4096)

_NAMES = {
    LAYERS: ("num_hidden_layers", "n_layer", "n_layers", "num_layers", "encoder_layers", "decoder_layers",
             "num_encoder_layers", "num_decoder_layers"),
    HEADS: ("num_attention_heads", "n_head", "n_heads", "num_heads", "encoder_attention_heads",
            "decoder_attention_heads", "num_key_value_heads", "num_kv_heads"),
    WIDTH: ("hidden_size", "n_embd", "d_model", "dim", "embed_dim", "embedding_size", "hidden_sizes"),
    HEAD_SIZE: ("head_dim", "d_kv"),
    FEED_FORWARD: ("intermediate_size", "d_ff", "ffn_dim", "encoder_ffn_dim", "decoder_ffn_dim", "n_inner",
                   "hidden_dim"),
    VOCABULARY: ("vocab_size", "decoder_vocab_size"),
    TOKEN_TYPES: ("type_vocab_size",),
    POSITIONS: ("max_position_embeddings", "n_positions", "max_source_positions", "max_target_positions",
                "max_2d_position_embeddings"),
    IMAGE: ("image_size", "patch_size"),
    CHANNELS: ("num_channels", "num_mel_bins"),
}
#: config.json field name -> its bound.
FIELDS: dict[str, Bound] = {name: bound for bound, names in _NAMES.items() for name in names}
#: Sub-configurations nest two or three levels; deeper objects are not configurations.
MAX_DEPTH = 6


def check_structure(config: dict, path: str) -> None:
    """``malformed_config`` naming the first structural field of ``config`` (a config.json object, or a
    configuration's ``to_dict()``) that is not a whole number within its bound."""
    problem = structure_problem(config)
    if problem:
        raise ExportError("malformed_config", path=path, reason=problem)


def structure_problem(config: dict, where: str = "", depth: int = 0) -> str | None:
    for key, value in config.items():
        name = f"{where}{key}"
        if isinstance(value, dict):
            problem = structure_problem(value, f"{name}.", depth + 1) if depth < MAX_DEPTH else None
        elif key in FIELDS and value is not None:
            problem = _value_problem(name, value, FIELDS[key])
        else:
            problem = None
        if problem:
            return problem
    return None


def _value_problem(name: str, value: Any, bound: Bound) -> str | None:
    values = value if isinstance(value, (list, tuple)) else [value]  # per stage (Swin's num_heads), or (h, w)
    for item in values:
        if bound.float_ok and isinstance(item, float) and item.is_integer():
            item = int(item)
        if isinstance(item, bool) or not isinstance(item, int):
            return f"'{name}' is {shown(value)}: {bound.what} must be a whole number"
        if not bound.low <= item <= bound.high:
            return f"'{name}' is {shown(value)}: {bound.what} must be between {bound.low} and {bound.high}"
    return None


def shown(value: Any) -> str:
    """A config.json value as the file spells it, cut short."""
    text = json.dumps(value)
    return text if len(text) <= 40 else text[:37] + "..."
