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
import math
from dataclasses import dataclass
from typing import Any

from ..errors import ExportError


@dataclass(frozen=True)
class Bound:
    what: str
    low: int
    high: int
    float_ok: bool = False  # a whole float (1200.0) is accepted: the value never becomes a name or a dimension
    fraction_ok: bool = False  # any number within the bound: a multiplier of a size (mlp_ratio 4.0, 0.5)


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
STAGE_LAYERS = Bound("a layer or block count", 0, 1024)  # per stage (ConvNeXt's depths): a stage may be empty
GROUPS = Bound("a group count", 1, 1024)
KERNEL = Bound("a kernel, stride, padding, window or pooling size", 0, 2048)
MULTIPLIER = Bound("a size multiplier", 0, 1024, fraction_ok=True)
LABELS = Bound("a label or class count", 0, 1_048_576)
QUERIES = Bound("a query or token count", 0, 65_536)
RELATIVE = Bound("a relative position count", -1, 1_048_576)  # -1: "as many as the positions" (DeBERTa)
LANGUAGES = Bound("a language count", 0, 4096)

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
    LABELS: ("num_labels",),
}
#: Further fields that size a tensor, under names some configurations also use loosely: only the numbers in them
#: are bounded (a string or an object there is left to transformers, which knows what the field means).
_NUMBERS_IN = {
    STAGE_LAYERS: ("depths", "depth", "num_block_repeats", "num_encoder_blocks", "num_stages", "num_hidden_groups",
                   "inner_group_num", "num_feedforward_networks", "num_feat_extract_layers", "num_conv_layers",
                   "num_adapter_layers", "auxiliary_num_convs", "num_query_pool"),
    GROUPS: ("num_groups", "num_conv_pos_embedding_groups", "num_codevector_groups", "q_groups", "k_groups",
             "v_groups", "post_attention_groups", "intermediate_groups", "output_groups"),
    WIDTH: ("neck_hidden_sizes", "decoder_hidden_size", "fusion_hidden_size", "conv_dim", "tdnn_dim",
            "codevector_dim", "proj_codevector_dim", "classifier_proj_size", "xvector_output_dim",
            "output_hidden_size", "projection_dim", "projection_size", "pooler_hidden_size", "pooler_output_size",
            "word_embed_proj_dim", "true_hidden_size", "intra_bottleneck_size", "input_embedding_size",
            "output_embedding_size", "emb_dim", "aspp_out_channels", "auxiliary_channels", "conv_channels",
            "in_channels", "out_channels", "key_dim", "groups_width", "min_depth", "text_embed_dim",
            "vision_embed_dim"),
    FEED_FORWARD: ("ffn_hidden_size", "projection_intermediate_dim"),
    HEAD_SIZE: ("rotary_dim",),
    KERNEL: ("conv_kernel", "conv_stride", "conv_kernel_size", "conv_kernel_sizes", "conv_depthwise_kernel_size",
             "conv_pos_kernel_size", "num_conv_pos_embeddings", "kernel_size", "kernel_sizes", "kernel_qkv",
             "patch_sizes", "patch_stride", "strides", "stride", "stride_kv", "stride_q", "padding", "patch_padding",
             "padding_kv", "padding_q", "pool_size", "pool_scales", "focal_windows", "focal_levels",
             "adapter_kernel_size", "adapter_stride", "tdnn_kernel", "tdnn_dilation", "frequency_stride",
             "time_stride", "encoder_stride", "output_stride", "masked_unit_size", "query_stride", "window_size",
             "pretrained_window_sizes", "atrous_rates", "sr_ratios", "sequence_reduction_ratios", "squeeze_factor",
             "depth_divisor", "depth_divisible_by", "block_size", "num_random_blocks", "local_radius",
             "global_block_size", "local_attention", "channel_shrink_ratio"),
    MULTIPLIER: ("mlp_ratio", "mlp_ratios", "expand_ratio", "expand_ratios", "expansion_ratio", "attention_ratio",
                 "assign_mlp_ratio", "embed_dim_multiplier", "width_coefficient", "depth_coefficient",
                 "depth_multiplier", "width_factor", "reassemble_factors", "squeeze_expansion_ratio", "head_ratio",
                 "partial_rotary_factor"),
    LABELS: ("num_ctc_classes", "num_clusters", "num_codevectors_per_group"),
    QUERIES: ("num_queries", "num_detection_tokens", "num_group_tokens", "num_output_groups"),
    RELATIVE: ("max_relative_positions", "position_buckets", "relative_attention_num_buckets",
               "relative_attention_max_distance", "max_bucket_distance", "num_buckets"),
    POSITIONS: ("n_ctx", "max_seq_len", "max_length", "sliding_window", "original_max_position_embeddings"),
    CHANNELS: ("input_feat_per_channel", "input_channels"),
    LANGUAGES: ("n_langs",),
}
#: config.json field name -> its bound.
FIELDS: dict[str, Bound] = {name: bound for table in (_NAMES, _NUMBERS_IN) for bound, names in table.items()
                            for name in names}
#: The fields of which only the numbers are bounded.
NUMBERS_ONLY = frozenset(name for names in _NUMBERS_IN.values() for name in names)
#: Label maps: transformers makes one label (and one row of the classifier) per entry.
LABEL_MAPS = ("id2label", "label2id")
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
        if key in LABEL_MAPS and isinstance(value, dict):
            problem = _label_map_problem(name, value)
        elif isinstance(value, dict):
            problem = structure_problem(value, f"{name}.", depth + 1) if depth < MAX_DEPTH else None
        elif key in FIELDS and value is not None:
            problem = _value_problem(name, value, FIELDS[key], numbers_only=key in NUMBERS_ONLY)
        else:
            problem = None
        if problem:
            return problem
    return None


def _label_map_problem(name: str, labels: dict) -> str | None:
    if len(labels) > LABELS.high:
        return f"'{name}' has {len(labels)} entries: {LABELS.what} must be between {LABELS.low} and {LABELS.high}"
    return None


def _value_problem(name: str, value: Any, bound: Bound, numbers_only: bool = False) -> str | None:
    values = _flat(value) if numbers_only else value if isinstance(value, (list, tuple)) else [value]
    for item in values:  # per stage (Swin's num_heads), or (h, w)
        if numbers_only and (isinstance(item, bool) or not isinstance(item, (int, float))):
            continue
        if (bound.float_ok or bound.fraction_ok) and isinstance(item, float) and item.is_integer():
            item = int(item)
        fraction = bound.fraction_ok and isinstance(item, float) and math.isfinite(item)
        if not fraction and (isinstance(item, bool) or not isinstance(item, int)):
            return f"'{name}' is {shown(value)}: {bound.what} must be a whole number"
        if not bound.low <= item <= bound.high:
            return f"'{name}' is {shown(value)}: {bound.what} must be between {bound.low} and {bound.high}"
    return None


def _flat(value: Any, depth: int = 0) -> list:
    """The items of a value, of its lists and of their lists (LeViT's ``down_ops`` nest one level)."""
    if not isinstance(value, (list, tuple)):
        return [value]
    if depth >= 3:
        return []
    return [item for part in value for item in _flat(part, depth + 1)]


def shown(value: Any) -> str:
    """A config.json value as the file spells it, cut short."""
    text = json.dumps(value)
    return text if len(text) <= 40 else text[:37] + "..."
