"""Linear-attention hybrids: gated delta-rule layers beside attention layers (Qwen3-Next, Qwen3.5 text, OLMo-Hybrid,
Lara-Mini) and Kimi delta attention beside latent attention (Kimi-Linear, Bailing hybrids). The export runs the delta
rule token by token (``export/adapter_scans.delta_rule``).

A gated delta-rule layer holds a convolution state over the concatenated query, key and value channels
``[2·key_heads·key_dim + value_heads·value_dim, kernel]`` and a recurrent state ``[value_heads, key_dim,
value_dim]`` (``past_recurrent.{i}``, decision 119's name for it), as transformers 5.25's modeling code allocates
them.
"""

from __future__ import annotations

from ...registry import register
from ..modality_hybrid import HybridDecoderOnnxConfig, LayerState, layer_kinds, states_by_kind

TASKS = ("text-generation-with-past",)


@register("qwen3_next", *TASKS)
class Qwen3NextOnnxConfig(HybridDecoderOnnxConfig):
    """``linear_attention`` (gated delta rule) and ``full_attention`` layers, MoE feed-forward."""

    EXPORT_FORWARDS = ("delta_rule", "batched_experts")
    STATE_INPUTS = ("conv", "recurrent")

    def delta_states(self, layer: int) -> list[LayerState]:
        c = self._config
        key_heads, value_heads = c.linear_num_key_heads, c.linear_num_value_heads
        key_dim, value_dim = c.linear_key_head_dim, c.linear_value_head_dim
        return [(layer, "conv", (2 * key_heads * key_dim + value_heads * value_dim, c.linear_conv_kernel_dim)),
                (layer, "recurrent", (value_heads, key_dim, value_dim))]

    def layer_states(self) -> list[LayerState]:
        return states_by_kind(layer_kinds(self._config.layer_types), self.delta_states, self.attention_states)


@register("qwen3_5_moe_text", *TASKS)
class Qwen3_5MoeTextOnnxConfig(Qwen3NextOnnxConfig):
    pass


@register("lara_mini", *TASKS)
class LaraMiniOnnxConfig(Qwen3NextOnnxConfig):
    pass


@register("qwen3_5_text", *TASKS)
class Qwen3_5TextOnnxConfig(Qwen3NextOnnxConfig):
    EXPORT_FORWARDS = ("delta_rule",)


@register("olmo_hybrid", *TASKS)
class OlmoHybridOnnxConfig(Qwen3NextOnnxConfig):
    EXPORT_FORWARDS = ("delta_rule",)


@register("kimi_linear", *TASKS)
class KimiLinearOnnxConfig(HybridDecoderOnnxConfig):
    """Kimi delta attention (per-channel gates; separate query, key and value convolutions, cached as one state over
    their concatenated channels) and multi-head latent attention, whose cache holds the compressed latents: ``key``
    ``[1, kv_lora_rank]`` (the normalized key/value latent) and ``value`` ``[1, qk_rope_head_dim]`` (the shared
    rotary key). MoE feed-forward."""

    EXPORT_FORWARDS = ("delta_rule", "batched_experts")
    STATE_INPUTS = ("conv", "recurrent")

    def attention_states(self, layer: int) -> list[LayerState]:
        c = self._config
        return [(layer, "key", (1, c.kv_lora_rank)), (layer, "value", (1, c.qk_rope_head_dim))]

    def delta_sizes(self) -> tuple[int, int, int]:
        """The delta-attention layers' (heads, head dim, convolution kernel)."""
        c = self._config
        return c.linear_num_heads, c.linear_head_dim, c.linear_conv_kernel_dim

    def layer_states(self) -> list[LayerState]:
        heads, head_dim, kernel = self.delta_sizes()
        return states_by_kind(layer_kinds(self._config.layer_types),
                              lambda layer: [(layer, "conv", (3 * heads * head_dim, kernel)),
                                             (layer, "recurrent", (heads, head_dim, head_dim))],
                              self.attention_states)


@register("bailing_hybrid", *TASKS)
class BailingHybridOnnxConfig(KimiLinearOnnxConfig):
    """Kimi's layers (config.json holds the delta attention's ``linear_*`` sizes, which the class derives)."""


@register("zaya", *TASKS)
class ZayaOnnxConfig(HybridDecoderOnnxConfig):
    """Compressed convolutional attention: every layer holds keys and values, a convolution state over the query and
    key channels (kernel ``(cca_time0 - 1) + (cca_time1 - 1)``) and the previous token's delayed value projection
    (``past_recurrent``, ``[kv_heads · head_dim / 2]``). The prompt step starts from zero states, which equals
    transformers' first step when the value projections have no bias (``attention_bias`` false, the default)."""

    EXPORT_FORWARDS = ("batched_experts",)
    STATE_INPUTS = ("conv", "recurrent")

    def layer_states(self) -> list[LayerState]:
        c = self._config
        key_value = c.num_key_value_heads * c.head_dim
        states: list[LayerState] = []
        for layer in range(c.num_hidden_layers):
            states += self.attention_states(layer)
            states += [(layer, "conv", (key_value + c.num_attention_heads * c.head_dim,
                                        c.cca_time0 - 1 + c.cca_time1 - 1)),
                       (layer, "recurrent", (key_value // 2,))]
        return states
