"""Hybrid and state-space decoders whose scan the export replaces by a loop over time steps
(``export/adapter_scans.py``): Mamba (v1), Falcon-Mamba and Jamba (Mamba v1 layers, attention, MoE).

State sizes from the families' modeling code in transformers 5.25: a Mamba v1 mixer holds a convolution state
``[intermediate, kernel]`` and an SSM state ``[intermediate, state]`` (``intermediate = expand · hidden``).
"""

from __future__ import annotations

from ...registry import register
from ..modality_hybrid import HybridDecoderOnnxConfig, LayerState, states_by_kind

TASKS = ("text-generation-with-past",)


class _MambaLayers(HybridDecoderOnnxConfig):
    EXPORT_FORWARDS = ("mamba_scan",)
    STATE_INPUTS = ("conv", "ssm")
    LOCAL_MASK = True

    def mamba_sizes(self) -> tuple[int, int, int]:
        """The Mamba mixer's (intermediate size, state size, convolution kernel)."""
        c = self._config
        return int(c.expand * c.hidden_size), c.state_size, c.conv_kernel

    def mamba_states(self, layer: int) -> list[LayerState]:
        intermediate, state, kernel = self.mamba_sizes()
        return [(layer, "conv", (intermediate, kernel)), (layer, "ssm", (intermediate, state))]

    def layer_states(self) -> list[LayerState]:
        return states_by_kind(["state"] * self._config.num_hidden_layers, self.mamba_states, self.attention_states)


@register("mamba", *TASKS)
class MambaOnnxConfig(_MambaLayers):
    """State only: no attention, no positions."""

    USES_POSITION_IDS = False


@register("falcon_mamba", *TASKS)
class FalconMambaOnnxConfig(_MambaLayers):
    """Mamba with RMS-normalized B, C and time steps (inside the mixer, before the scan)."""

    USES_POSITION_IDS = False


@register("jamba", *TASKS)
class JambaOnnxConfig(_MambaLayers):
    """Mamba layers with attention every ``attn_layer_period`` layers (at ``attn_layer_offset``); MoE layers."""

    EXPORT_FORWARDS = ("mamba_scan", "batched_experts")
    LOCAL_MASK = False  # the model trims it (create_recurrent_attention_mask)

    def mamba_sizes(self):
        c = self._config
        return c.mamba_expand * c.hidden_size, c.mamba_d_state, c.mamba_d_conv

    def layer_states(self) -> list[LayerState]:
        c = self._config
        kinds = ["attention" if layer % c.attn_layer_period == c.attn_layer_offset else "state"
                 for layer in range(c.num_hidden_layers)]
        return states_by_kind(kinds, self.mamba_states, self.attention_states)
