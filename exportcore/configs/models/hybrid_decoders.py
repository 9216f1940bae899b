"""Hybrid and state-space decoders: LFM2, LFM2-MoE and LFM3 (convolution + attention), Granite 4 hybrids (Mamba2 +
attention + MoE), Falcon-H1 (Mamba2 and attention in every layer), Nemotron-H (Mamba2, attention and MLP layers),
Mamba2, Bamba (Mamba2 + attention), Zamba2 (Mamba2 layers, some with a shared attention block before them).

Each class says what its layers hold (``layer_states``) from config.json; the state sizes follow the families'
modeling code in transformers 5.25 (the Mamba2 mixer's convolution runs over ``intermediate + 2·groups·state``
channels).
"""

from __future__ import annotations

from ...registry import register
from ..modality_hybrid import HybridDecoderOnnxConfig, LayerState, layer_kinds, states_by_kind

TASKS = ("text-generation-with-past",)


class _Mamba2Layers(HybridDecoderOnnxConfig):
    """Families built from the Mamba2 mixer: a convolution and an SSM state per Mamba layer."""

    EXPORT_FORWARDS = ("mamba2_scan",)
    STATE_INPUTS = ("conv", "ssm")

    def mamba_sizes(self) -> tuple[int, int, int, int, int, int]:
        """The Mamba2 mixer's (intermediate size, heads, head dim, groups, state size, convolution kernel)."""
        raise NotImplementedError

    def mamba_states(self, layer: int) -> list[LayerState]:
        intermediate, heads, head_dim, groups, state, kernel = self.mamba_sizes()
        return [(layer, "conv", (intermediate + 2 * groups * state, kernel)),
                (layer, "ssm", (heads, head_dim, state))]

    def layers_by_kind(self, kinds: list[str]) -> list[LayerState]:
        return states_by_kind(kinds, self.mamba_states, self.attention_states)


@register("lfm2", *TASKS)
class Lfm2OnnxConfig(HybridDecoderOnnxConfig):
    """Short convolutions (``conv``) and attention layers; a convolution state ``[hidden, conv_L_cache]``."""

    def layer_states(self) -> list[LayerState]:
        config = self._config
        return states_by_kind(layer_kinds(config.layer_types),
                              lambda layer: [(layer, "conv", (config.hidden_size, config.conv_L_cache))],
                              self.attention_states)


@register("lfm3", *TASKS)
class Lfm3OnnxConfig(Lfm2OnnxConfig):
    """LFM2's short convolutions with full and sliding-window attention layers."""


@register("lfm2_moe", *TASKS)
class Lfm2MoeOnnxConfig(Lfm2OnnxConfig):
    """LFM2's layers with mixture-of-experts feed-forward after the first ``num_dense_layers``."""

    EXPORT_FORWARDS = ("batched_experts",)


@register("granitemoehybrid", *TASKS)
class GraniteMoeHybridOnnxConfig(_Mamba2Layers):
    EXPORT_FORWARDS = ("mamba2_scan", "batched_experts")

    def mamba_sizes(self):
        c = self._config
        intermediate = c.mamba_expand * c.hidden_size
        return (intermediate, c.mamba_n_heads, c.mamba_d_head or intermediate // c.mamba_n_heads, c.mamba_n_groups,
                c.mamba_d_state, c.mamba_d_conv)

    def layer_states(self) -> list[LayerState]:
        return self.layers_by_kind(layer_kinds(self._config.layer_types))


@register("falcon_h1", *TASKS)
class FalconH1OnnxConfig(_Mamba2Layers):
    """Attention and a Mamba2 mixer side by side in every layer."""

    def mamba_sizes(self):
        c = self._config
        intermediate = c.mamba_d_ssm or c.mamba_expand * c.hidden_size
        return (intermediate, c.mamba_n_heads, c.mamba_d_head or intermediate // c.mamba_n_heads, c.mamba_n_groups,
                c.mamba_d_state, c.mamba_d_conv)

    def layer_states(self) -> list[LayerState]:
        states: list[LayerState] = []
        for layer in range(self._config.num_hidden_layers):
            states += self.mamba_states(layer) + self.attention_states(layer)
        return states


@register("nemotron_h", *TASKS)
class NemotronHOnnxConfig(_Mamba2Layers):
    """Mamba2, attention and MLP (or MoE) layers (``layers_block_type``); MLP layers hold nothing."""

    EXPORT_FORWARDS = ("mamba2_scan", "batched_experts")

    def mamba_sizes(self):
        c = self._config
        return (c.mamba_num_heads * c.mamba_head_dim, c.mamba_num_heads, c.mamba_head_dim, c.n_groups,
                c.ssm_state_size, c.conv_kernel)

    def layer_states(self) -> list[LayerState]:
        return self.layers_by_kind(layer_kinds(self._config.layers_block_type))


@register("mamba2", *TASKS)
class Mamba2OnnxConfig(_Mamba2Layers):
    """State only: no attention, no positions. (transformers.js has no Mamba2; Optimum-style runtimes load it.)"""

    USES_POSITION_IDS = False

    def mamba_sizes(self):
        c = self._config
        return (c.expand * c.hidden_size, c.num_heads, c.head_dim, c.n_groups, c.state_size, c.conv_kernel)

    def layer_states(self) -> list[LayerState]:
        return self.layers_by_kind(["state"] * self._config.num_hidden_layers)


@register("bamba", *TASKS)
class BambaOnnxConfig(_Mamba2Layers):
    """Mamba2 layers, attention at ``attn_layer_indices``."""

    def mamba_sizes(self):
        c = self._config
        intermediate = c.mamba_expand * c.hidden_size
        head_dim = c.mamba_d_head if isinstance(c.mamba_d_head, int) else intermediate // c.mamba_n_heads
        return (intermediate, c.mamba_n_heads, head_dim, c.mamba_n_groups, c.mamba_d_state, c.mamba_d_conv)

    def layer_states(self) -> list[LayerState]:
        c = self._config
        attention = set(c.attn_layer_indices or ())
        return self.layers_by_kind(["attention" if i in attention else "state" for i in range(c.num_hidden_layers)])


@register("zamba2", *TASKS)
class Zamba2OnnxConfig(_Mamba2Layers):
    """Mamba2 layers; a ``hybrid`` layer runs one of the shared attention blocks (over the hidden states and the
    embeddings side by side: ``2·hidden``) before its Mamba2 mixer, so it holds keys and values and the states."""

    def mamba_sizes(self):
        c = self._config
        intermediate = int(c.mamba_expand * c.hidden_size)
        return (intermediate, c.n_mamba_heads, intermediate // c.n_mamba_heads, c.mamba_ngroups, c.mamba_d_state,
                c.mamba_d_conv)

    def attention_states(self, layer: int) -> list[LayerState]:
        c = self._config
        dims = (c.num_key_value_heads or c.num_attention_heads, 2 * c.hidden_size // c.num_attention_heads)
        return [(layer, "key", dims), (layer, "value", dims)]

    def layer_states(self) -> list[LayerState]:
        states: list[LayerState] = []
        for layer, kind in enumerate(self._config.layers_block_type):
            if kind == "hybrid":
                states += self.attention_states(layer)
            states += self.mamba_states(layer)
        return states
