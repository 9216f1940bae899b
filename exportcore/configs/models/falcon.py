"""Falcon: one shared KV head (multi-query) unless the new decoder architecture says how many; ALiBi variants
take no ``position_ids``. The forward takes the cache before the mask."""

from ..normalized_config import NormalizedTextConfig
from ...registry import register
from ..modality import TextDecoderOnnxConfig
from .mistral import GENERATION_TASKS


class FalconNormalizedConfig(NormalizedTextConfig):
    @property
    def num_key_value_heads(self) -> int:
        c = self.config
        if c.new_decoder_architecture or not c.multi_query:
            return c.num_kv_heads
        return 1


@register("falcon", *GENERATION_TASKS, "question-answering", "token-classification")
class FalconOnnxConfig(TextDecoderOnnxConfig):
    ATOL_FOR_VALIDATION = 1e-4
    NORMALIZED_CONFIG_CLASS = FalconNormalizedConfig
    PAST_BEFORE_ATTENTION_MASK = True

    @property
    def inputs(self):
        inputs = super().inputs
        if self._config.alibi:
            inputs.pop("position_ids", None)
        return inputs
