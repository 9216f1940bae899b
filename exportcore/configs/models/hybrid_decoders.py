"""Hybrid and state-space decoders: LFM2 (convolution + attention), Granite 4 hybrids (Mamba2 + attention + MoE),
Falcon-H1 (Mamba2 and attention in every layer), Nemotron-H (Mamba2, attention and MLP layers), Mamba2.

Each class says what its layers hold (``layer_states``) from config.json; the state sizes follow the families'
modeling code in transformers 5.25 (the Mamba2 mixer's convolution runs over ``intermediate + 2·groups·state``
channels).
"""

from __future__ import annotations

from ...registry import register
from ..modality_hybrid import HybridDecoderOnnxConfig, LayerState, layer_kinds

TASKS = ("text-generation-with-past",)


class _Mamba2Layers(HybridDecoderOnnxConfig):
    """Families built from the Mamba2 mixer: a convolution and an SSM state per Mamba layer."""

    EXPORT_FORWARDS = ("mamba2_scan",)

    def mamba_sizes(self) -> tuple[int, int, int, int, int, int]:
        """The Mamba2 mixer's (intermediate size, heads, head dim, groups, state size, convolution kernel)."""
        raise NotImplementedError

    def mamba_states(self, layer: int) -> list[LayerState]:
        intermediate, heads, head_dim, groups, state, kernel = self.mamba_sizes()
        return [(layer, "conv", (intermediate + 2 * groups * state, kernel)),
                (layer, "ssm", (heads, head_dim, state))]

    def layers_by_kind(self, kinds: list[str]) -> list[LayerState]:
        states: list[LayerState] = []
        for layer, kind in enumerate(kinds):
            if kind == "state":
                states += self.mamba_states(layer)
            elif kind == "attention":
                states += self.attention_states(layer)
        return states


@register("lfm2", *TASKS)
class Lfm2OnnxConfig(HybridDecoderOnnxConfig):
    """Short convolutions (``conv``) and attention layers; a convolution state ``[hidden, conv_L_cache]``."""

    def layer_states(self) -> list[LayerState]:
        config = self._config
        states: list[LayerState] = []
        for layer, kind in enumerate(layer_kinds(config.layer_types)):
            if kind == "state":
                states.append((layer, "conv", (config.hidden_size, config.conv_L_cache)))
            elif kind == "attention":
                states += self.attention_states(layer)
        return states


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
