from ..normalized_config import NormalizedSeq2SeqConfig
from ...registry import register
from ..modality import TextSeq2SeqOnnxConfig

#: Optimum's tasks for text encoder-decoders; with past, feature-extraction is split like text2text-generation
#: (encoder_model + decoder_model_merged), its decoder returning ``last_hidden_state`` instead of ``logits``.
SEQ2SEQ_TASKS = ("feature-extraction", "feature-extraction-with-past", "text2text-generation",
                 "text2text-generation-with-past")


@register("t5", *SEQ2SEQ_TASKS)
class T5OnnxConfig(TextSeq2SeqOnnxConfig):
    ATOL_FOR_VALIDATION = 1e-4
    NORMALIZED_CONFIG_CLASS = NormalizedSeq2SeqConfig.with_args(
        hidden_size="d_model",
        num_attention_heads="num_heads",
        encoder_num_layers="num_layers",
        decoder_num_layers="num_decoder_layers",
        num_layers="num_decoder_layers",
        encoder_num_attention_heads="num_heads",
        decoder_num_attention_heads="num_heads",
        decoder_head_dim="d_kv",
        encoder_head_dim="d_kv",
    )
