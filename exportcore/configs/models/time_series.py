"""Time-series transformers on patches of a window: PatchTST and PatchTSMixer. ``feature-extraction`` takes
``past_values`` (batch × ``context_length`` × channels) and returns ``last_hidden_state``. The window is the
configuration's ``context_length``: the models refuse another, so only the batch axis is dynamic (decision 166).
The patches are cut by slicing while the export traces (``adapter_forwards.patchify_slices``)."""

from __future__ import annotations

from ...registry import register
from ..base import OnnxConfig
from ..dummy_inputs import DummyInputGenerator


class DummyPastValuesGenerator(DummyInputGenerator):
    SUPPORTED_INPUT_NAMES = ("past_values",)

    def shape(self, name: str) -> list[int]:
        config = self.normalized_config.config
        return [self.batch_size, config.context_length, config.num_input_channels]

    def values(self, name: str, shape: list[int]):
        return self.random_float(name, shape)


@register("patchtst", "feature-extraction")
class PatchTSTOnnxConfig(OnnxConfig):
    MODALITY = "time-series"
    DUMMY_INPUT_GENERATOR_CLASSES = (DummyPastValuesGenerator,)
    ATOL_FOR_VALIDATION = 1e-4
    EXPORT_FORWARDS = ("patchify_slices",)

    @property
    def inputs(self):
        return {"past_values": {0: "batch_size"}}

    @property
    def outputs(self):
        return {"last_hidden_state": {0: "batch_size"}}


@register("patchtsmixer", "feature-extraction")
class PatchTSMixerOnnxConfig(PatchTSTOnnxConfig):
    pass
