"""ALiBi decoders (BLOOM, MPT): positions come from the attention mask, so no ``position_ids`` input; the forward
takes the cache before the mask (as GPT-2's)."""

from ..normalized_config import NormalizedTextConfig
from ...registry import register
from ..modality import TextDecoderOnnxConfig
from .gpt2 import DECODER_TASKS


@register("bloom", *DECODER_TASKS, "token-classification")
class BloomOnnxConfig(TextDecoderOnnxConfig):
    ATOL_FOR_VALIDATION = 1e-4
    NORMALIZED_CONFIG_CLASS = NormalizedTextConfig.with_args(num_layers="n_layer", num_attention_heads="n_head")
    USES_POSITION_IDS = False
    PAST_BEFORE_ATTENTION_MASK = True


@register("mpt", *DECODER_TASKS, "token-classification")
class MPTOnnxConfig(BloomOnnxConfig):
    NORMALIZED_CONFIG_CLASS = NormalizedTextConfig.with_args(
        num_attention_heads="n_heads", hidden_size="d_model", num_layers="n_layers"
    )
