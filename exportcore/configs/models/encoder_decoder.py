"""A text encoder + text decoder assembled by transformers' ``EncoderDecoderModel`` (``encoder-decoder``: bert2bert,
roberta2roberta… summarizers) for text2text-generation: ``encoder_model.onnx`` (input_ids, attention_mask ->
last_hidden_state) and the decoder with its self- and cross-attention cache (``decoder_model_merged.onnx``), as
Optimum exports them."""

from ...registry import register
from ..modality import TextSeq2SeqOnnxConfig
from .vision_encoder_decoder import VisionEncoderDecoderNormalizedConfig


class EncoderDecoderNormalizedConfig(VisionEncoderDecoderNormalizedConfig):
    ATTRIBUTES = {**VisionEncoderDecoderNormalizedConfig.ATTRIBUTES, "vocab_size": "decoder.vocab_size"}


@register("encoder-decoder", "text2text-generation", "text2text-generation-with-past")
class EncoderDecoderOnnxConfig(TextSeq2SeqOnnxConfig):
    ATOL_FOR_VALIDATION = 1e-4
    NORMALIZED_CONFIG_CLASS = EncoderDecoderNormalizedConfig
