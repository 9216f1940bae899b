from ..normalized_config import NormalizedTextConfig
from ...registry import register
from ..modality import TextDecoderOnnxConfig

DECODER_TASKS = (
    "feature-extraction",
    "feature-extraction-with-past",
    "text-generation",
    "text-generation-with-past",
    "text-classification",
)


@register("gpt2", *DECODER_TASKS, "token-classification")
class GPT2OnnxConfig(TextDecoderOnnxConfig):
    ATOL_FOR_VALIDATION = 1e-4
    NORMALIZED_CONFIG_CLASS = NormalizedTextConfig.with_args(
        num_layers="n_layer", num_attention_heads="n_head", hidden_size="n_embd"
    )
    PAST_BEFORE_ATTENTION_MASK = True
